/**
 * What the editor shows for a request flow (client/src/flowModel.ts, client/src/flowDiagramHtml.ts):
 * pure functions over a `FlowResult`, checked without VS Code.
 */
import { describe, test, expect } from 'vitest';
import type { FlowResult, FlowStep } from '../../server/src/protocol';
import { flowNodes, headline, normalizeInput, outcomeOf, stepIcon, shortName, type FlowNode } from '../../client/src/flowModel';
import { layoutFlow, flowDiagramHtml, emptyDiagramHtml, laneOf, escapeHtml } from '../../client/src/flowDiagramHtml';

const loc = (line: number) => ({ uri: 'file:///p/mysite/x.py', line, character: 0 });
const MW = ['django.middleware.security.SecurityMiddleware', 'django.middleware.csrf.CsrfViewMiddleware'];

function steps(middle: FlowStep[]): FlowStep[] {
  return [
    { kind: 'entry', label: 'mysite.wsgi.application', location: loc(1) },
    ...MW.map((m, i): FlowStep => ({ kind: 'middleware', phase: 'request', label: m, location: loc(10 + i), ...(i === 1 ? { canAnswer: 'rejects POST without a CSRF token' } : {}) })),
    { kind: 'resolver', label: 'ROOT_URLCONF mysite.urls', location: loc(20) },
    ...middle,
    ...[...MW].reverse().map((m, i): FlowStep => ({ kind: 'middleware', phase: 'response', label: m, location: loc(30 + i) })),
  ];
}

const MATCH: FlowResult = {
  path: '/blog/2024/hello-world/', method: 'GET', root: '/p', redirect: null,
  match: {
    route: 'blog/<int:year>/<slug:slug>/', name: 'blog:post-detail', kwargs: { year: 2024, slug: 'hello-world' },
    view: { module: 'blog.views', qualname: 'PostDetailView', location: loc(40) },
  },
  steps: steps([
    { kind: 'resolver', label: "blog/ → include('blog.urls')", location: loc(21), children: [{ kind: 'resolver', label: 'posts/' }] },
    { kind: 'view', label: 'PostDetailView.get', location: loc(41) },
    { kind: 'model', label: 'blog.Post', location: loc(50) },
    { kind: 'template', label: 'blog/post_detail.html', location: loc(0), children: [{ kind: 'template', label: 'base.html', location: loc(0) }] },
    { kind: 'response', label: 'TemplateResponse' },
  ]),
};

const NOT_FOUND: FlowResult = {
  path: '/blog/nope/', method: 'GET', root: '/p', redirect: null, match: null,
  notFound: {
    reason: "'blog/' matched, but none of its 2 patterns matches the rest 'nope/'", stoppedAt: 'blog/',
    tried: [{ route: 'blog/', name: 'blog:index', location: loc(3) }, { route: 'blog/posts/', name: 'blog:post-list' }],
    nearest: [{ route: 'blog/posts/', name: 'blog:post-list', example: '/blog/posts/', location: loc(4) }],
  },
  steps: steps([{ kind: 'response', label: '404 Not Found', children: [{ kind: 'resolver', label: 'Patterns tried (2)' }] }]),
};

const labels = (nodes: FlowNode[]) => nodes.map((n) => n.label);

describe('the Request Flow tree', () => {
  test('a match: one root with the headline, the steps in order below it', () => {
    const [root] = flowNodes(MATCH);
    expect(root.label).toBe('GET /blog/2024/hello-world/ → PostDetailView');
    expect(root.description).toBe('blog:post-detail · blog.views');
    expect(root.expanded).toBe(true);
    expect(root.location).toEqual(loc(40));
    expect(labels(root.children!)).toEqual(MATCH.steps.map((s) => shortName(s.label)));
    const csrf = root.children!.find((n) => n.label === 'CsrfViewMiddleware' && n.icon === 'arrow-down')!;
    expect(csrf.tooltip).toContain(MW[1]);
    expect(csrf.description).toContain('rejects POST');
    expect(root.children!.filter((n) => n.icon === 'arrow-up').map((n) => n.label)).toEqual(['CsrfViewMiddleware', 'SecurityMiddleware']);
    // Request and response phases of one middleware are different nodes.
    expect(new Set(root.children!.map((n) => n.id)).size).toBe(root.children!.length);
    const tpl = root.children!.find((n) => n.label === 'blog/post_detail.html')!;
    expect(tpl.icon).toBe('file-code');
    expect(labels(tpl.children!)).toEqual(['base.html']);
  });

  test('a 404: the reason, the patterns tried (opening them), the nearest (tracing them)', () => {
    const [root] = flowNodes(NOT_FOUND);
    expect(outcomeOf(NOT_FOUND)).toBe('not-found');
    expect(root.label).toBe('404 GET /blog/nope/');
    expect(root.children![0].label).toBe(NOT_FOUND.notFound!.reason);
    const tried = root.children!.find((n) => n.id === 'tried')!;
    expect(tried.label).toBe('Tried in /blog/');
    expect(labels(tried.children!)).toEqual(['blog/', 'blog/posts/']);
    expect(tried.children![0].location).toEqual(loc(3));
    const nearest = root.children!.find((n) => n.id === 'nearest')!;
    expect(nearest.children![0].trace).toEqual({ path: '/blog/posts/', method: 'GET' });
    // The route is not repeated when the example path shows it.
    expect(nearest.children![0].description).toBe('blog:post-list');
    // The 404 answer's own children (the same lists) are not repeated.
    expect(root.children!.find((n) => n.label === '404 Not Found')!.children).toBeUndefined();
  });

  test('not known: matching reached patterns that cannot be read; no lists that would be guesses', () => {
    const unknown: FlowResult = { ...NOT_FOUND, notFound: { ...NOT_FOUND.notFound!, notKnown: true, tried: [], nearest: [], reason: "'dynamic/' matched an include whose patterns cannot be read statically" } };
    expect(outcomeOf(unknown)).toBe('not-known');
    const [root] = flowNodes(unknown);
    expect(root.label).toBe('? GET /blog/nope/');
    expect(root.children![0].icon).toBe('question');
    expect(root.children!.find((n) => n.id === 'tried')).toBeUndefined();
  });

  test('an APPEND_SLASH redirect and a 405 offer the request that works', () => {
    const redirect: FlowResult = { ...NOT_FOUND, path: '/blog/posts', redirect: '/blog/posts/' };
    expect(headline(redirect)).toBe('301 GET /blog/posts → /blog/posts/');
    expect(flowNodes(redirect)[0].children!.find((n) => n.id === 'redirect')!.trace).toEqual({ path: '/blog/posts/', method: 'GET' });
    const notAllowed: FlowResult = { ...MATCH, method: 'DELETE', methodNotAllowed: { allowed: ['GET', 'HEAD', 'OPTIONS'], why: 'DetailView defines get' } };
    expect(headline(notAllowed)).toBe('405 DELETE /blog/2024/hello-world/ → PostDetailView');
    const node = flowNodes(notAllowed)[0].children![0];
    expect(node.children!.map((c) => c.trace)).toEqual(['GET', 'HEAD', 'OPTIONS'].map((m) => ({ path: '/blog/2024/hello-world/', method: m })));
  });

  test('icons by kind and phase', () => {
    expect(stepIcon({ kind: 'middleware', phase: 'request' })).toBe('arrow-down');
    expect(stepIcon({ kind: 'middleware', phase: 'response' })).toBe('arrow-up');
    expect(stepIcon({ kind: 'model' })).toBe('database');
  });

  test('what the user types: a full URL keeps its path', () => {
    expect(normalizeInput('http://localhost:8000/blog/posts/?page=2#top')).toBe('/blog/posts/');
    expect(normalizeInput(' blog/posts/ ')).toBe('/blog/posts/');
    expect(normalizeInput('/')).toBe('/');
  });
});

describe('the Request Flow diagram', () => {
  test('lanes in Django order; down the request lane, back up the response lane level with each middleware', () => {
    const l = layoutFlow(MATCH);
    expect(l.lanes.map((x) => x.id)).toEqual(['request', 'resolver', 'view', 'data', 'template', 'response']);
    const box = (label: string, phase?: string) => l.boxes.find((b) => b.step.label === label && (!phase || b.step.phase === phase))!;
    expect(box(MW[0], 'request').row).toBeLessThan(box(MW[1], 'request').row);
    for (const m of MW) expect(box(m, 'response').row).toBe(box(m, 'request').row);
    expect(box(MW[0], 'response').x).toBeGreaterThan(box('blog/post_detail.html').x);
    // The response a view gives stays in the view's lane... of the step before it (the template).
    expect(box('TemplateResponse').lane).toBe('template');
    // Arrows join consecutive steps; the response phase goes up.
    expect(l.edges).toHaveLength(MATCH.steps.length - 1);
    expect(l.edges.at(-1)!.up).toBe(true);
    // Boxes do not overlap.
    for (const a of l.boxes) for (const b of l.boxes) {
      if (a === b) continue;
      expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
    }
  });

  test('a 404 has no view lane', () => {
    expect(layoutFlow(NOT_FOUND).lanes.map((x) => x.id)).toEqual(['request', 'resolver', 'response']);
    expect(laneOf({ kind: 'problem', label: 'x' }, 'view')).toBe('view');
  });

  test('the page: strict CSP with a nonce, escaped text, clickable boxes and candidates', () => {
    const evil: FlowResult = { ...NOT_FOUND, path: '/<script>alert(1)</script>' };
    const html = flowDiagramHtml(evil, { nonce: 'N0NCE', cspSource: 'vscode-resource:', styleUri: 'vscode-resource:/s.css', scriptUri: 'vscode-resource:/s.js' });
    expect(html).toContain("default-src 'none'; style-src vscode-resource: 'nonce-N0NCE'; script-src 'nonce-N0NCE'");
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script /g)).toHaveLength(1);
    expect(html).toContain('<script nonce="N0NCE" src="vscode-resource:/s.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    // The CSP admits no style attribute: positions come in the nonce'd stylesheet.
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).toMatch(/<style nonce="N0NCE">[^<]*#b0\{left:\d+px;top:\d+px;width:\d+px;height:\d+px\}/);
    expect(html).toContain(`data-trace="${escapeHtml(JSON.stringify({ path: '/blog/posts/', method: 'GET' }))}"`);
    const empty = emptyDiagramHtml({ nonce: 'N0NCE', cspSource: 'vscode-resource:', styleUri: 's', scriptUri: 'j' });
    expect(empty).toContain("script-src 'nonce-N0NCE'");
    expect(empty).toContain('data-command="djangoAtlas.traceUrl"');
    const page = flowDiagramHtml(MATCH, { nonce: 'n', cspSource: 'c', styleUri: 's', scriptUri: 'j' });
    expect(page).toContain(`data-open="${escapeHtml(JSON.stringify(loc(41)))}"`);
    expect(page).toContain('SecurityMiddleware</div>');
  });

  test('the diagram states the outcome once: a redirect is no 404, not known is no 404', () => {
    const opts = { nonce: 'n', cspSource: 'c', styleUri: 's', scriptUri: 'j' };
    const redirect = flowDiagramHtml({ ...NOT_FOUND, path: '/blog/posts', redirect: '/blog/posts/' }, opts);
    expect(redirect).toContain('301: APPEND_SLASH redirect');
    expect(redirect).not.toContain('<h2>404');
    const unknown = flowDiagramHtml({ ...NOT_FOUND, notFound: { ...NOT_FOUND.notFound!, notKnown: true, tried: [], nearest: [] } }, opts);
    expect(unknown).toContain('<h2>Not known</h2>');
    expect(unknown).not.toContain('<h2>404');
    expect(unknown).not.toContain('Tried in');
  });

  test('long dotted names: a class by its name, a function with its module', () => {
    expect(shortName('django.contrib.sessions.middleware.SessionMiddleware')).toBe('SessionMiddleware');
    expect(shortName('django.template.context_processors.debug')).toBe('context_processors.debug');
    expect(shortName('mysite.wsgi.application')).toBe('mysite.wsgi.application');
    expect(shortName('blog/templates/blog/post_detail_with_a_long_name.html')).toBe('blog/templates/blog/post_detail_with_a_long_name.html');
    expect(shortName("blog/ → include('blog.urls', namespace='blog')")).toBe("blog/ → include('blog.urls', namespace='blog')");
  });
});
