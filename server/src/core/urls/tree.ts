/**
 * The URL tree of a project, built the way Django's resolver sees ROOT_URLCONF: every `path()`,
 * `re_path()` and `url()` leaf and every include (module, list, `(patterns, app_name)`, admin,
 * DRF router, `i18n_patterns`) with its namespace. Leaves are flattened in resolution order with
 * their full route and namespaced name. Circular includes are cut and reported.
 */
import type { DjangoProject, Memo } from '../project';
import type { Loc, Value, ResolverV, PatternV, DefV } from '../python/values';
import { asString } from '../python/values';
import { viewRefOf, type ViewRef } from './views';
import { routerPatterns, wagtailEndpoints } from './drf';
import { adminPatterns } from './admin';

export interface UrlPatternEntry {
  kind: 'pattern';
  route: string;
  regex: boolean;
  name: string | null;
  view: ViewRef | null;
  loc: Loc;
  nameLoc?: Loc;
  viewLoc?: Loc;
  conditional: boolean;
  /** What produced a generated pattern (DRF router, admin) when not written as path(). */
  origin?: 'router' | 'admin' | 'static';
  /** Extra keyword arguments for the view (`path(route, view, {...})`), a dict value. */
  kwargs?: Value;
  /** The view as the URLconf wrote it (wrappers, `as_view(...)` and its arguments), for the request flow. */
  viewValue?: Value;
  /** A DRF router route: HTTP method → viewset action (`{get: 'list', post: 'create'}`). */
  actions?: Record<string, string>;
}

export interface UrlResolverEntry {
  kind: 'resolver';
  route: string;
  regex: boolean;
  namespace: string | null;
  appName: string | null;
  /** The included module, when the include names one. */
  module: string | null;
  moduleFile?: string;
  children: UrlEntry[];
  loc: Loc;
  targetLoc?: Loc;
  conditional: boolean;
  i18n?: { prefixDefaultLanguage: boolean };
  /** Extra keyword arguments for every view below, a dict value. */
  kwargs?: Value;
  /** Its patterns cannot be read (a computed include, a missing module): what is below is unknown. */
  opaque?: boolean;
}

export type UrlEntry = UrlPatternEntry | UrlResolverEntry;

export interface UrlLeaf {
  /** Concatenated route from the root URLconf down. */
  route: string;
  /** Name with every enclosing instance namespace, or null. */
  name: string | null;
  /** Instance namespaces, outermost first. */
  namespaces: string[];
  /** Application namespaces, outermost first (null where an include has none). */
  appNames: (string | null)[];
  pattern: UrlPatternEntry;
  /** The resolvers from the root down to the leaf. */
  chain: UrlResolverEntry[];
  conditional: boolean;
}

export interface UrlProblem {
  message: string;
  loc?: Loc;
  code: 'unresolved-include' | 'unresolved-library-include' | 'opaque-include' | 'unresolved-view' | 'circular-include' | 'bad-pattern' | 'no-urlconf';
}

export interface UrlTree {
  rootUrlconf: string | null;
  rootFile?: string;
  entries: UrlEntry[];
  leaves: UrlLeaf[];
  /**
   * `leaves` cut by top-level entry. An include whose modules did not change keeps its array
   * (same object) from one build to the next, so indexes can update only what changed.
   */
  segments: UrlLeaf[][];
  problems: UrlProblem[];
}

export function buildUrlTree(project: DjangoProject): UrlTree {
  const problems: UrlProblem[] = [];
  const rootUrlconf = project.rootUrlconf() ?? null;
  if (!rootUrlconf) {
    problems.push({ message: 'ROOT_URLCONF is not set (or not a literal string) in the settings', code: 'no-urlconf', loc: project.settingLoc('ROOT_URLCONF') });
    return { rootUrlconf, entries: [], leaves: [], segments: [], problems };
  }
  const env = project.getModule(rootUrlconf);
  if (!env?.file) {
    problems.push({ message: `ROOT_URLCONF module '${rootUrlconf}' cannot be found`, code: 'no-urlconf', loc: project.settingLoc('ROOT_URLCONF') });
    return { rootUrlconf, entries: [], leaves: [], segments: [], problems };
  }
  const builder = new TreeBuilder(project, problems);
  const entries = builder.moduleEntries(rootUrlconf, [rootUrlconf]);
  const leaves: UrlLeaf[] = [];
  const segments: UrlLeaf[][] = [];
  for (const e of entries) {
    const seg = e.kind === 'resolver' ? resolverLeaves(e, '', [], [], [], false) : [];
    if (e.kind === 'pattern') flattenOne(e, '', [], [], [], false, seg);
    segments.push(seg);
    for (const l of seg) leaves.push(l);
  }
  return { rootUrlconf, rootFile: env.file, entries, leaves, segments, problems };
}

interface FlatMemo {
  prefix: string;
  namespaces: string[];
  appNames: (string | null)[];
  chain: UrlResolverEntry[];
  conditional: boolean;
  leaves: UrlLeaf[];
}

/** The leaves of an include, kept while the include entry (memoized by the builder) and its context are the same. */
const flatMemo = new WeakMap<UrlResolverEntry, FlatMemo>();

const sameArray = <T>(a: T[], b: T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function flatten(
  entries: UrlEntry[], prefix: string, namespaces: string[], appNames: (string | null)[],
  chain: UrlResolverEntry[], conditional: boolean, out: UrlLeaf[],
): void {
  for (const e of entries) {
    if (e.kind === 'resolver') {
      for (const l of resolverLeaves(e, prefix, namespaces, appNames, chain, conditional)) out.push(l);
    } else {
      flattenOne(e, prefix, namespaces, appNames, chain, conditional, out);
    }
  }
}

/** An include's leaves: the same array as last time when the entry and its context are unchanged. */
function resolverLeaves(
  e: UrlResolverEntry, prefix: string, namespaces: string[], appNames: (string | null)[],
  chain: UrlResolverEntry[], conditional: boolean,
): UrlLeaf[] {
  const m = flatMemo.get(e);
  if (m && m.prefix === prefix && m.conditional === conditional && sameArray(m.namespaces, namespaces) && sameArray(m.appNames, appNames) && sameArray(m.chain, chain)) {
    return m.leaves;
  }
  const leaves: UrlLeaf[] = [];
  flattenOne(e, prefix, namespaces, appNames, chain, conditional, leaves);
  flatMemo.set(e, { prefix, namespaces, appNames, chain, conditional, leaves });
  return leaves;
}

function flattenOne(
  e: UrlEntry, prefix: string, namespaces: string[], appNames: (string | null)[],
  chain: UrlResolverEntry[], conditional: boolean, out: UrlLeaf[],
): void {
  {
    if (e.kind === 'pattern') {
      out.push({
        route: prefix + e.route,
        name: e.name === null ? null : [...namespaces, e.name].join(':'),
        namespaces, appNames, pattern: e, chain, conditional: conditional || e.conditional,
      });
    } else {
      const ns = e.namespace ? [...namespaces, e.namespace] : namespaces;
      const apps = e.namespace ? [...appNames, e.appName] : appNames;
      flatten(e.children, prefix + e.route, ns, apps, [...chain, e], conditional || e.conditional, out);
    }
  }
}

/** Include entries by the include value they come from and their include stack, with the modules they read. */
const resolverMemo = new WeakMap<ResolverV, Map<string, Memo<{ entry: UrlResolverEntry; problems: UrlProblem[] }>>>();

class TreeBuilder {
  /** Entries of the list being read that could not be read (an include of such a list is opaque). */
  private unknownEntries = 0;

  constructor(
    readonly project: DjangoProject,
    readonly problems: UrlProblem[],
  ) {}

  /** The entries of a URLconf module's `urlpatterns`. */
  moduleEntries(module: string, stack: string[]): UrlEntry[] {
    const env = this.project.getModule(module);
    if (!env) return [];
    const value = env.scope.get('urlpatterns');
    if (!value) {
      this.problems.push({ message: `'${module}' has no urlpatterns`, code: 'unresolved-include', loc: env.file ? { file: env.file, line: 0, character: 0, endLine: 0, endCharacter: 0 } : undefined });
      return [];
    }
    return this.listEntries(this.project.interp(env).force(value), stack, false);
  }

  listEntries(value: Value, stack: string[], cond: boolean): UrlEntry[] {
    const v = this.project.interp().force(value);
    const out: UrlEntry[] = [];
    if (v.k === 'list') {
      for (const item of v.items) out.push(...this.entry(item, stack, cond || !!v.cond));
    } else if (v.k === 'routerUrls' || v.k === 'adminUrls' || v.k === 'pattern' || v.k === 'resolver') {
      out.push(...this.entry(v, stack, cond));
    } else {
      // urlpatterns built by a function we cannot run (`decorate_urlpatterns(...)`, a view list of a library)
      this.unknownEntries++;
    }
    return out;
  }

  private entry(value: Value, stack: string[], cond: boolean): UrlEntry[] {
    const v = this.project.interp().force(value);
    const c = cond || !!v.cond;
    switch (v.k) {
      case 'pattern': return [this.pattern(v, c)];
      case 'resolver': return [this.resolver(v, stack, c)];
      case 'list': return this.listEntries(v, stack, c);
      case 'routerUrls': return v.router.kind === 'wagtail' ? wagtailEndpoints(this.project, v.router, c) : routerPatterns(this.project, v.router, c);
      case 'adminUrls': return adminPatterns(this.project, v.loc, c);
      case 'unknown':
        // Part of urlpatterns we cannot read: names defined there are unknown to us, so the
        // unknown-name check must keep quiet (see checks.ts).
        this.unknownEntries++;
        this.problems.push({ message: 'an entry of urlpatterns cannot be read statically', code: 'opaque-include' });
        return [];
      default: return [];
    }
  }

  private pattern(p: PatternV, cond: boolean): UrlPatternEntry {
    const entry = {
      kind: 'pattern', route: p.route, regex: p.regex, name: p.name, loc: p.loc,
      nameLoc: p.nameLoc, viewLoc: p.viewLoc, conditional: cond, origin: p.origin, kwargs: p.kwargs, viewValue: p.view,
    } as UrlPatternEntry;
    // Where the view is defined is worked out on first use: the URL tree itself (and the names)
    // does not need the views modules, so they are not read until someone asks.
    // A views module may be re-evaluated after an edit without this URLconf changing (it did not
    // import it eagerly): the answer is kept only for the project generation it was worked out in.
    let view: ViewRef | null = null;
    let at = -1;
    const project = this.project;
    Object.defineProperty(entry, 'view', {
      enumerable: true,
      get: () => {
        if (at !== project.generation) {
          view = viewRefOf(project, p.view);
          at = project.generation;
        }
        return view;
      },
    });
    return entry;
  }

  private resolver(r: ResolverV, stack: string[], cond: boolean): UrlResolverEntry {
    const key = `${cond ? 1 : 0}${stack.join('\0')}`;
    let byStack = resolverMemo.get(r);
    const hit = byStack?.get(key);
    if (hit && this.project.isFresh(hit)) {
      this.problems.push(...hit.value.problems);
      return hit.value.entry;
    }
    const memo = this.project.tracked(() => {
      const before = this.problems.length;
      const entry = this.computeResolver(r, stack, cond);
      return { entry, problems: this.problems.slice(before) };
    });
    if (!byStack) resolverMemo.set(r, (byStack = new Map()));
    byStack.set(key, memo);
    return memo.value.entry;
  }

  private computeResolver(r: ResolverV, stack: string[], cond: boolean): UrlResolverEntry {
    const inc = r.include;
    let target = this.project.interp().force(inc.target);
    let module: string | null = null;
    let moduleFile: string | undefined;
    let children: UrlEntry[] = [];
    let opaque = false;
    let appName = inc.appName;
    if (target.k === 'str') module = target.v;
    else if (target.k === 'module') module = target.name;
    if (module !== null) {
      const env = this.project.getModule(module);
      if (!env || !env.file) {
        // A package the project does not contain is a library: without its site-packages we
        // cannot see it, which is not the same as Django failing to import it.
        const top = this.project.resolver.resolve(module.split('.')[0]);
        const certain = (top && !top.external) || this.project.info.hasVirtualenv;
        opaque = true;
        this.problems.push(certain
          ? { message: `included URLconf '${module}' cannot be found`, loc: inc.targetLoc ?? inc.loc, code: 'unresolved-include' }
          : { message: `included URLconf '${module}' is not in the project, and no virtualenv was found to look in (see djangoAtlas.pythonPaths)`, loc: inc.targetLoc ?? inc.loc, code: 'unresolved-library-include' });
      } else if (stack.includes(module)) {
        this.problems.push({ message: `circular include of '${module}' (${[...stack, module].join(' → ')})`, loc: inc.targetLoc ?? inc.loc, code: 'circular-include' });
        moduleFile = env.file;
      } else {
        moduleFile = env.file;
        appName ??= asString(this.project.interp(env).force(env.scope.get('app_name') ?? { k: 'none' })) ?? null;
        const outer = this.unknownEntries;
        this.unknownEntries = 0;
        children = this.moduleEntries(module, [...stack, module]);
        // Part of its urlpatterns could not be read: Django may match there what we cannot see.
        if (this.unknownEntries > 0 || !env.scope.has('urlpatterns')) opaque = true;
        this.unknownEntries = outer;
      }
    } else if (target.k === 'adminUrls') {
      children = adminPatterns(this.project, r.loc, false);
    } else if (target.k === 'unknown' && !target.origin) {
      opaque = true;
      this.problems.push({ message: 'the patterns included here cannot be read statically', loc: inc.targetLoc ?? inc.loc, code: 'opaque-include' });
    } else {
      if (target.k === 'unknown' && target.origin) target = target.origin as DefV;
      children = this.listEntries(target, stack, false);
    }
    const namespace = inc.namespace ?? appName;
    let route = r.route;
    if (r.i18n) {
      const lang = asString(this.project.settingsValue('LANGUAGE_CODE')) ?? 'en-us';
      route = r.i18n.prefixDefaultLanguage ? `${lang}/` : '';
    }
    return {
      kind: 'resolver', route, regex: r.regex, namespace, appName, module, moduleFile, children,
      loc: r.loc, targetLoc: inc.targetLoc, conditional: cond, i18n: r.i18n, kwargs: r.kwargs, ...(opaque ? { opaque } : {}),
    };
  }
}
