/**
 * What is under the cursor, in Django terms: a URL name being reversed, a pattern's own name, an
 * included module, a dotted path in settings (INSTALLED_APPS, MIDDLEWARE, ROOT_URLCONF), a view
 * given as a dotted string, or a def/class that is routed as a view. Everything else is not ours
 * (Pylance answers plain Python).
 */
import type { Node } from '../core/python/parser';
import { stringLiteral, stringContentLoc, locOf } from '../core/python/evaluator';
import { urlNameContext, looksLikeUrlName } from '../core/urls/usages';
import { lexTemplate, splitTagContent, LineIndex } from '../core/templates/lexer';
import type { Loc } from '../core/python/values';
import type { Doc } from './session';
import { templateNameContext, looksLikeTemplateName } from '../core/templates/pyuses';
import { parseTemplate } from '../core/templates/parse';

export type Target =
  | { kind: 'urlName'; name: string; loc: Loc }
  | { kind: 'patternName'; name: string; loc: Loc; call: Node }
  | { kind: 'module'; name: string; loc: Loc }
  | { kind: 'dotted'; value: string; loc: Loc; setting: 'INSTALLED_APPS' | 'MIDDLEWARE' | 'ROOT_URLCONF' | 'view' }
  | { kind: 'def'; name: string; loc: Loc }
  /** A template name: in Python (render(), template_name, …) or in `{% extends %}`/`{% include %}`. */
  | { kind: 'templateName'; name: string; loc: Loc; inTemplate: boolean }
  | { kind: 'block'; name: string; loc: Loc }
  | { kind: 'blockSuper'; name?: string; loc: Loc }
  /** `offset`: where it is used (what is loaded before counts); `lib`: named in `{% load x from lib %}`. */
  | { kind: 'tag' | 'filter'; name: string; loc: Loc; offset: number; lib?: string }
  | { kind: 'library'; name: string; loc: Loc }
  | { kind: 'static'; path: string; loc: Loc };

const PATTERN_FUNCS = new Set(['path', 're_path', 'url']);
const DOTTED_SETTINGS = new Set(['INSTALLED_APPS', 'MIDDLEWARE', 'ROOT_URLCONF']);

export function calleeName(call: Node | null | undefined): string | undefined {
  const fn = call?.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** The setting a string sits in, climbing through lists, `+` and `.append/.insert/.extend`. */
function settingContext(str: Node): 'INSTALLED_APPS' | 'MIDDLEWARE' | 'ROOT_URLCONF' | undefined {
  let n: Node | null = str;
  for (let depth = 0; n && depth < 6; depth++) {
    const p: Node | null = n.parent;
    if (!p) return undefined;
    if (p.type === 'assignment' || p.type === 'augmented_assignment') {
      const left = p.childForFieldName('left')?.text;
      return left && DOTTED_SETTINGS.has(left) && p.childForFieldName('right')?.id === n.id ? (left as 'INSTALLED_APPS') : undefined;
    }
    if (p.type === 'argument_list') {
      const fn = p.parent?.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const obj = fn.childForFieldName('object')?.text;
        const meth = fn.childForFieldName('attribute')?.text;
        if (obj && DOTTED_SETTINGS.has(obj) && (meth === 'append' || meth === 'insert' || meth === 'extend')) return obj as 'INSTALLED_APPS';
      }
      return undefined;
    }
    if (!['list', 'tuple', 'binary_operator', 'parenthesized_expression', 'expression_list'].includes(p.type)) return undefined;
    n = p;
  }
  return undefined;
}

function locatePython(doc: Doc, offset: number): Target | undefined {
  const tree = doc.tree;
  if (!tree) return undefined;
  let node: Node | null = tree.rootNode.descendantForIndex(offset);
  // Just after the closing quote still counts (the cursor often rests there).
  if (node && node.type !== 'string_content' && node.type !== 'identifier' && offset > 0 && node.startIndex === offset) {
    node = tree.rootNode.descendantForIndex(offset - 1);
  }
  if (!node) return undefined;
  if (node.type === 'identifier') {
    const p = node.parent;
    if ((p?.type === 'function_definition' || p?.type === 'class_definition') && p.childForFieldName('name')?.id === node.id) {
      return { kind: 'def', name: node.text, loc: locOf(doc.file, node) };
    }
    return undefined;
  }
  while (node && node.type !== 'string') {
    if (!['string_content', 'string_start', 'string_end', 'escape_sequence'].includes(node.type)) return undefined;
    node = node.parent;
  }
  if (!node) return undefined;
  const value = stringLiteral(node);
  if (value === undefined) return undefined;
  const loc = stringContentLoc(doc.file, node);
  if (templateNameContext(node)) return looksLikeTemplateName(value) ? { kind: 'templateName', name: value, loc, inTemplate: false } : undefined;
  if (urlNameContext(node)) return looksLikeUrlName(value) ? { kind: 'urlName', name: value, loc } : undefined;
  const parent = node.parent;
  if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.text === 'name') {
    const call = parent.parent?.parent;
    if (call && PATTERN_FUNCS.has(calleeName(call) ?? '')) return { kind: 'patternName', name: value, loc, call };
  }
  if (parent?.type === 'argument_list') {
    const call = parent.parent;
    const fn = calleeName(call);
    const args = parent.namedChildren.filter((c) => c.type !== 'comment');
    const index = args.findIndex((c) => c.id === node!.id);
    if (fn === 'include' && index === 0) return { kind: 'module', name: value, loc };
    if (fn && PATTERN_FUNCS.has(fn) && index === 1) return { kind: 'dotted', value, loc, setting: 'view' };
    if (fn && PATTERN_FUNCS.has(fn) && index === 3) return { kind: 'patternName', name: value, loc, call: call! };
  }
  if (parent?.type === 'tuple' && parent.parent?.type === 'argument_list' && calleeName(parent.parent.parent) === 'include') {
    if (parent.namedChildren[0]?.id === node.id) return { kind: 'module', name: value, loc };
  }
  const setting = settingContext(node);
  if (setting) return { kind: 'dotted', value, loc, setting };
  return undefined;
}

function locateTemplate(doc: Doc, offset: number): Target | undefined {
  const p = parseTemplate(doc.text, doc.file);
  const inside = (start: number, len: number) => offset >= start && offset <= start + len;
  const ext = p.extends?.ref;
  if (ext && inside(ext.start, ext.end - ext.start)) return { kind: 'templateName', name: ext.name, loc: ext.loc, inTemplate: true };
  for (const r of p.includes) if (inside(r.start, r.end - r.start)) return { kind: 'templateName', name: r.name, loc: r.loc, inTemplate: true };
  for (const b of p.blocks) if (inside(b.nameStart, b.name.length)) return { kind: 'block', name: b.name, loc: b.nameLoc };
  for (const sp of p.supers) if (inside(sp.start, 'block.super'.length)) return { kind: 'blockSuper', name: sp.block?.name, loc: sp.loc };
  for (const l of p.loads) {
    if (inside(l.libStart, l.lib.length)) return { kind: 'library', name: l.lib, loc: l.loc };
    for (const n of l.names ?? []) if (inside(n.start, n.name.length)) return { kind: 'tag', name: n.name, loc: n.loc, offset: l.start, lib: l.lib };
  }
  for (const st of p.statics) if (inside(st.start, st.end - st.start)) return { kind: 'static', path: st.name, loc: st.loc };
  const url = locateUrlTag(doc, offset);
  if (url) return url;
  for (const t of p.tags) if (inside(t.start, t.name.length)) return { kind: 'tag', name: t.name, loc: t.loc, offset: t.start };
  for (const f of p.filters) if (inside(f.start, f.name.length)) return { kind: 'filter', name: f.name, loc: f.loc, offset: f.start };
  return undefined;
}

function locateUrlTag(doc: Doc, offset: number): Target | undefined {
  for (const tok of lexTemplate(doc.text)) {
    if (tok.kind !== 'block' || offset < tok.start || offset > tok.end) continue;
    const bits = splitTagContent(tok.content, tok.contentStart);
    const b = bits[1];
    if (bits[0]?.text !== 'url' || !b) return undefined;
    const q = b.text[0];
    if ((q !== '"' && q !== "'") || b.text.length < 2 || b.text[b.text.length - 1] !== q) return undefined;
    if (offset < b.start || offset > b.start + b.text.length) return undefined;
    const lines = new LineIndex(doc.text);
    const s = lines.position(b.start + 1);
    const e = lines.position(b.start + b.text.length - 1);
    return { kind: 'urlName', name: b.text.slice(1, -1), loc: { file: doc.file, line: s.line, character: s.character, endLine: e.line, endCharacter: e.character } };
  }
  return undefined;
}

export function locate(doc: Doc, offset: number): Target | undefined {
  return doc.kind === 'python' ? locatePython(doc, offset) : locateTemplate(doc, offset);
}
