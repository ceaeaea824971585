/**
 * The values of the static Python evaluator. They model just enough of Python for Django's
 * configuration code: literals and containers, paths, modules, definitions (def/class) in source,
 * names from well-known libraries ("builtins" keyed by dotted name), URL pattern objects, DRF
 * routers, and `unknown` for everything else. `cond` marks a value that only exists under a runtime
 * condition (an `if` whose outcome is not known statically, or a DEBUG-only branch).
 */

/** A span in a file, 0-based line and UTF-16 character like LSP. */
export interface Loc {
  file: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

interface Base {
  cond?: boolean;
}

export interface StrV extends Base { k: 'str'; v: string; loc?: Loc }
export interface NumV extends Base { k: 'num'; v: number }
export interface BoolV extends Base { k: 'bool'; v: boolean }
export interface NoneV extends Base { k: 'none' }
export interface ListV extends Base { k: 'list'; items: Value[]; tuple?: boolean; loc?: Loc }
export interface DictV extends Base { k: 'dict'; entries: [Value, Value][] }
export interface PathV extends Base { k: 'path'; v: string }
export interface ModuleV extends Base { k: 'module'; name: string }
/** A name imported but not looked at yet: forced on use, so settings never drag in Django's source. */
export interface LazyV extends Base { k: 'lazy'; module: string; name: string }
/** A name from a library we know by heart (`django.urls.path`, `os.path.join`, ...). */
export interface BuiltinV extends Base { k: 'builtin'; name: string; self?: Value }
/** The result of calling a builtin that has no special meaning for us; keeps its arguments. */
export interface CallV extends Base { k: 'call'; name: string; args: Value[]; kwargs: Map<string, Value> }

export interface MethodInfo {
  name: string;
  loc: Loc;
  decorators: Value[];
  /** Rows (0-based) of the whole `def`, decorators excluded. */
  span?: { start: number; end: number };
  /** The expression a body of one `return` statement returns, as text. */
  returnText?: string;
}

export interface ClassInfo {
  bases: Value[];
  methods: Map<string, MethodInfo>;
  attrs: Map<string, { value: Value; loc: Loc }>;
  nested: Map<string, DefV>;
}

/** A `def` or `class` found in source. */
export interface DefV extends Base {
  k: 'def';
  kind: 'function' | 'class';
  module: string;
  qualname: string;
  /** The name after `def`/`class`. */
  loc: Loc;
  decorators: Value[];
  cls?: ClassInfo;
  /** For a function without parameters whose body returns one expression: that expression. */
  returns?: { text: string; line: number; column: number };
  /** Rows (0-based) of the whole `def`/`class` statement, decorators excluded. */
  span?: { start: number; end: number };
}

/** A view callable built from something: `X.as_view()`, a decorated or wrapped function. */
export interface ViewV extends Base {
  k: 'view';
  target: Value;
  asView?: boolean;
  initkwargs?: Map<string, Value>;
  /** What wrapped the view when it was handed to a call (`login_required` in `login_required(v)`). */
  wrapper?: Value;
  /** `as_view({'get': 'list'})` of a DRF viewset: method → action. */
  actions?: Value;
}

export interface PatternV extends Base {
  k: 'pattern';
  route: string;
  regex: boolean;
  view: Value;
  name: string | null;
  loc: Loc;
  nameLoc?: Loc;
  viewLoc?: Loc;
  /** `static()` / `staticfiles_urlpatterns()` made it. */
  origin?: 'static';
  /** The extra keyword arguments for the view (`path(route, view, kwargs)`, `static(..., document_root=)`). */
  kwargs?: Value;
}

/** `include(...)` (also the target of `path("x/", include(...))` before it has a route). */
export interface IncludeV extends Base {
  k: 'include';
  target: Value;
  namespace: string | null;
  appName: string | null;
  loc: Loc;
  targetLoc?: Loc;
}

/** A URLResolver: a prefix over included patterns. */
export interface ResolverV extends Base {
  k: 'resolver';
  route: string;
  regex: boolean;
  include: IncludeV;
  loc: Loc;
  /** `i18n_patterns`: the route is the language prefix. */
  i18n?: { prefixDefaultLanguage: boolean };
  /** Extra keyword arguments passed to every view below (`path("x/", include(...), kwargs)`). */
  kwargs?: Value;
}

export interface RouterRegistration {
  prefix: string;
  viewset: Value;
  basename: string | null;
  loc: Loc;
}

export interface RouterV extends Base {
  k: 'router';
  id: number;
  /** DRF's SimpleRouter/DefaultRouter, or Wagtail's API router (`register_endpoint`). */
  kind: 'simple' | 'default' | 'wagtail';
  /** Wagtail: the URL namespace given to the router. */
  namespace?: string;
  trailingSlash: boolean;
  registry: RouterRegistration[];
  loc: Loc;
}

/** `router.urls`, expanded when the URL tree is built (registrations may come later in the file). */
export interface RouterUrlsV extends Base { k: 'routerUrls'; router: RouterV; loc: Loc }
/** `admin.site.urls` (or another AdminSite's). */
export interface AdminUrlsV extends Base { k: 'adminUrls'; loc: Loc }

export interface UnknownV extends Base {
  k: 'unknown';
  /** A definition the unknown value was derived from (`Post.objects.all()` → Post). */
  origin?: DefV;
  /** Dotted name of a library object we could not read (no site-packages). */
  fq?: string;
  /** An instance of `origin` (the result of calling the class), e.g. a callable `Feed()` view. */
  instance?: boolean;
  /** The arguments the class was called with (model fields: `ForeignKey("app.Model", related_name=...)`). */
  args?: Value[];
  kwargs?: Map<string, Value>;
}

export type Value =
  | StrV | NumV | BoolV | NoneV | ListV | DictV | PathV | ModuleV | LazyV | BuiltinV | CallV | DefV | ViewV
  | PatternV | IncludeV | ResolverV | RouterV | RouterUrlsV | AdminUrlsV | UnknownV;

export const UNKNOWN: UnknownV = { k: 'unknown' };
export const NONE: NoneV = { k: 'none' };

/** The start of a file, where a location names the whole file (a template, a module). */
export function fileStart(file: string): Loc {
  return { file, line: 0, character: 0, endLine: 0, endCharacter: 0 };
}

export function str(v: string, loc?: Loc): StrV {
  return { k: 'str', v, loc };
}

export function withCond<T extends Value>(v: T, cond: boolean | undefined): T {
  if (!cond || v.cond) return v;
  return { ...v, cond: true };
}

/** Python truthiness where it is known; undefined when it is not. */
export function truthy(v: Value): boolean | undefined {
  switch (v.k) {
    case 'str': return v.v.length > 0;
    case 'num': return v.v !== 0;
    case 'bool': return v.v;
    case 'none': return false;
    case 'list': return v.items.length > 0;
    case 'dict': return v.entries.length > 0;
    case 'path': case 'module': case 'def': return true;
    default: return undefined;
  }
}

/** Python equality where it is known. */
export function equals(a: Value, b: Value): boolean | undefined {
  if ((a.k === 'str' || a.k === 'num' || a.k === 'bool') && (b.k === 'str' || b.k === 'num' || b.k === 'bool')) {
    return a.v === b.v;
  }
  if (a.k === 'none' || b.k === 'none') {
    if (a.k === 'unknown' || b.k === 'unknown' || a.k === 'lazy' || b.k === 'lazy') return undefined;
    return a.k === b.k;
  }
  return undefined;
}

/** A literal value as JSON (str, number, bool, None, lists, dicts with string keys, paths); undefined otherwise. */
export function asJson(v: Value | undefined, force: (v: Value) => Value = (x) => x): unknown {
  if (!v) return undefined;
  const f = force(v);
  switch (f.k) {
    case 'str': case 'path': return f.v;
    case 'num': return f.v;
    case 'bool': return f.v;
    case 'none': return null;
    case 'list': {
      const items = f.items.map((i) => asJson(i, force));
      return items.some((i) => i === undefined) ? undefined : items;
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, val] of f.entries) {
        const key = force(k);
        if (key.k !== 'str') return undefined;
        const j = asJson(val, force);
        if (j === undefined) return undefined;
        out[key.v] = j;
      }
      return out;
    }
    default: return undefined;
  }
}

export function asString(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.k === 'str') return v.v;
  if (v.k === 'path') return v.v;
  return undefined;
}

export function asStringList(v: Value | undefined): { value: string; cond: boolean; loc?: Loc }[] | undefined {
  if (!v || v.k !== 'list') return undefined;
  const out: { value: string; cond: boolean; loc?: Loc }[] = [];
  for (const item of v.items) {
    if (item.k === 'str' || item.k === 'path') out.push({ value: item.v, cond: !!item.cond || !!v.cond, loc: item.k === 'str' ? item.loc : undefined });
  }
  return out;
}
