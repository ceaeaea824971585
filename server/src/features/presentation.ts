/**
 * Hover text, CodeLenses and completion for URL names and views. Routes are shown as a user would
 * type them (leading `/`), names with their namespaces, views with their module and file.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Loc } from '../core/python/values';
import type { UrlLeaf } from '../core/urls/tree';
import type { ViewRef } from '../core/urls/views';
import type { Doc, ProjectSession } from './session';
import { locate } from './locate';
import { lexTemplate, splitTagContent } from '../core/templates/lexer';
import { patternsForDef } from './navigation';
import { templateHover, templateLenses, impliedLenses, templateCompletions, pythonTemplateCompletions } from './templates';
import { modelHover, lookupCompletions } from './models';
import { routeExamples, preferredMethod } from '../core/flow/flow';

export function displayRoute(route: string): string {
  return '/' + route;
}

/**
 * A route as a person reads it, for labels: the regex parts of `re_path()` and DRF routers
 * written as path() routes — `api/^users/(?P<pk>[^/.]+)/$` → `/api/users/<pk>/` — when they are
 * that simple (anchors, named groups, escaped punctuation); any other regex is shown as written.
 */
export function readableRoute(route: string): string {
  let out = '';
  for (let i = 0; i < route.length; ) {
    const c = route[i];
    if (c === '^' || (c === '$' && (i === route.length - 1 || route[i + 1] !== '$'))) {
      i++;
    } else if (route.startsWith('/?', i) && /^\/\?\$?$/.test(route.slice(i))) {
      // An optional trailing slash (DRF's `.json` variants, routers' trailing_slash='/?').
      i += 2;
    } else if (route.startsWith('(?P<', i)) {
      const close = route.indexOf('>', i);
      const end = groupEnd(route, i);
      if (close < 0 || end < 0) return displayRoute(route);
      out += `<${route.slice(i + 4, close)}>`;
      i = end + 1;
    } else if (c === '\\') {
      const next = route[i + 1];
      if (next === undefined || /\w/.test(next)) return displayRoute(route);
      out += next;
      i += 2;
    } else if (c === '<') {
      // A path() converter (`<int:pk>`), as written.
      const close = route.indexOf('>', i);
      if (close < 0) return displayRoute(route);
      out += route.slice(i, close + 1);
      i = close + 1;
    } else if ('()[]{}*+?|.'.includes(c)) {
      return displayRoute(route);
    } else {
      out += c;
      i++;
    }
  }
  return '/' + out;
}

/** The index of the `)` closing the group opened at `start`, or -1. */
function groupEnd(s: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The routes a DRF format-suffix pattern (`format_suffix_patterns`, a router's `.json` variants)
 * may have been made from (DRF drops the trailing slash, then appends the suffix):
 * `^users\.(?P<format>[a-z0-9]+)/?$` → `^users/$` or `^users$`, `ping<drf_format_suffix:format>`
 * → `ping/` or `ping`; none for any other route.
 */
export function formatSuffixBases(route: string): string[] {
  const re = route.lastIndexOf('\\.(?P<format>');
  if (re >= 0 && route.endsWith('/?$')) return [`${route.slice(0, re)}/$`, `${route.slice(0, re)}$`];
  const conv = /<drf_format_suffix\w*:format>$/.exec(route);
  if (conv) return [`${route.slice(0, conv.index)}/`, route.slice(0, conv.index)];
  return [];
}

/** `file:line` as a link that opens the place (markdown), relative to the project when inside it. */
function where(s: ProjectSession, loc: Loc | undefined): string {
  if (!loc) return 'library code';
  const rel = path.relative(s.project.root, loc.file);
  const shown = rel.startsWith('..') ? loc.file : rel.split(path.sep).join('/');
  return `[${shown}:${loc.line + 1}](${pathToFileURL(loc.file).href}#L${loc.line + 1})`;
}

function plainWhere(s: ProjectSession, loc: Loc | undefined): string {
  if (!loc) return 'library code';
  const rel = path.relative(s.project.root, loc.file);
  return `${rel.startsWith('..') ? loc.file : rel.split(path.sep).join('/')}:${loc.line + 1}`;
}

/** Where a lens or a list jumps to: the start of the `path(` call, not the whole call selected. */
function startOf(loc: Loc): Loc {
  return { ...loc, endLine: loc.line, endCharacter: loc.character };
}

function viewText(v: ViewRef | null): string {
  return v ? `\`${v.module}.${v.qualname}\`` : '_unknown_';
}

function leafMarkdown(s: ProjectSession, l: UrlLeaf): string {
  const lines = [
    `**URL** \`${displayRoute(l.route)}\`${l.conditional ? ' _(conditional)_' : ''}`,
    '',
    `- name: \`${l.name ?? '(unnamed)'}\``,
    `- view: ${viewText(l.pattern.view)}${l.pattern.view?.loc ? ` (${where(s, l.pattern.view.loc)})` : ''}`,
    `- defined in ${where(s, l.pattern.loc)}`,
  ];
  if (l.chain.length) lines.push(`- included via ${l.chain.map((c) => `\`${c.route || '""'}\`${c.module ? ` → ${c.module}` : ''}`).join(', ')}`);
  return lines.join('\n');
}

export interface HoverResult {
  markdown: string;
  loc: Loc;
}

export function hover(s: ProjectSession, doc: Doc, offset: number): HoverResult | undefined {
  const t = locate(doc, offset);
  if (!t) return modelHover(s, doc, offset);
  if (t.kind === 'urlName' || t.kind === 'patternName') {
    const leaves = t.kind === 'urlName'
      ? s.names.lookup(t.name)
      : s.project.urlTree().leaves.filter((l) => l.pattern.nameLoc?.file === t.loc.file && l.pattern.nameLoc.line === t.loc.line && l.pattern.nameLoc.character === t.loc.character);
    if (!leaves.length) {
      if (t.kind === 'urlName') return { markdown: `No URL pattern is named \`${t.name}\` in ${s.project.rootUrlconf() ?? 'ROOT_URLCONF'}.`, loc: t.loc };
      return { markdown: 'This pattern is not reachable from ROOT_URLCONF.', loc: t.loc };
    }
    return { markdown: leaves.slice(0, 5).map((l) => leafMarkdown(s, l)).join('\n\n---\n\n'), loc: t.loc };
  }
  if (t.kind === 'def') {
    const leaves = patternsForDef(s, t.loc);
    if (!leaves.length) return modelHover(s, doc, offset);
    const rows = leaves.slice(0, 10).map((l) => `- \`${displayRoute(l.route)}\` — \`${l.name ?? '(unnamed)'}\` (${where(s, l.pattern.loc)})`);
    if (leaves.length > 10) rows.push(`- … and ${leaves.length - 10} more`);
    return { markdown: [`**Django view** routed by ${leaves.length} URL pattern${leaves.length > 1 ? 's' : ''}:`, '', ...rows].join('\n'), loc: t.loc };
  }
  if (['templateName', 'block', 'blockSuper', 'tag', 'filter', 'library', 'static'].includes(t.kind)) {
    const markdown = templateHover(s, doc, t);
    return markdown ? { markdown, loc: t.loc } : undefined;
  }
  if (t.kind === 'module' || t.kind === 'dotted') {
    const name = t.kind === 'module' ? t.name : t.value;
    const mod = s.project.resolver.resolve(name);
    if (mod) return { markdown: `\`${name}\` — ${mod.file ? where(s, { file: mod.file, line: 0, character: 0, endLine: 0, endCharacter: 0 }) : 'namespace package'}`, loc: t.loc };
  }
  return undefined;
}

export interface Lens {
  loc: Loc;
  title: string;
  /** Where a click goes (one place is opened, several peeked); empty when `action` is set. */
  targets: Loc[];
  /** What a click does instead of going to `targets` (lsp/convert.ts names the client command). */
  action?: LensAction;
}

/** Trace a request to `path` (the client's Request Flow view). */
export interface LensAction {
  kind: 'trace';
  path: string;
  method?: string;
}

export const TRACE_TITLE = '▶ Trace';

/**
 * In Python: above each routed view its routes and names (clicking goes to the pattern) and a
 * "▶ Trace" of its first route; above each URL pattern of a URLconf a "▶ Trace" of its example
 * path; above each generic view the template it implies. In a template: its users, and per block
 * what it overrides and who overrides it.
 */
export function codeLenses(s: ProjectSession, doc: Doc): Lens[] {
  if (doc.kind === 'template') return templateLenses(s, doc);
  let examples: Map<UrlLeaf, string> | undefined;
  // Only a file with patterns or routed views asks for the example paths.
  const example = (l: UrlLeaf) => {
    if (!examples) {
      examples = new Map();
      for (const r of routeExamples(s.project)) examples.set(r.leaf, r.example);
    }
    return examples.get(l);
  };
  return [...viewLenses(s, doc.file, example), ...patternLenses(s, doc.file, example), ...impliedLenses(s, doc.file)];
}

type ExampleOf = (l: UrlLeaf) => string | undefined;

/** A "▶ Trace" lens; a view that does not answer GET is traced with the method it does answer. */
function traceLens(s: ProjectSession, leaf: UrlLeaf, loc: Loc, path: string, withPath: boolean): Lens {
  const method = preferredMethod(s.project, leaf);
  const shown = method === 'GET' ? path : `${method} ${path}`;
  return { loc, title: withPath ? `${TRACE_TITLE} ${shown}` : method === 'GET' ? TRACE_TITLE : `${TRACE_TITLE} ${method}`, targets: [], action: { kind: 'trace', path, ...(method === 'GET' ? {} : { method }) } };
}

/** Above each `path(…)` of this file that ROOT_URLCONF reaches: trace its example path (the first, when included twice). */
function patternLenses(s: ProjectSession, file: string, exampleOf: ExampleOf): Lens[] {
  const byCall = new Map<string, Lens>();
  for (const l of s.project.urlTree().leaves) {
    const loc = l.pattern.loc;
    if (loc.file !== file) continue;
    const key = `${loc.line}:${loc.character}`;
    if (byCall.has(key)) continue;
    const example = exampleOf(l);
    if (example === undefined) continue;
    byCall.set(key, traceLens(s, l, startOf(loc), example, true));
  }
  return [...byCall.values()];
}

function viewLenses(s: ProjectSession, file: string, exampleOf: ExampleOf): Lens[] {
  const byDef = new Map<string, { loc: Loc; leaves: UrlLeaf[] }>();
  for (const l of s.project.urlTree().leaves) {
    const v = l.pattern.view?.loc;
    if (!v || v.file !== file) continue;
    const key = `${v.line}:${v.character}`;
    let e = byDef.get(key);
    if (!e) byDef.set(key, (e = { loc: v, leaves: [] }));
    e.leaves.push(l);
  }
  const out: Lens[] = [];
  for (const { loc, leaves } of byDef.values()) {
    const first = leaves[0];
    const title = leaves.length === 1
      ? `${displayRoute(first.route)}${first.name ? ` · ${first.name}` : ''}`
      : `${leaves.length} routes: ${leaves.slice(0, 3).map((l) => displayRoute(l.route)).join(', ')}${leaves.length > 3 ? ', …' : ''}`;
    out.push({ loc, title, targets: leaves.map((l) => startOf(l.pattern.loc)) });
    const traced = leaves.find((l) => exampleOf(l) !== undefined);
    if (traced) out.push(traceLens(s, traced, loc, exampleOf(traced)!, false));
  }
  return out;
}

/**
 * The partial URL name before the cursor in Python, when the cursor is in the first string argument
 * of a reversing call (read from the line's text, so an unclosed string still completes).
 */
function typedPythonName(before: string): string | undefined {
  const m = /\b(?:reverse|reverse_lazy|redirect|resolve_url)\s*\(\s*(?:viewname\s*=\s*)?['"]([\w:.-]*)$/.exec(before) ??
    /\bpattern_name\s*=\s*['"]([\w:.-]*)$/.exec(before);
  return m?.[1];
}

/** The partial name typed in `{% url '…` at the cursor (the lexer ends an unclosed tag at the line end). */
function typedTemplateName(lineText: string, character: number): string | undefined {
  for (const tok of lexTemplate(lineText)) {
    if (tok.kind !== 'block' || character < tok.contentStart || character > tok.end) continue;
    const bits = splitTagContent(tok.content, tok.contentStart);
    const b = bits[1];
    if (bits[0]?.text !== 'url' || !b || (b.text[0] !== '"' && b.text[0] !== "'")) return undefined;
    if (character <= b.start || character > b.start + b.text.length) return undefined;
    const partial = lineText.slice(b.start + 1, character);
    return /^[\w:.-]*$/.test(partial) ? partial : undefined;
  }
  return undefined;
}

export interface Completion {
  label: string;
  detail: string;
  documentation: string;
  /** The range of the partial name being replaced. */
  replace: Loc;
  kind?: 'url' | 'template' | 'block' | 'tag' | 'filter' | 'library' | 'static' | 'field';
  /** Inserted instead of the label (a snippet: a block tag with its end tag). */
  snippet?: string;
}

/**
 * Inside `reverse('…`, `redirect('…`, `{% url '…` (and the like): the URL names. Works on the
 * text of the line so half-typed code (an unclosed string) still completes.
 */
export function completions(s: ProjectSession, doc: Doc, line: number, character: number): Completion[] {
  const lineText = doc.text.split('\n')[line] ?? '';
  const typed = doc.kind === 'python' ? typedPythonName(lineText.slice(0, character)) : typedTemplateName(lineText, character);
  if (typed === undefined) {
    if (doc.kind !== 'python') return templateCompletions(s, doc, line, character);
    const names = pythonTemplateCompletions(s, doc, line, character);
    if (names.length) return names;
    let offset = 0;
    const lines = doc.text.split('\n');
    for (let i = 0; i < line && i < lines.length; i++) offset += lines[i].length + 1;
    return lookupCompletions(s, doc, line, character, offset + character);
  }
  let end = character;
  while (end < lineText.length && /[\w:.-]/.test(lineText[end])) end++;
  const replace: Loc = { file: doc.file, line, character: character - typed.length, endLine: line, endCharacter: end };
  const own: Completion[] = [];
  const library: Completion[] = [];
  const seen = new Set<string>();
  for (const l of s.project.urlTree().leaves) {
    if (!l.name || seen.has(l.name)) continue;
    seen.add(l.name);
    // The project's own views first; the admin's and libraries' names after them.
    const list = l.pattern.origin === 'admin' || l.pattern.view?.external ? library : own;
    list.push({
      label: l.name,
      detail: displayRoute(l.route),
      documentation: `${viewText(l.pattern.view)} — ${plainWhere(s, l.pattern.loc)}`,
      replace,
    });
  }
  return [...own, ...library];
}
