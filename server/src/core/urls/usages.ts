/**
 * Where URL names are used: `reverse`, `reverse_lazy`, `redirect`, `resolve_url` (and anything
 * wrapping them, e.g. `HttpResponseRedirect(reverse(...))`, `success_url = reverse_lazy(...)`),
 * `pattern_name`, `LOGIN_URL`-style settings in Python; `{% url '...' %}` in templates.
 * Only literal names are collected; a name built at run time is not a reference we can check.
 */
import type { Node, Tree } from '../python/parser';
import { stringLiteral, stringContentLoc } from '../python/evaluator';
import type { Loc } from '../python/values';
import { lexTemplate, splitTagContent, LineIndex } from '../templates/lexer';

export interface UrlNameUse {
  name: string;
  /** The string's content (without quotes). */
  loc: Loc;
  via: string;
}

const REVERSE_FUNCS = new Set(['reverse', 'reverse_lazy', 'resolve_url', 'redirect']);
const NAME_SETTINGS = new Set(['LOGIN_URL', 'LOGIN_REDIRECT_URL', 'LOGOUT_REDIRECT_URL']);

/** A URL name rather than a path or URL ("/x/", "https://…", "../"): what `resolve_url` would reverse. */
export function looksLikeUrlName(s: string): boolean {
  return s.length > 0 && !s.includes('/') && !s.startsWith('.') && !/\s/.test(s);
}

function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/**
 * If `str` (a string node) is a URL name in a reversing position, the function it is passed to.
 * Shared by the scanner and the editor features, so both agree on what counts.
 */
export function urlNameContext(str: Node): string | undefined {
  const parent = str.parent;
  if (!parent) return undefined;
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    const name = call ? calleeName(call) : undefined;
    if (name && REVERSE_FUNCS.has(name) && parent.namedChildren.find((c) => c.type !== 'comment')?.id === str.id) return name;
    return undefined;
  }
  if (parent.type === 'keyword_argument') {
    const kw = parent.childForFieldName('name')?.text;
    const call = parent.parent?.parent;
    const fn = call ? calleeName(call) : undefined;
    if (kw === 'viewname' && fn && REVERSE_FUNCS.has(fn)) return fn;
    if (kw === 'pattern_name') return 'pattern_name';
    return undefined;
  }
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === str.id) {
    const left = parent.childForFieldName('left')?.text;
    if (left === 'pattern_name') return 'pattern_name';
    if (left && NAME_SETTINGS.has(left)) return left;
  }
  return undefined;
}

export function pythonUrlNameUses(tree: Tree, file: string): UrlNameUse[] {
  const out: UrlNameUse[] = [];
  // Only the string nodes cross from wasm into JS (walking every node costs ~6x more).
  for (const n of tree.rootNode.descendantsOfType('string')) {
    if (!n) continue;
    const via = urlNameContext(n);
    if (!via) continue;
    const s = stringLiteral(n);
    if (s === undefined || !looksLikeUrlName(s)) continue;
    out.push({ name: s, loc: stringContentLoc(file, n), via });
  }
  return out;
}

/** `{% url 'name' ... %}` in a template; the name's content range. */
export function templateUrlNameUses(text: string, file: string): UrlNameUse[] {
  const out: UrlNameUse[] = [];
  let lines: LineIndex | undefined;
  for (const tok of lexTemplate(text)) {
    if (tok.kind !== 'block') continue;
    const bits = splitTagContent(tok.content, tok.contentStart);
    if (bits[0]?.text !== 'url' || !bits[1]) continue;
    const b = bits[1].text;
    const q = b[0];
    if ((q !== '"' && q !== "'") || b.length < 2 || b[b.length - 1] !== q) continue;
    lines ??= new LineIndex(text);
    const start = lines.position(bits[1].start + 1);
    const end = lines.position(bits[1].start + b.length - 1);
    out.push({ name: b.slice(1, -1), loc: { file, line: start.line, character: start.character, endLine: end.line, endCharacter: end.character }, via: 'url tag' });
  }
  return out;
}
