/**
 * Project diagnostics for URLs: includes and views that cannot be found, circular includes,
 * duplicate names in one namespace, and URL names used in `reverse()`/`{% url %}` that no pattern
 * defines (with a "did you mean"); and for templates (`templates/checks.ts`). Shared by
 * `django-atlas check` and the language server.
 */
import { distance } from 'fastest-levenshtein';
import path from 'node:path';
import type { DjangoProject } from './project';
import { displayPath } from './urls/table';
import type { Loc } from './python/values';
import { UrlNameIndex } from './urls/names';
import { UsageIndex } from './urls/usageIndex';
import { templateDiagnostics } from './templates/checks';
import { lookupDiagnostics } from './models/checks';
import { parsePython, type Tree } from './python/parser';

export interface Diagnostic {
  loc: Loc;
  severity: 'error' | 'warning' | 'information';
  message: string;
  code: string;
  /** A replacement for the diagnostic's range that fixes it (the "did you mean" name). */
  fix?: { title: string; newText: string };
}

export interface CheckOptions {
  /**
   * Where to check that each pattern's view can be found. Finding a view reads its module, so the
   * server limits this to the URLconfs open in the editor; the CLI checks everywhere.
   */
  viewChecksIn?: Set<string>;
  /** The project's URL-name index, when the caller already has one. */
  names?: UrlNameIndex;
  /**
   * Python files whose generic views are checked for a missing implied template (this reads their
   * modules: the server passes the open files; default: none).
   */
  impliedIn?: Set<string>;
  /** Templates whose diagnostics may be computed now when not cached (default: all). */
  templatesNow?: (file: string) => boolean;
  /**
   * Python files whose ORM lookups are checked (reads their modules and the models: the server
   * passes the open files; default: none). `treeOf` gives an open buffer's tree.
   */
  lookupsIn?: Set<string>;
  treeOf?: (file: string) => Tree | undefined;
}

export function urlTreeDiagnostics(project: DjangoProject, opts: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const tree = project.urlTree();
  for (const p of tree.problems) {
    if (!p.loc) continue;
    const severity = p.code === 'unresolved-view' || p.code === 'unresolved-library-include' ? 'warning' : p.code === 'opaque-include' ? 'information' : 'error';
    out.push({ loc: p.loc, severity, message: p.message, code: p.code });
  }
  for (const leaf of tree.leaves) {
    const p = leaf.pattern;
    if (p.origin || (opts.viewChecksIn && !opts.viewChecksIn.has(p.loc.file)) || p.view) continue;
    out.push({ loc: p.viewLoc ?? p.loc, severity: 'warning', message: 'the view of this pattern cannot be found', code: 'unresolved-view' });
  }
  // Duplicate names in one namespace: written patterns only (routers and the admin repeat by design).
  const seen = new Map<string, Loc>();
  for (const leaf of tree.leaves) {
    const p = leaf.pattern;
    if (!leaf.name || p.origin) continue;
    const first = seen.get(leaf.name);
    const here = p.nameLoc ?? p.loc;
    if (!first) seen.set(leaf.name, here);
    else if (first.file !== here.file || first.line !== here.line) {
      out.push({
        loc: here, severity: 'warning', code: 'duplicate-url-name',
        message: `URL name '${leaf.name}' is already used in this namespace (${displayPath(project.root, first.file)}:${first.line + 1}); reverse() picks the last one, resolve() the first`,
      });
    }
  }
  return out;
}

/**
 * The known name closest to `name`: a small edit distance (at most a third of the name), names in
 * the same namespace preferred, ties going to the longer common prefix. None when nothing is close.
 */
export function suggestName(name: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Math.max(1, Math.floor(name.length / 3)) + 1;
  let bestPrefix = -1;
  const ns = name.includes(':') ? name.slice(0, name.lastIndexOf(':') + 1) : '';
  for (const n of names) {
    // A name in another namespace counts as one edit further away.
    const d = distance(name, n) + (ns && !n.startsWith(ns) ? 1 : 0);
    let p = 0;
    while (p < n.length && p < name.length && n[p] === name[p]) p++;
    if (d < bestScore || (d === bestScore && best !== undefined && p > bestPrefix)) {
      best = n;
      bestScore = d;
      bestPrefix = p;
    }
  }
  return best;
}

export function unknownNameMessage(name: string, index: UrlNameIndex): string {
  const suggestion = suggestName(name, index.names);
  return `unknown URL name '${name}'` + (suggestion ? `; did you mean '${suggestion}'?` : '');
}

export function usageDiagnostics(project: DjangoProject, usages: UsageIndex, names?: UrlNameIndex): Diagnostic[] {
  const index = names ?? new UrlNameIndex(project.urlTree());
  // django-hosts: each host has its own URLconf, and a plain reverse() uses the request's one.
  // Until those URLconfs are indexed too, a name missing from ROOT_URLCONF proves nothing.
  if (project.settingsValue('ROOT_HOSTCONF').k === 'str') return [];
  if (project.urlTree().problems.some((p) => p.code !== 'unresolved-view' && p.code !== 'circular-include')) {
    // With part of the tree missing, an unknown name may well be defined there: say nothing.
    return [];
  }
  const out: Diagnostic[] = [];
  const uses = usages.all();
  for (const u of uses) {
    if (index.has(u.name)) continue;
    const suggestion = suggestName(u.name, index.names);
    out.push({
      loc: u.loc, severity: 'warning', message: unknownNameMessage(u.name, index), code: 'unknown-url-name',
      fix: suggestion ? { title: `Replace with '${suggestion}'`, newText: suggestion } : undefined,
    });
  }
  return out;
}

/** Diagnostics are about the project's own files, never its virtualenv's or the system's. */
export function isProjectFile(project: DjangoProject, file: string): boolean {
  const rel = path.relative(project.root, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel) && !/(^|[\\/])(site|dist)-packages([\\/]|$)/.test(rel);
}

/** Unknown fields in the ORM lookups of one Python file (its open tree, else a parse of the disk text). */
function fileLookupDiagnostics(project: DjangoProject, file: string, treeOf?: (file: string) => Tree | undefined): Diagnostic[] {
  if (!file.endsWith('.py')) return [];
  const own = treeOf?.(file);
  const text = own ? undefined : project.host.readFile(file);
  if (!own && (text === undefined || !/\b(objects|filter|order_by|values|Q|F)\b/.test(text))) return [];
  const tree = own ?? parsePython(text!);
  try {
    return lookupDiagnostics(project, tree, file, suggestName);
  } catch (e) {
    project.log(`lookup checks failed for ${file}: ${(e as Error).message}`);
    return [];
  } finally {
    if (!own) tree.delete();
  }
}

export function projectDiagnostics(project: DjangoProject, usages = new UsageIndex(project), opts: CheckOptions = {}): Diagnostic[] {
  const all = [
    ...urlTreeDiagnostics(project, opts),
    ...usageDiagnostics(project, usages, opts.names),
    ...templateDiagnostics(project, usages.templateUses(), { impliedIn: opts.impliedIn, suggest: suggestName, computeNow: opts.templatesNow }, (f) => isProjectFile(project, f)),
    ...[...(opts.lookupsIn ?? [])].flatMap((f) => fileLookupDiagnostics(project, f, opts.treeOf)),
  ].filter((d) => isProjectFile(project, d.loc.file));
  return all.sort((a, b) => a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.character - b.loc.character);
}
