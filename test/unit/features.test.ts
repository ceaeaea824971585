/**
 * Editor features on the analysis core (no LSP): each case names a file of the demo fixture and a
 * substring with a `|` marking the cursor, and states what the feature must answer.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture, FIXTURES } from '../helpers';
import { ProjectSession, type Doc } from '../../server/src/features/session';
import { definition, references } from '../../server/src/features/navigation';
import { hover, codeLenses, completions, readableRoute, formatSuffixBases } from '../../server/src/features/presentation';
import { PythonDocument } from '../../server/src/core/python/parser';
import type { Loc } from '../../server/src/core/python/values';

const ROOT = path.join(FIXTURES, 'demo');
let s: ProjectSession;

beforeAll(async () => {
  s = new ProjectSession(await openFixture('demo'));
});

function doc(rel: string, text?: string): Doc {
  const file = path.join(ROOT, rel);
  const t = text ?? fs.readFileSync(file, 'utf8');
  if (rel.endsWith('.py')) return { file, text: t, kind: 'python', tree: new PythonDocument(t).tree };
  return { file, text: t, kind: 'template' };
}

/** Offset of the `|` in `marked`, found in the file's text. */
function at(d: Doc, marked: string): number {
  const bare = marked.replace('|', '');
  const i = d.text.indexOf(bare);
  if (i < 0) throw new Error(`'${bare}' not in ${d.file}`);
  return i + marked.indexOf('|');
}

function lineOf(rel: string, needle: string): number {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8').split('\n').findIndex((l) => l.includes(needle));
}

const show = (l: Loc) => `${path.relative(ROOT, l.file)}:${l.line}`;

describe('definition', () => {
  const cases: [string, string, string, string][] = [
    ['blog/views.py', 'reverse("blog:post-de|tail"', 'blog/urls.py', '"<int:year>/<slug:slug>/"'],
    ['blog/views.py', 'reverse_lazy("blog:post-l|ist")', 'blog/urls.py', 'name="post-list"'],
    ['blog/views.py', 'redirect("shop:in|dex")', 'shop/urls.py', 'name="index"'],
    ['blog/templates/blog/index.html', "{% url 'blog:post-l|ist' %}", 'blog/urls.py', 'name="post-list"'],
    ['mysite/urls.py', 'include("blog.u|rls")', 'blog/urls.py', 'from django.urls import path'],
  ];
  for (const [file, marked, target, needle] of cases) {
    test(`${file}: ${marked}`, () => {
      const d = doc(file);
      expect(definition(s, d, at(d, marked)).map(show)).toEqual([`${target}:${lineOf(target, needle)}`]);
    });
  }

  test('INSTALLED_APPS AppConfig path → the class', () => {
    const d = doc('mysite/settings.py');
    const entry = s.project.installedApps().find((a) => a.name === 'blog')!.entry;
    const locs = definition(s, d, at(d, `"${entry.slice(0, 3)}|${entry.slice(3)}"`));
    expect(locs.map(show)).toEqual([`blog/apps.py:${lineOf('blog/apps.py', 'class BlogConfig')}`]);
  });

  test('ROOT_URLCONF → the module', () => {
    const d = doc('mysite/settings.py');
    expect(definition(s, d, at(d, '"mysite.u|rls"')).map(show)).toEqual(['mysite/urls.py:0']);
  });

  test('plain Python is left to Pylance', () => {
    const d = doc('blog/views.py');
    expect(definition(s, d, at(d, 'Post.objects.fil|ter'))).toEqual([]);
    // Template names are ours now (the templates issue): they go to the file Django loads.
    expect(definition(s, d, at(d, 'render(request, "blog/ind|ex.html"')).map(show)).toEqual(['blog/templates/blog/index.html:0']);
  });
});

describe('references', () => {
  test('from a view def → the patterns routed to it', () => {
    const d = doc('blog/views.py');
    expect(references(s, d, at(d, 'def pub|lish'), true).map(show)).toEqual([`blog/urls.py:${lineOf('blog/urls.py', 'name="publish"')}`]);
  });

  test("from a pattern's name → every use, in Python and templates", () => {
    const d = doc('blog/urls.py');
    const refs = references(s, d, at(d, 'name="post-l|ist"'), false).map(show);
    expect(refs).toContain(`blog/views.py:${lineOf('blog/views.py', 'reverse_lazy("blog:post-list")')}`);
    expect(refs).toContain(`templates/home.html:${lineOf('templates/home.html', "url 'blog:post-list'")}`);
    expect(refs).toContain(`blog/templates/blog/index.html:${lineOf('blog/templates/blog/index.html', "url 'blog:post-list'")}`);
  });
});

describe('hover, CodeLens, completion', () => {
  test('hover on a URL name shows route, name and view', () => {
    const d = doc('blog/views.py');
    const h = hover(s, d, at(d, 'reverse("blog:post-d|etail"'))!;
    expect(h.markdown).toContain('/blog/<int:year>/<slug:slug>/');
    expect(h.markdown).toContain('blog.views.PostDetailView');
    expect(h.markdown).toContain('blog/urls.py:11');
  });

  test('hover on a view def lists its routes', () => {
    const d = doc('blog/views.py');
    expect(hover(s, d, at(d, 'class PostDetail|View'))!.markdown).toContain('/blog/<int:year>/<slug:slug>/');
  });

  test('a CodeLens above each routed view', () => {
    const lenses = codeLenses(s, doc('blog/views.py')).filter((l) => !l.title.startsWith('template') && !l.action);
    const detail = lenses.find((l) => l.loc.line === lineOf('blog/views.py', 'class PostDetailView'))!;
    expect(detail.title).toBe('/blog/<int:year>/<slug:slug>/ · blog:post-detail');
    expect(detail.targets.map(show)).toEqual([`blog/urls.py:${lineOf('blog/urls.py', 'post-detail')}`]);
    expect(lenses.length).toBe(6);
  });

  test('a "▶ Trace" CodeLens next to each routed view, tracing an example path of its route', () => {
    const all = codeLenses(s, doc('blog/views.py'));
    const traces = all.filter((l) => l.action?.kind === 'trace');
    const routed = all.filter((l) => !l.title.startsWith('template') && !l.action);
    // One per routed view, on the same line as its route lens.
    expect(traces.map((l) => l.loc.line).sort((a, b) => a - b)).toEqual(routed.map((l) => l.loc.line).sort((a, b) => a - b));
    const detail = traces.find((l) => l.loc.line === lineOf('blog/views.py', 'class PostDetailView'))!;
    expect(detail.title).toBe('▶ Trace');
    expect(detail.targets).toEqual([]);
    expect(detail.action!.path).toMatch(/^\/blog\/\d+\/[\w-]+\/$/);
    expect(traces.find((l) => l.loc.line === lineOf('blog/views.py', 'def publish'))!.action!.path).toMatch(/^\/blog\/posts\/\d+\/publish\/$/);
  });

  test('a "▶ Trace <example>" CodeLens above each path() of a URLconf, at the call', () => {
    const lenses = codeLenses(s, doc('blog/urls.py'));
    const traces = lenses.filter((l) => l.action?.kind === 'trace');
    const text = fs.readFileSync(path.join(ROOT, 'blog/urls.py'), 'utf8').split('\n');
    const calls = text.map((l, i) => (/^\s+path\(/.test(l) ? i : -1)).filter((i) => i >= 0);
    expect(traces.map((l) => l.loc.line)).toEqual(calls);
    const detail = traces.find((l) => l.loc.line === lineOf('blog/urls.py', 'post-detail'))!;
    expect(detail.title).toBe(`▶ Trace ${detail.action!.path}`);
    expect(detail.loc.character).toBe(text[detail.loc.line].indexOf('path('));
    expect(detail.loc.endLine).toBe(detail.loc.line);
    expect(traces.find((l) => l.loc.line === lineOf('blog/urls.py', 'name="index"'))!.action!.path).toBe('/blog/');
    // The root URLconf: its own patterns (the includes are the included files' business).
    const root = codeLenses(s, doc('mysite/urls.py')).filter((l) => l.action);
    expect(root.map((l) => l.action!.path)).toEqual(expect.arrayContaining(['/about/', '/']));
    // A module nothing includes gets none.
    expect(codeLenses(s, doc('blog/models.py')).filter((l) => l.action)).toEqual([]);
  });

  test('a view that does not answer GET is traced with the method it answers (require_POST → POST)', () => {
    const shop = codeLenses(s, doc('shop/urls.py')).filter((l) => l.action);
    const add = shop.find((l) => l.loc.line === lineOf('shop/urls.py', 'add-to-cart'))!;
    expect(add.action).toEqual({ kind: 'trace', path: '/shop/example-slug/add/', method: 'POST' });
    expect(add.title).toBe('▶ Trace POST /shop/example-slug/add/');
    const view = codeLenses(s, doc('shop/views.py')).find((l) => l.action && l.loc.line === lineOf('shop/views.py', 'def add_to_cart'))!;
    expect(view.title).toBe('▶ Trace POST');
    // Views that answer GET keep the plain lens.
    expect(shop.find((l) => l.loc.line === lineOf('shop/urls.py', 'name="product"'))!.action!.method).toBeUndefined();
  });

  test('completion inside reverse(" of a half-typed line', () => {
    const text = fs.readFileSync(path.join(ROOT, 'blog/views.py'), 'utf8') + '\n\ndef x(request):\n    return reverse("blog:po';
    const d = doc('blog/views.py', text);
    const lines = text.split('\n');
    const items = completions(s, d, lines.length - 1, lines[lines.length - 1].length);
    const item = items.find((i) => i.label === 'blog:post-detail')!;
    expect(item.detail).toBe('/blog/<int:year>/<slug:slug>/');
    expect(item.replace.character).toBe(lines[lines.length - 1].indexOf('blog:po'));
  });

  test("completion inside {% url '", () => {
    const d = doc('templates/about.html', "{% url 'sh");
    expect(completions(s, d, 0, 10).map((i) => i.label)).toContain('shop:index');
    // At the tag name: the tags.
    expect(completions(s, d, 0, 3).map((i) => i.label)).toContain('url');
  });
});

describe('after an edit to a views module', () => {
  test('CodeLenses and view references follow the moved def', async () => {
    const { OverlayHost, DiskHost } = await import('../../server/src/core/host');
    const { Workspace } = await import('../../server/src/core/workspace');
    const host = new OverlayHost(new DiskHost());
    const project = (await Workspace.open(host, ROOT)).projects[0];
    const session = new ProjectSession(project);
    const file = path.join(ROOT, 'blog/views.py');
    const pyDoc = (): Doc => ({ file, text: host.readFile(file)!, kind: 'python', tree: new PythonDocument(host.readFile(file)!).tree });
    const before = codeLenses(session, pyDoc()).map((l) => l.loc.line).sort((a, b) => a - b);
    host.setBuffer(file, '\n\n\n' + fs.readFileSync(file, 'utf8'));
    project.invalidateFile(file);
    const after = codeLenses(session, pyDoc()).map((l) => l.loc.line).sort((a, b) => a - b);
    expect(after).toEqual(before.map((l) => l + 3));
    const d: Doc = { file, text: host.readFile(file)!, kind: 'python', tree: new PythonDocument(host.readFile(file)!).tree };
    expect(references(session, d, at(d, 'def pub|lish'), true).length).toBe(1);
  });
});

describe('routes as people read them (map labels)', () => {
  test('readableRoute: simple regexes as path routes, anything else as written', () => {
    expect(readableRoute('api/^users/(?P<pk>[^/.]+)/$')).toBe('/api/users/<pk>/');
    expect(readableRoute('^archive/(?P<year>[0-9]{4})/(?P<slug>[\\w-]+)\\.html$')).toBe('/archive/<year>/<slug>.html');
    expect(readableRoute('blog/<int:year>/<slug:slug>/')).toBe('/blog/<int:year>/<slug:slug>/');
    expect(readableRoute('^$')).toBe('/');
    // DRF's .json variants and trailing_slash='/?' routers: the optional slash is left out.
    expect(readableRoute('api/^users\\.(?P<format>[a-z0-9]+)/?$')).toBe('/api/users.<format>');
    expect(readableRoute('^items/?$')).toBe('/items');
    for (const raw of ['^(?:en|de)/$', '^a\\d+/$', '^files/.*$', '^x/(?P<y>[a-z]+/$']) expect(readableRoute(raw)).toBe(`/${raw}`);
  });

  test('formatSuffixBases: the routes DRF made a .format variant from', () => {
    expect(formatSuffixBases('^users/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$')).toEqual(['^users/(?P<pk>[^/.]+)/$', '^users/(?P<pk>[^/.]+)$']);
    expect(formatSuffixBases('^\\.(?P<format>(?:json|html))/?$')).toEqual(['^/$', '^$']);
    expect(formatSuffixBases('ping<drf_format_suffix:format>')).toEqual(['ping/', 'ping']);
    expect(formatSuffixBases('ping<drf_format_suffix_json_html:format>')).toEqual(['ping/', 'ping']);
    expect(formatSuffixBases('users/<str:format>/')).toEqual([]);
  });
});
