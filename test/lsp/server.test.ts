/**
 * End to end: the built language server (dist/server.js --stdio) driven over JSON-RPC the way an
 * editor drives it, on the fixture projects. Positions are found in the fixture text, never
 * hard-coded, so the assertions follow the fixtures.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { Location, Hover, CompletionItem, CodeLens, MarkupContent, Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, FIXTURES, ensureBuilt, positionOf, lineOf, uriOf, fileOf, positionAt, type StatusParams } from './client';
import type { FlowResult, ProjectCommands } from '../../server/src/protocol';

const DEMO = path.join(FIXTURES, 'demo');
const BROKEN = path.join(FIXTURES, 'broken');
const MONOREPO = path.join(FIXTURES, 'monorepo');
const d = (rel: string) => path.join(DEMO, rel);
const read = (file: string) => fs.readFileSync(file, 'utf8');

const BLOG_VIEWS = d('blog/views.py');
const BLOG_URLS = d('blog/urls.py');
const SHOP_URLS = d('shop/urls.py');
const SITE_URLS = d('mysite/urls.py');
const SETTINGS = d('mysite/settings.py');
const BLOG_APPS = d('blog/apps.py');
const BLOG_INDEX_HTML = d('blog/templates/blog/index.html');
const POST_DETAIL_HTML = d('blog/templates/blog/post_detail.html');
const HOME_HTML = d('templates/home.html');
const ABOUT_HTML = d('templates/about.html');
const DETAIL_ROUTE = '/blog/<int:year>/<slug:slug>/';

type Pos = { line: number; character: number };
const td = (file: string) => ({ uri: uriOf(file) });

/** Locations as `relative/path:line` strings (0-based lines), for readable failures. */
const where = (locs: Location[], root = DEMO) => locs.map((l) => `${path.relative(root, fileOf(l.uri))}:${l.range.start.line}`);

beforeAll(() => ensureBuilt(), 60_000);

describe('demo project', () => {
  let c: LspClient;
  let ready: StatusParams;
  const def = (file: string, pos: Pos) => c.request<Location[] | null>('textDocument/definition', { textDocument: td(file), position: pos });
  const refs = (file: string, pos: Pos, includeDeclaration = true) =>
    c.request<Location[] | null>('textDocument/references', { textDocument: td(file), position: pos, context: { includeDeclaration } });
  const hover = (file: string, pos: Pos) => c.request<Hover | null>('textDocument/hover', { textDocument: td(file), position: pos });
  const complete = async (file: string, pos: Pos) => {
    const r = await c.request<CompletionItem[] | { items: CompletionItem[] } | null>('textDocument/completion', {
      textDocument: td(file), position: pos, context: { triggerKind: 1 },
    });
    return Array.isArray(r) ? r : r?.items ?? [];
  };

  beforeAll(async () => {
    c = await LspClient.start(DEMO);
    ready = await c.waitReady(30_000);
  }, 45_000);
  afterAll(async () => {
    await c?.stop();
  });

  test('initialize handshake: work-done progress created and finished, ready with the project', async () => {
    expect(c.progressTokens.length).toBeGreaterThan(0);
    const kinds = c.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    expect(kinds[0]).toBe('begin');
    expect(kinds).toContain('end');
    expect(ready.projects).toHaveLength(1);
    expect(c.unexpectedRequests).toEqual([]);
  });

  test('1. definition: reverse("blog:post-detail") → the post-detail pattern in blog/urls.py', async () => {
    const views = read(BLOG_VIEWS);
    const locs = await def(BLOG_VIEWS, positionOf(views, 'reverse("blog:post-detail"', 'reverse("blog:po'.length));
    expect(where(locs ?? [])).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'path("<int:year>/<slug:slug>/"')}`]);
  });

  test('1b. definition on the closing quote still counts, and outside the string gives nothing', async () => {
    const views = read(BLOG_VIEWS);
    const atQuote = await def(BLOG_VIEWS, positionOf(views, '"blog:post-detail"', '"blog:post-detail"'.length));
    expect(where(atQuote ?? [])).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="post-detail"')}`]);
    const onKwargs = await def(BLOG_VIEWS, positionOf(views, 'kwargs={"year"', 2));
    expect(onKwargs ?? []).toEqual([]);
  });

  test('2. definition: redirect("shop:index") → the index pattern in shop/urls.py', async () => {
    const views = read(BLOG_VIEWS);
    const locs = await def(BLOG_VIEWS, positionOf(views, 'redirect("shop:index")', 'redirect("sh'.length));
    expect(where(locs ?? [])).toEqual([`shop/urls.py:${lineOf(read(SHOP_URLS), 'name="index"')}`]);
  });

  test("3. definition: {% url 'blog:post-list' %} in an open django-html template → blog/urls.py", async () => {
    const html = await c.openDoc(BLOG_INDEX_HTML, 'django-html');
    try {
      const locs = await def(BLOG_INDEX_HTML, positionOf(html, "{% url 'blog:post-list'", "{% url 'blog:p".length));
      expect(where(locs ?? [])).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="post-list"')}`]);
      // On the tag name rather than the URL name: the tag's definition in Django (when readable).
      const tag = (await def(BLOG_INDEX_HTML, positionOf(html, "{% url 'blog:post-list'", 4))) ?? [];
      for (const l of tag) expect(fileOf(l.uri)).toMatch(/django[\\/]template[\\/]defaulttags\.py$/);
    } finally {
      await c.closeDoc(BLOG_INDEX_HTML);
    }
  });

  test('4. definition: include("blog.urls") → top of blog/urls.py', async () => {
    const locs = await def(SITE_URLS, positionOf(read(SITE_URLS), 'include("blog.urls")', 'include("bl'.length));
    expect(locs).toHaveLength(1);
    expect(fileOf(locs![0].uri)).toBe(BLOG_URLS);
    expect(locs![0].range.start).toEqual({ line: 0, character: 0 });
  });

  test('5. definition: INSTALLED_APPS AppConfig path → the class in blog/apps.py', async () => {
    const settings = read(SETTINGS);
    const locs = await def(SETTINGS, positionOf(settings, '"blog.apps.BlogConfig"', 5));
    expect(where(locs ?? [])).toEqual([`blog/apps.py:${lineOf(read(BLOG_APPS), 'class BlogConfig')}`]);
    // A plain app label resolves to the package.
    const shop = await def(SETTINGS, positionOf(settings, '"shop"', 2));
    expect(where(shop ?? [])).toEqual(['shop/__init__.py:0']);
  });

  test('5b. definition: MIDDLEWARE entry → the class in the installed Django', async () => {
    const security = '/usr/lib/python3/dist-packages/django/middleware/security.py';
    const settings = read(SETTINGS);
    const locs = await def(SETTINGS, positionOf(settings, '"django.middleware.security.SecurityMiddleware"', 30));
    if (!fs.existsSync(security)) {
      console.warn(`skipping the site-packages assertion: ${security} does not exist`);
      return;
    }
    expect(locs).toHaveLength(1);
    expect(fileOf(locs![0].uri)).toMatch(/[\\/](site|dist)-packages[\\/]django[\\/]middleware[\\/]security\.py$/);
    expect(locs![0].range.start.line).toBe(lineOf(read(fileOf(locs![0].uri)), 'class SecurityMiddleware'));
  });

  test('6. references: def publish → its pattern in blog/urls.py', async () => {
    const views = read(BLOG_VIEWS);
    const locs = await refs(BLOG_VIEWS, positionOf(views, 'def publish', 'def pu'.length));
    expect(where(locs ?? [])).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="publish"')}`]);
  });

  test('6b. references: name="post-list" → its uses in views.py and in templates', async () => {
    const urls = read(BLOG_URLS);
    const pos = positionOf(urls, 'name="post-list"', 'name="po'.length);
    const expected = [
      `blog/views.py:${lineOf(read(BLOG_VIEWS), 'reverse_lazy("blog:post-list")')}`,
      `blog/templates/blog/index.html:${lineOf(read(BLOG_INDEX_HTML), "{% url 'blog:post-list'")}`,
      `templates/home.html:${lineOf(read(HOME_HTML), "{% url 'blog:post-list'")}`,
    ];
    const withDecl = where((await refs(BLOG_URLS, pos, true)) ?? []);
    expect([...withDecl].sort()).toEqual([...expected, `blog/urls.py:${pos.line}`].sort());
    const withoutDecl = where((await refs(BLOG_URLS, pos, false)) ?? []);
    expect([...withoutDecl].sort()).toEqual([...expected].sort());
  });

  test('6c. references from a {% url %} use → the pattern and every use of the name', async () => {
    const home = read(HOME_HTML);
    const locs = await refs(HOME_HTML, positionOf(home, "'blog:post-list'", 3), true);
    expect([...where(locs ?? [])].sort()).toEqual([
      `blog/urls.py:${lineOf(read(BLOG_URLS), 'name="post-list"')}`,
      `blog/views.py:${lineOf(read(BLOG_VIEWS), 'reverse_lazy("blog:post-list")')}`,
      `blog/templates/blog/index.html:${lineOf(read(BLOG_INDEX_HTML), "{% url 'blog:post-list'")}`,
      `templates/home.html:${lineOf(home, "{% url 'blog:post-list'")}`,
    ].sort());
  });

  test('7a. hover on a routed view definition lists its routes', async () => {
    const views = read(BLOG_VIEWS);
    const h = await hover(BLOG_VIEWS, positionOf(views, 'def publish', 5));
    const md = (h?.contents as MarkupContent | undefined)?.value ?? '';
    expect(md).toContain('routed by 1 URL pattern');
    expect(md).toContain('`/blog/posts/<int:pk>/publish/`');
    expect(md).toContain('`blog:publish`');
    // A method that is not a view: no hover.
    expect(await hover(BLOG_VIEWS, positionOf(views, 'def get_queryset', 5))).toBeNull();
  });

  test('7. hover on reverse("blog:post-detail") → route and view', async () => {
    const views = read(BLOG_VIEWS);
    const pos = positionOf(views, '"blog:post-detail"', 3);
    const h = await hover(BLOG_VIEWS, pos);
    expect(h).not.toBeNull();
    const md = h!.contents as MarkupContent;
    expect(md.kind).toBe('markdown');
    expect(md.value).toContain(DETAIL_ROUTE);
    expect(md.value).toContain('PostDetailView');
    expect(md.value).toContain(`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="post-detail"') + 1}`);
    // The range is the string's content.
    expect(h!.range).toEqual({ start: { line: pos.line, character: pos.character - 2 }, end: { line: pos.line, character: pos.character - 2 + 'blog:post-detail'.length } });
  });

  test('8. completion after reverse(" in an unsaved Python buffer lists URL names with routes', async () => {
    let text = await c.openDoc(BLOG_VIEWS, 'python');
    try {
      const after = positionOf(text, 'post.save()', 'post.save()'.length);
      text = await c.edit(BLOG_VIEWS, { start: after, end: after }, '\n    reverse("bl');
      const at = { line: after.line + 1, character: '    reverse("bl'.length };
      const items = await complete(BLOG_VIEWS, at);
      const item = items.find((i) => i.label === 'blog:post-detail');
      expect(item, `labels: ${items.map((i) => i.label).join(', ')}`).toBeDefined();
      expect(item!.detail).toBe(DETAIL_ROUTE);
      // It replaces what was typed of the name.
      expect(item!.textEdit).toMatchObject({ range: { start: { line: at.line, character: at.character - 2 }, end: at }, newText: 'blog:post-detail' });
      expect(items.map((i) => i.label)).toContain('shop:index');
      // Not in a reverse() string: nothing.
      expect(await complete(BLOG_VIEWS, positionOf(text, 'post.save()', 4))).toEqual([]);
    } finally {
      await c.closeDoc(BLOG_VIEWS);
    }
  });

  test("8b. completion inside {% url ' in an unsaved template buffer", async () => {
    let text = await c.openDoc(ABOUT_HTML, 'django-html');
    try {
      const end = positionAt(text, text.length);
      text = await c.edit(ABOUT_HTML, { start: end, end }, "\n<a href=\"{% url 'sh");
      const at = positionAt(text, text.length);
      const items = await complete(ABOUT_HTML, at);
      const item = items.find((i) => i.label === 'shop:index');
      expect(item, `labels: ${items.map((i) => i.label).join(', ')}`).toBeDefined();
      expect(item!.detail).toBe('/shop/');
      expect(items.find((i) => i.label === 'blog:post-detail')?.detail).toBe(DETAIL_ROUTE);
    } finally {
      await c.closeDoc(ABOUT_HTML);
    }
  });

  test('9. code lens above PostDetailView shows its route and opens the pattern', async () => {
    const views = read(BLOG_VIEWS);
    const lenses = (await c.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: td(BLOG_VIEWS) })) ?? [];
    const classLine = lineOf(views, 'class PostDetailView');
    const lens = lenses.find((l) => l.range.start.line === classLine);
    expect(lens, JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title]))).toBeDefined();
    expect(lens!.command!.title).toContain(DETAIL_ROUTE);
    expect(lens!.command!.command).toBe('djangoAtlas.showLocations');
    const targets = lens!.command!.arguments![2] as Location[];
    expect(where(targets)).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="post-detail"')}`]);
    // One lens per routed view in the file, none on the helper method; generic views also show
    // the template they imply.
    expect(lenses.find((l) => l.range.start.line === lineOf(views, 'class PostListView') && l.command?.title.startsWith('template: '))?.command?.title)
      .toBe('template: blog/post_list.html');
    expect(lenses.filter((l) => !l.command?.title.startsWith('template: ') && l.command?.command !== 'djangoAtlas.traceUrl').map((l) => l.range.start.line).sort((a, b) => a - b)).toEqual(
      ['def index', 'class PostListView', 'class PostCreateView', 'class PostDetailView', 'def publish', 'def go_shopping'].map((s) => lineOf(views, s)).sort((a, b) => a - b));
  });

  test('9b. "▶ Trace" lenses: next to a routed view and above each path() of a URLconf, running djangoAtlas.traceUrl(path)', async () => {
    const viewLenses = (await c.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: td(BLOG_VIEWS) })) ?? [];
    const trace = viewLenses.find((l) => l.range.start.line === lineOf(read(BLOG_VIEWS), 'class PostDetailView') && l.command?.command === 'djangoAtlas.traceUrl');
    expect(trace?.command?.title).toBe('▶ Trace');
    const [example] = trace!.command!.arguments as string[];
    expect(example).toMatch(/^\/blog\/\d+\/[\w-]+\/$/);
    const urlLenses = (await c.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: td(BLOG_URLS) })) ?? [];
    const onPattern = urlLenses.find((l) => l.range.start.line === lineOf(read(BLOG_URLS), 'name="post-detail"'));
    expect(onPattern?.command).toEqual({ title: `▶ Trace ${example}`, command: 'djangoAtlas.traceUrl', arguments: [example] });
    // The example path resolves to the view it was made for.
    const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: example, method: 'GET' });
    expect(flow.match?.name).toBe('blog:post-detail');
  });

  test('F1. djangoAtlas/flow: a matching path gives the steps in Django\'s order, each with its source', async () => {
    const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: 'http://localhost:8000/blog/2024/hello-world/?x=1', method: 'get', root: DEMO });
    expect(flow).toMatchObject({ path: '/blog/2024/hello-world/', method: 'GET', root: DEMO, redirect: null });
    expect(flow.match).toMatchObject({ route: 'blog/<int:year>/<slug:slug>/', name: 'blog:post-detail', kwargs: { year: 2024, slug: 'hello-world' } });
    expect(flow.match!.view).toMatchObject({ module: 'blog.views', qualname: 'PostDetailView' });
    expect(fileOf(flow.match!.view!.location!.uri)).toBe(BLOG_VIEWS);
    expect(flow.match!.view!.location!.line).toBe(lineOf(read(BLOG_VIEWS), 'class PostDetailView'));
    const kinds = flow.steps.map((st) => (st.kind === 'middleware' ? `middleware:${st.phase}` : st.kind));
    // entry … middleware (request) … resolver … view … middleware (response), in that order.
    const first = (k: string) => kinds.indexOf(k);
    const last = (k: string) => kinds.lastIndexOf(k);
    expect(kinds[0]).toBe('entry');
    expect(first('middleware:request')).toBeGreaterThan(last('entry'));
    expect(first('resolver')).toBeGreaterThan(first('middleware:request'));
    expect(first('view')).toBeGreaterThan(last('resolver'));
    expect(first('template')).toBeGreaterThan(first('view'));
    expect(first('middleware:response')).toBeGreaterThan(first('template'));
    expect(kinds.at(-1)).toBe('middleware:response');
    // The middleware: MIDDLEWARE top to bottom on the way in, bottom to top on the way out.
    const settings = read(SETTINGS);
    const declared = [...settings.slice(settings.indexOf('MIDDLEWARE = ['), settings.indexOf(']', settings.indexOf('MIDDLEWARE = ['))).matchAll(/"([\w.]+)"/g)].map((m) => m[1]);
    const mw = (phase: string) => flow.steps.filter((st) => st.kind === 'middleware' && st.phase === phase && declared.includes(st.label)).map((st) => st.label);
    expect(mw('request')).toEqual(declared);
    expect(mw('response')).toEqual(declared.filter((d) => mw('response').includes(d)).reverse());
    expect(mw('response').length).toBeGreaterThan(0);
    // Resolution: the include, then the leaf pattern, each at its line.
    const resolver = flow.steps.filter((st) => st.kind === 'resolver' && st.location);
    expect(resolver.map((st) => `${path.relative(DEMO, fileOf(st.location!.uri))}:${st.location!.line}`)).toEqual(expect.arrayContaining([
      `mysite/urls.py:${lineOf(read(SITE_URLS), 'include("blog.urls")')}`, `blog/urls.py:${lineOf(read(BLOG_URLS), 'name="post-detail"')}`,
    ]));
    const tpl = flow.steps.find((st) => st.kind === 'template' && st.label === 'blog/post_detail.html');
    expect(fileOf(tpl!.location!.uri)).toBe(POST_DETAIL_HTML);
  });

  test('F2. djangoAtlas/flow: a 404 says where matching stopped, the patterns tried there and the nearest routes', async () => {
    const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: '/blog/2024/', method: 'GET' });
    expect(flow.match).toBeNull();
    expect(flow.notFound!.stoppedAt).toBe('blog/');
    const tried = flow.notFound!.tried;
    expect(tried.map((t) => t.route)).toEqual(expect.arrayContaining(['blog/posts/', 'blog/<int:year>/<slug:slug>/']));
    expect(tried.find((t) => t.route === 'blog/<int:year>/<slug:slug>/')!.location!.line).toBe(lineOf(read(BLOG_URLS), 'name="post-detail"'));
    expect(flow.notFound!.nearest.length).toBeGreaterThan(0);
    for (const n of flow.notFound!.nearest) expect(n.example.startsWith('/')).toBe(true);
    expect(flow.steps.some((st) => st.kind === 'response')).toBe(true);
    // A missing slash: APPEND_SLASH's redirect.
    const slash = await c.request<FlowResult>('djangoAtlas/flow', { path: '/blog/posts', method: 'GET' });
    expect(slash.redirect).toBe('/blog/posts/');
  });

  test('F2b. djangoAtlas/flow: a method the view does not answer is a 405 naming the methods it does', async () => {
    const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: '/about/', method: 'POST' });
    expect(flow.match?.name).toBe('about');
    expect(flow.methodNotAllowed?.allowed).toEqual(expect.arrayContaining(['GET']));
    expect(flow.methodNotAllowed?.allowed).not.toContain('POST');
    expect(flow.steps.some((st) => st.kind === 'response' && st.label.includes('405'))).toBe(true);
  });

  test('F3. djangoAtlas/flowRoutes: every route with an example path that resolves to it', async () => {
    type Route = { example: string; route: string; name: string | null; view: string | null; location?: { uri: string; line: number } };
    const routes = await c.request<Route[]>('djangoAtlas/flowRoutes', {});
    const detail = routes.find((r) => r.name === 'blog:post-detail')!;
    expect(detail).toMatchObject({ route: DETAIL_ROUTE, view: 'blog.views.PostDetailView' });
    expect(detail.location).toMatchObject({ uri: uriOf(BLOG_URLS), line: lineOf(read(BLOG_URLS), 'name="post-detail"') });
    for (const r of routes.filter((x) => x.name?.startsWith('blog:') || x.name?.startsWith('shop:'))) {
      const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: r.example, method: 'GET' });
      expect(flow.match?.name, r.example).toBe(r.name);
    }
    // An unknown project root falls back to the first project.
    expect((await c.request<Route[]>('djangoAtlas/flowRoutes', { root: '/nowhere' })).length).toBe(routes.length);
  });

  test('10. diagnostics follow an unsaved buffer: a misspelt name warns, fixing it clears the warning', async () => {
    const views = read(BLOG_VIEWS);
    const typo = views.replace('reverse("blog:post-detail"', 'reverse("blog:post-detial"');
    const since = c.diagnosticsLog.length;
    await c.openDoc(BLOG_VIEWS, 'python', typo);
    try {
      const isTypo = (x: Diagnostic) => x.message.includes("did you mean 'blog:post-detail'");
      const diags = await c.waitDiagnostics(BLOG_VIEWS, (ds) => ds.some(isTypo), since);
      const w = diags.find(isTypo)!;
      expect(w.severity).toBe(2);
      expect(w.range.start).toEqual(positionOf(typo, 'blog:post-detial'));
      // The quick fix replaces the name with the suggestion.
      const actions = await c.request<{ title: string; edit: { changes: Record<string, { newText: string; range: unknown }[]> } }[]>(
        'textDocument/codeAction', { textDocument: td(BLOG_VIEWS), range: w.range, context: { diagnostics: [w] } });
      expect(actions.map((a) => a.title)).toEqual(["Replace with 'blog:post-detail'"]);
      expect(Object.values(actions[0].edit.changes)[0]).toEqual([{ range: w.range, newText: 'blog:post-detail' }]);
      const since2 = c.diagnosticsLog.length;
      await c.replaceIn(BLOG_VIEWS, 'post-detial', 'post-detail');
      const after = await c.waitDiagnostics(BLOG_VIEWS, (ds) => !ds.some(isTypo), since2);
      expect(after).toEqual([]);
    } finally {
      await c.closeDoc(BLOG_VIEWS);
    }
  });

  test('11. unsaved edit to a URLconf renames a pattern everywhere, without a restart', async () => {
    const detail = read(POST_DETAIL_HTML);
    const publishRef = positionOf(detail, "{% url 'blog:publish'", "{% url 'blog:pu".length);
    expect(where((await def(POST_DETAIL_HTML, publishRef)) ?? [])).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="publish"')}`]);
    const pid = c.proc.pid;
    await c.openDoc(BLOG_URLS, 'python');
    try {
      const since = c.diagnosticsLog.length;
      await c.replaceIn(BLOG_URLS, 'name="publish"', 'name="publish-post"');
      expect(await def(POST_DETAIL_HTML, publishRef)).toEqual([]);
      const text = await c.openDoc(ABOUT_HTML, 'django-html', "{% url 'blog:");
      try {
        const labels = (await complete(ABOUT_HTML, positionAt(text, text.length))).map((i) => i.label);
        expect(labels).toContain('blog:publish-post');
        expect(labels).not.toContain('blog:publish');
      } finally {
        await c.closeDoc(ABOUT_HTML);
      }
      // The template's now-unknown name is reported.
      const diags = await c.waitDiagnostics(POST_DETAIL_HTML, (ds) => ds.some((x) => x.message.includes("unknown URL name 'blog:publish'")), since);
      expect(diags.map((x) => [x.code, x.range.start.line])).toEqual([['unknown-url-name', publishRef.line]]);
    } finally {
      await c.closeDoc(BLOG_URLS);
    }
    // Closing the unsaved buffer goes back to the disk text.
    expect(where((await def(POST_DETAIL_HTML, publishRef)) ?? [])).toEqual([`blog/urls.py:${lineOf(read(BLOG_URLS), 'name="publish"')}`]);
    expect(c.proc.pid).toBe(pid);
    expect(c.exited).toBeUndefined();
  });

  test('10b. CRLF line endings and non-ASCII text before the cursor (UTF-16 positions)', async () => {
    const views = read(BLOG_VIEWS)
      .replace('return redirect(reverse("blog:post-detail"', 'x = "Grüße 😀"; return redirect(reverse("blog:post-detial"')
      .replace('return redirect("shop:index")', 'return "😀é" and redirect("shop:index")')
      .replace(/\n/g, '\r\n');
    const since = c.diagnosticsLog.length;
    await c.openDoc(BLOG_VIEWS, 'python', views);
    try {
      const locs = await def(BLOG_VIEWS, positionOf(views, '"shop:index"', 3));
      expect(where(locs ?? [])).toEqual([`shop/urls.py:${lineOf(read(SHOP_URLS), 'name="index"')}`]);
      const h = await hover(BLOG_VIEWS, positionOf(views, '"shop:index"', 3));
      const start = positionOf(views, 'shop:index');
      expect(h?.range).toEqual({ start, end: { line: start.line, character: start.character + 'shop:index'.length } });
      const diags = await c.waitDiagnostics(BLOG_VIEWS, (ds) => ds.some((x) => x.code === 'unknown-url-name'), since);
      expect(diags.map((x) => x.range.start)).toEqual([positionOf(views, 'blog:post-detial')]);
      // Completion on a CRLF line after an emoji.
      const end = positionAt(views, views.length);
      const text = await c.edit(BLOG_VIEWS, { start: end, end }, '    z = "😀"; reverse("sh');
      const at = positionAt(text, text.length);
      const item = (await complete(BLOG_VIEWS, at)).find((i) => i.label === 'shop:index');
      expect(item?.textEdit).toMatchObject({ range: { start: { line: at.line, character: at.character - 2 }, end: at } });
    } finally {
      await c.closeDoc(BLOG_VIEWS);
    }
  });

  test('10c. a configuration that changes nothing the index depends on does not re-index', async () => {
    // Clients other than VS Code (Neovim, Helix, ...) start with empty initializationOptions and
    // then send their settings in workspace/didChangeConfiguration: '' (detect) and [] are the defaults.
    const since = c.statusLog.length;
    await c.configure({ settingsModule: '', pythonPaths: [], codeLens: { enable: true }, diagnostics: { enable: true } });
    await c.settle(since);
    await c.waitReady(30_000, since);
    expect(c.statusLog.slice(since).map((s) => s.state)).not.toContain('indexing');
  });

  test('10d. settings: diagnostics.enable and codeLens.enable switch the features off and on', async () => {
    const typo = read(BLOG_VIEWS).replace('reverse("blog:post-detail"', 'reverse("blog:post-detial"');
    const defaults = { settingsModule: '', pythonPaths: [], codeLens: { enable: true }, diagnostics: { enable: true }, trace: { server: 'off' } };
    const lenses = async () => (await c.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: td(BLOG_VIEWS) })) ?? [];
    await c.configure(defaults);
    await c.waitReady(30_000, c.statusLog.length);
    let since = c.diagnosticsLog.length;
    await c.openDoc(BLOG_VIEWS, 'python', typo);
    try {
      await c.waitDiagnostics(BLOG_VIEWS, (ds) => ds.length === 1, since);
      since = c.diagnosticsLog.length;
      await c.configure({ ...defaults, codeLens: { enable: false }, diagnostics: { enable: false } });
      await c.waitDiagnostics(BLOG_VIEWS, (ds) => ds.length === 0, since);
      expect(await lenses()).toEqual([]);
      since = c.diagnosticsLog.length;
      await c.configure(defaults);
      await c.waitDiagnostics(BLOG_VIEWS, (ds) => ds.length === 1, since);
      expect((await lenses()).length).toBeGreaterThan(0);
    } finally {
      await c.closeDoc(BLOG_VIEWS);
      await c.configure(defaults);
    }
    await c.waitReady(30_000, c.statusLog.length - 1);
  });

  test('10e. after a re-index (pythonPaths changed), unsaved buffers still count', async () => {
    const typo = read(BLOG_VIEWS).replace('reverse("blog:post-detail"', 'reverse("blog:post-detial"');
    const defaults = { settingsModule: '', pythonPaths: [], codeLens: { enable: true }, diagnostics: { enable: true } };
    const isTypo = (x: Diagnostic) => x.message.includes("unknown URL name 'blog:post-detial'");
    let since = c.diagnosticsLog.length;
    await c.openDoc(BLOG_VIEWS, 'python', typo);
    try {
      await c.waitDiagnostics(BLOG_VIEWS, (ds) => ds.some(isTypo), since);
      const before = c.statusLog.length;
      await c.configure({ ...defaults, pythonPaths: ['no-such-folder'] });
      await c.waitReindexed(before);
      // Diagnostics are published before the 'ready' notification.
      expect((c.diagnosticsFor(BLOG_VIEWS) ?? []).filter(isTypo)).toHaveLength(1);
      const refs2 = await refs(BLOG_URLS, positionOf(read(BLOG_URLS), 'name="post-detail"', 8), false);
      expect(where(refs2 ?? [])).not.toContain(`blog/views.py:${lineOf(typo, 'blog:post-detial')}`);
    } finally {
      await c.closeDoc(BLOG_VIEWS);
      const before = c.statusLog.length;
      await c.configure(defaults);
      await c.waitReindexed(before);
    }
  });

  test('12b. plain Python is Pylance\'s: no definition, hover or completion from us at positions without Django meaning', async () => {
    const text = read(BLOG_VIEWS);
    const at = (needle: string, delta = 1) => positionOf(text, needle, delta);
    for (const pos of [at('def index(request)', 11), at('    posts = Post', 5), at('return render(', 8), at('.order_by(', 2), at('import get_object_or_404', 9)]) {
      expect(await def(BLOG_VIEWS, pos) ?? []).toEqual([]);
      expect(await hover(BLOG_VIEWS, pos)).toBeNull();
    }
    // Completion after `posts.` in an unsaved buffer: nothing of ours (attributes are Pylance's).
    const edited = text.replace('    return render(request, "blog/index.html", {"posts": posts})', '    posts.\n    return render(request, "blog/index.html", {"posts": posts})');
    await c.openDoc(BLOG_VIEWS, 'python', edited);
    try {
      expect(await complete(BLOG_VIEWS, positionOf(edited, 'posts.\n', 6))).toEqual([]);
    } finally {
      await c.closeDoc(BLOG_VIEWS);
    }
  });

  test('12. djangoAtlas/status', async () => {
    const s = await c.request<StatusParams>('djangoAtlas/status', null);
    expect(s.state).toBe('ready');
    expect(s.projects).toHaveLength(1);
    expect(s.projects[0]).toMatchObject({ root: DEMO, settingsModule: 'mysite.settings', rootUrlconf: 'mysite.urls', errors: [] });
    expect(s.projects[0].urlCount).toBeGreaterThan(40);
  });

  test('12b. djangoAtlas/managementCommands: each project with its own apps\' commands (not Django\'s, not site-packages\')', async () => {
    const r = await c.request<ProjectCommands[]>('djangoAtlas/managementCommands', null);
    expect(r).toEqual([{ root: DEMO, commands: [{ name: 'publish_all', app: 'blog', file: d('blog/management/commands/publish_all.py') }] }]);
  });

  test('workspace folders added and removed at run time', async () => {
    let since = c.statusLog.length;
    await c.foldersChanged([MONOREPO], []);
    await c.waitReindexed(since);
    let s = await c.request<StatusParams>('djangoAtlas/status', null);
    expect(s.projects.map((p) => path.relative(FIXTURES, p.root)).sort()).toEqual(['demo', 'monorepo/services/api', 'monorepo/services/web']);
    // Both folders answer.
    expect(where((await def(BLOG_VIEWS, positionOf(read(BLOG_VIEWS), '"shop:index"', 3))) ?? [])).toEqual([`shop/urls.py:${lineOf(read(SHOP_URLS), 'name="index"')}`]);
    const webUrls = path.join(MONOREPO, 'services/web/web_site/urls.py');
    const inc = await def(webUrls, positionOf(read(webUrls), 'include("pages.urls")', 10));
    expect(where(inc ?? [], MONOREPO)).toEqual(['services/web/pages/urls.py:0']);
    since = c.statusLog.length;
    await c.foldersChanged([], [MONOREPO]);
    await c.waitReindexed(since);
    s = await c.request<StatusParams>('djangoAtlas/status', null);
    expect(s.projects.map((p) => p.root)).toEqual([DEMO]);
  });

  test('no diagnostics left on the demo once the buffers are closed', async () => {
    const leftover = () => [...new Set(c.diagnosticsLog.map((p) => p.uri))].filter((uri) => c.diagnosticsFor(fileOf(uri))!.length);
    await c.waitFor(() => (leftover().length ? undefined : true), 5_000, 'diagnostics to clear').catch(() => undefined);
    expect(leftover()).toEqual([]);
  });
});

describe('templates (templates_site)', () => {
  const ROOT = path.join(FIXTURES, 'templates_site');
  const t = (rel: string) => path.join(ROOT, rel);
  let c: LspClient;
  const DETAIL = t('blog/templates/blog/post_detail.html');
  const BASE = t('templates/base.html');
  const TWO_COL = t('templates/layouts/two_col.html');
  const here = (locs: Location[] | null) => (locs ?? []).map((l) => `${path.relative(ROOT, fileOf(l.uri))}:${l.range.start.line}`);

  beforeAll(async () => {
    c = await LspClient.start(ROOT);
    await c.waitReady(30_000);
  }, 45_000);
  afterAll(async () => {
    await c?.stop();
  });

  test('T1. {% extends %} → the file; {% block %} → the parent block; references → the overriding blocks', async () => {
    const text = read(DETAIL);
    await c.openDoc(DETAIL, 'django-html');
    try {
      const ext = await c.request<Location[]>('textDocument/definition', { textDocument: td(DETAIL), position: positionOf(text, 'layouts/two_col', 3) });
      expect(here(ext)).toEqual(['templates/layouts/two_col.html:0']);
      const blk = await c.request<Location[]>('textDocument/definition', { textDocument: td(DETAIL), position: positionOf(text, '{% block sidebar', 10) });
      expect(here(blk)).toEqual([`templates/layouts/two_col.html:${lineOf(read(TWO_COL), 'block sidebar')}`]);
    } finally {
      await c.closeDoc(DETAIL);
    }
    const base = read(BASE);
    const refs = await c.request<Location[]>('textDocument/references', { textDocument: td(BASE), position: positionOf(base, '{% block title', 10), context: { includeDeclaration: false } });
    expect(here(refs)).toContain(`blog/templates/blog/post_detail.html:${lineOf(text, 'block title')}`);
  });

  test('T2. code lenses, document symbols and folding ranges in a template', async () => {
    await c.openDoc(TWO_COL, 'django-html');
    try {
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: td(TWO_COL) });
      const titles = lenses.map((l) => l.command?.title);
      expect(titles[0]).toMatch(/extended by/);
      expect(titles).toContain('overrides base.html');
      const syms = await c.request<{ name: string; children?: { name: string }[] }[]>('textDocument/documentSymbol', { textDocument: td(TWO_COL) });
      expect(syms.map((x) => x.name)).toEqual(['extends base.html', 'content']);
      expect(syms[1].children?.map((x) => x.name)).toEqual(['sidebar', 'main']);
      const folds = await c.request<{ startLine: number; endLine: number }[]>('textDocument/foldingRange', { textDocument: td(TWO_COL) });
      // The block and the HTML <div> both fold.
      expect(folds.some((f) => f.startLine === lineOf(read(TWO_COL), '{% block content'))).toBe(true);
      expect(folds.some((f) => f.startLine === lineOf(read(TWO_COL), '<div'))).toBe(true);
    } finally {
      await c.closeDoc(TWO_COL);
    }
  });

  test('T6. HTML completion and hover in django-html templates outside Django tokens; none inside them, none for html documents', async () => {
    const file = t('templates/pages/html_mix.html');
    const text = '{% extends "base.html" %}\n{% block content %}\n<a href="{% url \'blog:index\' %}" cl>x</a>\n<di\n{% endblock %}\n';
    const complete = async (line: number, character: number) => {
      const r = await c.request<CompletionItem[] | { items: CompletionItem[] }>('textDocument/completion', { textDocument: td(file), position: { line, character }, context: { triggerKind: 1 } });
      return (Array.isArray(r) ? r : r.items).map((i) => i.label);
    };
    await c.openDoc(file, 'django-html', text);
    try {
      // An element after `<di`, an attribute inside `<a … cl`: the HTML service's answers.
      expect(await complete(3, 3)).toContain('div');
      expect(await complete(2, 35)).toContain('class');
      // Inside `{% … %}` the answers are ours (tags), not HTML's.
      const inTag = await complete(1, 3);
      expect(inTag).toContain('block');
      expect(inTag).not.toContain('div');
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: td(file), position: { line: 2, character: 1 } });
      expect(JSON.stringify(h?.contents ?? '')).toMatch(/hyperlink|anchor/i);
    } finally {
      await c.closeDoc(file);
    }
    // An `html` document is VS Code's HTML extension's: no HTML answers from us there.
    await c.openDoc(file, 'html', text);
    try {
      expect(await complete(3, 3)).not.toContain('div');
    } finally {
      await c.closeDoc(file);
    }
  });

  test('T7. djangoAtlas/htmlAutoInsert: closing tags and quotes as in html files, never inside Django tokens or for html documents', async () => {
    const file = t('templates/pages/auto.html');
    const text = '{% block content %}\n<section class=\n<p>{{ a > b }}</\n{% endblock %}\n';
    const ask = (line: number, character: number, kind: 'autoClose' | 'autoQuote') =>
      c.request<string | null>('djangoAtlas/htmlAutoInsert', { textDocument: td(file), position: { line, character }, kind });
    await c.openDoc(file, 'django-html', text);
    try {
      expect(await ask(1, 15, 'autoQuote')).toBe('"$1"');
      expect(await ask(2, 3, 'autoClose')).toBe('$0</p>');
      // `>` inside {{ }} is Django's; `</` after it closes the <p>.
      expect(await ask(2, 9, 'autoClose')).toBeNull();
      expect(await ask(2, 16, 'autoClose')).toBe('p>');
      expect(await ask(0, 19, 'autoClose')).toBeNull();
    } finally {
      await c.closeDoc(file);
    }
    await c.openDoc(file, 'html', text);
    try {
      expect(await ask(2, 3, 'autoClose')).toBeNull();
    } finally {
      await c.closeDoc(file);
    }
  });

  test('T3. completion of tags after {% load %} in an unsaved template, and a missing load diagnosed', async () => {
    const file = t('templates/pages/sent.html');
    const text = '{% extends "base.html" %}\n{% load blog_tags %}\n{% block content %}{% upper %}x{% endupper %}{% endblock %}\n{% up';
    const since = c.diagnosticsLog.length;
    await c.openDoc(file, 'django-html', text);
    try {
      const r = await c.request<CompletionItem[] | { items: CompletionItem[] }>('textDocument/completion', { textDocument: td(file), position: { line: 3, character: 5 }, context: { triggerKind: 1 } });
      const items = Array.isArray(r) ? r : r.items;
      expect(items.map((i) => i.label)).toContain('upper');
      await c.replaceIn(file, '{% load blog_tags %}', '');
      const diags = await c.waitDiagnostics(file, (ds) => ds.some((x) => x.message.includes('needs {% load blog_tags %}')), since);
      expect(diags.find((x) => x.message.includes('needs'))!.code).toBe('unknown-tag');
    } finally {
      await c.closeDoc(file);
    }
  });

  test('T5. a template that is not open gets its diagnostics from the background check', async () => {
    const file = t('templates/pages/broken_on_disk.html');
    const since = c.diagnosticsLog.length;
    fs.writeFileSync(file, '{% extends "base.html" %}\n{% block content %}{% upper %}x{% endupper %}{% endblock %}\n');
    try {
      await c.filesChanged([{ uri: uriOf(file), type: 1 }]);
      const diags = await c.waitDiagnostics(file, (ds) => ds.some((x) => x.code === 'unknown-tag'), since);
      expect(diags.map((x) => x.message)).toContain("tag 'upper' needs {% load blog_tags %} before it");
    } finally {
      fs.rmSync(file, { force: true });
      await c.filesChanged([{ uri: uriOf(file), type: 3 }]);
    }
  });

  test('T4. a template created on disk is found by name at once', async () => {
    const file = t('templates/pages/created_now.html');
    const views = t('core/views.py');
    const text = read(views) + '\n\ndef made(request):\n    return render(request, "pages/created_now.html")\n';
    await c.openDoc(views, 'python', text);
    try {
      const pos = positionOf(text, '"pages/created_now.html"', 3);
      expect(here(await c.request<Location[]>('textDocument/definition', { textDocument: td(views), position: pos }))).toEqual([]);
      fs.writeFileSync(file, '{% extends "base.html" %}\n');
      await c.filesChanged([{ uri: uriOf(file), type: 1 }]);
      expect(here(await c.request<Location[]>('textDocument/definition', { textDocument: td(views), position: pos }))).toEqual(['templates/pages/created_now.html:0']);
    } finally {
      fs.rmSync(file, { force: true });
      await c.filesChanged([{ uri: uriOf(file), type: 3 }]);
      await c.closeDoc(views);
    }
  });
});

describe('models and the project map (models_site)', () => {
  const ROOT = path.join(FIXTURES, 'models_site');
  let c: LspClient;

  beforeAll(async () => {
    c = await LspClient.start(ROOT);
    await c.waitReady(30_000);
  }, 45_000);
  afterAll(async () => {
    await c?.stop();
  });

  test('M1. a lookup keyword → the field; completion of the next part', async () => {
    const views = path.join(ROOT, 'blog/views.py');
    const text = read(views) + '\n\ndef probe(request):\n    return Post.objects.filter(author__userna';
    await c.openDoc(views, 'python', text);
    try {
      const pos = positionOf(text, 'author__username__icontains', 2);
      const locs = await c.request<Location[]>('textDocument/definition', { textDocument: td(views), position: pos });
      expect(locs.map((l) => `${path.relative(ROOT, fileOf(l.uri))}:${l.range.start.line}`)).toEqual([`core/models.py:${lineOf(read(path.join(ROOT, 'core/models.py')), 'author = models.ForeignKey')}`]);
      const lines = text.split('\n');
      const r = await c.request<CompletionItem[] | { items: CompletionItem[] }>('textDocument/completion', { textDocument: td(views), position: { line: lines.length - 1, character: lines[lines.length - 1].length }, context: { triggerKind: 1 } });
      const items = Array.isArray(r) ? r : r.items;
      expect(items.map((i) => i.label)).toContain('username');
    } finally {
      await c.closeDoc(views);
    }
  });

  test('M2. djangoAtlas/projectMap: group headers at once, each group on request, a filter across all', async () => {
    type Node = { label: string; lazy?: boolean; description?: string; children?: Node[]; location?: { uri: string } };
    const r = await c.request<{ projects: Node[] }>('djangoAtlas/projectMap', {});
    expect(r.projects).toHaveLength(1);
    const groups = r.projects[0].children!;
    expect(groups.map((g) => g.label)).toEqual(['Apps', 'URLs', 'Views', 'Models', 'Templates', 'Admin', 'Signals', 'Management commands', 'Template tag libraries', 'Middleware', 'Settings', 'DRF']);
    expect(groups.every((g) => g.lazy && !g.children)).toBe(true);
    const group = async (label: string) => (await c.request<{ projects: Node[] }>('djangoAtlas/projectMap', { group: { project: 0, group: groups.findIndex((g) => g.label === label) } })).projects[0];
    const models = await group('Models');
    expect(models.label).toBe('Models');
    expect(models.children!.map((a) => a.label)).toEqual(expect.arrayContaining(['blog', 'accounts', 'core', 'store']));
    const signals = await group('Signals');
    expect(signals.children![0].location?.uri).toBe(uriOf(path.join(ROOT, 'blog/signals.py')));
    // URL nodes carry an example path for the map's "Trace" action.
    const urls = await group('URLs');
    const blog = urls.children!.find((n) => n.label === '/')!;
    const edit = (blog.children as (Node & { example?: string })[]).find((n) => n.label === '/post/<slug:slug>/edit/');
    expect(edit?.example).toBe('/post/example-slug/edit/');
    const filtered = await c.request<{ projects: Node[] }>('djangoAtlas/projectMap', { filter: 'index_post' });
    expect(filtered.projects[0].children!.map((g) => g.label)).toEqual(['Signals']);
  });

  test('M3. workspace symbols: models, views, URL names, templates', async () => {
    const syms = await c.request<{ name: string; kind: number; location: Location }[]>('workspace/symbol', { query: 'Post' });
    const names = syms.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['Post', 'PostDetailView']));
    const tpl = await c.request<{ name: string }[]>('workspace/symbol', { query: 'post_detail' });
    expect(tpl.map((x) => x.name)).toContain('blog/post_detail.html');
  });
});

describe('broken project', () => {
  let c: LspClient;
  const app = (rel: string) => path.join(BROKEN, 'app', rel);

  beforeAll(async () => {
    c = await LspClient.start(BROKEN);
    await c.waitReady(30_000);
  }, 45_000);
  afterAll(async () => {
    await c?.stop();
  });

  test('13. reaches ready and reports the circular include', async () => {
    const circular = c.diagnosticsLog.flatMap((p) => p.diagnostics.map((x) => ({ uri: p.uri, ...x }))).filter((x) => x.code === 'circular-include');
    expect(circular.length).toBeGreaterThan(0);
    expect(circular[0].severity).toBe(1);
    expect(circular.map((x) => path.relative(BROKEN, fileOf(x.uri)))).toEqual(['loop_b/urls.py']);
    expect(circular[0].message).toContain('loop_a.urls → loop_b.urls → loop_a.urls');
  });

  test('13b. requests on a file with a syntax error, a binary .py and a Latin-1 .py answer, not fail', async () => {
    const views = read(app('views.py'));
    // Closed (read from disk) and open (an editor buffer).
    for (const open of [false, true]) {
      if (open) await c.openDoc(app('views.py'), 'python');
      for (const needle of ['def broken', 'HttpResponse("missing', 'request)\n']) {
        const pos = positionOf(views, needle, 5);
        const dl = await c.request<Location[] | null>('textDocument/definition', { textDocument: td(app('views.py')), position: pos });
        expect(Array.isArray(dl) || dl === null).toBe(true);
        await c.request('textDocument/hover', { textDocument: td(app('views.py')), position: pos });
      }
      // A view in the file with the error is still known as one (brokensite/urls.py routes it).
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: td(app('views.py')), position: positionOf(views, 'def index', 6) });
      expect((h?.contents as MarkupContent | undefined)?.value ?? '').toContain('/bad-converter/<nosuch:x>/');
    }
    await c.closeDoc(app('views.py'));

    for (const file of [app('binary.py'), app('latin1.py'), app('long_line.py'), app('empty.py'), app('templates/app/latin1.html')]) {
      for (const position of [{ line: 0, character: 0 }, { line: 2, character: 5 }, { line: 9999, character: 9999 }]) {
        const dl = await c.request<Location[] | null>('textDocument/definition', { textDocument: td(file), position });
        expect(dl ?? [], `${file} ${JSON.stringify(position)}`).toEqual([]);
        const h = await c.request<Hover | null>('textDocument/hover', { textDocument: td(file), position });
        expect(h, `${file} ${JSON.stringify(position)}`).toBeNull();
      }
    }
    // A URI the server cannot read at all.
    expect((await c.request<Location[] | null>('textDocument/definition', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } })) ?? []).toEqual([]);
    expect((await c.request<Location[] | null>('textDocument/definition', { textDocument: td(app('no_such_file.py')), position: { line: 0, character: 0 } })) ?? []).toEqual([]);
  });

  test('13d. the parts that do parse still answer: a dotted-string view and the cycle', async () => {
    const urls = read(path.join(BROKEN, 'brokensite/urls.py'));
    const view = await c.request<Location[]>('textDocument/definition', { textDocument: td(path.join(BROKEN, 'brokensite/urls.py')), position: positionOf(urls, '"app.views.index"', 5) });
    expect(where(view, BROKEN)).toEqual([`app/views.py:${lineOf(read(app('views.py')), 'def index')}`]);
    const loopB = path.join(BROKEN, 'loop_b/urls.py');
    const inc = await c.request<Location[]>('textDocument/definition', { textDocument: td(loopB), position: positionOf(read(loopB), '"loop_a.urls"', 3) });
    expect(where(inc, BROKEN)).toEqual(['loop_a/urls.py:0']);
  });

  test('13e. flow requests on a broken project answer (a 404 through the readable parts, or a problem step), never fail', async () => {
    for (const p of ['/', '/loop/', '/nothing/here/', 'not a path', '']) {
      const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: p, method: 'GET' });
      expect(flow.root).toBe(BROKEN);
      expect(flow.steps.length, p).toBeGreaterThan(0);
    }
    expect(Array.isArray(await c.request('djangoAtlas/flowRoutes', {}))).toBe(true);
  });

  test('13c. still alive after all that', async () => {
    const s = await c.request<StatusParams>('djangoAtlas/status', null);
    expect(s.state).toBe('ready');
    expect(s.projects).toHaveLength(1);
    expect(c.exited).toBeUndefined();
  });
});

describe('monorepo', () => {
  let c: LspClient;
  const web = (rel: string) => path.join(MONOREPO, 'services/web', rel);
  const api = (rel: string) => path.join(MONOREPO, 'services/api', rel);

  beforeAll(async () => {
    c = await LspClient.start(MONOREPO);
    await c.waitReady(30_000);
  }, 45_000);
  afterAll(async () => {
    await c?.stop();
  });

  test('14. two Django projects in one workspace folder', async () => {
    const s = await c.request<StatusParams>('djangoAtlas/status', null);
    expect(s.state).toBe('ready');
    expect(s.projects.map((p) => [path.relative(MONOREPO, p.root), p.settingsModule, p.urlCount]).sort()).toEqual([
      ['services/api', 'api_site.settings', 1],
      ['services/web', 'web_site.settings', 2],
    ]);
  });

  test('14e. djangoAtlas/managementCommands: one entry per project, even without commands', async () => {
    const r = await c.request<ProjectCommands[]>('djangoAtlas/managementCommands', null);
    expect(r.map((p) => [path.relative(MONOREPO, p.root), p.commands]).sort()).toEqual([['services/api', []], ['services/web', []]]);
  });

  test('14d. djangoAtlas/flow traces in the project named by root, else the first', async () => {
    const status = await c.request<StatusParams>('djangoAtlas/status', null);
    for (const p of status.projects) {
      const flow = await c.request<FlowResult>('djangoAtlas/flow', { path: '/', method: 'GET', root: p.root });
      expect(flow.root).toBe(p.root);
    }
    expect((await c.request<FlowResult>('djangoAtlas/flow', { path: '/', method: 'GET' })).root).toBe(status.projects[0].root);
  });

  test('14b. each file is answered by its own project (same module names in both)', async () => {
    const webInc = await c.request<Location[]>('textDocument/definition', { textDocument: td(web('web_site/urls.py')), position: positionOf(read(web('web_site/urls.py')), '"pages.urls"', 3) });
    expect(where(webInc, MONOREPO)).toEqual(['services/web/pages/urls.py:0']);
    const apiInc = await c.request<Location[]>('textDocument/definition', { textDocument: td(api('api_site/urls.py')), position: positionOf(read(api('api_site/urls.py')), '"pages.urls"', 3) });
    expect(where(apiInc, MONOREPO)).toEqual(['services/api/pages/urls.py:0']);
    // A URL name defined in the web project's virtualenv.
    const home = web('pages/templates/pages/home.html');
    const fancy = web('.venv/lib/python3.11/site-packages/fancy_pages/urls.py');
    const locs = await c.request<Location[]>('textDocument/definition', { textDocument: td(home), position: positionOf(read(home), "'fancy:page'", 3) });
    expect(where(locs, MONOREPO)).toEqual([`${path.relative(MONOREPO, fancy)}:${lineOf(read(fancy), 'name="page"')}`]);
  });

  test('14c. opening a file of one project does not make the other project report on it', async () => {
    const home = web('pages/templates/pages/home.html');
    const since = c.statusLog.length;
    await c.openDoc(home, 'django-html');
    try {
      await c.settle(since);
      expect(c.diagnosticsFor(home) ?? []).toEqual([]);
    } finally {
      await c.closeDoc(home);
    }
  });
});

describe('a writable copy of the demo: early requests and file events', () => {
  let c: LspClient;
  let root: string;
  const f = (rel: string) => path.join(root, rel);

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-lsp-'));
    fs.cpSync(DEMO, root, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  });
  afterAll(async () => {
    await c?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('a buffer opened and queried before indexing finishes (an editor restoring its session)', async () => {
    c = await LspClient.start(root);
    // Unsaved text restored by the editor (hot exit): the typo exists only in the buffer.
    const views = read(f('blog/views.py')).replace('reverse("blog:post-detail"', 'reverse("blog:post-detial"');
    await c.openDoc(f('blog/views.py'), 'python', views);
    const locs = await c.request<Location[]>('textDocument/definition', { textDocument: td(f('blog/views.py')), position: positionOf(views, '"shop:index"', 3) }, 30_000);
    expect(where(locs, root)).toEqual([`shop/urls.py:${lineOf(read(f('shop/urls.py')), 'name="index"')}`]);
    await c.waitReady(30_000);
    // Diagnostics are published before the 'ready' notification: the buffer's typo is reported.
    const diags = c.diagnosticsFor(f('blog/views.py')) ?? [];
    await c.closeDoc(f('blog/views.py'));
    expect(diags.map((x) => x.message)).toEqual(["unknown URL name 'blog:post-detial'; did you mean 'blog:post-detail'?"]);
  }, 45_000);

  test('a URLconf changed on disk, then the module it includes created, then deleted', async () => {
    const siteUrls = f('mysite/urls.py');
    const feeds = f('blog/feeds.py');
    const changed = (file: string, type: 1 | 2 | 3) => c.filesChanged([{ uri: uriOf(file), type }]);
    const completionLabels = async () => {
      const text = "{% url '";
      await c.openDoc(f('templates/about.html'), 'django-html', text);
      try {
        const r = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: td(f('templates/about.html')), position: positionAt(text, text.length) });
        return new Map(r.map((i) => [i.label, i.detail]));
      } finally {
        await c.closeDoc(f('templates/about.html'));
      }
    };

    // 1. mysite/urls.py now includes a module that does not exist yet.
    let since = c.diagnosticsLog.length;
    fs.writeFileSync(siteUrls, read(siteUrls).replace('path("blog/", include("blog.urls")),', 'path("blog/", include("blog.urls")),\n    path("feeds/", include("blog.feeds")),'));
    await changed(siteUrls, 2);
    const unresolved = await c.waitDiagnostics(siteUrls, (ds) => ds.some((x) => x.code === 'unresolved-include'), since);
    expect(unresolved[0].range.start.line).toBe(lineOf(read(siteUrls), 'include("blog.feeds")'));

    // 2. The module appears.
    since = c.diagnosticsLog.length;
    fs.writeFileSync(feeds, 'from django.urls import path\n\nfrom . import views\n\nurlpatterns = [\n    path("latest/", views.index, name="feed"),\n]\n');
    await changed(feeds, 1);
    await c.waitDiagnostics(siteUrls, (ds) => ds.length === 0, since);
    expect((await completionLabels()).get('feed')).toBe('/feeds/latest/');
    const def = await c.request<Location[]>('textDocument/definition', { textDocument: td(siteUrls), position: positionOf(read(siteUrls), '"blog.feeds"', 3) });
    expect(where(def, root)).toEqual(['blog/feeds.py:0']);

    // 3. A pattern renamed on disk (file not open).
    fs.writeFileSync(feeds, read(feeds).replace('name="feed"', 'name="latest-feed"'));
    await changed(feeds, 2);
    const labels = await completionLabels();
    expect(labels.has('feed')).toBe(false);
    expect(labels.get('latest-feed')).toBe('/feeds/latest/');

    // 4. The module is deleted again.
    since = c.diagnosticsLog.length;
    fs.rmSync(feeds);
    await changed(feeds, 3);
    await c.waitDiagnostics(siteUrls, (ds) => ds.some((x) => x.code === 'unresolved-include'), since);
    expect((await completionLabels()).has('latest-feed')).toBe(false);
  });

  test('shuts down cleanly: shutdown then exit ends the process with code 0', async () => {
    await c.stop();
    expect(c.exited).toEqual({ code: 0, signal: null });
  });

  test('a restart reads the disk cache and answers the same', async () => {
    c = await LspClient.start(root);
    await c.waitReady(30_000);
    expect(c.logs.some((l) => /\d+ modules in the disk cache/.test(l)), c.logs.join('\n')).toBe(true);
    const views = read(f('blog/views.py'));
    const locs = await c.request<Location[]>('textDocument/definition', { textDocument: td(f('blog/views.py')), position: positionOf(views, '"shop:index"', 3) });
    expect(where(locs, root)).toEqual([`shop/urls.py:${lineOf(read(f('shop/urls.py')), 'name="index"')}`]);
  });
});

describe('Python files open before the parser is loaded', () => {
  test('edits that arrive at once (a restart with files open) are parsed later, without errors', async () => {
    const c = await LspClient.start(DEMO);
    try {
      // Before the first index has loaded tree-sitter: open and edit a module right away.
      await c.openDoc(BLOG_VIEWS, 'python');
      await c.replaceIn(BLOG_VIEWS, 'def index(request):', 'def index(request):  # edited');
      await c.waitReady(30_000);
      expect(c.logs.filter((l) => /initPython|request failed|failed for/.test(l))).toEqual([]);
      // The edited buffer is answered for: its routed views get their lenses.
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: td(BLOG_VIEWS) });
      expect(lenses.length).toBeGreaterThan(0);
    } finally {
      await c.stop();
    }
  }, 45_000);
});
