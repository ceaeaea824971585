/**
 * Template diagnostics: what Django's template parser would reject (extends not first, duplicate
 * block, unclosed/mismatched tags), names that load nothing (`{% extends %}`/`{% include %}` of a
 * missing template, a template name in Python, a `{% load %}` of an unknown library), tags and
 * filters used without their `{% load %}`, and generic views whose implied template is missing.
 * Where the analysis cannot see everything (a custom loader, an app we cannot find, a library we
 * cannot read), it says nothing rather than guess.
 */
import type { DjangoProject } from '../project';
import type { Diagnostic } from '../checks';
import type { TemplateNameUse } from './pyuses';
import { scopeAt, type TagScope } from './tags';
import { impliedTemplatesIn } from './implied';
import type { ParsedTemplate } from './parse';
import type { TemplateCatalog } from './catalog';

/** Whether the template search is fully known: every engine's loaders understood, every app found. */
export function templateSearchKnown(project: DjangoProject): boolean {
  const engines = project.templates().engines();
  if (!engines.length) return false;
  if (engines.some((e) => e.unknownLoaders.length)) return false;
  return project.installedApps().every((a) => a.dir !== undefined);
}

const suggestions = new WeakMap<TemplateCatalog, { version: string; names: string[]; memo: Map<string, string | undefined> }>();

/** The closest template name (memoized per catalog version: each costs a pass over every name). */
function closestTemplate(cat: TemplateCatalog, name: string, suggest: (n: string, all: string[]) => string | undefined): string | undefined {
  let s = suggestions.get(cat);
  if (!s || s.version !== cat.version) suggestions.set(cat, (s = { version: cat.version, names: [...cat.names().keys()], memo: new Map() }));
  if (!s.memo.has(name)) s.memo.set(name, suggest(name, s.names));
  return s.memo.get(name);
}

export interface TemplateCheckOptions {
  /** Files to check; default: every template of the project and every Python use. */
  files?: Set<string>;
  /** Python files whose generic views are checked for a missing implied template (reads them). */
  impliedIn?: Set<string>;
  suggest: (name: string, all: string[]) => string | undefined;
  /**
   * Which templates may be checked now when their result is not cached (default: all). The server
   * checks the open ones at once and the others in the background (`checkTemplatesInBackground`).
   */
  computeNow?: (file: string) => boolean;
}

/** The problems of one template file. */
export function templateFileDiagnostics(project: DjangoProject, file: string, parsed: ParsedTemplate, opts: TemplateCheckOptions): Diagnostic[] {
  const cat = project.templates();
  const out: Diagnostic[] = [];
  // Jinja2's syntax differs (multi-line comments, its own tags): only its literal names are checked.
  const jinja = cat.backendOf(file) === 'jinja2';
  if (!jinja) for (const p of parsed.problems) out.push({ loc: p.loc, severity: p.severity, message: p.message, code: p.code });
  const known = templateSearchKnown(project);
  const names = cat.names();
  const missing = (name: string) => {
    const s = closestTemplate(cat, name, opts.suggest);
    return `template '${name}' not found in the template folders` + (s ? `; did you mean '${s}'?` : '');
  };
  if (known) {
    const ext = parsed.extends?.ref;
    if (ext) {
      const cand = cat.resolveExtends(file, ext.name);
      if (!cand) {
        const s = closestTemplate(cat, ext.name, opts.suggest);
        const self = names.has(cat.qualify(file, ext.name));
        out.push({
          loc: ext.loc, severity: 'error', code: 'unknown-template',
          message: self ? `'${ext.name}' is this template itself and nothing after it in the search order has that name` : missing(ext.name),
          fix: s && !self ? { title: `Replace with '${s}'`, newText: s } : undefined,
        });
      }
    }
    for (const inc of parsed.includes) {
      if (cat.resolveFrom(file, inc.name) || cat.formTemplate(inc.name)) continue;
      const s = closestTemplate(cat, inc.name, opts.suggest);
      out.push({ loc: inc.loc, severity: 'error', code: 'unknown-template', message: missing(inc.name), fix: s ? { title: `Replace with '${s}'`, newText: s } : undefined });
    }
  }
  if (jinja) return out;
  const engine = cat.namesOf(file)[0]?.engine ?? cat.djangoEngine();
  const loadable = cat.loadable(engine);
  const libsKnown = project.installedApps().every((a) => a.dir !== undefined);
  for (const l of parsed.loads) {
    const module = loadable.get(l.lib);
    if (!module) {
      if (!libsKnown) continue;
      const s = opts.suggest(l.lib, [...loadable.keys()]);
      out.push({
        loc: l.loc, severity: 'error', code: 'unknown-library',
        message: `'${l.lib}' is not a registered tag library` + (s ? `; did you mean '${s}'?` : ''),
        fix: s ? { title: `Replace with '${s}'`, newText: s } : undefined,
      });
      continue;
    }
    const lib = cat.library(module);
    for (const n of l.names ?? []) {
      if (lib && !lib.opaque && !lib.tags.has(n.name) && !lib.filters.has(n.name)) {
        out.push({ loc: n.loc, severity: 'error', code: 'unknown-tag', message: `'${n.name}' is not a tag or filter of library '${l.lib}' (${module})` });
      }
    }
  }
  // Tags and filters: in scope at their position, else say which library has them.
  let scope: TagScope | undefined;
  let scopeUntil = -1;
  const scopeFor = (offset: number) => {
    // Scopes only change at loads: recompute when a load lies between the last point and this one.
    const nextLoad = parsed.loads.find((l) => l.start >= scopeUntil && l.start < offset);
    if (!scope || nextLoad) scope = scopeAt(cat, file, parsed, offset);
    scopeUntil = offset;
    return scope;
  };
  const whereDefined = (name: string, kind: 'tag' | 'filter'): string | undefined => {
    for (const [loadName, module] of loadable) {
      const lib = cat.library(module);
      if (lib && (kind === 'tag' ? lib.tags : lib.filters).has(name)) return loadName;
    }
    return undefined;
  };
  const uses = [...parsed.tags.map((t) => ({ ...t, kind: 'tag' as const })), ...parsed.filters.map((f) => ({ ...f, kind: 'filter' as const }))].sort((a, b) => a.start - b.start);
  for (const u of uses) {
    const sc = scopeFor(u.start);
    if (!sc.complete) continue;
    if (u.kind === 'tag' ? sc.tags.has(u.name) || sc.inner.has(u.name) : sc.filters.has(u.name)) continue;
    const lib = whereDefined(u.name, u.kind);
    out.push({
      loc: u.loc, severity: 'error', code: u.kind === 'tag' ? 'unknown-tag' : 'unknown-filter',
      message: lib
        ? `${u.kind} '${u.name}' needs {% load ${lib} %} before it`
        : `unknown ${u.kind} '${u.name}' (not a builtin, and no installed library defines it)`,
    });
  }
  return out;
}

/** Template names in Python that no loader finds. */
export function pythonTemplateDiagnostics(project: DjangoProject, uses: TemplateNameUse[], opts: TemplateCheckOptions): Diagnostic[] {
  if (!templateSearchKnown(project)) return [];
  const cat = project.templates();
  const names = cat.names();
  const out: Diagnostic[] = [];
  const groupsFound = new Set(uses.filter((u) => u.group && names.has(u.name)).map((u) => u.group));
  for (const u of uses) {
    if (names.has(u.name) || u.dynamic || (u.group && groupsFound.has(u.group)) || project.templates().formTemplate(u.name)) continue;
    const s = closestTemplate(cat, u.name, opts.suggest);
    out.push({
      loc: u.loc, severity: 'warning', code: 'unknown-template',
      message: `template '${u.name}' not found in the template folders` + (s ? `; did you mean '${s}'?` : ''),
      fix: s ? { title: `Replace with '${s}'`, newText: s } : undefined,
    });
  }
  return out;
}

/** Generic views (in the given Python files) whose implied template does not exist. */
export function impliedTemplateDiagnostics(project: DjangoProject, files: Iterable<string>): Diagnostic[] {
  if (!templateSearchKnown(project)) return [];
  const names = project.templates().names();
  const out: Diagnostic[] = [];
  for (const f of files) {
    if (!f.endsWith('.py')) continue;
    for (const t of impliedTemplatesIn(project, f)) {
      if (!t.name || names.has(t.name)) continue;
      out.push({
        loc: t.view.loc, severity: 'warning', code: 'missing-implied-template',
        message: `${t.view.qualname} renders '${t.name}' (no template_name is set), which does not exist`,
      });
    }
  }
  return out;
}

const fileDiagCache = new WeakMap<TemplateCatalog, Map<string, { key: string; diags: Diagnostic[] }>>();

/** The project's template files Django loads or shadows, that diagnostics are about. */
function checkedFiles(project: DjangoProject, isProjectFile: (f: string) => boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const cands of project.templates().names().values()) {
    for (const c of cands) {
      if (seen.has(c.file)) continue;
      seen.add(c.file);
      if (isProjectFile(c.file)) out.push(c.file);
    }
  }
  return out;
}

/** One file's diagnostics, from the cache while its text and the catalog are the same. */
function fileDiagnostics(project: DjangoProject, file: string, opts: TemplateCheckOptions, compute: boolean): Diagnostic[] | undefined {
  const cat = project.templates();
  const key = `${cat.version}:${cat.revision(file)}`;
  let cache = fileDiagCache.get(cat);
  if (!cache) fileDiagCache.set(cat, (cache = new Map()));
  const hit = cache.get(file);
  if (hit && hit.key === key) return hit.diags;
  if (!compute) return hit?.diags;
  const p = cat.parsed(file);
  if (!p) return [];
  try {
    const diags = templateFileDiagnostics(project, file, p, opts);
    cache.set(file, { key, diags });
    return diags;
  } catch (e) {
    project.log(`template checks failed for ${file}: ${(e as Error).message}`);
    return [];
  }
}

/**
 * Checks every template not yet checked against the current catalog, in slices with a yield
 * between them; returns whether anything was (re)computed.
 */
export async function checkTemplatesInBackground(project: DjangoProject, opts: TemplateCheckOptions, isProjectFile: (f: string) => boolean, cancelled: () => boolean, slice = 100): Promise<boolean> {
  let changed = false;
  let n = 0;
  for (const f of checkedFiles(project, isProjectFile)) {
    if (cancelled()) return changed;
    const cat = project.templates();
    const hit = fileDiagCache.get(cat)?.get(f);
    if (hit && hit.key === `${cat.version}:${cat.revision(f)}`) continue;
    fileDiagnostics(project, f, opts, true);
    changed = true;
    if (++n % slice === 0) await new Promise((r) => setImmediate(r));
  }
  return changed;
}

/**
 * Every template diagnostic of a project (files limited by `opts.files` when given). A file not
 * to be computed now (`opts.computeNow`) reports its last result, possibly stale, until the
 * background check reaches it.
 */
export function templateDiagnostics(project: DjangoProject, pyUses: TemplateNameUse[], opts: TemplateCheckOptions, isProjectFile: (f: string) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of checkedFiles(project, isProjectFile)) {
    if (opts.files && !opts.files.has(f)) continue;
    out.push(...(fileDiagnostics(project, f, opts, opts.computeNow ? opts.computeNow(f) : true) ?? []));
  }
  out.push(...pythonTemplateDiagnostics(project, pyUses.filter((u) => !opts.files || opts.files.has(u.loc.file)), opts));
  if (opts.impliedIn) out.push(...impliedTemplateDiagnostics(project, opts.impliedIn));
  return out;
}
