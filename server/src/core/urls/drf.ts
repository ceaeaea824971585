/**
 * Django REST framework routers, expanded as DRF's `SimpleRouter.get_urls()` does (3.x): for each
 * registration the list route, the list-level `@action`s, the detail route and the detail-level
 * `@action`s, each only when the viewset has a handler for it; `DefaultRouter` adds the API root and
 * the format-suffix variants. Viewset methods are found through the class's MRO, with a table of
 * DRF's own classes for when DRF's source is not available. Wagtail's API router, a router of
 * viewsets too, is expanded here as well (`wagtailEndpoints`).
 */
import type { DjangoProject } from '../project';
import type { RouterV, DefV, Value } from '../python/values';
import { asString } from '../python/values';
import type { UrlPatternEntry, UrlResolverEntry } from './tree';
import { defToViewRef, externalViewRef, type ViewRef } from './views';

const LIST_MAPPING = { get: 'list', post: 'create' } as const;
const DETAIL_MAPPING = { get: 'retrieve', put: 'update', patch: 'partial_update', delete: 'destroy' } as const;

/** Methods of DRF's classes, for when rest_framework is not readable. */
const DRF_METHODS: Record<string, string[]> = {
  ModelViewSet: ['list', 'create', 'retrieve', 'update', 'partial_update', 'destroy'],
  ReadOnlyModelViewSet: ['list', 'retrieve'],
  ListModelMixin: ['list'],
  CreateModelMixin: ['create'],
  RetrieveModelMixin: ['retrieve'],
  UpdateModelMixin: ['update', 'partial_update'],
  DestroyModelMixin: ['destroy'],
};

interface ExtraAction {
  name: string;
  detail: boolean;
  urlPath: string;
  urlName: string;
  methods: string[];
}

export function routerPatterns(project: DjangoProject, router: RouterV, cond: boolean): UrlPatternEntry[] {
  const out: UrlPatternEntry[] = [];
  const slash = router.trailingSlash ? '/' : '';
  for (const reg of router.registry) {
    const viewset = project.interp().force(reg.viewset);
    const def = viewset.k === 'def' && viewset.kind === 'class' ? viewset : undefined;
    const view: ViewRef | null = def ? defToViewRef(def) : viewset.k === 'unknown' && viewset.fq ? externalViewRef(viewset.fq) : null;
    const methods = def ? viewsetMethods(project, def) : new Set<string>();
    const actions = def ? extraActions(project, def) : [];
    const basename = reg.basename ?? (def ? defaultBasename(project, def) : null) ?? reg.prefix;
    const lookup = def ? lookupRegex(project, def) : '(?P<pk>[^/.]+)';
    const fmt = (url: string) => {
      let regex = url.replace('{prefix}', reg.prefix).replace('{lookup}', lookup).replace('{trailing_slash}', slash);
      if (!reg.prefix && regex.startsWith('^/')) regex = '^' + regex.slice(2);
      return regex;
    };
    const push = (regex: string, name: string, mapping: Record<string, string>) =>
      out.push({ kind: 'pattern', route: regex, regex: true, name, view, loc: reg.loc, conditional: cond || !!reg.viewset.cond, origin: 'router', actions: mapping });
    // Only the methods the viewset has are routed (DRF's `get_method_map`).
    const routed = (mapping: Record<string, string>) => Object.fromEntries(Object.entries(mapping).filter(([, m]) => methods.has(m)));
    const has = (mapping: Record<string, string>) => Object.values(mapping).some((m) => methods.has(m));
    const actionMap = (a: ExtraAction) => Object.fromEntries(a.methods.map((m) => [m, a.name]));
    if (has(LIST_MAPPING)) push(fmt('^{prefix}{trailing_slash}$'), `${basename}-list`, routed(LIST_MAPPING));
    for (const a of actions.filter((x) => !x.detail)) push(fmt(`^{prefix}/${a.urlPath}{trailing_slash}$`), `${basename}-${a.urlName}`, actionMap(a));
    if (has(DETAIL_MAPPING)) push(fmt('^{prefix}/{lookup}{trailing_slash}$'), `${basename}-detail`, routed(DETAIL_MAPPING));
    for (const a of actions.filter((x) => x.detail)) push(fmt(`^{prefix}/{lookup}/${a.urlPath}{trailing_slash}$`), `${basename}-${a.urlName}`, actionMap(a));
  }
  if (router.kind === 'default') {
    // DRF ≥ 3.15 routes the API root with path('') instead of re_path('^$').
    const drf = project.libraryVersion('rest_framework');
    const pathRoot = !!drf && (drf[0] > 3 || (drf[0] === 3 && drf[1] >= 15));
    out.push({
      kind: 'pattern', route: pathRoot ? '' : '^$', regex: !pathRoot, name: 'api-root', view: apiRootView(project),
      loc: router.loc, conditional: cond, origin: 'router',
    });
    return formatSuffixPatterns(out);
  }
  return out;
}

/** DRF's `format_suffix_patterns`: each pattern followed by its `.json`-style variant. */
function formatSuffixPatterns(patterns: UrlPatternEntry[]): UrlPatternEntry[] {
  const out: UrlPatternEntry[] = [];
  for (const p of patterns) {
    out.push(p);
    const base = p.route.replace(/\$+$/, '').replace(/\/+$/, '');
    out.push({ ...p, route: p.regex ? `${base}\\.(?P<format>[a-z0-9]+)/?$` : `${base}<drf_format_suffix:format>` });
  }
  return out;
}

function apiRootView(project: DjangoProject): ViewRef {
  const env = project.getModule('rest_framework.routers');
  const cls = env?.scope.get('APIRootView');
  if (cls?.k === 'def') return defToViewRef(cls);
  return externalViewRef('rest_framework.routers.APIRootView');
}

function viewsetMethods(project: DjangoProject, def: DefV): Set<string> {
  const out = new Set<string>();
  for (const entry of project.mro(def)) {
    if (entry.def?.cls) {
      for (const m of entry.def.cls.methods.keys()) out.add(m);
      for (const a of entry.def.cls.attrs.keys()) out.add(a);
    } else if (entry.fq) {
      for (const m of DRF_METHODS[entry.qualname] ?? []) out.add(m);
    }
    if (entry.def && !entry.def.cls?.methods.size && DRF_METHODS[entry.qualname] && entry.module.startsWith('rest_framework')) {
      for (const m of DRF_METHODS[entry.qualname]) out.add(m);
    }
  }
  return out;
}

function isActionDecorator(project: DjangoProject, d: Value): Value | undefined {
  const v = project.interp().force(d);
  if (v.k === 'call' && (v.name === 'rest_framework.decorators.action' || v.name.endsWith('.action'))) return v;
  if (v.k === 'builtin' && v.name === 'rest_framework.decorators.action') return v;
  if (v.k === 'def' && v.qualname === 'action' && v.module.startsWith('rest_framework')) return v;
  return undefined;
}

/** `@action` methods through the MRO, sorted by name as `inspect.getmembers` returns them. */
function extraActions(project: DjangoProject, def: DefV): ExtraAction[] {
  const found = new Map<string, ExtraAction>();
  const shadowed = new Set<string>();
  for (const entry of project.mro(def)) {
    const cls = entry.def?.cls;
    if (!cls) continue;
    for (const [name, m] of cls.methods) {
      if (found.has(name) || shadowed.has(name)) continue;
      let action: ExtraAction | undefined;
      for (const d of m.decorators) {
        const dec = isActionDecorator(project, d);
        if (!dec) continue;
        const kw = dec.k === 'call' ? dec.kwargs : new Map<string, Value>();
        const force = (x: Value | undefined) => (x ? project.interp().force(x) : undefined);
        const detail = force(kw.get('detail'));
        const methodsV = force(kw.get('methods'));
        const methods = methodsV?.k === 'list' ? methodsV.items.flatMap((i) => (i.k === 'str' ? [i.v.toLowerCase()] : [])) : ['get'];
        const urlPath = asString(force(kw.get('url_path'))) ?? name;
        const urlName = asString(force(kw.get('url_name'))) ?? name.replace(/_/g, '-');
        action = { name, detail: detail?.k === 'bool' ? detail.v : false, urlPath, urlName, methods };
      }
      if (action) found.set(name, action);
      else shadowed.add(name);
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function lookupRegex(project: DjangoProject, def: DefV): string {
  const field = asString(project.classAttrValue(def, 'lookup_field')) ?? 'pk';
  const kwarg = asString(project.classAttrValue(def, 'lookup_url_kwarg')) ?? field;
  const value = asString(project.classAttrValue(def, 'lookup_value_regex')) ?? '[^/.]+';
  return `(?P<${kwarg}>${value})`;
}

/** DRF's default basename: the queryset model's lowercase name. */
function defaultBasename(project: DjangoProject, def: DefV): string | null {
  const qs = project.interp().classAttr(def, 'queryset');
  if (!qs) return null;
  const v = project.interp().force(qs);
  if (v.k === 'unknown' && v.origin) return v.origin.qualname.split('.').pop()!.toLowerCase();
  return null;
}

/**
 * Wagtail's API router (`WagtailAPIRouter.register_endpoint(name, ViewSet)`), as its
 * `get_urlpatterns()` builds it: per endpoint `re_path(r"^name/", include(..., namespace=name))`
 * over the viewset's `get_urlpatterns()`: listing, detail (`<int:pk>/`) and find.
 */
export function wagtailEndpoints(project: DjangoProject, router: RouterV, cond: boolean): UrlResolverEntry[] {
  return router.registry.map((reg) => {
    const viewset = project.interp().force(reg.viewset);
    const view: ViewRef | null = viewset.k === 'def' ? defToViewRef(viewset) : viewset.k === 'unknown' && viewset.fq ? externalViewRef(viewset.fq) : null;
    // Each is `cls.as_view({"get": "<name>_view"})`.
    const leaf = (route: string, name: string): UrlPatternEntry => ({
      kind: 'pattern', route, regex: false, name, view, loc: reg.loc, conditional: cond, origin: 'router', actions: { get: `${name}_view` },
    });
    return {
      kind: 'resolver', route: `^${reg.prefix}/`, regex: true, namespace: reg.prefix, appName: reg.prefix, module: null,
      children: [leaf('', 'listing'), leaf('<int:pk>/', 'detail'), leaf('find/', 'find')], loc: reg.loc, conditional: cond,
    };
  });
}
