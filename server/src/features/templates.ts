/**
 * Editor features over templates: template names (Python and `{% extends %}`/`{% include %}`) →
 * the file Django loads (shadowed candidates after it); `{% block %}` ↔ the ancestor block it
 * overrides and the descendants overriding it; `{{ block.super }}`; tags, filters and `{% load %}`
 * libraries → their Python; `{% static %}` → the file; a template's users (extends, includes,
 * Python that renders it, generic views implying it); the lenses, hovers, completions, symbols
 * and folding ranges that show all this.
 */
import path from 'node:path';
import { fileStart, type Loc } from '../core/python/values';
import type { DefV } from '../core/python/values';
import type { ProjectSession, Doc } from './session';
import type { Target } from './locate';
import type { TemplateCatalog, Candidate } from '../core/templates/catalog';
import { parseTemplate, type ParsedTemplate, type BlockDef } from '../core/templates/parse';
import { scopeAt, type ScopedDef } from '../core/templates/tags';
import { impliedTemplate, impliedTemplatesIn } from '../core/templates/implied';
import { lexTemplate, splitTagContent } from '../core/templates/lexer';


function rel(s: ProjectSession, file: string): string {
  const r = path.relative(s.project.root, file);
  return r.startsWith('..') || path.isAbsolute(r) ? file : r.split(path.sep).join('/');
}

function link(s: ProjectSession, loc: Loc, label?: string): string {
  return `[${label ?? `${rel(s, loc.file)}:${loc.line + 1}`}](${encodeURI(`file://${loc.file}`)}#L${loc.line + 1})`;
}

/** The parse of the document being edited (its live text), or of a file through the catalog. */
function parsedDoc(doc: Doc): ParsedTemplate {
  return parseTemplate(doc.text, doc.file);
}

/** Candidates for a name written in `doc`: the one Django loads first, then the shadowed ones. */
function candidatesFor(cat: TemplateCatalog, doc: Doc, t: Extract<Target, { kind: 'templateName' }>): Candidate[] {
  if (!t.inTemplate) return cat.candidates(t.name);
  const ext = parsedDoc(doc).extends?.ref;
  const isExtends = !!ext && ext.loc.line === t.loc.line && ext.loc.character === t.loc.character;
  const first = isExtends ? cat.resolveExtends(doc.file, t.name) : cat.resolveFrom(doc.file, t.name);
  const all = cat.candidates(cat.qualify(doc.file, t.name)).filter((c) => c.file !== doc.file || !isExtends);
  return first ? [first, ...all.filter((c) => c !== first)] : all;
}

/** A tag or filter as seen from its use: the builtins and what is loaded before it. */
function tagDef(s: ProjectSession, doc: Doc, t: Extract<Target, { kind: 'tag' | 'filter' }>): ScopedDef | undefined {
  const cat = s.project.templates();
  if (t.lib) {
    const module = cat.loadable(cat.namesOf(doc.file)[0]?.engine).get(t.lib);
    const lib = module ? cat.library(module) : undefined;
    const d = lib?.tags.get(t.name) ?? lib?.filters.get(t.name);
    return d ? { ...d, module, loadName: t.lib } : undefined;
  }
  const scope = scopeAt(cat, doc.file, parsedDoc(doc), t.offset);
  return t.kind === 'tag' ? scope.tags.get(t.name) : scope.filters.get(t.name);
}

export function templateDefinition(s: ProjectSession, doc: Doc, t: Target): Loc[] {
  const cat = s.project.templates();
  switch (t.kind) {
    case 'templateName': {
      const cands = candidatesFor(cat, doc, t).map((c) => fileStart(c.file));
      const form = cands.length ? undefined : cat.formTemplate(cat.qualify(doc.file, t.name));
      return form ? [fileStart(form)] : cands;
    }
    case 'block': {
      const o = cat.overridden(doc.file, t.name);
      return o ? [o.block.nameLoc] : [];
    }
    case 'blockSuper': {
      const o = t.name ? cat.overridden(doc.file, t.name) : undefined;
      return o ? [o.block.nameLoc] : [];
    }
    case 'tag':
    case 'filter': {
      const d = tagDef(s, doc, t);
      return d?.loc ? [d.loc] : [];
    }
    case 'library': {
      const module = cat.loadable(cat.namesOf(doc.file)[0]?.engine).get(t.name);
      const file = module ? s.project.resolver.resolve(module)?.file : undefined;
      return file ? [fileStart(file)] : [];
    }
    case 'static': {
      const f = cat.statics.find(t.path);
      return f ? [fileStart(f)] : [];
    }
    default:
      return [];
  }
}

/** Generic views (routed ones) whose implied template is each name, computed once per URL tree. */
const impliedCache = new WeakMap<object, Map<string, DefV[]>>();

function impliedByName(s: ProjectSession): Map<string, DefV[]> {
  const tree = s.project.urlTree();
  const hit = impliedCache.get(tree);
  if (hit) return hit;
  const out = new Map<string, DefV[]>();
  const seen = new Set<DefV>();
  for (const leaf of tree.leaves) {
    const def = leaf.pattern.view?.def;
    if (!def || def.kind !== 'class' || seen.has(def) || leaf.pattern.view?.external) continue;
    seen.add(def);
    try {
      const t = impliedTemplate(s.project, def);
      if (t?.name) {
        let list = out.get(t.name);
        if (!list) out.set(t.name, (list = []));
        list.push(def);
      }
    } catch {
      // A class we cannot follow implies nothing we can tell.
    }
  }
  impliedCache.set(tree, out);
  return out;
}

export interface TemplateUse {
  loc: Loc;
  /** Who: a template's name, or the Python def/class (`PostDetailView`, `blog/views.py`). */
  label: string;
}

export interface TemplateUsers {
  extendedBy: TemplateUse[];
  includedBy: TemplateUse[];
  /** Python strings naming it (render(), template_name, …) and generic views implying it. */
  renderedBy: TemplateUse[];
}

/**
 * Who uses a template file: templates extending or including it (those Django loads: a shadowed
 * file never runs), Python rendering it, routed generic views implying it.
 */
export function templateUsers(s: ProjectSession, file: string): TemplateUsers {
  const cat = s.project.templates();
  const names = new Set(cat.namesOf(file).map((c) => c.name));
  const nameOf = (f: string) => cat.namesOf(f)[0]?.name ?? rel(s, f);
  const extendedBy = cat.children(file).filter((c) => !cat.isShadowed(c)).map((c) => ({ loc: cat.summary(c)?.extendsLoc ?? fileStart(c), label: nameOf(c) }));
  const includedBy = cat.includers(file).filter((f) => !cat.isShadowed(f)).flatMap((f) =>
    (cat.summary(f)?.includes ?? []).filter((i) => cat.resolveFrom(f, i.name)?.file === file).map((i) => ({ loc: i.loc, label: nameOf(f) })));
  const renderedBy: TemplateUse[] = [];
  for (const u of s.usages.templateUses()) {
    if (names.has(u.name) && cat.resolve(u.name)?.file === file) renderedBy.push({ loc: u.loc, label: u.scope ?? rel(s, u.loc.file) });
  }
  const implied = impliedByName(s);
  for (const n of names) {
    if (cat.resolve(n)?.file !== file) continue;
    for (const def of implied.get(n) ?? []) renderedBy.push({ loc: def.loc, label: def.qualname });
  }
  return { extendedBy, includedBy, renderedBy };
}

const locsOf = (u: TemplateUsers): Loc[] => [...u.extendedBy, ...u.includedBy, ...u.renderedBy].map((x) => x.loc);

/** "extended by blog/post_detail.html" for one, "extended by 5" for several. */
function usersPart(verb: string, uses: TemplateUse[]): string | undefined {
  if (!uses.length) return undefined;
  const labels = [...new Set(uses.map((u) => u.label))];
  return labels.length === 1 ? `${verb} ${labels[0]}` : `${verb} ${uses.length}`;
}

/** All uses of a template name (for references on a name). */
function usesOfName(s: ProjectSession, file: string | undefined, name: string): Loc[] {
  if (!file) return s.usages.templateUses().filter((u) => u.name === name).map((u) => u.loc);
  return locsOf(templateUsers(s, file));
}

export function templateReferences(s: ProjectSession, doc: Doc, t: Target | undefined, includeDeclaration: boolean): Loc[] {
  const cat = s.project.templates();
  if (!t) {
    // Anywhere else in a template: who uses this file.
    if (doc.kind !== 'template' || !cat.isTemplate(doc.file)) return [];
    return locsOf(templateUsers(s, doc.file));
  }
  switch (t.kind) {
    case 'templateName': {
      const target = candidatesFor(cat, doc, t)[0];
      return usesOfName(s, target?.file, t.name);
    }
    case 'block': {
      const out = cat.overriders(doc.file, t.name).map((o) => o.block.nameLoc);
      return includeDeclaration ? [t.loc, ...out] : out;
    }
    default:
      return [];
  }
}

function chainText(cat: TemplateCatalog, file: string): string {
  const chain = cat.ancestors(file);
  return chain.length ? chain.map((c) => `\`${c.name}\``).join(' → ') : '';
}

export function templateHover(s: ProjectSession, doc: Doc, t: Target): string | undefined {
  const cat = s.project.templates();
  switch (t.kind) {
    case 'templateName': {
      const cands = candidatesFor(cat, doc, t);
      if (!cands.length) {
        const engines = cat.engines();
        const dirs = engines.flatMap((e) => e.dirs).length;
        return `**Template** \`${t.name}\` — not found in the ${dirs} template folder${dirs === 1 ? '' : 's'} Django searches.`;
      }
      const [win, ...rest] = cands;
      const lines = [`**Template** \`${win.name}\`${win.engine.backend === 'jinja2' ? ' (Jinja2)' : ''}`, '', `- loads ${link(s, fileStart(win.file))}${win.dir.app ? ` (app \`${win.dir.app}\`)` : ''}`];
      const chain = chainText(cat, win.file);
      if (chain) lines.push(`- extends ${chain}`);
      const blocks = cat.summary(win.file)?.blocks.map((b) => b.name) ?? [];
      if (blocks.length) lines.push(`- blocks: ${blocks.slice(0, 12).map((b) => `\`${b}\``).join(', ')}${blocks.length > 12 ? ', …' : ''}`);
      if (rest.length) lines.push(`- shadows ${rest.map((c) => link(s, fileStart(c.file))).join(', ')}`);
      return lines.join('\n');
    }
    case 'block': {
      const lines = [`**block** \`${t.name}\``, ''];
      const o = cat.overridden(doc.file, t.name);
      if (o) lines.push(`- overrides ${link(s, o.block.nameLoc, cat.namesOf(o.file)[0]?.name)}`);
      const chain = chainText(cat, doc.file);
      if (chain) lines.push(`- ancestors: ${chain}`);
      const by = cat.overriders(doc.file, t.name);
      if (by.length) lines.push(`- overridden in ${by.length} template${by.length > 1 ? 's' : ''}: ${by.slice(0, 8).map((b) => link(s, b.block.nameLoc, cat.namesOf(b.file)[0]?.name)).join(', ')}${by.length > 8 ? ', …' : ''}`);
      if (!o && !by.length) lines.push('- defined here only');
      return lines.join('\n');
    }
    case 'blockSuper': {
      const o = t.name ? cat.overridden(doc.file, t.name) : undefined;
      return o ? `\`{{ block.super }}\`: the content of block \`${t.name}\` in ${link(s, o.block.nameLoc, cat.namesOf(o.file)[0]?.name)}` : '`{{ block.super }}`: no ancestor defines this block';
    }
    case 'tag':
    case 'filter': {
      const d = tagDef(s, doc, t);
      if (!d) return `${t.kind} \`${t.name}\` — not available here (not a builtin, and not in the libraries loaded above)`;
      const what = t.kind === 'tag' ? `**{% ${t.name} %}**` : `**|${t.name}**`;
      const from = d.loadName ? `library \`${d.loadName}\` (\`${d.module}\`)` : d.module ? `builtin (\`${d.module}\`)` : 'builtin';
      const ends = d.inner?.length ? `\n\nends with \`${d.inner.filter((i) => i.startsWith('end')).join('`, `') || d.inner.join('`, `')}\`` : '';
      const docText = d.doc ? `\n\n---\n\n${d.doc.includes('{%') || d.doc.includes('{{') ? '```\n' + d.doc + '\n```' : d.doc}` : '';
      return `${what} — ${d.via.replace('_', ' ')} from ${from}${d.loc ? ` — ${link(s, d.loc)}` : ''}${ends}${docText}`;
    }
    case 'library': {
      const module = cat.loadable(cat.namesOf(doc.file)[0]?.engine).get(t.name);
      if (!module) return `\`${t.name}\` is not a registered tag library`;
      const lib = cat.library(module);
      const tags = [...(lib?.tags.keys() ?? [])];
      const filters = [...(lib?.filters.keys() ?? [])];
      return [`**{% load ${t.name} %}** — \`${module}\`${lib?.file ? ` (${link(s, fileStart(lib.file))})` : ''}`, '', `- tags: ${tags.map((x) => `\`${x}\``).join(', ') || '—'}`, `- filters: ${filters.map((x) => `\`${x}\``).join(', ') || '—'}`].join('\n');
    }
    case 'static': {
      const f = cat.statics.find(t.path);
      return f ? `**static** \`${t.path}\` → ${link(s, fileStart(f))}` : `**static** \`${t.path}\` — not found in STATICFILES_DIRS or the apps' \`static/\` folders`;
    }
    default:
      return undefined;
  }
}

export interface TemplateLens {
  loc: Loc;
  title: string;
  targets: Loc[];
}

/** At the top of a template: its users; on each block: what it overrides, who overrides it. */
export function templateLenses(s: ProjectSession, doc: Doc): TemplateLens[] {
  const cat = s.project.templates();
  if (!cat.isTemplate(doc.file)) return [];
  const out: TemplateLens[] = [];
  const u = templateUsers(s, doc.file);
  const parts = [usersPart('extended by', u.extendedBy), usersPart('included by', u.includedBy), usersPart('rendered by', u.renderedBy)].filter((x): x is string => !!x);
  const shadowed = cat.namesOf(doc.file).filter((c) => cat.resolve(c.name)?.file !== c.file);
  if (shadowed.length) parts.push(`shadowed by ${rel(s, cat.resolve(shadowed[0].name)!.file)}`);
  out.push({ loc: fileStart(doc.file), title: parts.length ? parts.join(' · ') : 'not used by any template or Python file', targets: locsOf(u) });
  const p = parsedDoc(doc);
  for (const b of p.blocks) {
    const o = cat.overridden(doc.file, b.name);
    const by = cat.overriders(doc.file, b.name).filter((x) => !cat.isShadowed(x.file));
    if (o) out.push({ loc: b.nameLoc, title: `overrides ${cat.namesOf(o.file)[0]?.name ?? rel(s, o.file)}`, targets: [o.block.nameLoc] });
    if (by.length) {
      const title = by.length === 1 ? `overridden in ${cat.namesOf(by[0].file)[0]?.name ?? rel(s, by[0].file)}` : `overridden in ${by.length} templates`;
      out.push({ loc: b.nameLoc, title, targets: by.map((x) => x.block.nameLoc) });
    }
  }
  return out;
}

/** Above each generic view in a Python file: the template it renders without naming one. */
export function impliedLenses(s: ProjectSession, file: string): TemplateLens[] {
  const cat = s.project.templates();
  const out: TemplateLens[] = [];
  for (const t of impliedTemplatesIn(s.project, file)) {
    if (!t.name) {
      out.push({ loc: t.view.loc, title: `template: <app>/<model>${t.suffix}.html (model unknown)`, targets: [] });
      continue;
    }
    const c = cat.resolve(t.name);
    out.push({ loc: t.view.loc, title: c ? `template: ${t.name}` : `template: ${t.name} (missing)`, targets: c ? [fileStart(c.file)] : [] });
  }
  return out;
}

// ---- completion ---------------------------------------------------------------------------------

export interface TemplateCompletion {
  label: string;
  detail: string;
  documentation: string;
  replace: Loc;
  kind: 'template' | 'block' | 'tag' | 'filter' | 'library' | 'static';
  /** A snippet to insert instead of the label (block tags with their end tag). */
  snippet?: string;
}

const TEMPLATE_CALL = /(?:\b(?:render|TemplateResponse)\s*\(\s*[\w.]+\s*,\s*|\b(?:render_to_string|get_template|select_template|SimpleTemplateResponse|inclusion_tag|render_to_response)\s*\(\s*\[?\s*(?:['"][^'"]*['"]\s*,\s*)*|\b\w*template(?:_name)?\s*=\s*\[?\s*(?:['"][^'"]*['"]\s*,\s*)*)['"]([\w\-.@+/]*)$/;

function nameCompletions(s: ProjectSession, typed: string, replace: Loc): TemplateCompletion[] {
  const cat = s.project.templates();
  const own: TemplateCompletion[] = [];
  const lib: TemplateCompletion[] = [];
  for (const [name, cands] of cat.names()) {
    if (typed && !name.includes(typed.split('/').pop()!) && !name.startsWith(typed)) continue;
    const file = cands[0].file;
    const r = rel(s, file);
    (path.isAbsolute(r) ? lib : own).push({ label: name, detail: r, documentation: `${cands[0].engine.backend === 'jinja2' ? 'Jinja2 template' : 'template'}${cands.length > 1 ? ` (shadows ${cands.length - 1})` : ''}`, replace, kind: 'template' });
  }
  return [...own, ...lib];
}

/** Template names inside `render(request, '…`, `template_name = '…` and the like. */
export function pythonTemplateCompletions(s: ProjectSession, doc: Doc, line: number, character: number): TemplateCompletion[] {
  const lineText = doc.text.split('\n')[line] ?? '';
  const m = TEMPLATE_CALL.exec(lineText.slice(0, character));
  if (!m) return [];
  const typed = m[1];
  let end = character;
  while (end < lineText.length && /[\w\-.@+/]/.test(lineText[end])) end++;
  return nameCompletions(s, typed, { file: doc.file, line, character: character - typed.length, endLine: line, endCharacter: end });
}

/** Completions inside a template: names, blocks, tags, filters, libraries, static paths. */
export function templateCompletions(s: ProjectSession, doc: Doc, line: number, character: number): TemplateCompletion[] {
  const cat = s.project.templates();
  const lines = doc.text.split('\n');
  const lineText = lines[line] ?? '';
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i].length + 1;
  offset += character;
  const at = (typed: string): Loc => ({ file: doc.file, line, character: character - typed.length, endLine: line, endCharacter: character });
  // Inside a tag or variable on this line (the lexer ends an unclosed one at the line end).
  const tok = lexTemplate(lineText).find((t) => (t.kind === 'block' || t.kind === 'var') && character >= t.contentStart && character <= (t.closed ? t.end - 2 : t.end));
  if (!tok) return [];
  const inner = lineText.slice(tok.contentStart, character);
  const parsed = parsedDoc(doc);
  // A filter after `|`.
  const fm = /\|\s*(\w*)$/.exec(inner);
  if (fm && !/^(?:['"])/.test(fm[1])) {
    const scope = scopeAt(cat, doc.file, parsed, offset);
    return ordered([...scope.filters.values()]).map((d) => ({ label: d.name, detail: d.loadName ? `{% load ${d.loadName} %}` : 'builtin', documentation: d.doc ?? d.module ?? '', replace: at(fm[1]), kind: 'filter' as const }));
  }
  if (tok.kind === 'var') return [];
  const bits = splitTagContent(tok.content, tok.contentStart);
  const tag = bits[0]?.text;
  // The tag name itself.
  if (/^\s*[\w]*$/.test(inner)) {
    const typed = inner.trim();
    const scope = scopeAt(cat, doc.file, parsed, offset);
    const out: TemplateCompletion[] = [];
    // The end tag of the innermost open block tag first.
    const open = openTagsAt(parsed, doc.text, offset);
    // With `%}` already after the cursor (auto-closed), a block snippet ends where it stands.
    const closedAfter = /^\s*%\}/.test(lineText.slice(character));
    if (open.length) {
      const last = open[open.length - 1];
      out.push({ label: `end${last}`, detail: `closes {% ${last} %}`, documentation: '', replace: at(typed), kind: 'tag' });
    }
    for (const d of ordered([...scope.tags.values()])) {
      const end = d.inner?.find((i) => i.startsWith('end')) ?? (BLOCKISH.has(d.name) ? `end${d.name}` : undefined);
      out.push({
        label: d.name, detail: d.loadName ? `{% load ${d.loadName} %}` : 'builtin', documentation: d.doc ?? d.module ?? '', replace: at(typed), kind: 'tag',
        ...(end ? { snippet: `${d.name} $1 %}\n\t$0\n{% ${end}${closedAfter ? '' : ' %}'}` } : {}),
      });
    }
    return out;
  }
  const q = /(['"])([^'"]*)$/.exec(inner);
  switch (tag) {
    case 'extends':
    case 'include':
      if (q && bits[1] && character <= bits[1].start + bits[1].text.length + 1) return nameCompletions(s, q[2], at(q[2])).filter((c) => c.label !== cat.namesOf(doc.file)[0]?.name || tag === 'extends');
      return [];
    case 'block': {
      const typed = /(\w*)$/.exec(inner)![1];
      if (bits.length > 2 || /^block\s+\S+\s/.test(inner)) return [];
      const defined = new Set(parsed.blocks.map((b) => b.name));
      return cat.inheritedBlocks(doc.file).filter((b) => !defined.has(b.name) || b.name === typed).map((b) => ({
        label: b.name, detail: `from ${cat.namesOf(b.file)[0]?.name ?? rel(s, b.file)}`, documentation: '', replace: at(typed), kind: 'block' as const,
      }));
    }
    case 'load': {
      const typed = /([\w.]*)$/.exec(inner)![1];
      const loadable = cat.loadable(cat.namesOf(doc.file)[0]?.engine);
      return [...loadable].map(([name, module]) => ({ label: name, detail: module, documentation: '', replace: at(typed), kind: 'library' as const }));
    }
    case 'static':
      if (q) return cat.statics.paths().map((p) => ({ label: p.path, detail: rel(s, p.file), documentation: '', replace: at(q[2]), kind: 'static' as const }));
      return [];
    default:
      return [];
  }
}

/** Loaded libraries' names first (what the file brought in), then the builtins; each alphabetical. */
function ordered(defs: ScopedDef[]): ScopedDef[] {
  return defs.sort((a, b) => (a.loadName ? 0 : 1) - (b.loadName ? 0 : 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const BLOCKISH = new Set(['block', 'if', 'for', 'with', 'comment', 'verbatim', 'spaceless', 'autoescape', 'filter', 'ifchanged', 'blocktrans', 'blocktranslate', 'localize', 'localtime', 'timezone', 'cache']);

/** Block tags open at an offset (innermost last). */
function openTagsAt(parsed: ParsedTemplate, text: string, offset: number): string[] {
  const stack: string[] = [];
  for (const tok of lexTemplate(text.slice(0, offset))) {
    if (tok.kind !== 'block' || !tok.closed) continue;
    const tag = /^\S+/.exec(tok.content)?.[0];
    if (!tag) continue;
    if (tag.startsWith('end')) {
      const i = stack.lastIndexOf(tag.slice(3));
      if (i >= 0) stack.length = i;
    } else if (BLOCKISH.has(tag) || parsed.blockTags.has(tag)) stack.push(tag);
  }
  return stack;
}

// ---- symbols and folding ------------------------------------------------------------------------

export interface TemplateSymbol {
  name: string;
  detail: string;
  range: Loc;
  selection: Loc;
  children: TemplateSymbol[];
}

export function templateSymbols(doc: Doc): TemplateSymbol[] {
  const p = parsedDoc(doc);
  const toSym = (b: BlockDef): TemplateSymbol => ({ name: b.name, detail: 'block', range: b.range, selection: b.nameLoc, children: b.children.map(toSym) });
  const out: TemplateSymbol[] = [];
  if (p.extends) out.push({ name: `extends ${p.extends.name ?? '(variable)'}`, detail: '', range: p.extends.tagLoc, selection: p.extends.ref?.loc ?? p.extends.tagLoc, children: [] });
  out.push(...p.blocks.filter((b) => !b.parent).map(toSym));
  return out;
}

export function templateFolds(doc: Doc): ParsedTemplate['folds'] {
  return parsedDoc(doc).folds;
}
