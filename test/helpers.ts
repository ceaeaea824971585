/** Shared helpers for the core tests: open a fixture project as the CLI and the server do. */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DiskHost } from '../server/src/core/host';
import { Workspace } from '../server/src/core/workspace';
import type { DjangoProject } from '../server/src/core/project';

export const FIXTURES = path.resolve(__dirname, 'fixtures');

export async function openFixture(rel: string, settingsModule?: string, logs?: string[]): Promise<DjangoProject> {
  const host = new DiskHost((m) => logs?.push(m));
  const ws = await Workspace.open(host, path.join(FIXTURES, rel), settingsModule ? { settingsModule } : {});
  if (!ws.projects.length) throw new Error(`no project in ${rel}`);
  return ws.projects[0];
}

/** Debian's interpreter, which has python3-django (the oracles run Django with it). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Whether that interpreter can import these modules. */
export function pythonHas(...modules: string[]): boolean {
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A kwarg string inside the project root starts with `<root>`, as django_urls.py writes it. */
export function rootRelative(project: DjangoProject, kwargs: Record<string, unknown>): Record<string, unknown> {
  const roots = [...new Set([project.root, fs.realpathSync(project.root)])];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    const root = typeof v === 'string' ? roots.find((r) => v === r || v.startsWith(r + path.sep)) : undefined;
    out[k] = root !== undefined ? `<root>${(v as string).slice(root.length).split(path.sep).join('/')}` : v;
  }
  return out;
}
