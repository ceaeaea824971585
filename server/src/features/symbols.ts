/**
 * Workspace symbols (Ctrl+T): URL names and routes, views, models, templates and their blocks,
 * matched by the query's characters in order (the editor ranks them further).
 */
import path from 'node:path';
import type { Loc } from '../core/python/values';
import type { ProjectSession } from './session';
import { displayRoute } from './presentation';

export interface AtlasSymbol {
  name: string;
  kind: 'url' | 'view' | 'model' | 'template' | 'block';
  container: string;
  loc: Loc;
}

/** The query's characters appear in the name in order (case-insensitive). */
function matches(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (let j = 0; j < n.length && i < q.length; j++) if (n[j] === q[i]) i++;
  return i === q.length;
}

const LIMIT = 1000;

export function workspaceSymbols(s: ProjectSession, query: string): AtlasSymbol[] {
  const out: AtlasSymbol[] = [];
  const add = (sym: AtlasSymbol) => {
    if (out.length < LIMIT && matches(query, sym.name)) out.push(sym);
  };
  const p = s.project;
  const prefix = p.root.endsWith(path.sep) ? p.root : p.root + path.sep;
  const own = (file: string) => file.startsWith(prefix) && !/[\\/](site|dist)-packages[\\/]/.test(file.slice(prefix.length));
  const views = new Set<string>();
  for (const l of p.urlTree().leaves) {
    if (l.pattern.origin === 'admin') continue;
    if (l.name) add({ name: l.name, kind: 'url', container: displayRoute(l.route), loc: l.pattern.nameLoc ?? l.pattern.loc });
    add({ name: displayRoute(l.route), kind: 'url', container: l.name ?? '', loc: l.pattern.loc });
    const v = l.pattern.view;
    if (v?.loc && own(v.loc.file) && !views.has(`${v.module}.${v.qualname}`)) {
      views.add(`${v.module}.${v.qualname}`);
      add({ name: v.qualname, kind: 'view', container: v.module, loc: v.loc });
    }
  }
  for (const m of p.models().models()) if (own(m.def.loc.file)) add({ name: m.name, kind: 'model', container: m.label, loc: m.def.loc });
  const cat = p.templates();
  for (const [name, cands] of cat.names()) {
    const file = cands[0].file;
    if (!own(file)) continue;
    add({ name, kind: 'template', container: path.relative(p.root, file), loc: { file, line: 0, character: 0, endLine: 0, endCharacter: 0 } });
    for (const b of cat.summary(file)?.blocks ?? []) add({ name: `${b.name}`, kind: 'block', container: name, loc: b.nameLoc });
  }
  return out;
}
