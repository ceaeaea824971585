/**
 * The request flow (core/flow): Django's order of steps, the view's handler through the MRO,
 * decorators and their 405s, DRF actions and policies, what the view touches, the 404
 * explanation (patterns tried, nearest, APPEND_SLASH, DEBUG-only patterns) and example paths.
 */
import { describe, test, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFixture, FIXTURES } from '../helpers';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { traceFlow, routeExamples, resolverFor } from '../../server/src/core/flow/flow';
import { flowJson, flowText } from '../../server/src/core/flow/table';
import { regexExample } from '../../server/src/core/urls/example';
import { ProjectSession } from '../../server/src/features/session';
import type { Step } from '../../server/src/core/flow/types';

const kinds = (steps: Step[]) => steps.map((s) => (s.phase ? `${s.kind}:${s.phase}` : s.kind));
const labels = (steps: Step[], kind: Step['kind']) => steps.filter((s) => s.kind === kind).map((s) => s.label);

describe('request flow', () => {
  test("a generic view: Django's order, the inherited handler, the model, the template chain", async () => {
    const project = await openFixture('demo');
    const flow = traceFlow(project, 'https://example.com/blog/2024/hello-world/?x=1#top', 'GET');
    expect(flow.path).toBe('/blog/2024/hello-world/');
    expect(flow.match?.kwargs).toEqual({ year: 2024, slug: 'hello-world' });
    const k = kinds(flow.steps);
    // entry → request middleware (7, in MIDDLEWARE order) → resolver → process_view → view → … → response → response middleware (reversed)
    expect(k.slice(0, 2)).toEqual(['entry', 'entry']);
    const mwIn = flow.steps.filter((s) => s.kind === 'middleware' && s.phase === 'request' && !s.label.includes('process_view')).map((s) => s.label);
    const mwOut = flow.steps.filter((s) => s.kind === 'middleware' && s.phase === 'response').map((s) => s.label);
    expect(mwIn[0]).toBe('django.middleware.security.SecurityMiddleware');
    expect(mwIn).toHaveLength(7);
    // Every middleware with a response hook, bottom to top (AuthenticationMiddleware has none).
    expect(mwOut).toEqual([...mwIn].reverse().filter((l) => !l.endsWith('AuthenticationMiddleware')));
    // The request phase of every middleware runs before URL resolution.
    expect(k.slice(2, k.indexOf('resolver'))).toEqual(Array(7).fill('middleware:request'));
    expect(labels(flow.steps, 'resolver')).toEqual(['ROOT_URLCONF mysite.urls', "blog/ → include('blog.urls', namespace='blog')", "<int:year>/<slug:slug>/ (name='blog:post-detail')"]);
    const view = flow.steps.find((s) => s.kind === 'view')!;
    expect(view.label).toBe('PostDetailView.get');
    expect(view.detail).toBe('inherited from BaseDetailView');
    expect(view.children?.map((c) => c.label)).toEqual(['PostDetailView', 'DetailView', 'SingleObjectTemplateResponseMixin', 'TemplateResponseMixin', 'BaseDetailView', 'SingleObjectMixin', 'ContextMixin', 'View']);
    expect(labels(flow.steps, 'mixin')).toContain('PostDetailView.get_queryset');
    expect(labels(flow.steps, 'model')).toEqual(['blog.Post']);
    const tpl = flow.steps.find((s) => s.kind === 'template')!;
    expect(tpl.label).toBe('blog/post_detail.html');
    expect(tpl.children?.map((c) => c.label)).toEqual(['extends base.html']);
    expect(labels(flow.steps, 'context_processor')).toContain('django.template.context_processors.request');
    // process_view runs after resolution, before the view; the response step before the response phase.
    expect(k.indexOf('view')).toBeGreaterThan(flow.steps.findIndex((s) => s.label === 'CsrfViewMiddleware.process_view'));
    expect(k.indexOf('response')).toBeLessThan(k.indexOf('middleware:response'));
  });

  test("as_view() arguments win over the class's attributes (TemplateView.as_view(template_name=…))", async () => {
    const project = await openFixture('demo');
    const about = traceFlow(project, '/about/', 'GET');
    expect(about.steps.find((s) => s.kind === 'template')).toMatchObject({ label: 'about.html', detail: 'as_view(template_name=…) · templates/about.html' });
  });

  test('mixins that act in dispatch, the signal receivers of a saving view, 405 for a method without handler', async () => {
    const project = await openFixture('demo');
    const session = new ProjectSession(project);
    const post = traceFlow(project, '/blog/posts/new/', 'POST', { receivers: () => session.usages.signals() });
    expect(post.steps.find((s) => s.kind === 'mixin')?.label).toBe('LoginRequiredMixin.dispatch');
    expect(post.steps.find((s) => s.kind === 'view')?.label).toBe('PostCreateView.post');
    expect(labels(post.steps, 'signal')).toEqual(['post_save → post_saved']);
    const del = traceFlow(project, '/blog/posts/new/', 'DELETE');
    expect(del.methodNotAllowed?.allowed).toEqual(['GET', 'POST', 'PUT', 'HEAD', 'OPTIONS']);
    expect(del.steps.find((s) => s.kind === 'response')?.label).toBe('405 Method Not Allowed');
    // A GET does not save: no signals.
    const get = traceFlow(project, '/blog/posts/new/', 'GET', { receivers: () => session.usages.signals() });
    expect(labels(get.steps, 'signal')).toEqual([]);
  });

  test('a diamond of mixins: dispatch in C3 order, the project hook, the form, http_method_names', async () => {
    const project = await openFixture('models_site');
    const flow = traceFlow(project, '/post/hello/edit/', 'POST');
    expect(labels(flow.steps, 'mixin').filter((l) => l.endsWith('.dispatch'))).toEqual(['AuditMixin.dispatch', 'LoginRequiredMixin.dispatch', 'UserPassesTestMixin.dispatch']);
    expect(flow.steps.find((s) => s.kind === 'view')?.children?.slice(0, 7).map((c) => c.label)).toEqual(['PostEditView', 'OwnerMixin', 'StaffOnlyMixin', 'AuditMixin', 'LoginRequiredMixin', 'UserPassesTestMixin', 'AccessMixin']);
    expect(labels(flow.steps, 'mixin')).toContain('StaffOnlyMixin.test_func');
    expect(labels(flow.steps, 'form')).toEqual(['PostForm']);
    expect(traceFlow(project, '/post/hello/edit/', 'HEAD').methodNotAllowed?.why).toMatch(/http_method_names = \['get', 'post'\]/);
  });

  test('function views: decorators as written, require_POST answers 405 to GET', async () => {
    const project = await openFixture('demo');
    const publish = traceFlow(project, '/blog/posts/7/publish/', 'POST');
    expect(labels(publish.steps, 'decorator')).toEqual(['@login_required']);
    expect(publish.steps.find((s) => s.kind === 'view')?.label).toBe('publish');
    expect(publish.match?.kwargs).toEqual({ pk: 7 });
    const get = traceFlow(project, '/shop/widget/add/', 'GET');
    expect(get.methodNotAllowed?.allowed).toEqual(['POST']);
    expect(traceFlow(project, '/shop/widget/add/', 'POST').methodNotAllowed).toBeUndefined();
  });

  test('a method-restricting wrapper around a class-based view in the URLconf answers 405 before the class', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-flow-'));
    fs.cpSync(path.join(FIXTURES, 'demo'), dir, { recursive: true });
    const urls = path.join(dir, 'blog/urls.py');
    fs.writeFileSync(urls, fs.readFileSync(urls, 'utf8')
      .replace('from django.urls import path', 'from django.urls import path\nfrom django.views.decorators.http import require_POST')
      .replace('views.PostListView.as_view()', 'require_POST(views.PostListView.as_view())'));
    const project = (await Workspace.open(new DiskHost(), dir)).projects[0];
    const get = traceFlow(project, '/blog/posts/', 'GET');
    expect(get.methodNotAllowed).toMatchObject({ allowed: ['POST'] });
    expect(labels(get.steps, 'decorator')).toEqual(['@require_POST']);
    expect(get.steps.find((s) => s.kind === 'view')?.detail).toMatch(/^not reached/);
  });

  test('wrappers in the URLconf, extra kwargs, DEBUG-only patterns under production settings', async () => {
    const local = await openFixture('split_src');
    const dash = traceFlow(local, '/dashboard/', 'GET');
    // The wrapper in the URLconf (outermost), then the decorator written on the function.
    expect(labels(dash.steps, 'decorator')).toEqual(['@login_required', '@staff_member_required']);
    expect(traceFlow(local, '/version/', 'GET').match?.kwargs).toEqual({ fmt: 'text' });
    const prod = await openFixture('split_src', 'config.settings.prod');
    const debug = traceFlow(prod, '/__debug__/', 'GET');
    expect(debug.match).toBeNull();
    expect(debug.notFound?.reason).toMatch(/exists only when DEBUG is on/);
    const media = traceFlow(prod, '/media/a.png', 'GET');
    expect(media.notFound?.reason).toMatch(/static\(\).*only when DEBUG is on/);
    // Production also turns APPEND_SLASH off: no redirect.
    expect(traceFlow(prod, '/health', 'GET').redirect).toBeNull();
    expect(traceFlow(local, '/health', 'GET').redirect).toBe('/health/');
  });

  test('DRF: the viewset action for the method, policies, a 405 outside the route map, api_view', async () => {
    const project = await openFixture('drf_i18n');
    const list = traceFlow(project, '/api/articles/', 'POST');
    expect(list.steps.find((s) => s.kind === 'view')?.label).toBe('ArticleViewSet.create');
    expect(labels(list.steps, 'mixin').some((l) => l.startsWith('permission_classes: IsAuthenticatedOrReadOnly'))).toBe(true);
    expect(labels(list.steps, 'serializer')).toEqual(['ArticleSerializer']);
    const publish = traceFlow(project, '/api/articles/5/publish/', 'DELETE');
    expect(publish.steps.find((s) => s.kind === 'view')?.label).toBe('ArticleViewSet.publish');
    const put = traceFlow(project, '/api/articles/5/publish/', 'PUT');
    expect(put.methodNotAllowed?.allowed).toEqual(['POST', 'DELETE', 'OPTIONS']);
    const echo = traceFlow(project, '/api/echo/', 'DELETE');
    expect(echo.methodNotAllowed?.allowed).toEqual(['GET', 'POST', 'OPTIONS']);
    expect(traceFlow(project, '/api/echo/', 'OPTIONS').methodNotAllowed).toBeUndefined();
  });

  test('404: the level where matching stopped, the patterns tried there, the nearest routes', async () => {
    const project = await openFixture('demo');
    const flow = traceFlow(project, '/blog/nothing/here/', 'GET');
    expect(flow.match).toBeNull();
    expect(flow.notFound?.stoppedAt).toBe('blog/');
    expect(flow.notFound?.tried.map((t) => t.route)).toContain('blog/<int:year>/<slug:slug>/');
    expect(flow.notFound?.nearest.length).toBeGreaterThan(0);
    expect(flow.steps.find((s) => s.kind === 'response')?.label).toBe('404 Not Found');
    const slash = traceFlow(project, '/blog/2024/hello-world', 'GET');
    expect(slash.redirect).toBe('/blog/2024/hello-world/');
    expect(slash.notFound?.reason).toMatch(/APPEND_SLASH/);
    // The redirect is CommonMiddleware's answer in the response phase; no guesses at nearest routes.
    expect(slash.steps.find((s) => s.phase === 'response' && s.label.endsWith('CommonMiddleware'))?.detail).toBe('process_response: 404 → 301 /blog/2024/hello-world/ (APPEND_SLASH)');
    expect(slash.notFound?.nearest).toEqual([]);
    // Names of the patterns tried carry their namespace, as the nearest routes do.
    expect(flow.notFound?.tried.map((t) => t.name)).toContain('blog:post-detail');
  });

  test('what we cannot know stays unknown: unreadable includes stop resolution, unknown extra kwargs keep their key', async () => {
    const broken = await openFixture('broken');
    const dyn = traceFlow(broken, '/dynamic/x/', 'GET');
    expect(dyn.match).toBeNull();
    expect(dyn.notFound?.reason).toMatch(/cannot be read statically: Django may resolve/);
    expect(dyn.steps.find((s) => s.kind === 'response')?.label).toMatch(/^Not known/);
    expect(dyn.notFound).toMatchObject({ notKnown: true, nearest: [] });
    expect(flowText(flowJson(broken, dyn))[0]).toBe('GET /dynamic/x/ → not known (patterns that cannot be read)');
    // The include that matched before matching stopped is shown.
    expect(labels(dyn.steps, 'resolver')).toContain("dynamic/ → include('app.dynamic_urls')");
  });

  test('404 under an include at the empty prefix explains at the root level; hooks only for their methods', async () => {
    const project = await openFixture('models_site');
    const nf = traceFlow(project, '/nope/', 'GET');
    expect(nf.notFound?.stoppedAt).toBe('');
    expect(nf.notFound?.reason).toMatch(/patterns of ROOT_URLCONF/);
    const drf = await openFixture('drf_i18n');
    const get = traceFlow(drf, '/api/articles/', 'GET');
    expect(get.steps.find((s) => s.kind === 'view')?.label).toBe('ArticleViewSet.list');
    // Django's own middleware is marked only where it can answer early.
    const early = get.steps.filter((s) => s.kind === 'middleware' && s.canAnswer).map((s) => s.label);
    expect(early).toEqual(['django.middleware.security.SecurityMiddleware', 'django.middleware.common.CommonMiddleware', 'CsrfViewMiddleware.process_view']);
  });

  test('the CLI form follows the contract', async () => {
    const project = await openFixture('demo');
    const j = flowJson(project, traceFlow(project, '/blog/2024/hello-world/', 'GET'));
    expect(j.match).toMatchObject({ route: 'blog/<int:year>/<slug:slug>/', name: 'blog:post-detail', kwargs: { year: 2024, slug: 'hello-world' }, view: { module: 'blog.views', qualname: 'PostDetailView', file: 'blog/views.py' } });
    const allowed = new Set(['entry', 'middleware', 'resolver', 'decorator', 'mixin', 'view', 'form', 'serializer', 'model', 'template', 'context_processor', 'signal', 'response']);
    for (const s of j.steps) expect(allowed.has(s.kind), s.kind).toBe(true);
    expect(j.steps.find((s) => s.kind === 'template')).toMatchObject({ file: 'blog/templates/blog/post_detail.html', line: 1 });
    expect(flowText(j)[0]).toBe('GET /blog/2024/hello-world/ → blog.views.PostDetailView (blog:post-detail)');
  });

  test('example paths resolve back to their own pattern', async () => {
    for (const fixture of ['demo', 'split_src', 'drf_i18n', 'models_site', 'templates_site']) {
      const project = await openFixture(fixture);
      const resolver = resolverFor(project);
      const examples = routeExamples(project);
      expect(examples.length).toBeGreaterThan(5);
      const wrong = examples.filter((e) => {
        const m = resolver.resolve(e.example).match;
        // A pattern shadowed by an earlier one resolves elsewhere, as it does in Django.
        return !m || m.leaf.pattern.view?.qualname !== e.leaf.pattern.view?.qualname;
      }).map((e) => `${e.example} (${e.leaf.route})`);
      expect(wrong, fixture).toEqual([]);
    }
    expect(regexExample('^(?P<year>[0-9]{4})/(?P<slug>[-\\w]+)/$')).toBe('1111/a/');
    expect(regexExample('^users/(?P<pk>[^/.]+)\\.(?P<format>[a-z0-9]+)/?$')).toBe('users/a.json');
    expect(regexExample('^(?:en|de)/about/$')).toBe('en/about/');
    expect(regexExample('^a(?=b)')).toBe('a');
    expect(regexExample('^(unclosed')).toBeUndefined();
  });

  test('bad input: odd paths and methods never throw', async () => {
    const project = await openFixture('demo');
    for (const p of ['', '/', '//', 'no-slash', '/%ZZ/', '/\u0000/', 'http://', '?only=query', '/a'.repeat(2000), '/blog/2024/' + 'x'.repeat(5000) + '/']) {
      for (const m of ['GET', 'post', 'BREW']) expect(() => traceFlow(project, p, m)).not.toThrow();
    }
    const broken = await openFixture('broken');
    expect(() => traceFlow(broken, '/anything/', 'GET')).not.toThrow();
  });
});
