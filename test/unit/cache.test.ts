/** The disk cache makes a warm start faster and never different: stale entries are re-evaluated. */
import { test, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { urlTable } from '../../server/src/core/urls/table';
import { loadCache, saveCache } from '../../server/src/core/cache';
import { FIXTURES } from '../helpers';

async function open(root: string, cacheFile?: string) {
  const p = (await Workspace.open(new DiskHost(), root)).projects[0];
  if (cacheFile) p.useCache(loadCache(cacheFile, p.root));
  return p;
}

test('a warm start from the cache gives the same table; an edited module is evaluated afresh', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-cache-'));
  fs.cpSync(path.join(FIXTURES, 'split_src'), root, { recursive: true });
  const cacheFile = path.join(root, '..', `${path.basename(root)}.bin`);
  const cold = await open(root);
  const expected = JSON.stringify(urlTable(cold));
  for (const l of cold.urlTree().leaves) void l.pattern.view;
  saveCache(cacheFile, cold.root, cold.cacheEntries());

  const warm = await open(root, cacheFile);
  expect(JSON.stringify(urlTable(warm))).toBe(expected);

  // An edit on disk (a renamed pattern) invalidates that module's entry and its dependents.
  const urls = path.join(root, 'src', 'config', 'urls.py');
  fs.writeFileSync(urls, fs.readFileSync(urls, 'utf8').replace('name="health"', 'name="healthz"'));
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(urls, later, later);
  const afterEdit = await open(root, cacheFile);
  const names = urlTable(afterEdit).urls.map((u) => u.name);
  expect(names).toContain('healthz');
  expect(names).not.toContain('health');

  // A cache for another root or a corrupt file is ignored.
  expect(loadCache(cacheFile, '/elsewhere')).toBeUndefined();
  fs.writeFileSync(cacheFile, 'not a cache');
  expect(loadCache(cacheFile, root)).toBeUndefined();
});
