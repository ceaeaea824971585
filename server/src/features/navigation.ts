/**
 * Go-to-definition and find-references across Django's strings: URL names ↔ patterns ↔ uses,
 * views ↔ the patterns routed to them, included modules, dotted paths in settings.
 */
import path from 'node:path';
import { fileStart, type Loc, type DefV } from '../core/python/values';
import type { UrlLeaf } from '../core/urls/tree';
import { dottedViewRef } from '../core/urls/views';
import type { DjangoProject } from '../core/project';
import type { Doc, ProjectSession } from './session';
import { locate, type Target } from './locate';
import { templateDefinition, templateReferences } from './templates';
import { modelDefinition } from './models';


/** The leaves a pattern-name target stands for (its own pattern, matched by source position). */
function leavesOfPatternName(s: ProjectSession, t: Extract<Target, { kind: 'patternName' }>): UrlLeaf[] {
  return s.project.urlTree().leaves.filter((l) => {
    const nl = l.pattern.nameLoc;
    return nl && nl.file === t.loc.file && nl.line === t.loc.line && nl.character === t.loc.character;
  });
}

/** A module or `module.Attr` dotted path → where it is defined. */
export function resolveDotted(project: DjangoProject, dotted: string): Loc | undefined {
  const mod = project.resolver.resolve(dotted);
  if (mod?.file) return fileStart(mod.file);
  if (mod?.dir) {
    const init = path.join(mod.dir, '__init__.py');
    return project.host.stat(init)?.isFile ? fileStart(init) : undefined;
  }
  const v = project.lookupDotted(dotted);
  if (v?.k === 'def') return v.loc;
  if (v?.k === 'module') return resolveDotted(project, v.name);
  const dot = dotted.lastIndexOf('.');
  // Any other name (a middleware factory's result, a constant): where it was assigned.
  return v ? project.moduleEnv(dotted.slice(0, dot))?.setAt.get(dotted.slice(dot + 1)) : undefined;
}

export function definition(s: ProjectSession, doc: Doc, offset: number): Loc[] {
  const t = locate(doc, offset);
  if (!t) return modelDefinition(s, doc, offset);
  switch (t.kind) {
    case 'urlName':
      return s.names.lookup(t.name).map((l) => l.pattern.loc);
    case 'module': {
      const mod = s.project.resolver.resolve(t.name);
      return mod?.file ? [fileStart(mod.file)] : [];
    }
    case 'dotted': {
      if (t.setting === 'view') {
        const v = dottedViewRef(s.project, t.value);
        return v?.loc ? [v.loc] : [];
      }
      if (t.setting === 'INSTALLED_APPS') {
        const app = s.project.installedApps().find((a) => a.entry === t.value);
        if (app?.config && t.value.endsWith(app.config.qualname)) return [app.config.loc];
      }
      const loc = resolveDotted(s.project, t.value);
      return loc ? [loc] : [];
    }
    default:
      return templateDefinition(s, doc, t);
  }
}

/** Patterns whose view is the def at `loc` (a function or class, matched by its name position). */
export function patternsForDef(s: ProjectSession, loc: Loc): UrlLeaf[] {
  return s.project.urlTree().leaves.filter((l) => {
    const v = l.pattern.view?.loc;
    return v && v.file === loc.file && v.line === loc.line && v.character === loc.character;
  });
}

export function references(s: ProjectSession, doc: Doc, offset: number, includeDeclaration: boolean): Loc[] {
  const t = locate(doc, offset);
  if (!t || ['templateName', 'block', 'blockSuper', 'tag', 'filter', 'library', 'static'].includes(t.kind)) return dedupe(templateReferences(s, doc, t, includeDeclaration));
  if (t.kind === 'def') {
    return patternsForDef(s, t.loc).map((l) => l.pattern.loc);
  }
  let leaves: UrlLeaf[] = [];
  if (t.kind === 'urlName') leaves = s.names.lookup(t.name);
  else if (t.kind === 'patternName') leaves = leavesOfPatternName(s, t);
  else return [];
  if (!leaves.length) return [];
  const set = new Set(leaves);
  const out: Loc[] = [];
  if (includeDeclaration) for (const l of leaves) out.push(l.pattern.nameLoc ?? l.pattern.loc);
  for (const u of s.usages.all()) {
    if (s.names.lookup(u.name).some((l) => set.has(l))) out.push(u.loc);
  }
  return dedupe(out);
}

function dedupe(locs: Loc[]): Loc[] {
  const seen = new Set<string>();
  return locs.filter((l) => {
    const k = `${l.file}:${l.line}:${l.character}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export type { DefV };
