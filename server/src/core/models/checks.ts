/**
 * The unknown-field warning: an ORM lookup (`filter(autor__name=...)`, `order_by("-craeted")`)
 * naming a field its model does not have, with the closest name as a quick fix. Only lookups
 * whose model is known and complete are judged; transforms and lookups after a field are not.
 */
import type { Tree } from '../python/parser';
import type { DjangoProject } from '../project';
import type { Diagnostic } from '../checks';
import { lookupUses } from './orm';
import { resolveLookup, namesOf } from './lookups';

export function lookupDiagnostics(project: DjangoProject, tree: Tree, file: string, suggest: (name: string, all: string[]) => string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const index = project.models();
  for (const u of lookupUses(project, tree, file)) {
    const r = resolveLookup(index, u.model, u.path, { annotations: u.annotations });
    const bad = r.unknown;
    if (!bad?.model || !index.isComplete(bad.model)) continue;
    const names = namesOf(index, bad.model).map((n) => n.name);
    const s = suggest(bad.part, names);
    out.push({
      loc: { ...u.loc, character: u.loc.character + bad.start, endLine: u.loc.line, endCharacter: u.loc.character + bad.start + bad.part.length },
      severity: 'warning', code: 'unknown-field',
      message: `'${bad.part}' is not a field of ${bad.model.label}` + (s ? `; did you mean '${s}'?` : ''),
      fix: s ? { title: `Replace with '${s}'`, newText: s } : undefined,
    });
  }
  return out;
}
