/**
 * Bad input never crashes or hangs the core: binary and non-UTF-8 files, BOM + CRLF, deep nesting,
 * huge lines, star-import cycles in settings, symlink loops, oversized files, missing modules.
 */
import { describe, test, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFixture, FIXTURES } from '../helpers';
import { DiskHost, decodeText, MAX_FILE_SIZE } from '../../server/src/core/host';
import { listProjectFiles } from '../../server/src/core/files';
import { findProjects } from '../../server/src/core/discovery';
import { scanFileText } from '../../server/src/core/urls/usageIndex';

describe('reading files', () => {
  test('binary content reads as "don\'t know", non-UTF-8 decodes without throwing, a BOM is dropped', () => {
    expect(decodeText(new Uint8Array([0x70, 0x00, 0x71]))).toBeUndefined();
    expect(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9]))).toBe('caf\ufffd');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x78]))).toBe('x');
  });

  test('an oversized file is not read, and the log says so', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-big-'));
    const big = path.join(dir, 'big.py');
    fs.writeFileSync(big, 'x = 1\n'.repeat(Math.ceil((MAX_FILE_SIZE + 10) / 6)));
    const logs: string[] = [];
    expect(new DiskHost((m) => logs.push(m)).readFile(big)).toBeUndefined();
    expect(logs.join()).toContain('over the');
  });

  test('a symlink loop does not hang the walk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-loop-'));
    fs.mkdirSync(path.join(dir, 'pkg', 'templates'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pkg', 'views.py'), 'x = 1\n');
    fs.writeFileSync(path.join(dir, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "pkg.settings")\n');
    fs.symlinkSync(dir, path.join(dir, 'pkg', 'loop'));
    fs.symlinkSync(path.join(dir, 'pkg'), path.join(dir, 'pkg', 'templates', 'back'));
    const files = listProjectFiles(new DiskHost(), [dir]);
    expect(files.python.filter((f) => f.endsWith('views.py')).length).toBe(1);
    expect(findProjects(new DiskHost(), dir).length).toBe(1);
  });
});

describe('the broken fixture', async () => {
  const logs: string[] = [];
  const p = await openFixture('broken', undefined, logs);
  const app = path.join(FIXTURES, 'broken', 'app');

  test('settings that star-import each other still evaluate', () => {
    expect(p.settingsModule).toBeTruthy();
    expect(p.rootUrlconf()).toBe('brokensite.urls');
    expect(p.installedApps().length).toBeGreaterThan(0);
  });

  test('every odd Python file is read or skipped, never thrown on', () => {
    for (const f of ['binary.py', 'bom_crlf.py', 'deep_nesting.py', 'latin1.py', 'long_line.py', 'empty.py', 'dynamic_urls.py']) {
      const text = new DiskHost().readFile(path.join(app, f));
      if (text !== undefined) expect(() => scanFileText(path.join(app, f), text)).not.toThrow();
      expect(() => p.getModule(`app.${f.slice(0, -3)}`)).not.toThrow();
    }
    expect(new DiskHost().readFile(path.join(app, 'binary.py'))).toBeUndefined();
    expect(p.getModule('app.bom_crlf')!.scope.size).toBeGreaterThan(0);
  });

  test('the URL tree is built and the problems are logged', () => {
    expect(p.urlTree().leaves.length).toBeGreaterThan(0);
    expect(logs.some((l) => l.includes('syntax error'))).toBe(true);
  });
});
