/** Shared helpers for the core tests: open a fixture project as the CLI and the server do. */
import path from 'node:path';
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
