/**
 * The request flow: for a method and a path, every step Django takes, in Django's order — the
 * WSGI/ASGI entry point and the settings in force; each MIDDLEWARE entry top to bottom (its
 * request-phase hooks); URL resolution level by level (urls/resolve.ts); `process_view` hooks;
 * the view (its decorators, or for a class the MRO's mixins that act, `dispatch` and the handler
 * for the method; for DRF the action, permission/authentication/throttle classes); what the view
 * touches (models, forms, serializers, templates with their extends/include chain, context
 * processors, signal receivers of the models it saves); then the response phase, middleware
 * bottom to top. When nothing matches, why (404: the patterns tried where matching stopped, the
 * nearest routes, the APPEND_SLASH redirect, patterns that exist only with DEBUG on); when the view
 * does not answer the method, a 405 with the methods it does answer.
 */
import { distance } from 'fastest-levenshtein';
import type { DjangoProject } from '../project';
import type { Loc, MethodInfo } from '../python/values';
import { asString, fileStart } from '../python/values';
import { Resolver, type ResolveMatch, type ResolveStop } from '../urls/resolve';
import type { UrlLeaf, UrlResolverEntry } from '../urls/tree';
import { leafExample } from '../urls/example';
import type { SignalReceiver } from '../signals';
import type { Flow, Step, RouteExample, FlowTried } from './types';
import { analyzeView, type ViewAnalysis } from './view';
import { debugOnlyMatch } from './debug';

export interface FlowOptions {
  /** Signal receivers of the project (the background scan), asked for only when the view saves or deletes. */
  receivers?: () => SignalReceiver[];
}

/** A Resolver per project, rebuilt when the URL tree is. */
const resolvers = new WeakMap<DjangoProject, { tree: unknown; generation: number; r: Resolver }>();

export function resolverFor(project: DjangoProject): Resolver {
  const tree = project.urlTree();
  const hit = resolvers.get(project);
  if (hit && hit.tree === tree && hit.generation === project.generation) return hit.r;
  const r = new Resolver(project);
  resolvers.set(project, { tree, generation: project.generation, r });
  return r;
}

export function traceFlow(project: DjangoProject, input: string, method = 'GET', options: FlowOptions = {}): Flow {
  const m = method.toUpperCase();
  const resolver = resolverFor(project);
  const res = resolver.resolve(input);
  const steps: Step[] = [];
  steps.push(...entrySteps(project));
  const middleware = middlewareSteps(project);
  for (const mw of middleware) steps.push(mw.request);
  const flow: Flow = { path: res.path, method: m, match: null, redirect: res.redirect, steps };
  if (!res.match) {
    steps.push(...resolverSteps(project, null));
    for (const e of res.stop?.chain ?? []) {
      steps.push({ kind: 'resolver', label: `${e.i18n ? 'language prefix' : e.route || "''"} → ${includeText(e)}`, loc: e.loc, detail: e.opaque ? 'its patterns cannot be read statically' : undefined });
    }
    flow.notFound = notFound(project, res.path, res.stop!, res.redirect);
    const answer: Step = {
      kind: 'response', label: res.stop?.opaque ? 'Not known: Django may answer in patterns we cannot read' : '404 Not Found',
      detail: res.redirect ? 'Resolver404; CommonMiddleware turns it into a redirect' : flow.notFound.notKnown ? undefined : flow.notFound.reason,
      children: notFoundChildren(flow.notFound, res.redirect),
    };
    steps.push(answer);
    for (const mw of [...middleware].reverse()) {
      if (!mw.response) continue;
      // CommonMiddleware.process_response is where APPEND_SLASH answers: 404 → 301.
      const redirects = res.redirect && mw.response.label.endsWith('.CommonMiddleware');
      steps.push(redirects ? { ...mw.response, detail: `process_response: 404 → 301 ${res.redirect} (APPEND_SLASH)`, canAnswer: `redirects to ${res.redirect}` } : mw.response);
    }
    return flow;
  }
  const match = res.match;
  flow.match = { leaf: match.leaf, route: match.route, kwargs: match.kwargs };
  steps.push(...resolverSteps(project, match));
  for (const mw of middleware) if (mw.processView) steps.push(mw.processView);
  const view = analyzeView(project, match.leaf, m, options.receivers ?? (() => []));
  if (view.methodNotAllowed) flow.methodNotAllowed = view.methodNotAllowed;
  steps.push(...view.steps);
  if (view.templateResponse && !view.methodNotAllowed) {
    for (const mw of [...middleware].reverse()) if (mw.templateResponse) steps.push(mw.templateResponse);
  }
  steps.push(responseStep(view));
  for (const mw of [...middleware].reverse()) if (mw.response) steps.push(mw.response);
  return flow;
}

const examplesMemo = new WeakMap<Resolver, RouteExample[]>();

/** Every leaf with an example path that fills its route (for the Trace URL input and CodeLenses); kept with the resolver. */
export function routeExamples(project: DjangoProject): RouteExample[] {
  const resolver = resolverFor(project);
  const hit = examplesMemo.get(resolver);
  if (hit) return hit;
  const out: RouteExample[] = [];
  for (const leaf of project.urlTree().leaves) {
    const example = leafExample(leaf, (t) => resolver.converterRegex(t));
    if (example !== undefined) out.push({ example, leaf, routeText: leaf.route.replace(/^\^/, '').replace(/\$$/, '') });
  }
  examplesMemo.set(resolver, out);
  return out;
}

const methodMemo = new WeakMap<UrlLeaf, { generation: number; method: string }>();

/**
 * The method a "Trace" of this route should use: GET when the view answers it, else the first
 * method it allows (a `require_POST` view is traced with POST).
 */
export function preferredMethod(project: DjangoProject, leaf: UrlLeaf): string {
  const hit = methodMemo.get(leaf);
  if (hit && hit.generation === project.generation) return hit.method;
  let method = 'GET';
  try {
    const allowed = analyzeView(project, leaf, 'GET', () => []).methodNotAllowed?.allowed;
    if (allowed?.length) method = allowed.find((m) => m === 'POST') ?? allowed[0];
  } catch (e) {
    project.log(`request flow: could not tell the methods of ${leaf.route}: ${(e as Error).message}`);
  }
  methodMemo.set(leaf, { generation: project.generation, method });
  return method;
}

// ---- entry --------------------------------------------------------------------------------

function entrySteps(project: DjangoProject): Step[] {
  const out: Step[] = [];
  for (const [setting, kind] of [['WSGI_APPLICATION', 'WSGI'], ['ASGI_APPLICATION', 'ASGI']] as const) {
    const dotted = asString(project.settingsValue(setting));
    if (!dotted) continue;
    const dot = dotted.lastIndexOf('.');
    const env = dot > 0 ? project.getModule(dotted.slice(0, dot)) : undefined;
    const loc = env?.file ? bindingLoc(project, env.file, dotted.slice(dot + 1)) : undefined;
    out.push({ kind: 'entry', label: dotted, detail: `${kind} application (${setting})`, loc });
  }
  if (!out.length) {
    // No setting: runserver and the servers use <project>/wsgi.py's `application` by convention.
    // (`mysite.settings` → `mysite.wsgi`; `proj.settings.prod` → `proj.settings.wsgi`, then `proj.wsgi`).
    const parts = (project.settingsModule ?? '').split('.');
    for (let n = parts.length - 1; n > 0; n--) {
      const pkg = parts.slice(0, n).join('.');
      const env = project.getModule(`${pkg}.wsgi`);
      if (!env?.file) continue;
      out.push({ kind: 'entry', label: `${pkg}.wsgi.application`, detail: 'WSGI application (by convention)', loc: bindingLoc(project, env.file, 'application') });
      break;
    }
  }
  const settingsEnv = project.settingsEnv();
  out.push({
    kind: 'entry', label: `settings: ${project.settingsModule ?? '(none found)'}`,
    detail: debugText(project), loc: settingsEnv?.file ? fileStart(settingsEnv.file) : undefined,
  });
  return out;
}

/** Where a module binds a top-level name (`application = get_wsgi_application()`), else its first line. */
function bindingLoc(project: DjangoProject, file: string, name: string): Loc {
  const text = project.host.readFile(file) ?? '';
  let line = 0;
  for (const l of text.split('\n')) {
    if (l.startsWith(name) && /^\s*(?::[^=]*)?=(?!=)/.test(l.slice(name.length))) return { file, line, character: 0, endLine: line, endCharacter: name.length };
    line++;
  }
  return fileStart(file);
}

function debugText(project: DjangoProject): string {
  const d = project.settingsValue('DEBUG');
  return d.k === 'bool' ? `DEBUG = ${d.v ? 'True' : 'False'}` : 'DEBUG unknown';
}


// ---- middleware ---------------------------------------------------------------------------

interface MiddlewareSteps {
  request: Step;
  processView?: Step;
  templateResponse?: Step;
  response?: Step;
}

const HOOKS = ['__call__', 'process_request', 'process_view', 'process_template_response', 'process_exception', 'process_response'];

/** What Django's own middleware does in each phase; `answers` marks what can end the request early. */
const KNOWN_MIDDLEWARE: Record<string, { request?: string; view?: string; response?: string; answers?: { request?: string; view?: string } }> = {
  'django.middleware.security.SecurityMiddleware': { request: 'redirects to HTTPS when SECURE_SSL_REDIRECT is on', response: 'adds HSTS, nosniff, Referrer-Policy, COOP headers', answers: { request: 'redirects to HTTPS when SECURE_SSL_REDIRECT is on' } },
  'django.middleware.common.CommonMiddleware': { request: 'answers 403 for DISALLOWED_USER_AGENTS; redirects for PREPEND_WWW', response: 'on a 404, redirects to the path with a slash (APPEND_SLASH); sets Content-Length', answers: { request: 'answers 403 for DISALLOWED_USER_AGENTS; redirects for PREPEND_WWW' } },
  'django.middleware.csrf.CsrfViewMiddleware': { view: 'rejects POST/PUT/PATCH/DELETE without a valid CSRF token (403), unless the view is csrf_exempt', response: 'sets the CSRF cookie when used', answers: { view: 'answers 403 to an unsafe method without a valid CSRF token' } },
  'django.contrib.auth.middleware.LoginRequiredMiddleware': { view: 'redirects anonymous users to LOGIN_URL unless the view is login_not_required', answers: { view: 'redirects anonymous users to LOGIN_URL' } },
  'django.middleware.locale.LocaleMiddleware': { request: 'activates the language of the path prefix, cookie or Accept-Language', response: 'on a 404, redirects to the language-prefixed path when it exists' },
  'django.middleware.clickjacking.XFrameOptionsMiddleware': { response: 'sets X-Frame-Options' },
  'django.contrib.sessions.middleware.SessionMiddleware': { request: 'loads request.session', response: 'saves the session and sets its cookie' },
  'django.contrib.auth.middleware.AuthenticationMiddleware': { request: 'sets request.user (lazily)' },
  'django.contrib.messages.middleware.MessageMiddleware': { request: 'sets request._messages', response: 'stores pending messages' },
  'django.middleware.gzip.GZipMiddleware': { response: 'compresses the response' },
  'django.middleware.http.ConditionalGetMiddleware': { response: 'answers 304 Not Modified when ETag/Last-Modified match' },
  'django.middleware.cache.UpdateCacheMiddleware': { response: 'stores the response in the cache' },
  'django.middleware.cache.FetchFromCacheMiddleware': { request: 'answers from the cache for GET/HEAD', answers: { request: 'answers from the cache for GET/HEAD' } },
  'django.contrib.flatpages.middleware.FlatpageFallbackMiddleware': { response: 'on a 404, answers with a flat page of that URL' },
  'django.contrib.redirects.middleware.RedirectFallbackMiddleware': { response: 'on a 404, redirects when a Redirect exists for the path' },
};

function middlewareSteps(project: DjangoProject): MiddlewareSteps[] {
  const setting = project.settingsValue('MIDDLEWARE');
  const settingLoc = project.settingLoc('MIDDLEWARE');
  const out: MiddlewareSteps[] = [];
  if (setting.k !== 'list') {
    // Say so rather than suggest the project has no middleware.
    const label = 'MIDDLEWARE (cannot be read statically)';
    out.push({ request: { kind: 'middleware', phase: 'request', label, loc: settingLoc }, response: { kind: 'middleware', phase: 'response', label, loc: settingLoc } });
    return out;
  }
  for (const item of setting.items) {
    const dotted = asString(project.interp().force(item));
    if (!dotted) continue;
    const def = project.lookupDotted(dotted);
    const hooks = new Map<string, Loc>();
    const answers = new Set<string>();
    if (def?.k === 'def' && def.kind === 'class') {
      for (const e of project.mro(def)) {
        for (const h of HOOKS) {
          const m = e.def?.cls?.methods.get(h);
          if (!m || hooks.has(h) || (h === '__call__' && e.qualname === 'MiddlewareMixin')) continue;
          hooks.set(h, m.loc);
          if (returnsEarly(project, m, h)) answers.add(h);
        }
      }
    }
    const loc = def?.k === 'def' ? def.loc : settingLoc;
    const isFunction = def?.k === 'def' && def.kind === 'function';
    const known = KNOWN_MIDDLEWARE[dotted] ?? KNOWN_MIDDLEWARE[def?.k === 'def' ? `${def.module}.${def.qualname}` : ''];
    const requestHooks = ['process_request', '__call__'].filter((h) => hooks.has(h));
    // A project's (or a library's) middleware we do not know may return a response from its hooks.
    const mayAnswer = known ? known.answers?.request
      : answers.has('process_request') ? 'process_request returns a response in some cases'
        : answers.has('__call__') ? '__call__ may answer without calling the view' : undefined;
    const conditional = !!item.cond;
    const short = dotted.split('.').pop()!;
    const steps: MiddlewareSteps = {
      request: {
        kind: 'middleware', phase: 'request', label: dotted,
        detail: (isFunction ? 'function middleware' : requestHooks.length ? requestHooks.join(', ') : def ? 'no request hook' : 'cannot be read') + (conditional ? ' (only under some settings)' : ''),
        tooltip: known?.request, loc: requestHooks.length ? hooks.get(requestHooks[0]) : loc, canAnswer: mayAnswer,
      },
    };
    if (hooks.has('process_view')) {
      steps.processView = {
        kind: 'middleware', phase: 'request', label: `${short}.process_view`, detail: dotted,
        tooltip: known?.view, loc: hooks.get('process_view'), canAnswer: known ? known.answers?.view : answers.has('process_view') ? 'process_view returns a response in some cases' : undefined,
      };
    }
    if (hooks.has('process_template_response')) {
      steps.templateResponse = { kind: 'middleware', phase: 'response', label: `${short}.process_template_response`, detail: dotted, loc: hooks.get('process_template_response') };
    }
    const responseHooks = ['process_response', '__call__'].filter((h) => hooks.has(h));
    if (responseHooks.length || isFunction || !def) {
      steps.response = {
        kind: 'middleware', phase: 'response', label: dotted,
        detail: isFunction ? 'function middleware' : responseHooks.length ? responseHooks.join(', ') : 'cannot be read',
        tooltip: known?.response, loc: responseHooks.length ? hooks.get(responseHooks[0]) : loc,
      };
    }
    out.push(steps);
  }
  return out;
}

/**
 * Whether a middleware hook can end the request: `process_request`/`process_view` with a
 * `return <something>` other than None; `__call__` with more than one `return` (one of them is
 * the normal `return self.get_response(request)` path, read from the source).
 */
function returnsEarly(project: DjangoProject, m: MethodInfo, hook: string): boolean {
  if (!m.span) return false;
  const lines = project.host.readFile(m.loc.file)?.split('\n').slice(m.span.start, m.span.end + 1) ?? [];
  const returns = lines.filter((l) => /^\s*return\b/.test(l));
  if (hook === '__call__') return returns.length > 1;
  return returns.some((l) => !/^\s*return\s*(None\s*)?(#.*)?$/.test(l));
}

// ---- resolution ---------------------------------------------------------------------------

function resolverSteps(project: DjangoProject, match: ResolveMatch | null): Step[] {
  const tree = project.urlTree();
  const out: Step[] = [{
    kind: 'resolver', label: `ROOT_URLCONF ${tree.rootUrlconf ?? '(not set)'}`,
    loc: tree.rootFile ? fileStart(tree.rootFile) : project.settingLoc('ROOT_URLCONF'),
  }];
  if (!match) return out;
  for (const level of match.levels) {
    const e = level.entry;
    out.push({
      kind: 'resolver', label: `${level.consumed || "''"} → ${includeText(e)}`, detail: kwargsText(level.captured, e.route),
      loc: e.loc, tooltip: `matched '${e.route}' against '${level.consumed}'`,
    });
  }
  const p = match.leaf.pattern;
  const name = match.leaf.name ? ` (name='${match.leaf.name}')` : '';
  out.push({
    kind: 'resolver', label: `${p.route || "''"}${name}`, detail: kwargsText(match.kwargs, p.route), loc: p.loc,
    tooltip: `full route: ${match.route}`,
  });
  return out;
}

function includeText(e: UrlResolverEntry): string {
  if (e.i18n) return `i18n_patterns(prefix_default_language=${e.i18n.prefixDefaultLanguage ? 'True' : 'False'})`;
  const ns = e.namespace ? `, namespace='${e.namespace}'` : '';
  return e.module ? `include('${e.module}'${ns})` : `include(…${ns})`;
}

/** `year=2024 (int), slug='hello' (slug)`: kwargs with the converter each came through. */
function kwargsText(kwargs: Record<string, unknown>, route: string): string | undefined {
  const keys = Object.keys(kwargs);
  if (!keys.length) return undefined;
  const types = new Map<string, string>();
  for (const m of route.matchAll(/<(?:([^>:]+):)?([^>]+)>/g)) types.set(m[2], m[1] ?? 'str');
  return keys.map((k) => `${k}=${JSON.stringify(kwargs[k])}${types.has(k) ? ` (${types.get(k)})` : ''}`).join(', ');
}

// ---- 404 ----------------------------------------------------------------------------------

function notFound(project: DjangoProject, path: string, stop: ResolveStop, redirect: string | null): NonNullable<Flow['notFound']> {
  const namespaces = stop.chain.flatMap((c) => (c.namespace ? [c.namespace] : []));
  const tried: FlowTried[] = stop.tried.map((e) => ({
    route: stop.prefix + (e.kind === 'resolver' && e.i18n ? '<language>/' : e.route),
    name: e.kind === 'pattern' ? (e.name ? [...namespaces, e.name].join(':') : null) : e.namespace ? [...namespaces, e.namespace, '…'].join(':') : null,
    loc: e.loc,
  }));
  // Where Django may answer in patterns we cannot see, "nearest" routes would be a guess.
  const nearest = stop.opaque || redirect ? [] : nearestRoutes(project, path, stop, 5);
  const stoppedAt = stop.chain.length ? stop.prefix : '';
  let reason: string;
  if (stop.opaque) reason = `'${stop.prefix}' matched an include whose patterns cannot be read statically: Django may resolve '${path}' there (not known)`;
  else if (redirect) reason = `No pattern matches '${path}', but '${redirect}' does: CommonMiddleware redirects there (APPEND_SLASH)`;
  else if (!path.startsWith('/')) reason = 'A path must start with /';
  else if (!project.urlTree().entries.length) reason = 'The URLconf has no patterns (or could not be read)';
  else reason = stop.chain.length
    ? `'${stop.prefix}' matched, but none of its ${stop.tried.length} patterns matches the rest '${stop.rest}'`
    : `None of the ${stop.tried.length} patterns of ROOT_URLCONF matches '${path.slice(1)}'`;
  const debug = debugOnlyMatch(project, path);
  if (debug) reason += `; ${debug.message}`;
  return { reason, stoppedAt, tried, nearest, ...(stop.opaque ? { notKnown: true } : {}) };
}

/**
 * The routes nearest to a path that matched nothing: edit distance to their example path and to
 * the route as written, among the routes under the level where matching stopped when it matched
 * some include (else all). Keeps the best `n` as it goes and skips a route whose length alone
 * rules it out, so a project of tens of thousands of routes answers quickly.
 */
function nearestRoutes(project: DjangoProject, path: string, stop: ResolveStop, n: number): NonNullable<Flow['notFound']>['nearest'] {
  const all = routeExamples(project);
  let pool = all;
  if (stop.chain.length) {
    const under = all.filter((r) => stop.chain.every((c, i) => r.leaf.chain[i] === c));
    if (under.length) pool = under;
  } else {
    // Nothing matched at the root: the includes whose prefix is nearest the path's start, and the root's own patterns.
    const roots = project.urlTree().entries.filter((e) => e.kind === 'resolver' && !e.i18n && e.route);
    if (roots.length > 8) {
      const head = path.slice(1);
      const near = new Set(roots
        .map((e) => ({ e, d: distance(head.slice(0, e.route.length), e.route.replace(/^\^/, '')) }))
        .sort((a, b) => a.d - b.d).slice(0, 3).map((x) => x.e));
      pool = all.filter((r) => !r.leaf.chain.length || near.has(r.leaf.chain[0]) || !!r.leaf.chain[0].i18n || !r.leaf.chain[0].route);
    }
  }
  const bare = path.slice(1);
  const best: { r: RouteExample; d: number }[] = [];
  const seen = new Set<string>();
  const worst = () => (best.length < n ? Infinity : best[best.length - 1].d);
  for (const r of pool) {
    if (seen.has(r.leaf.route)) continue;
    const text = r.routeText;
    const limit = worst();
    if (Math.abs(r.example.length - path.length) >= limit && Math.abs(text.length - bare.length) >= limit) continue;
    const d = Math.min(distance(path, r.example), distance(bare, text));
    if (d >= limit) continue;
    seen.add(r.leaf.route);
    let i = best.length;
    while (i > 0 && best[i - 1].d > d) i--;
    best.splice(i, 0, { r, d });
    if (best.length > n) best.pop();
  }
  return best.map(({ r }) => ({ route: r.leaf.route, name: r.leaf.name, example: r.example, loc: r.leaf.pattern.loc }));
}

function notFoundChildren(nf: NonNullable<Flow['notFound']>, redirect: string | null): Step[] {
  const out: Step[] = [];
  if (nf.notKnown || redirect) return out;
  out.push({
    kind: 'resolver', label: `Patterns tried${nf.stoppedAt ? ` under '${nf.stoppedAt}'` : ''} (${nf.tried.length})`,
    children: nf.tried.map((t) => ({ kind: 'resolver', label: t.route || "''", detail: t.name ?? undefined, loc: t.loc })),
  });
  if (nf.nearest.length) {
    out.push({
      kind: 'resolver', label: 'Nearest routes',
      children: nf.nearest.map((c) => ({ kind: 'resolver', label: c.example, detail: `${c.route}${c.name ? ` · ${c.name}` : ''}`, loc: c.loc })),
    });
  }
  return out;
}

// ---- response -----------------------------------------------------------------------------

function responseStep(view: ViewAnalysis): Step {
  if (view.methodNotAllowed) {
    return { kind: 'response', label: '405 Method Not Allowed', detail: `allowed: ${view.methodNotAllowed.allowed.join(', ')}`, tooltip: view.methodNotAllowed.why };
  }
  return { kind: 'response', label: view.response ?? 'HttpResponse', detail: view.responseDetail };
}
