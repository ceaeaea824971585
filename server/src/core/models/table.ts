/**
 * The `models` table of the CLI contract (../shared/cli-contract.md): every model with its app
 * label, module, file and line, and its fields (declared and inherited from abstract bases) with
 * their type and related model.
 */
import type { DjangoProject } from '../project';
import { displayPath } from '../urls/table';

export interface ModelRow {
  app_label: string;
  name: string;
  module: string;
  file: string;
  line: number;
  abstract: boolean;
  proxy: boolean;
  swapped?: string;
  fields: { name: string; type: string; related_model: string | null; line: number; file?: string }[];
}

export function modelTable(project: DjangoProject): { models: ModelRow[] } {
  const rows: ModelRow[] = project.models().models().map((m) => ({
    app_label: m.appLabel,
    name: m.name,
    module: m.module,
    file: displayPath(project.root, m.def.loc.file),
    line: m.def.loc.line + 1,
    abstract: m.abstract,
    proxy: m.proxy,
    ...(m.swappedBy ? { swapped: m.swappedBy } : {}),
    fields: m.fields.map((f) => ({
      name: f.name, type: f.type, related_model: f.relatedModel, line: f.loc.line + 1,
      ...(f.loc.file !== m.def.loc.file ? { file: displayPath(project.root, f.loc.file) } : {}),
    })),
  }));
  rows.sort((a, b) => (a.app_label < b.app_label ? -1 : a.app_label > b.app_label ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { models: rows };
}
