/**
 * `resolve(path)` as Django's resolver does it, over the URL tree: level by level from the root
 * URLconf, each `path()` route turned into its regex (`_route_to_regex`: converters, `\Z` at an
 * endpoint), each `re_path()`/`url()` regex searched as Python would, converters applied to the
 * captured values (a value a converter rejects is no match), `i18n_patterns` matching the
 * language the path names (LocaleMiddleware) or LANGUAGE_CODE; the first leaf that matches wins.
 * When nothing matches, CommonMiddleware's APPEND_SLASH redirect is computed the same way.
 */
import type { DjangoProject } from '../project';
import type { UrlLeaf, UrlResolverEntry, UrlPatternEntry } from './tree';
import { asString, type Value } from '../python/values';

export interface ResolveMatch {
  leaf: UrlLeaf;
  /** The leaf's route with the active language's prefix. */
  route: string;
  kwargs: Record<string, string | number>;
}

export interface ResolveResult {
  path: string;
  match: ResolveMatch | null;
  /** Where APPEND_SLASH sends the request, when nothing matches and the path with `/` does. */
  redirect: string | null;
}

const CONVERTERS: Record<string, { regex: string; int?: boolean }> = {
  int: { regex: '[0-9]+', int: true }, str: { regex: '[^/]+' }, slug: { regex: '[-a-zA-Z0-9_]+' },
  uuid: { regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' }, path: { regex: '.+' },
};

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Python regex as a JS one (named groups, `\Z`, `\A`); undefined when it cannot be translated. */
function pyRegex(src: string): RegExp | undefined {
  const js = src.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\Z/g, '$').replace(/\\A/g, '^');
  try {
    return new RegExp(js, 'u');
  } catch {
    try {
      return new RegExp(js);
    } catch {
      return undefined;
    }
  }
}

interface Compiled {
  regex?: RegExp;
  /** Converter per group name of a `path()` route. */
  converters: Map<string, { int?: boolean }>;
  /** A route pattern (`^`-anchored search) or a regex one (Python `search`/`fullmatch`). */
  route: boolean;
  fullmatch: boolean;
}

export class Resolver {
  private readonly cache = new Map<object, Compiled>();
  private readonly custom: Map<string, string>;
  private readonly languages: string[];
  private readonly localeMiddleware: boolean;
  private readonly languageCode: string;

  constructor(private readonly project: DjangoProject) {
    this.custom = new Map();
    for (const [name, { converter }] of project.converters()) {
      const c = project.interp().force(converter);
      const regex = c.k === 'def' ? asString(project.classAttrValue(c, 'regex')) : undefined;
      if (regex) this.custom.set(name, regex);
    }
    this.languageCode = asString(project.settingsValue('LANGUAGE_CODE')) ?? 'en-us';
    const langs = project.settingsValue('LANGUAGES');
    this.languages = langs.k === 'list' ? langs.items.flatMap((i: Value) => {
      const t = project.interp().force(i);
      const code = t.k === 'list' ? asString(project.interp().force(t.items[0])) : undefined;
      return code ? [code] : [];
    }) : [];
    const mw = project.settingsValue('MIDDLEWARE');
    this.localeMiddleware = mw.k === 'list' && mw.items.some((i) => asString(project.interp().force(i)) === 'django.middleware.locale.LocaleMiddleware');
  }

  private compile(e: UrlPatternEntry | UrlResolverEntry, endpoint: boolean): Compiled {
    const hit = this.cache.get(e);
    if (hit) return hit;
    const converters = new Map<string, { int?: boolean }>();
    let out: Compiled;
    if (e.regex) {
      const fullmatch = endpoint && e.route.endsWith('$');
      out = { regex: pyRegex(e.route), converters, route: false, fullmatch };
    } else {
      let src = '^';
      let rest = e.route;
      for (let m = /<(?:(\w+):)?(\w+)>/.exec(rest); m; m = /<(?:(\w+):)?(\w+)>/.exec(rest)) {
        src += escapeRegex(rest.slice(0, m.index));
        const type = m[1] ?? 'str';
        const known = CONVERTERS[type];
        const regex = known?.regex ?? this.custom.get(type) ?? '[^/]+';
        converters.set(m[2], { int: known?.int });
        src += `(?<${m[2]}>${regex})`;
        rest = rest.slice(m.index + m[0].length);
      }
      src += escapeRegex(rest) + (endpoint ? '$' : '');
      out = { regex: pyRegex(src), converters, route: true, fullmatch: false };
    }
    this.cache.set(e, out);
    return out;
  }

  /** Matches one level: the rest of the path and the captured kwargs, or undefined. */
  private matchLevel(e: UrlPatternEntry | UrlResolverEntry, path: string, endpoint: boolean, lang: string): { rest: string; kwargs: Record<string, string | number> } | undefined {
    if (e.kind === 'resolver' && e.i18n) {
      const prefix = !e.i18n.prefixDefaultLanguage && lang === this.languageCode ? '' : `${lang}/`;
      return path.startsWith(prefix) ? { rest: path.slice(prefix.length), kwargs: {} } : undefined;
    }
    const c = this.compile(e, endpoint);
    if (!c.regex) return undefined;
    const m = c.regex.exec(path);
    if (!m || (c.fullmatch && (m.index !== 0 || m[0].length !== path.length))) return undefined;
    const kwargs: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      if (v === undefined) continue;
      kwargs[k] = c.converters.get(k)?.int ? Number(v) : v;
    }
    return { rest: path.slice(m.index + m[0].length), kwargs };
  }

  /** The language LocaleMiddleware activates for a path (its prefix when supported), else LANGUAGE_CODE. */
  private languageOf(path: string): string {
    if (!this.localeMiddleware) return this.languageCode;
    const m = /^\/(\w+([@-]\w+){0,2})(\/|$)/.exec(path);
    const code = m?.[1];
    return code && this.languages.some((l) => l.toLowerCase() === code.toLowerCase()) ? code : this.languageCode;
  }

  private tryResolve(path: string): ResolveMatch | null {
    if (!path.startsWith('/')) return null;
    const lang = this.languageOf(path);
    const memo = new Map<UrlResolverEntry, { rest: string; kwargs: Record<string, string | number> } | null>();
    for (const leaf of this.project.urlTree().leaves) {
      let rest = path.slice(1);
      let kwargs: Record<string, string | number> = {};
      let route = '';
      let ok = true;
      for (const r of leaf.chain) {
        let m = memo.get(r);
        if (m === undefined) {
          // The same resolver is reached with the same remaining path from the same parents.
          m = this.matchLevel(r, rest, false, lang) ?? null;
          memo.set(r, m);
        }
        if (!m) {
          ok = false;
          break;
        }
        rest = m.rest;
        kwargs = { ...kwargs, ...m.kwargs };
        route += r.i18n ? (!r.i18n.prefixDefaultLanguage && lang === this.languageCode ? '' : `${lang}/`) : r.route;
      }
      if (!ok) continue;
      const m = this.matchLevel(leaf.pattern, rest, true, lang);
      if (!m) continue;
      return { leaf, route: route + leaf.pattern.route, kwargs: { ...kwargs, ...m.kwargs } };
    }
    return null;
  }

  resolve(input: string): ResolveResult {
    // A full URL: scheme, host, query and fragment are dropped.
    let path = input.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
    if (!path.startsWith('/')) path = `/${path}`;
    const match = this.tryResolve(path);
    let redirect: string | null = null;
    const append = this.project.settingsValue('APPEND_SLASH');
    if (!match && !path.endsWith('/') && !(append.k === 'bool' && !append.v) && this.tryResolve(`${path}/`)) redirect = `${path}/`;
    return { path: input, match, redirect };
  }
}
