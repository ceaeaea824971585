/**
 * Library names the evaluator knows by heart, keyed by their dotted name: `os`/`pathlib` path
 * arithmetic, environment lookups (which give their defaults), Django's URL functions (`path`,
 * `re_path`, `url`, `include`, `i18n_patterns`, `static`), admin registration, DRF routers and
 * `as_view()`. Everything here mirrors what Django/DRF do at import time, nothing more.
 */
import path from 'node:path';
import type { Node } from './parser';
import type { CallArgs, Interpreter } from './evaluator';
import { locOf, stringContentLoc } from './evaluator';
import {
  type Value, type BuiltinV, type PatternV, type IncludeV, type ResolverV, type Loc,
  UNKNOWN, NONE, str, truthy, withCond, asString,
} from './values';

const KNOWN = new Set<string>([
  'os', 'os.path', 'os.environ', 'os.getenv', 'os.environ.get', 'os.environ.setdefault', 'os.getcwd',
  'os.path.join', 'os.path.dirname', 'os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'os.path.basename',
  'os.path.expanduser', 'os.path.exists', 'os.path.isdir', 'os.path.isfile',
  'sys', 'sys.path', 'sys.argv', 'sys.version_info',
  'pathlib', 'pathlib.Path', 'pathlib.PurePath', 'pathlib.PosixPath',
  'str', 'int', 'bool', 'list', 'tuple', 'dict', 'set', 'len', 'getattr', 'isinstance', 'print', 'True', 'False', 'None',
  'distutils.util.strtobool',
  'django.urls.path', 'django.urls.re_path', 'django.urls.include', 'django.urls.conf.path', 'django.urls.conf.re_path',
  'django.urls.conf.include', 'django.conf.urls.url', 'django.conf.urls.include', 'django.conf.urls.re_path',
  'django.urls.register_converter', 'django.urls.converters.register_converter',
  'django.conf.urls.i18n.i18n_patterns', 'django.conf.urls.static.static',
  'django.contrib.staticfiles.urls.staticfiles_urlpatterns',
  'django.conf.settings', 'django.conf',
  'django.contrib.admin', 'django.contrib.admin.site', 'django.contrib.admin.sites.site',
  'django.contrib.admin.register', 'django.contrib.admin.decorators.register', 'django.contrib.admin.autodiscover',
  'django.contrib.auth.get_user_model',
  'django.utils.translation.gettext_lazy', 'django.utils.translation.gettext', 'django.utils.translation.ugettext_lazy',
  'django.utils.translation.ugettext', 'django.utils.translation.pgettext_lazy', 'django.utils.translation.pgettext',
  'rest_framework.routers.DefaultRouter', 'rest_framework.routers.SimpleRouter',
  'rest_framework.decorators.action', 'rest_framework.decorators.api_view',
  'rest_framework.urlpatterns.format_suffix_patterns',
  'wagtail.api.v2.router.WagtailAPIRouter',
  'environ', 'environ.Env', 'environ.Path', 'decouple', 'decouple.config', 'decouple.Csv',
  'dj_database_url', 'dj_database_url.config', 'dj_database_url.parse',
  'django.db.connection', 'django.db.connections',
]);

export function isKnownName(name: string): boolean {
  return KNOWN.has(name);
}

type Handler = (it: Interpreter, callee: BuiltinV, a: CallArgs, node: Node, cond: boolean) => Value | undefined;

function arg(a: CallArgs, i: number, kw?: string): Value | undefined {
  return a.args[i] ?? (kw ? a.kwargs.get(kw) : undefined);
}

function argNode(a: CallArgs, i: number, kw?: string): Node | undefined {
  return a.argNodes[i] ?? (kw ? a.kwargNodes.get(kw) : undefined);
}

function pathOf(v: Value | undefined): string | undefined {
  return v && (v.k === 'path' || v.k === 'str') ? v.v : undefined;
}

function nodeLoc(it: Interpreter, n: Node | undefined): Loc | undefined {
  if (!n) return undefined;
  return n.type === 'string' ? stringContentLoc(it.file, n) : locOf(it.file, n);
}

/** Python's `re.escape` (3.7+): only regex metacharacters and whitespace are escaped. */
export function reEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => '\\' + c);
}

/** `path()`, `re_path()`, `url()`: a leaf pattern, or a resolver when the view is an include. */
function makePattern(regex: boolean): Handler {
  return (it, _callee, a, node, cond) => {
    const route = it.force(arg(a, 0, 'route') ?? UNKNOWN);
    const viewArg = arg(a, 1, 'view');
    // A lazy view stays lazy (its module is read when someone asks where the view is).
    const view = viewArg ? (viewArg.k === 'lazy' ? viewArg : it.force(viewArg)) : UNKNOWN;
    const nameV = it.force(arg(a, 3, 'name') ?? NONE);
    const routeStr = route.k === 'str' ? route.v : undefined;
    const loc = locOf(it.file, node);
    if (routeStr === undefined) {
      // A route built at run time: we do not know this URL (better unknown than a wrong one).
      it.problem('URL pattern with a route that cannot be read statically', node);
      return UNKNOWN;
    }
    const r = routeStr;
    const extra = arg(a, 2, 'kwargs');
    const kwargs = extra ? it.force(extra) : undefined;
    if (view.k === 'include') {
      return { k: 'resolver', route: r, regex, include: view, loc, cond: cond || view.cond, kwargs } satisfies ResolverV;
    }
    if (view.k === 'routerUrls' && view.router.kind === 'wagtail') {
      // WagtailAPIRouter.urls is (patterns, url_namespace, url_namespace).
      const ns = view.router.namespace ?? null;
      const include: IncludeV = { k: 'include', target: view, namespace: ns, appName: ns, loc, targetLoc: nodeLoc(it, argNode(a, 1, 'view')) };
      return { k: 'resolver', route: r, regex, include, loc, cond } satisfies ResolverV;
    }
    if (view.k === 'adminUrls') {
      const include: IncludeV = { k: 'include', target: view, namespace: 'admin', appName: 'admin', loc, targetLoc: nodeLoc(it, argNode(a, 1, 'view')) };
      return { k: 'resolver', route: r, regex, include, loc, cond } satisfies ResolverV;
    }
    if (view.k === 'list' && view.items.length === 3 && view.tuple) {
      // A (urlconf, app_name, namespace) triple, what include() returns.
      const [target, app, ns] = view.items.map((v) => it.force(v));
      const include: IncludeV = {
        k: 'include', target, appName: asString(app) ?? null, namespace: asString(ns) ?? null, loc,
      };
      return { k: 'resolver', route: r, regex, include, loc, cond, kwargs } satisfies ResolverV;
    }
    const vn = argNode(a, 1, 'view');
    if (view.k === 'unknown' && vn?.type === 'attribute' && vn.childForFieldName('attribute')?.text === 'urls') {
      // `path("api/", something.urls)`: by Django convention a (patterns, app_name, namespace)
      // triple we cannot expand (a library's router or site): an include with unknown contents.
      it.problem(`cannot expand '${vn.text}' statically`, vn);
      const include: IncludeV = { k: 'include', target: UNKNOWN, appName: null, namespace: null, loc, targetLoc: nodeLoc(it, vn) };
      return { k: 'resolver', route: r, regex, include, loc, cond } satisfies ResolverV;
    }
    const p: PatternV = {
      k: 'pattern', route: r, regex, view, name: nameV.k === 'str' ? nameV.v : null, loc, cond,
      nameLoc: nodeLoc(it, argNode(a, 3, 'name')), viewLoc: nodeLoc(it, argNode(a, 1, 'view')), kwargs,
    };
    return p;
  };
}

const handlers: Record<string, Handler> = {
  'os.environ.get': (_it, _c, a) => arg(a, 1, 'default') ?? NONE,
  'os.getenv': (_it, _c, a) => arg(a, 1, 'default') ?? NONE,
  'os.environ.setdefault': (_it, _c, a) => arg(a, 1) ?? UNKNOWN,
  'os.path.join': (it, _c, a) => {
    const parts = a.args.map((v) => pathOf(it.force(v)));
    if (parts.some((p) => p === undefined) || parts.length === 0) return UNKNOWN;
    let out = parts[0]!;
    for (const p of parts.slice(1)) out = path.isAbsolute(p!) ? p! : path.join(out, p!);
    return { k: 'path', v: out };
  },
  'os.path.dirname': (it, _c, a) => {
    const p = pathOf(it.force(arg(a, 0) ?? UNKNOWN));
    return p === undefined ? UNKNOWN : { k: 'path', v: path.dirname(p) };
  },
  'os.path.abspath': pathIdentity,
  'os.path.realpath': pathIdentity,
  'os.path.normpath': pathIdentity,
  'os.path.basename': (it, _c, a) => {
    const p = pathOf(it.force(arg(a, 0) ?? UNKNOWN));
    return p === undefined ? UNKNOWN : str(path.basename(p));
  },
  'pathlib.Path': (it, _c, a) => {
    if (a.args.length === 0) return UNKNOWN;
    const parts = a.args.map((v) => pathOf(it.force(v)));
    if (parts.some((p) => p === undefined)) return UNKNOWN;
    return { k: 'path', v: path.join(...(parts as string[])) };
  },
  'pathlib.Path.resolve': (_it, c) => c.self,
  'pathlib.Path.absolute': (_it, c) => c.self,
  'pathlib.Path.expanduser': (_it, c) => c.self,
  'pathlib.Path.joinpath': (it, c, a) => {
    const base = pathOf(c.self);
    const parts = a.args.map((v) => pathOf(it.force(v)));
    if (base === undefined || parts.some((p) => p === undefined)) return UNKNOWN;
    return { k: 'path', v: path.join(base, ...(parts as string[])) };
  },
  str: (it, _c, a) => {
    const v = it.force(arg(a, 0) ?? UNKNOWN);
    if (v.k === 'path') return str(v.v);
    if (v.k === 'str') return v;
    if (v.k === 'num') return str(String(v.v));
    return UNKNOWN;
  },
  getattr: (it, _c, a) => {
    const name = it.force(a.args[1] ?? UNKNOWN);
    if (name.k !== 'str' || !a.args[0]) return UNKNOWN;
    const v = it.force(it.getAttr(a.args[0], name.v));
    // `getattr(settings, "X", default)`: the default when the settings do not say.
    return v.k === 'unknown' && a.args[2] ? a.args[2] : v;
  },
  'distutils.util.strtobool': (it, _c, a) => strtobool(it.force(arg(a, 0, 'val') ?? UNKNOWN)),
  bool: (it, _c, a) => {
    const t = truthy(it.force(arg(a, 0) ?? UNKNOWN));
    return t === undefined ? UNKNOWN : { k: 'bool', v: t };
  },
  list: (it, _c, a) => {
    const v = it.force(arg(a, 0) ?? { k: 'list', items: [] });
    return v.k === 'list' ? { k: 'list', items: [...v.items] } : UNKNOWN;
  },
  tuple: (it, _c, a) => {
    const v = it.force(arg(a, 0) ?? { k: 'list', items: [] });
    return v.k === 'list' ? { k: 'list', items: [...v.items], tuple: true } : UNKNOWN;
  },
  'str.lower': (_it, c) => (c.self?.k === 'str' ? str(c.self.v.toLowerCase()) : UNKNOWN),
  'str.upper': (_it, c) => (c.self?.k === 'str' ? str(c.self.v.toUpperCase()) : UNKNOWN),
  'str.strip': (_it, c) => (c.self?.k === 'str' ? str(c.self.v.trim()) : UNKNOWN),
  'str.format': (it, c, a) => {
    if (c.self?.k !== 'str') return UNKNOWN;
    let i = 0;
    let ok = true;
    const out = c.self.v.replace(/\{(\w*)\}/g, (_m, key: string) => {
      const v = it.force((key === '' ? a.args[i++] : /^\d+$/.test(key) ? a.args[Number(key)] : a.kwargs.get(key)) ?? UNKNOWN);
      if (v.k !== 'str' && v.k !== 'num') ok = false;
      return v.k === 'str' || v.k === 'num' ? String(v.v) : '';
    });
    return ok ? str(out) : UNKNOWN;
  },
  'list.append': (_it, c, a, _n, cond) => {
    if (c.self?.k === 'list' && a.args[0]) c.self.items.push(withCond(a.args[0], cond));
    return NONE;
  },
  'list.insert': (it, c, a, _n, cond) => {
    const idx = it.force(a.args[0] ?? UNKNOWN);
    if (c.self?.k === 'list' && a.args[1] && idx.k === 'num') {
      const n = c.self.items.length;
      const i = idx.v < 0 ? Math.max(0, n + idx.v) : Math.min(idx.v, n);
      c.self.items.splice(i, 0, withCond(a.args[1], cond));
    }
    return NONE;
  },
  'list.extend': (it, c, a, _n, cond) => {
    const more = it.force(a.args[0] ?? UNKNOWN);
    if (c.self?.k === 'list') {
      if (more.k === 'list') c.self.items.push(...more.items.map((i) => withCond(i, cond || more.cond)));
      else if (more.k === 'routerUrls' || more.k === 'adminUrls') c.self.items.push(withCond(more, cond));
    }
    return NONE;
  },
  'list.remove': (it, c, a) => {
    const v = it.force(a.args[0] ?? UNKNOWN);
    if (c.self?.k === 'list' && v.k === 'str') {
      const i = c.self.items.findIndex((x) => x.k === 'str' && x.v === v.v);
      if (i >= 0) c.self.items.splice(i, 1);
    }
    return NONE;
  },
  'list.index': (it, c, a) => {
    const v = it.force(a.args[0] ?? UNKNOWN);
    if (c.self?.k === 'list' && v.k === 'str') {
      const i = c.self.items.findIndex((x) => x.k === 'str' && x.v === v.v);
      if (i >= 0) return { k: 'num', v: i };
    }
    return UNKNOWN;
  },
  'dict.get': (it, c, a) => {
    const key = it.force(a.args[0] ?? UNKNOWN);
    if (c.self?.k === 'dict' && key.k === 'str') {
      for (let i = c.self.entries.length - 1; i >= 0; i--) {
        const [kk, vv] = c.self.entries[i];
        if (kk.k === 'str' && kk.v === key.v) return vv;
      }
      return a.args[1] ?? NONE;
    }
    return UNKNOWN;
  },
  'dict.update': (it, c, a) => {
    const more = it.force(a.args[0] ?? UNKNOWN);
    if (c.self?.k === 'dict') {
      if (more.k === 'dict') c.self.entries.push(...more.entries);
      for (const [k, v] of a.kwargs) c.self.entries.push([str(k), v]);
    }
    return NONE;
  },
  'sys.path.insert': (it, _c, a) => {
    const p = pathOf(it.force(a.args[1] ?? UNKNOWN));
    if (p !== undefined) it.ctx.onSysPath?.(p);
    return NONE;
  },
  'sys.path.append': (it, _c, a) => {
    const p = pathOf(it.force(a.args[0] ?? UNKNOWN));
    if (p !== undefined) it.ctx.onSysPath?.(p);
    return NONE;
  },
  'environ.Env': () => ({ k: 'builtin', name: 'environ.Env.instance' }),
  'environ.Env.instance': envDefault,
  'environ.Path': (it, _c, a) => {
    const p = pathOf(it.force(a.args[0] ?? UNKNOWN));
    return p === undefined ? UNKNOWN : { k: 'path', v: p };
  },
  'decouple.config': envDefault,
  'django.utils.translation.gettext_lazy': firstArg,
  'django.utils.translation.gettext': firstArg,
  'django.utils.translation.ugettext_lazy': firstArg,
  'django.utils.translation.ugettext': firstArg,
  'django.utils.translation.pgettext_lazy': (_it, _c, a) => a.args[1] ?? UNKNOWN,
  'django.utils.translation.pgettext': (_it, _c, a) => a.args[1] ?? UNKNOWN,

  'django.urls.path': makePattern(false),
  'django.urls.conf.path': makePattern(false),
  'django.urls.re_path': makePattern(true),
  'django.urls.conf.re_path': makePattern(true),
  'django.conf.urls.url': makePattern(true),
  'django.conf.urls.re_path': makePattern(true),
  'django.urls.include': include,
  'django.urls.conf.include': include,
  'django.conf.urls.include': include,
  'django.urls.register_converter': registerConverter,
  'django.urls.converters.register_converter': registerConverter,
  'django.conf.urls.i18n.i18n_patterns': (it, _c, a, node, cond) => {
    const items = a.args.map((v) => it.force(v));
    const useI18n = truthy(it.ctx.settingsValue('USE_I18N'));
    if (useI18n === false) return { k: 'list', items };
    const pdl = truthy(it.force(a.kwargs.get('prefix_default_language') ?? { k: 'bool', v: true }));
    const loc = locOf(it.file, node);
    const include: IncludeV = { k: 'include', target: { k: 'list', items }, namespace: null, appName: null, loc };
    const r: ResolverV = { k: 'resolver', route: '', regex: false, include, loc, i18n: { prefixDefaultLanguage: pdl !== false }, cond };
    return { k: 'list', items: [r] };
  },
  'django.conf.urls.static.static': (it, _c, a, node) => {
    const prefix = it.force(a.args[0] ?? UNKNOWN);
    const view = a.args[1] ?? a.kwargs.get('view') ?? { k: 'lazy', module: 'django.views.static', name: 'serve' };
    const kwargs: Value = { k: 'dict', entries: [...a.kwargs].filter(([k]) => k !== 'view').map(([k, v]) => [str(k), v] as [Value, Value]) };
    return debugOnlyServe(it, prefix, view, node, kwargs);
  },
  'django.contrib.staticfiles.urls.staticfiles_urlpatterns': (it, _c, a, node) => {
    const prefix = it.force(a.args[0] ?? it.ctx.settingsValue('STATIC_URL'));
    return debugOnlyServe(it, prefix, { k: 'lazy', module: 'django.contrib.staticfiles.views', name: 'serve' }, node);
  },
  'django.contrib.admin.site.register': (it, _c, a, node) => {
    it.ctx.onAdminRegister([a.args[0] ?? UNKNOWN], a.args[1] ?? a.kwargs.get('admin_class'), locOf(it.file, node));
    return NONE;
  },
  'django.contrib.admin.site.unregister': (it, _c, a, node) => {
    it.ctx.onAdminRegister([a.args[0] ?? UNKNOWN], undefined, locOf(it.file, node), true);
    return NONE;
  },
  'django.contrib.auth.get_user_model': (it) => {
    const label = it.force(it.ctx.settingsValue('AUTH_USER_MODEL'));
    return (label.k === 'str' && it.ctx.modelByLabel?.(label.v)) || UNKNOWN;
  },
  'django.contrib.admin.sites.site.register': (it, _c, a, node) => {
    it.ctx.onAdminRegister([a.args[0] ?? UNKNOWN], a.args[1] ?? a.kwargs.get('admin_class'), locOf(it.file, node));
    return NONE;
  },
  'View.as_view': (_it, c, a) => ({ k: 'view', target: c.self ?? UNKNOWN, asView: true, initkwargs: a.kwargs, actions: a.args[0] }),
  'rest_framework.routers.DefaultRouter': (it, _c, a, node) => makeRouter(it, 'default', a, node),
  'rest_framework.routers.SimpleRouter': (it, _c, a, node) => makeRouter(it, 'simple', a, node),
  'rest_framework.urlpatterns.format_suffix_patterns': (it, _c, a, node) => {
    const patterns = it.force(arg(a, 0, 'urlpatterns') ?? UNKNOWN);
    const required = truthy(it.force(arg(a, 1, 'suffix_required') ?? { k: 'bool', v: false })) === true;
    const allowedV = it.force(arg(a, 2, 'allowed') ?? NONE);
    const allowed = allowedV.k === 'list' ? allowedV.items.flatMap((i) => (i.k === 'str' ? [i.v] : [])) : [];
    const allowedPattern = allowed.length === 1 ? allowed[0] : `(${allowed.join('|')})`;
    const suffixPattern = allowed.length ? `\\.(?P<format>${allowedPattern})/?$` : '\\.(?P<format>[a-z0-9]+)/?$';
    const converter = allowed.length ? `drf_format_suffix_${allowed.join('_')}` : 'drf_format_suffix';
    it.ctx.onRegisterConverter({ k: 'unknown', fq: 'rest_framework.urlpatterns.FormatSuffixConverter' }, converter, locOf(it.file, node));
    if (patterns.k !== 'list') return UNKNOWN;
    return { k: 'list', items: applySuffix(it, patterns.items, suffixPattern, `<${converter}:format>`, required) };
  },
  'wagtail.api.v2.router.WagtailAPIRouter': (it, _c, a, node) => {
    const ns = it.force(arg(a, 0, 'url_namespace') ?? UNKNOWN);
    return { k: 'router', id: it.ctx.nextId(), kind: 'wagtail', namespace: ns.k === 'str' ? ns.v : undefined, trailingSlash: true, registry: [], loc: locOf(it.file, node) };
  },
  'router.register_endpoint': (it, c, a, node) => {
    const name = it.force(arg(a, 0, 'name') ?? UNKNOWN);
    if (c.self?.k === 'router' && name.k === 'str') {
      c.self.registry.push({ prefix: name.v, viewset: arg(a, 1, 'class_') ?? UNKNOWN, basename: null, loc: locOf(it.file, node) });
    }
    return NONE;
  },
  'router.register': (it, c, a, node) => {
    if (c.self?.k !== 'router') return NONE;
    const prefix = it.force(arg(a, 0, 'prefix') ?? UNKNOWN);
    const viewset = it.force(arg(a, 1, 'viewset') ?? UNKNOWN);
    const basename = it.force(arg(a, 2, 'basename') ?? a.kwargs.get('base_name') ?? NONE);
    c.self.registry.push({
      prefix: prefix.k === 'str' ? prefix.v : '',
      viewset,
      basename: basename.k === 'str' ? basename.v : null,
      loc: locOf(it.file, node),
    });
    return NONE;
  },
};

/** DRF's `apply_suffix_patterns`: each leaf followed by its format-suffixed twin, resolvers recursed. */
function applySuffix(it: Interpreter, items: Value[], suffixPattern: string, suffixRoute: string, required: boolean): Value[] {
  const out: Value[] = [];
  const strip = (s: string) => s.replace(/\$+$/, '').replace(/\/+$/, '');
  for (const raw of items) {
    const v = it.force(raw);
    if (v.k === 'pattern') {
      if (!required) out.push(v);
      out.push({ ...v, route: strip(v.route) + (v.regex ? suffixPattern : suffixRoute) });
    } else if (v.k === 'resolver') {
      let target = it.force(v.include.target);
      if (target.k === 'str' || target.k === 'module') {
        const env = it.ctx.getModule(target.k === 'str' ? target.v : target.name);
        const appName = env?.scope.get('app_name');
        target = env?.scope.get('urlpatterns') ? it.force(env.scope.get('urlpatterns')!) : UNKNOWN;
        if (appName && v.include.appName === null) {
          const an = it.force(appName);
          if (an.k === 'str') v.include.appName = an.v;
        }
      }
      const children = target.k === 'list' ? applySuffix(it, target.items, suffixPattern, suffixRoute, required) : [];
      out.push({ ...v, include: { ...v.include, target: { k: 'list', items: children } } });
    } else {
      out.push(v);
    }
  }
  return out;
}

function pathIdentity(it: Interpreter, _c: BuiltinV, a: CallArgs): Value {
  const p = pathOf(it.force(a.args[0] ?? UNKNOWN));
  return p === undefined ? UNKNOWN : { k: 'path', v: path.normalize(p) };
}

function firstArg(_it: Interpreter, _c: BuiltinV, a: CallArgs): Value {
  return a.args[0] ?? UNKNOWN;
}

function envDefault(_it: Interpreter, _c: BuiltinV, a: CallArgs): Value {
  return a.kwargs.get('default') ?? (a.args.length > 1 ? a.args[1] : undefined) ?? UNKNOWN;
}

function include(it: Interpreter, _c: BuiltinV, a: CallArgs, node: Node, cond: boolean): Value {
  const target = it.force(arg(a, 0, 'arg') ?? UNKNOWN);
  const ns = it.force(arg(a, 1, 'namespace') ?? NONE);
  let t = target;
  let appName: string | null = null;
  if (target.k === 'list' && target.tuple && target.items.length === 2) {
    t = it.force(target.items[0]);
    appName = asString(it.force(target.items[1])) ?? null;
  }
  return {
    k: 'include', target: t, appName, namespace: ns.k === 'str' ? ns.v : null,
    loc: locOf(it.file, node), targetLoc: nodeLoc(it, argNode(a, 0, 'arg')), cond,
  } satisfies IncludeV;
}

function registerConverter(it: Interpreter, _c: BuiltinV, a: CallArgs, node: Node): Value {
  const name = it.force(arg(a, 1, 'type_name') ?? UNKNOWN);
  if (name.k === 'str') it.ctx.onRegisterConverter(it.force(arg(a, 0, 'converter') ?? UNKNOWN), name.v, locOf(it.file, node));
  return NONE;
}

function debugOnlyServe(it: Interpreter, prefix: Value, view: Value, node: Node, kwargs?: Value): Value {
  const debug = truthy(it.ctx.settingsValue('DEBUG'));
  if (prefix.k !== 'str' || !prefix.v || debug === false || /^[a-z][a-z0-9+.-]*:\/\//i.test(prefix.v)) return { k: 'list', items: [] };
  const p: PatternV = {
    k: 'pattern', route: `^${reEscape(prefix.v.replace(/^\/+/, ''))}(?P<path>.*)$`, regex: true, view, name: null,
    loc: locOf(it.file, node), cond: true, origin: 'static', kwargs,
  };
  return { k: 'list', items: [p] };
}

function makeRouter(it: Interpreter, kind: 'simple' | 'default', a: CallArgs, node: Node): Value {
  const ts = a.kwargs.get('trailing_slash');
  const t = ts ? truthy(it.force(ts)) : true;
  return { k: 'router', id: it.ctx.nextId(), kind, trailingSlash: t !== false, registry: [], loc: locOf(it.file, node) };
}

/**
 * `strtobool(val)` (distutils', or the copy settings modules keep since Python 3.12 removed it):
 * `DEBUG = bool(strtobool(os.environ.get("DEBUG") or "False"))` is a common settings idiom.
 */
export function strtobool(v: Value): Value {
  if (v.k !== 'str') return UNKNOWN;
  const s = v.v.toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(s)) return { k: 'num', v: 1 };
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(s)) return { k: 'num', v: 0 };
  return UNKNOWN;
}

export function callBuiltin(it: Interpreter, callee: BuiltinV, a: CallArgs, node: Node, cond: boolean): Value | undefined {
  const h = handlers[callee.name];
  if (h) return h(it, callee, a, node, cond);
  return undefined;
}

/** Django's built-in backends' `vendor`, by the engine path's last part. */
const VENDORS: Record<string, string> = {
  sqlite3: 'sqlite', spatialite: 'sqlite', postgresql: 'postgresql', postgresql_psycopg2: 'postgresql', postgis: 'postgresql',
  mysql: 'mysql', oracle: 'oracle',
};

/** `django.db.connection.vendor`: from DATABASES["default"]["ENGINE"] (modules branch on it at import). */
function databaseVendor(it: Interpreter): Value | undefined {
  const dbs = it.ctx.settingsValue('DATABASES');
  if (dbs.k !== 'dict') return undefined;
  const dflt = [...dbs.entries].reverse().find(([k]) => k.k === 'str' && k.v === 'default')?.[1];
  const d = dflt ? it.force(dflt) : undefined;
  if (d?.k !== 'dict') return undefined;
  const engine = [...d.entries].reverse().find(([k]) => k.k === 'str' && k.v === 'ENGINE')?.[1];
  const e = engine ? asString(it.force(engine)) : undefined;
  const vendor = e && /^django\.(contrib\.gis\.)?db\.backends\./.test(e) ? VENDORS[e.split('.').pop()!] : undefined;
  return vendor ? str(vendor) : undefined;
}

export function getBuiltinAttr(it: Interpreter, v: BuiltinV, name: string): Value | undefined {
  const fq = `${v.name}.${name}`;
  if (v.name === 'django.contrib.admin.site' || v.name === 'django.contrib.admin.sites.site') {
    if (name === 'urls') return { k: 'adminUrls', loc: { file: it.file, line: 0, character: 0, endLine: 0, endCharacter: 0 } };
  }
  if (KNOWN.has(fq) || handlers[fq]) return { k: 'builtin', name: fq, self: v.self };
  if (v.name === 'django.conf.settings') return it.ctx.settingsValue(name);
  if (v.name === 'django.db.connection' && name === 'vendor') return databaseVendor(it) ?? UNKNOWN;
  // A module we know only some names of (django.contrib.admin): read the rest from site-packages.
  if (it.ctx.moduleExists(v.name)) return it.resolveFrom(v.name, name);
  return undefined;
}

