/**
 * Template tag libraries, read syntactically from their module's source: the `Library()` instance
 * (usually `register`), and every tag and filter registered on it — `@register.tag`,
 * `@register.simple_tag`, `@register.simple_block_tag`, `@register.inclusion_tag("t.html")`,
 * `@register.filter` (bare, with a name, or with keywords) and the call forms
 * `register.tag("name", func)` / `register.filter("name", func)`. For compile functions, the tag
 * names they parse up to (`parser.parse(("else", "endx"))`) give the tag's end and intermediate
 * tags. Nothing is executed.
 */
import type { Node } from '../python/parser';
import { parsePython } from '../python/parser';
import { stringLiteral, stringContentLoc, locOf } from '../python/evaluator';
import type { Loc } from '../python/values';
import type { NameRef } from './parse';

export interface TagDef {
  name: string;
  kind: 'tag' | 'filter';
  /** The function's name in source. */
  loc?: Loc;
  /** How it is registered: tag, simple_tag, simple_block_tag, inclusion_tag, filter. */
  via: string;
  /** End and intermediate tag names a block tag parses up to. */
  inner?: string[];
  /** The function's docstring. */
  doc?: string;
}

export interface TagLibrary {
  module: string;
  file?: string;
  tags: Map<string, TagDef>;
  filters: Map<string, TagDef>;
  /** `@register.inclusion_tag("t.html")`: the templates it renders. */
  templates: NameRef[];
  /** False when the module has no `Library()` named `register` (Django skips such modules). */
  hasRegister: boolean;
  /**
   * Tags or filters are registered in a way we do not follow (inside a function, e.g. a helper
   * called with the names): the library may hold more than `tags`/`filters` say.
   */
  opaque?: boolean;
}

function calleeParts(call: Node): { obj?: string; attr?: string; name?: string } {
  const fn = call.childForFieldName('function');
  if (!fn) return {};
  if (fn.type === 'identifier') return { name: fn.text };
  if (fn.type === 'attribute') return { obj: fn.childForFieldName('object')?.text, attr: fn.childForFieldName('attribute')?.text };
  return {};
}

function args(call: Node): { positional: Node[]; keywords: Map<string, Node> } {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  const list = call.childForFieldName('arguments');
  for (const a of list?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const k = a.childForFieldName('name')?.text;
      const v = a.childForFieldName('value');
      if (k && v) keywords.set(k, v);
    } else positional.push(a);
  }
  return { positional, keywords };
}

const REGISTRATIONS = new Set(['tag', 'simple_tag', 'simple_block_tag', 'inclusion_tag', 'filter']);

/** The strings a compile function parses up to: `parser.parse(("else", "endif"))`, `skip_past("endx")`. */
function innerTags(fn: Node | undefined): string[] {
  if (!fn) return [];
  const out = new Set<string>();
  for (const call of fn.descendantsOfType('call')) {
    if (!call) continue;
    const { attr } = calleeParts(call);
    if (attr !== 'parse' && attr !== 'skip_past') continue;
    for (const s of call.childForFieldName('arguments')?.descendantsOfType('string') ?? []) {
      const v = s ? stringLiteral(s) : undefined;
      if (v && /^[\w.]+$/.test(v)) out.add(v);
    }
  }
  return [...out];
}

export function readLibrary(module: string, file: string | undefined, text: string | undefined): TagLibrary {
  const lib: TagLibrary = { module, file, tags: new Map(), filters: new Map(), templates: [], hasRegister: false };
  if (!text || !file) return lib;
  const tree = parsePython(text);
  try {
    const root = tree.rootNode;
    const registers = new Set<string>();
    const defs = new Map<string, Node>();
    for (const st of root.namedChildren) {
      if (!st) continue;
      const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
      if (def?.type === 'function_definition') {
        const n = def.childForFieldName('name')?.text;
        if (n) defs.set(n, def);
      }
      if (st.type === 'expression_statement' && st.namedChildren[0]?.type === 'assignment') {
        const a = st.namedChildren[0];
        const left = a.childForFieldName('left');
        const right = a.childForFieldName('right');
        if (left?.type === 'identifier' && right?.type === 'call') {
          const c = calleeParts(right);
          if (c.name === 'Library' || c.attr === 'Library') registers.add(left.text);
        }
      }
      if (st.type === 'import_from_statement' && /\bregister\b/.test(st.text)) registers.add('register');
    }
    lib.hasRegister = registers.has('register');
    if (!registers.size) return lib;

    const add = (kind: 'tag' | 'filter', name: string, via: string, fn: Node | undefined) => {
      const nameNode = fn?.childForFieldName('name');
      const d: TagDef = { name, kind, via, loc: nameNode ? locOf(file, nameNode) : undefined };
      const first = fn?.childForFieldName('body')?.namedChildren[0];
      const docNode = first?.type === 'expression_statement' ? first.namedChildren[0] : undefined;
      const doc = docNode?.type === 'string' ? stringLiteral(docNode) : undefined;
      if (doc) d.doc = doc.trim().slice(0, 1200);
      if (kind === 'tag') {
        const inner = via === 'simple_block_tag' ? [`end${name}`] : via === 'tag' ? innerTags(fn) : [];
        if (inner.length) d.inner = inner;
        lib.tags.set(name, d);
      } else lib.filters.set(name, d);
    };
    const strArg = (n: Node | undefined) => (n && (n.type === 'string' || n.type === 'concatenated_string') ? stringLiteral(n) : undefined);

    for (const st of root.namedChildren) {
      if (!st) continue;
      if (st.type === 'decorated_definition') {
        const fn = st.childForFieldName('definition');
        if (fn?.type !== 'function_definition') continue;
        const fname = fn.childForFieldName('name')?.text ?? '';
        for (const dec of st.namedChildren) {
          if (dec?.type !== 'decorator') continue;
          const expr = dec.namedChildren[0];
          if (!expr) continue;
          let via: string | undefined;
          let call: Node | undefined;
          if (expr.type === 'attribute') {
            if (!registers.has(expr.childForFieldName('object')?.text ?? '')) continue;
            via = expr.childForFieldName('attribute')?.text;
          } else if (expr.type === 'call') {
            const c = calleeParts(expr);
            if (!registers.has(c.obj ?? '')) continue;
            via = c.attr;
            call = expr;
          }
          if (!via || !REGISTRATIONS.has(via)) continue;
          const a = call ? args(call) : undefined;
          let name = strArg(a?.keywords.get('name'));
          if (via === 'inclusion_tag') {
            const t = a?.positional[0] ?? a?.keywords.get('filename');
            if (t?.type === 'string') {
              const v = stringLiteral(t);
              if (v !== undefined) {
                const l = stringContentLoc(file, t);
                lib.templates.push({ name: v, loc: l, start: t.startIndex + 1, end: t.endIndex - 1 });
              }
            }
          } else if (!name && (via === 'tag' || via === 'filter')) name = strArg(a?.positional[0]);
          add(via === 'filter' ? 'filter' : 'tag', name ?? fname, via, fn);
          if (via === 'simple_block_tag') {
            const end = strArg(a?.keywords.get('end_name'));
            if (end) lib.tags.get(name ?? fname)!.inner = [end];
          }
        }
      } else if (st.type === 'expression_statement' && st.namedChildren[0]?.type === 'call') {
        const call = st.namedChildren[0];
        const c = calleeParts(call);
        if (!registers.has(c.obj ?? '') || !c.attr || !REGISTRATIONS.has(c.attr)) continue;
        const a = args(call);
        const first = a.positional[0];
        let name = strArg(first) ?? strArg(a.keywords.get('name'));
        const fnRef = (strArg(first) !== undefined ? a.positional[1] : first) ?? a.keywords.get('compile_function') ?? a.keywords.get('filter_func');
        const fn = fnRef?.type === 'identifier' ? defs.get(fnRef.text) : undefined;
        if (!name && fnRef?.type === 'identifier') name = fnRef.text;
        if (!name) continue;
        add(c.attr === 'filter' ? 'filter' : 'tag', name, c.attr, fn);
      }
    }
    // Registrations inside functions (helpers called with the names) are not followed.
    for (const a of root.descendantsOfType('attribute')) {
      if (!a || !registers.has(a.childForFieldName('object')?.text ?? '') || !REGISTRATIONS.has(a.childForFieldName('attribute')?.text ?? '')) continue;
      for (let p = a.parent; p; p = p.parent) {
        if (p.type === 'function_definition' || p.type === 'class_definition') {
          lib.opaque = true;
          break;
        }
      }
      if (lib.opaque) break;
    }
  } finally {
    tree.delete();
  }
  return lib;
}

/** Django's built-in tags and filters by name, for when Django's own source cannot be read. */
export const FALLBACK_BUILTIN_TAGS = [
  'autoescape', 'block', 'comment', 'csrf_token', 'cycle', 'debug', 'extends', 'filter', 'firstof', 'for', 'if',
  'ifchanged', 'include', 'load', 'lorem', 'now', 'partialdef', 'partial', 'querystring', 'regroup', 'resetcycle', 'spaceless', 'templatetag',
  'url', 'verbatim', 'widthratio', 'with',
];
export const FALLBACK_BUILTIN_FILTERS = [
  'add', 'addslashes', 'capfirst', 'center', 'cut', 'date', 'default', 'default_if_none', 'dictsort', 'dictsortreversed',
  'divisibleby', 'escape', 'escapejs', 'escapeseq', 'filesizeformat', 'first', 'floatformat', 'force_escape', 'get_digit',
  'iriencode', 'join', 'json_script', 'last', 'length', 'length_is', 'linebreaks', 'linebreaksbr', 'linenumbers', 'ljust',
  'lower', 'make_list', 'phone2numeric', 'pluralize', 'pprint', 'random', 'rjust', 'safe', 'safeseq', 'slice', 'slugify',
  'stringformat', 'striptags', 'time', 'timesince', 'timeuntil', 'title', 'truncatechars', 'truncatechars_html',
  'truncatewords', 'truncatewords_html', 'unordered_list', 'upper', 'urlencode', 'urlize', 'urlizetrunc', 'wordcount',
  'wordwrap', 'yesno',
];
