/**
 * Scaffolding (core/scaffold, `django-atlas new`): Python edits that keep everything else's bytes,
 * and "new app" applied to copies of every fixture — Django itself must accept the result
 * (`manage.py check`, the app in its registry, the include in its resolver), our index sees it at
 * once, a second run and bad names are refused without changing a byte.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEBIAN_PYTHON, pythonHas, runCli, copyFixture, snapshot } from '../helpers';
import { appendToList, ensureImport, quoteStyle } from '../../server/src/core/scaffold/pyedit';
import { initPython } from '../../server/src/core/python/parser';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';

const django = pythonHas('django', 'rest_framework');
const run = runCli;
const copy = copyFixture;

describe('Python edits keep the file as it was around them', () => {
  beforeAll(() => initPython());

  test('appending to a list: multi-line with and without a trailing comma, one line, empty, comments', () => {
    expect(appendToList('A = [\n    "x",\n    "y",  # last\n]\n', 'A', '"z"')).toBe('A = [\n    "x",\n    "y",  # last\n    "z",\n]\n');
    expect(appendToList('A = [\n  "x",\n  "y"\n]\n', 'A', '"z"')).toBe('A = [\n  "x",\n  "y",\n  "z",\n]\n');
    expect(appendToList('A = ["x", "y"]\n', 'A', '"z"')).toBe('A = ["x", "y", "z"]\n');
    expect(appendToList('A = []\n', 'A', '"z"')).toBe('A = ["z"]\n');
    expect(appendToList('A = [\n]\n', 'A', '"z"')).toBe('A = [\n    "z",\n]\n');
    // Only a top-level assignment, and the last one.
    expect(appendToList('if X:\n    A = ["q"]\nA = ["x"]\nB = 1\n', 'A', '"z"')).toBe('if X:\n    A = ["q"]\nA = ["x", "z"]\nB = 1\n');
    expect(appendToList('A = B + C\n', 'A', '"z"')).toBeUndefined();
  });

  test('imports: added in sorted place, appended, or a new line after the last import', () => {
    expect(ensureImport('from django.urls import path, re_path\n', 'django.urls', 'include')).toBe('from django.urls import include, path, re_path\n');
    expect(ensureImport('from django.urls import re_path, path\n', 'django.urls', 'include')).toBe('from django.urls import re_path, path, include\n');
    expect(ensureImport('from django.urls import include, path\n', 'django.urls', 'include')).toBe('from django.urls import include, path\n');
    expect(ensureImport('import os\n\nX = 1\n', 'django.urls', 'path')).toBe('import os\nfrom django.urls import path\n\nX = 1\n');
    expect(quoteStyle("A = ['x', 'y']\nB = \"z\"\n")).toBe("'");
  });
});

describe('django-atlas new app', () => {
  const fixtures = ['demo', 'split_src', 'drf_i18n', 'models_site', 'templates_site'];
  for (const fixture of fixtures) {
    test(`${fixture}: Django accepts the app; our index sees it; twice is refused without a change`, async () => {
      const dir = copy(fixture);
      const r = run('new', 'app', 'notes', dir);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/created .*notes\/apps\.py/);
      const ws = await Workspace.open(new DiskHost(), dir);
      const p = ws.projects[0];
      expect(p.installedApps().map((a) => a.name)).toContain('notes');
      expect(p.urlTree().entries.some((e) => e.kind === 'resolver' && e.module === 'notes.urls' && e.route === 'notes/')).toBe(true);
      const before = snapshot(dir);
      const again = run('new', 'app', 'notes', dir);
      expect(again.code).toBe(2);
      expect(again.err).toMatch(/already named 'notes'; nothing was changed/);
      expect(snapshot(dir)).toEqual(before);
      if (!django) return;
      const check = spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 });
      expect(check.status, check.stderr).toBe(0);
      for (const f of ['apps.py', 'urls.py']) {
        const file = (fs.readdirSync(dir, { recursive: true }) as string[]).find((x) => x.endsWith(path.join('notes', f)))!;
        execFileSync(DEBIAN_PYTHON, ['-m', 'py_compile', path.join(dir, file)]);
      }
    });
  }

  test('--dry-run prints the diff and changes nothing; bad names are refused', () => {
    const dir = copy('demo');
    const before = snapshot(dir);
    const dry = run('new', 'app', 'notes', dir, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('+++ b/notes/apps.py');
    expect(dry.out).toContain('+    "notes",');
    for (const bad of ['1notes', 'class', 'os', 'Notes', 'blog', 'no-dash']) {
      const r = run('new', 'app', bad, dir);
      expect(r.code, bad).toBe(2);
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('django-atlas new template', () => {
  test("Django's loader finds it where we put it, extending the parent with its blocks; existing names and bad names refused", async () => {
    const dir = copy('demo');
    const r = run('new', 'template', 'blog/archive.html', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim()).toBe('created blog/templates/blog/archive.html');
    const other = run('new', 'template', 'pages/about2.html', dir, '--extends', 'blog/post_detail.html');
    expect(other.code, other.err).toBe(0);
    // Our index sees both at once.
    const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
    expect(p.templates().resolve('blog/archive.html')?.file).toBe(path.join(dir, 'blog/templates/blog/archive.html'));
    expect(p.templates().extendsName(path.join(dir, 'templates/pages/about2.html'))).toBe('blog/post_detail.html');
    const before = snapshot(dir);
    for (const args of [['blog/archive.html'], ['../escape.html'], ['noext'], ['x.html', '--extends', 'missing.html']]) {
      expect(run('new', 'template', args[0], dir, ...args.slice(1)).code, args.join(' ')).toBe(2);
    }
    expect(snapshot(dir)).toEqual(before);
    if (!django) return;
    const t = JSON.parse(execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_templates.py'), dir], { encoding: 'utf8', timeout: 120000 })).templates as { name: string; file: string; extends: string; blocks: string[] }[];
    expect(t.find((x) => x.name === 'blog/archive.html')).toMatchObject({ file: 'blog/templates/blog/archive.html', extends: 'base.html', blocks: ['title', 'content'] });
    expect(t.find((x) => x.name === 'pages/about2.html')).toMatchObject({ file: 'templates/pages/about2.html', extends: 'blog/post_detail.html' });
  });
});

describe('django-atlas new view', () => {
  /** Django's resolve() of paths in a project folder: the view's qualname per path (or null). */
  function djangoResolve(dir: string, paths: string[]): (string | null)[] {
    const out = execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_urls.py'), dir, '--resolve', ...paths], { encoding: 'utf8', timeout: 120000 });
    return (JSON.parse(out) as { match: { view: { qualname: string } } | null }[]).map((a) => a.match?.view.qualname ?? null);
  }

  test('every kind: Django checks the project, resolves each new URL to its view, loads each template extending base.html', async () => {
    const dir = copy('demo');
    const made: [string[], string, string][] = [
      [['shop', 'stats', '--kind', 'function', '--route', 'stats/all/'], '/shop/stats/all/', 'stats'],
      [['blog', 'Archive', '--kind', 'class'], '/blog/archive/', 'Archive'],
      [['blog', 'AboutPage', '--kind', 'template'], '/blog/about-page/', 'AboutPage'],
      [['blog', 'PostTable', '--kind', 'list', '--model', 'Post', '--route', 'table/'], '/blog/table/', 'PostTable'],
      [['blog', 'PostShow', '--kind', 'detail', '--model', 'Post'], '/blog/posts/1/', 'PostShow'],
      [['blog', 'PostAdd', '--kind', 'create', '--model', 'blog.Post', '--route', 'posts/add/'], '/blog/posts/add/', 'PostAdd'],
      [['blog', 'PostEdit', '--kind', 'update', '--model', 'Post'], '/blog/posts/1/edit/', 'PostEdit'],
      [['blog', 'PostRemove', '--kind', 'delete', '--model', 'Post'], '/blog/posts/1/delete/', 'PostRemove'],
      [['shop', 'ContactView', '--kind', 'form', '--route', 'forms/contact/'], '/shop/forms/contact/', 'ContactView'],
    ];
    for (const [args] of made) {
      const r = run('new', 'view', ...args.slice(0, 2), dir, ...args.slice(2));
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
    }
    // Our index sees the new views at once, routed where Django will route them.
    const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
    const { resolverFor } = await import('../../server/src/core/flow/flow');
    expect(made.map(([, url]) => resolverFor(p).resolve(url).match?.leaf.pattern.view?.qualname ?? null)).toEqual(made.map(([, , view]) => view));
    // A route an earlier pattern answers, an existing name, a model-less list, a bad kind: refused, nothing changed.
    const before = snapshot(dir);
    for (const args of [['blog', 'PostTable2', '--kind', 'list', '--model', 'Post'], ['blog', 'Archive', '--kind', 'class', '--route', 'x/'], ['blog', 'Lst', '--kind', 'list'], ['blog', 'X', '--kind', 'nope'], ['blog', 'bad_Name', '--kind', 'function'], ['nosuchapp', 'X', '--kind', 'class']]) {
      expect(run('new', 'view', ...args.slice(0, 2), dir, ...args.slice(2)).code, args.join(' ')).toBe(2);
    }
    expect(snapshot(dir)).toEqual(before);
    if (!django) return;
    const check = spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 });
    expect(check.status, check.stderr).toBe(0);
    expect(djangoResolve(dir, made.map(([, url]) => url))).toEqual(made.map(([, , view]) => view));
    const t = JSON.parse(execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_templates.py'), dir], { encoding: 'utf8', timeout: 120000 })).templates as { name: string; extends: string }[];
    for (const name of ['shop/stats.html', 'blog/archive.html', 'blog/post_table.html', 'blog/post_remove.html', 'shop/contact.html']) {
      expect(t.find((x) => x.name === name)?.extends, name).toBe('base.html');
    }
  });

  test('a route a capturing pattern of the same urls.py answers (shop\'s <slug:slug>/) goes right before it', async () => {
    const dir = copy('demo');
    const r = run('new', 'view', 'shop', 'cart', dir, '--kind', 'function');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/placed before shop:product \(shop\/<slug:slug>\/\)/);
    const urls = fs.readFileSync(path.join(dir, 'shop/urls.py'), 'utf8');
    expect(urls).toContain('    path("cart/", views.cart, name="cart"),\n    path("<slug:slug>/", ProductDetailView.as_view(), name="product"),');
    const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
    const { resolverFor } = await import('../../server/src/core/flow/flow');
    expect(['/shop/cart/', '/shop/lamp/'].map((u) => resolverFor(p).resolve(u).match?.leaf.pattern.view?.qualname)).toEqual(['cart', 'ProductDetailView']);
    if (django) expect(djangoResolve(dir, ['/shop/cart/', '/shop/lamp/'])).toEqual(['cart', 'ProductDetailView']);
  });

  test('an app without urls.py gets one, with app_name, included from ROOT_URLCONF', async () => {
    const dir = copy('models_site');
    const r = run('new', 'view', 'store', 'ProductList', dir, '--kind', 'list', '--model', 'Product');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('created shop/urls.py');
    expect(r.out).toContain('edited  msite/urls.py');
    const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
    expect(p.urlTree().leaves.find((l) => l.name === 'store:product-list')?.route).toBe('store/products/');
    if (!django) return;
    expect(spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 }).status).toBe(0);
    expect(djangoResolve(dir, ['/store/products/'])).toEqual(['ProductList']);
  });
});

describe('django-atlas new model', () => {
  test("Django's app registry has the model with its fields; the admin registers it; our index sees it; bad specs refused", async () => {
    for (const [fixture, app] of [['demo', 'blog'], ['models_site', 'store']]) {
      const dir = copy(fixture);
      const r = run('new', 'model', app, 'Critique', dir, '--fields', 'title:CharField,body:TextField,author:ForeignKey(auth.User),rating:DecimalField,sure:BooleanField');
      expect(r.code, r.err).toBe(0);
      const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
      const ours = p.models().byLabel(`${app}.Critique`);
      expect(ours?.fields.map((f) => f.name)).toEqual(['title', 'body', 'author', 'rating', 'sure']);
      expect(p.adminRegistrations().some((a) => { const m = p.interp().force(a.model); return m.k === 'def' && m.qualname === 'Critique'; })).toBe(true);
      const before = snapshot(dir);
      for (const args of [['Critique'], ['review'], ['Other', '--fields', 'x:NoSuchField'], ['Other', '--fields', 'pk:CharField'], ['Other', '--fields', 'x:ForeignKey'], ['Other', '--fields', 'x:ForeignKey(nope.Nope)']]) {
        expect(run('new', 'model', app, args[0], dir, ...args.slice(1)).code, `${fixture} ${args.join(' ')}`).toBe(2);
      }
      expect(snapshot(dir)).toEqual(before);
      if (!django) continue;
      expect(spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 }).status).toBe(0);
      const models = JSON.parse(execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_models.py'), dir], { encoding: 'utf8', timeout: 120000 })).models as { app_label: string; name: string; fields: { name: string; type: string; related_model?: string }[] }[];
      const m = models.find((x) => x.app_label === app && x.name === 'Critique')!;
      expect(m.fields.map((f) => [f.name, f.type, f.related_model ?? null])).toEqual([
        ['title', 'CharField', null], ['body', 'TextField', null],
        // settings.AUTH_USER_MODEL: models_site swaps the user model.
        ['author', 'ForeignKey', fixture === 'models_site' ? 'accounts.User' : 'auth.User'],
        ['rating', 'DecimalField', null], ['sure', 'BooleanField', null],
      ]);
    }
  });
});

describe('django-atlas new command', () => {
  test('manage.py runs it; the packages are made when missing; Django names and taken names refused', async () => {
    const dir = copy('demo');
    const r = run('new', 'command', 'shop', 'restock', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('created shop/management/commands/restock.py');
    expect(r.out).toContain('created shop/management/__init__.py');
    const before = snapshot(dir);
    for (const args of [['shop', 'restock'], ['blog', 'restock'], ['shop', 'migrate'], ['shop', 'Restock'], ['nope', 'x']]) {
      expect(run('new', 'command', args[0], args[1], dir).code, args.join(' ')).toBe(2);
    }
    expect(snapshot(dir)).toEqual(before);
    if (!django) return;
    const out = spawnSync(DEBIAN_PYTHON, ['manage.py', 'restock', '--dry-run'], { cwd: dir, encoding: 'utf8', timeout: 120000 });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('restock: done');
  });
});

describe('django-atlas new middleware', () => {
  test("it lands at the position in Django's MIDDLEWARE and in our request flow; taken names refused", async () => {
    const dir = copy('demo');
    const r = run('new', 'middleware', 'blog', 'TimingMiddleware', dir, '--position', '1');
    expect(r.code, r.err).toBe(0);
    const second = run('new', 'middleware', 'shop', 'AuditMiddleware', dir);
    expect(second.code, second.err).toBe(0);
    const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
    const { traceFlow } = await import('../../server/src/core/flow/flow');
    const mw = traceFlow(p, '/', 'GET').steps.filter((s) => s.kind === 'middleware' && s.phase === 'request' && !s.label.endsWith('.process_view')).map((s) => s.label);
    expect(mw[1]).toBe('blog.middleware.TimingMiddleware');
    expect(mw[mw.length - 1]).toBe('shop.middleware.AuditMiddleware');
    const before = snapshot(dir);
    for (const args of [['blog', 'TimingMiddleware'], ['blog', 'lower'], ['blog', 'Other', '--position', '-1']]) {
      expect(run('new', 'middleware', args[0], args[1], dir, ...args.slice(2)).code, args.join(' ')).toBe(2);
    }
    expect(snapshot(dir)).toEqual(before);
    if (!django) return;
    const settings = JSON.parse(execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_flow_settings.py'), dir], { encoding: 'utf8', timeout: 120000 })) as { middleware: { path: string }[] };
    const paths = settings.middleware.map((m) => m.path);
    expect(paths[1]).toBe('blog.middleware.TimingMiddleware');
    expect(paths[paths.length - 1]).toBe('shop.middleware.AuditMiddleware');
    expect(spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 }).status).toBe(0);
  });
});
