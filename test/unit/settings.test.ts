/** Static settings evaluation on the fixture projects: split packages, star-import chains, list mutation, paths. */
import { describe, test, expect } from 'vitest';
import path from 'node:path';
import { openFixture, FIXTURES } from '../helpers';
import { asString, asStringList } from '../../server/src/core/python/values';

describe('split settings package (split_src)', async () => {
  const p = await openFixture('split_src');
  const root = path.join(FIXTURES, 'split_src');

  test('finds the settings module through manage.py and the src/ layout', () => {
    expect(p.settingsModule).toBe('config.settings');
    expect(p.info.pythonPaths).toContain(path.join(root, 'src'));
    expect(p.rootUrlconf()).toBe('config.urls');
  });

  test('INSTALLED_APPS through +, +=, star imports and an if DEBUG branch, with AppConfig labels', () => {
    const apps = p.installedApps();
    expect(apps.map((a) => a.entry)).toEqual([
      'django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions',
      'django.contrib.messages', 'django.contrib.staticfiles', 'accounts.apps.AccountsConfig', 'catalog',
      'django.contrib.humanize', 'devtools.apps.DevtoolsConfig',
    ]);
    const accounts = apps.find((a) => a.entry === 'accounts.apps.AccountsConfig')!;
    expect(accounts.name).toBe('accounts');
    expect(accounts.label).toBe('users');
    expect(apps.find((a) => a.entry === 'catalog')!.label).toBe('catalog');
    // Only the app added under `if DEBUG:` is conditional.
    expect(apps.filter((a) => a.conditional).map((a) => a.entry)).toEqual(['devtools.apps.DevtoolsConfig']);
  });

  test('MIDDLEWARE after insert/append/extend and the DEBUG addition, in order', () => {
    const mw = asStringList(p.settingsValue('MIDDLEWARE'))!.map((m) => m.value);
    expect(mw[0]).toBe('config.middleware.TimingMiddleware');
    expect(mw).toContain('config.middleware.request_id_middleware');
    expect(mw.indexOf('django.middleware.clickjacking.XFrameOptionsMiddleware')).toBe(mw.length - 2);
    expect(mw[mw.length - 1]).toBe('devtools.middleware.QueryCountMiddleware');
  });

  test('paths, env defaults and plain values', () => {
    const templates = p.settingsValue('TEMPLATES');
    expect(templates.k).toBe('list');
    const dirs = (templates as { items: { k: string; entries: [{ v: string }, { items: { v: string }[] }][] }[] }).items[0].entries.find((e) => e[0].v === 'DIRS')![1];
    expect(dirs.items[0].v).toBe(path.join(root, 'src', 'templates'));
    expect(asString(p.settingsValue('LANGUAGE_CODE'))).toBe('en-gb');
    expect(asString(p.settingsValue('AUTH_USER_MODEL'))).toBe('users.User');
    expect(p.settingsValue('APPEND_SLASH')).toMatchObject({ k: 'bool', v: true });
    expect(p.settingsValue('DEBUG')).toMatchObject({ k: 'bool', v: true });
    const staticDirs = asStringList(p.settingsValue('STATICFILES_DIRS'))!;
    expect(staticDirs[0].value).toBe(path.join(root, 'src', 'static'));
    expect(p.settingLoc('DEBUG')?.file).toBe(path.join(root, 'src', 'config', 'settings', 'local.py'));
  });

  test('production settings (DEBUG off) read the same chain', async () => {
    const prod = await openFixture('split_src', 'config.settings.prod');
    expect(prod.settingsValue('DEBUG')).toMatchObject({ k: 'bool', v: false });
    expect(prod.installedApps().some((a) => a.entry.startsWith('devtools'))).toBe(false);
  });
});

describe('other fixtures', () => {
  test('demo: Path-based BASE_DIR and AppConfig entries', async () => {
    const p = await openFixture('demo');
    const blog = p.installedApps().find((a) => a.name === 'blog')!;
    expect(blog.label).toBe('blog');
    expect(blog.config?.qualname).toBe('BlogConfig');
    expect(blog.dir).toBe(path.join(FIXTURES, 'demo', 'blog'));
  });

  test('drf_i18n: the AppConfig with default = True is chosen among two', async () => {
    const p = await openFixture('drf_i18n');
    expect(asString(p.settingsValue('LANGUAGE_CODE'))).toBe('de');
    const withConfig = p.installedApps().filter((a) => a.config);
    expect(withConfig.length).toBeGreaterThan(0);
  });

  test('monorepo: two projects, each with its own settings and site-packages', async () => {
    const { Workspace } = await import('../../server/src/core/workspace');
    const { DiskHost } = await import('../../server/src/core/host');
    const ws = await Workspace.open(new DiskHost(), path.join(FIXTURES, 'monorepo'));
    expect(ws.projects.map((x) => x.settingsModule).sort()).toEqual(['api_site.settings', 'web_site.settings']);
    const web = ws.projects.find((x) => x.settingsModule === 'web_site.settings')!;
    expect(web.info.sitePackages.some((s) => s.includes('.venv'))).toBe(true);
  });
});
