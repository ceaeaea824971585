/** Shared helpers for the core tests: open a fixture project as the CLI and the server do. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
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

/** The built CLI (`node scripts/build.mjs` first). */
export const CLI = path.resolve(__dirname, '../dist/cli.js');

/** Runs the built CLI: exit code, stdout, stderr. */
export function runCli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A fresh copy of a fixture in a temporary folder, to change. */
export function copyFixture(fixture: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `atlas-new-${fixture.replace(/\W/g, '_')}-`));
  fs.cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

/** Every file's bytes below a folder, to tell that nothing changed. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile() && !f.includes('__pycache__')) out.set(f, fs.readFileSync(p, 'latin1'));
  }
  return out;
}
