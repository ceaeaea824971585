/**
 * The entry point of the analysis core: the Django projects of one workspace folder, found by
 * discovery and analysed on demand. Used by the language server, the CLI and the tests alike.
 */
import path from 'node:path';
import type { Host } from './host';
import { findProjects, type DiscoveryOptions } from './discovery';
import { DjangoProject } from './project';
import { initPython } from './python/parser';

export class Workspace {
  projects: DjangoProject[] = [];
  constructor(
    readonly host: Host,
    readonly folder: string,
    readonly options: DiscoveryOptions = {},
  ) {}

  static async open(host: Host, folder: string, options: DiscoveryOptions = {}): Promise<Workspace> {
    await initPython();
    const ws = new Workspace(host, path.resolve(folder), options);
    ws.discover();
    return ws;
  }

  discover(): void {
    this.projects = findProjects(this.host, this.folder, this.options).map((info) => new DjangoProject(this.host, info));
  }

  /** The project a file belongs to: the deepest project root containing it, else the first project. */
  projectFor(file: string): DjangoProject | undefined {
    let best: DjangoProject | undefined;
    for (const p of this.projects) {
      const rel = path.relative(p.root, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (!best || p.root.length > best.root.length) best = p;
    }
    if (best) return best;
    return this.projects.find((p) => p.moduleForFile(file) !== undefined) ?? this.projects[0];
  }
}
