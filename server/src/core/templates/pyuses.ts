/**
 * Template names written in Python: `render(request, "x")`, `render_to_string("x")`,
 * `get_template`, `select_template([...])`, `TemplateResponse(request, "x")`,
 * `SimpleTemplateResponse("x")`, `inclusion_tag("x")`, `template_name = "x"` (and the
 * `*_template_name`/`*_template` attributes of Django's classes, e.g. `email_template_name`,
 * `change_form_template`), `template_name="x"` keywords (`as_view(template_name=...)`) and dict
 * entries, and strings returned by `get_template_names()`. Shared by the scanner and the editor,
 * so both agree on what counts.
 */
import type { Node, Tree } from '../python/parser';
import { stringLiteral, stringContentLoc } from '../python/evaluator';
import type { Loc } from '../python/values';

export interface TemplateNameUse {
  name: string;
  /** The string's content. */
  loc: Loc;
  via: string;
  /**
   * Set for names in a list (`select_template([...])`, `get_template_names()` returning
   * several): Django takes the first that exists, so only a group with none existing is wrong.
   */
  group?: string;
  /** In a list that also holds computed names. */
  dynamic?: boolean;
  /** The def/class it is written in (`PostDetailView`, `index`), for showing who renders. */
  scope?: string;
}

/** Calls taking a template name, and the positional index where it goes. */
const CALLS: Record<string, number> = {
  render: 1, render_to_response: 0, render_to_string: 0, get_template: 0, select_template: 0,
  TemplateResponse: 1, SimpleTemplateResponse: 0, inclusion_tag: 0,
};
const NAME_ATTR = /^(?:\w+_)?template(?:_name)?$/;

/** A string that can be a template name (a relative path with a file extension). */
export function looksLikeTemplateName(s: string): boolean {
  return /^[\w\-.@+/]+\.\w+$/.test(s) && !s.startsWith('/') && !s.startsWith('.') && !s.includes('//');
}

function callee(call: Node | null | undefined): string | undefined {
  const fn = call?.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** If the string node is a template name in one of the contexts above: how it is used. */
export function templateNameContext(str: Node): string | undefined {
  let n: Node = str;
  let p = n.parent;
  // select_template(["a", "b"]), template_name = ["a", "b"], return ["a", "b"]
  if (p && (p.type === 'list' || p.type === 'tuple')) {
    n = p;
    p = p.parent;
  }
  if (!p) return undefined;
  if (p.type === 'argument_list') {
    const fn = callee(p.parent);
    if (!fn || !(fn in CALLS)) return undefined;
    // `env.get_template(...)` on a Jinja2 Environment of its own is not Django's loader.
    const obj = p.parent?.childForFieldName('function')?.childForFieldName('object')?.text;
    if (obj && /env/i.test(obj) && !/engines?\b/.test(obj)) return undefined;
    const args = p.namedChildren.filter((c) => c && c.type !== 'comment' && c.type !== 'keyword_argument');
    return args[CALLS[fn]]?.id === n.id ? fn : undefined;
  }
  if (p.type === 'keyword_argument') {
    const k = p.childForFieldName('name')?.text ?? '';
    if (k === 'template_name' || (k === 'filename' && callee(p.parent?.parent) === 'inclusion_tag')) return k;
    return NAME_ATTR.test(k) && k !== 'template' ? k : undefined;
  }
  if (p.type === 'pair' && p.childForFieldName('value')?.id === n.id) {
    const key = p.childForFieldName('key');
    const k = key ? stringLiteral(key) : undefined;
    return k === 'template_name' ? k : undefined;
  }
  if (p.type === 'assignment' && p.childForFieldName('right')?.id === n.id) {
    const left = p.childForFieldName('left');
    const name = left?.type === 'identifier' ? left.text : left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : undefined;
    return name && NAME_ATTR.test(name) ? name : undefined;
  }
  if (p.type === 'return_statement') {
    for (let f: Node | null = p.parent; f; f = f.parent) {
      if (f.type === 'function_definition') return f.childForFieldName('name')?.text === 'get_template_names' ? 'get_template_names' : undefined;
    }
  }
  return undefined;
}

/** `Outer.method` of the defs and classes around a node (outermost class first). */
function enclosingScope(n: Node): string | undefined {
  const parts: string[] = [];
  let from: Node = n;
  for (let p = n.parent; p; from = p, p = p.parent) {
    // In a decorator (`@register.inclusion_tag("x")`): the function it decorates.
    const def = p.type === 'decorated_definition' && from.type === 'decorator' ? p.childForFieldName('definition') : p;
    if (def && (def.type === 'function_definition' || def.type === 'class_definition')) {
      const name = def.childForFieldName('name')?.text;
      if (name) parts.unshift(name);
    }
  }
  return parts.length ? parts.join('.') : undefined;
}

const HINTS = ['template', 'render', 'Template'];

export function mayUseTemplates(text: string): boolean {
  return HINTS.some((h) => text.includes(h));
}

export function pythonTemplateUses(tree: Tree, file: string): TemplateNameUse[] {
  const out: TemplateNameUse[] = [];
  for (const n of tree.rootNode.descendantsOfType('string')) {
    if (!n) continue;
    const via = templateNameContext(n);
    if (!via) continue;
    const s = stringLiteral(n);
    if (s === undefined || !looksLikeTemplateName(s)) continue;
    const list = n.parent && (n.parent.type === 'list' || n.parent.type === 'tuple') ? n.parent : undefined;
    const group = list && list.namedChildCount > 1 ? `${file}:${list.startIndex}` : undefined;
    // A list with a computed member may well find that one first.
    const dynamic = list?.namedChildren.some((c) => c && c.type !== 'string' && c.type !== 'comment');
    const scope = enclosingScope(n);
    out.push({ name: s, loc: stringContentLoc(file, n), via, ...(group ? { group } : {}), ...(dynamic ? { dynamic } : {}), ...(scope ? { scope } : {}) });
  }
  return out;
}
