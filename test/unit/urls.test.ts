/** URL tree details the oracle does not see: conditional patterns, sources, problems, names. */
import { describe, test, expect } from 'vitest';
import { openFixture } from '../helpers';
import { urlTable } from '../../server/src/core/urls/table';
import { UrlNameIndex } from '../../server/src/core/urls/names';
import { projectDiagnostics } from '../../server/src/core/checks';

describe('split_src URL table', async () => {
  const p = await openFixture('split_src');
  const rows = urlTable(p).urls;

  test('DEBUG-only patterns are marked conditional, the rest not', () => {
    const conditional = rows.filter((r) => r.conditional).map((r) => r.route);
    expect(conditional.some((r) => r.startsWith('__debug__/'))).toBe(true);
    expect(conditional).toContain('^media/(?P<path>.*)$');
    expect(rows.find((r) => r.route === 'health/')!.conditional).toBe(false);
  });

  test('sources point at the path() call, 1-based', () => {
    const health = rows.find((r) => r.route === 'health/')!;
    expect(health.source).toEqual({ file: 'src/config/urls.py', line: 29 });
    const weekly = rows.find((r) => r.name === 'weekly-report')!;
    expect(weekly.view).toMatchObject({ module: 'catalog.views.public', qualname: 'Reports.Weekly' });
  });

  test('names resolve through instance and application namespaces', () => {
    const names = new UrlNameIndex(p.urlTree());
    expect(names.lookup('shop:product-list').length).toBe(1);
    expect(names.lookup('catalog:product-list').length).toBeGreaterThanOrEqual(1);
    expect(names.lookup('nope').length).toBe(0);
  });

  test('production settings drop the DEBUG-only patterns', async () => {
    const prod = await openFixture('split_src', 'config.settings.prod');
    const r = urlTable(prod).urls;
    expect(r.some((x) => x.route.startsWith('__debug__/'))).toBe(false);
    expect(r.some((x) => x.route.startsWith('^media/'))).toBe(false);
  });
});

describe('broken project: no crash, problems reported', async () => {
  const logs: string[] = [];
  const p = await openFixture('broken', undefined, logs);

  test('reads what it can and reports what it cannot', () => {
    const tree = p.urlTree();
    expect(tree.leaves.find((l) => l.name === 'index')?.pattern.view?.qualname).toBe('index');
    const codes = tree.problems.map((x) => x.code);
    expect(codes).toContain('circular-include');
    expect(codes).toContain('unresolved-include');
    expect(logs.some((l) => l.includes('syntax error'))).toBe(true);
  });

  test('check diagnostics name the missing and circular includes', () => {
    const msgs = projectDiagnostics(p).map((d) => `${d.severity}:${d.code}:${d.message}`);
    expect(msgs.some((m) => m.startsWith('error:circular-include'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('error:unresolved-include') && m.includes("'app.gone_urls' cannot be found"))).toBe(true);
    expect(msgs.some((m) => m.startsWith('warning:unresolved-library-include') && m.includes("'missing.urls'"))).toBe(true);
  });

  test('a function after a syntax error is still found', () => {
    const env = p.getModule('app.views')!;
    expect(env.scope.get('after_the_error')?.k).toBe('def');
  });
});

describe('demo diagnostics', () => {
  test('a clean project has no URL diagnostics', async () => {
    const p = await openFixture('demo');
    expect(projectDiagnostics(p)).toEqual([]);
  });
});

describe('editing the settings', () => {
  test('turning DEBUG off in local.py drops the DEBUG-only patterns and apps; turning it on brings them back', async () => {
    const { OverlayHost, DiskHost } = await import('../../server/src/core/host');
    const { Workspace } = await import('../../server/src/core/workspace');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { FIXTURES } = await import('../helpers');
    const host = new OverlayHost(new DiskHost());
    const p = (await Workspace.open(host, path.join(FIXTURES, 'split_src'))).projects[0];
    const debugRoutes = () => urlTable(p).urls.filter((u) => u.route.startsWith('__debug__/')).length;
    expect(debugRoutes()).toBeGreaterThan(0);
    const local = path.join(FIXTURES, 'split_src', 'src', 'config', 'settings', 'local.py');
    const text = fs.readFileSync(local, 'utf8');
    host.setBuffer(local, text.replace('DEBUG = True', 'DEBUG = False'));
    p.invalidateFile(local);
    expect(debugRoutes()).toBe(0);
    expect(p.installedApps().some((a) => a.entry.startsWith('devtools'))).toBe(false);
    host.setBuffer(local, text);
    p.invalidateFile(local);
    expect(debugRoutes()).toBeGreaterThan(0);
    expect(p.installedApps().some((a) => a.entry.startsWith('devtools'))).toBe(true);
  });
});
