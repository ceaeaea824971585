/**
 * The `templates` table of the CLI contract (../shared/cli-contract.md): every loadable name with
 * the file that wins, its literal parent, its blocks in source order and the files it shadows.
 */
import type { DjangoProject } from '../project';
import { displayPath } from '../urls/table';
import type { Backend } from './catalog';

export interface TemplateRow {
  name: string;
  file: string;
  extends: string | null;
  blocks: string[];
  shadows: string[];
  engine: Backend;
}

export function templateTable(project: DjangoProject): { templates: TemplateRow[] } {
  const cat = project.templates();
  const rows: TemplateRow[] = [];
  for (const [name, cands] of cat.names()) {
    const win = cands[0];
    const p = cat.summary(win.file);
    rows.push({
      name,
      file: displayPath(project.root, win.file),
      extends: cat.extendsName(win.file) ?? null,
      blocks: p?.blocks.map((b) => b.name) ?? [],
      shadows: cands.slice(1).map((c) => displayPath(project.root, c.file)),
      engine: win.engine.backend,
    });
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { templates: rows };
}
