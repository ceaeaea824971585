/**
 * The URL table in the CLI contract's shape (`django-atlas urls --json`): leaves in resolution
 * order with route, namespaced name, view and source, paths relative to the project root.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import type { UrlLeaf } from './tree';
import type { ViewRef } from './views';

export interface UrlRow {
  route: string;
  name: string | null;
  view: { module: string; qualname: string; file: string | null; line: number | null } | null;
  source: { file: string; line: number } | null;
  conditional: boolean;
}

export interface UrlTable {
  settings: string | null;
  root_urlconf: string | null;
  urls: UrlRow[];
}

/** A path as the contract prints it: relative to the root with `/`, absolute outside it. */
export function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return file;
  return rel.split(path.sep).join('/');
}

export function viewJson(root: string, v: ViewRef | null): UrlRow['view'] {
  if (!v) return null;
  return { module: v.module, qualname: v.qualname, file: v.loc ? displayPath(root, v.loc.file) : null, line: v.loc ? v.loc.line + 1 : null };
}

export function leafRow(root: string, leaf: UrlLeaf): UrlRow {
  return {
    route: leaf.route,
    name: leaf.name,
    view: viewJson(root, leaf.pattern.view),
    source: leaf.pattern.loc.file ? { file: displayPath(root, leaf.pattern.loc.file), line: leaf.pattern.loc.line + 1 } : null,
    conditional: leaf.conditional,
  };
}

export function urlTable(project: DjangoProject): UrlTable {
  const tree = project.urlTree();
  return {
    settings: project.settingsModule,
    root_urlconf: tree.rootUrlconf,
    urls: tree.leaves.map((l) => leafRow(project.root, l)),
  };
}
