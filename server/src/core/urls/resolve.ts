/**
 * `resolve(path)` as Django's resolver does it, over the URL tree: level by level from the root
 * URLconf, in order, the first pattern that matches wins. `path()` routes become their regex as
 * `_route_to_regex` makes it (converters, `\Z` at an endpoint) and are searched from the start;
 * `re_path()`/`url()` regexes are searched as Python does (fullmatch at an endpoint ending in `$`);
 * captured values go through their converter's `to_python` (`int` → a number); extra kwargs of
 * `path(route, view, kwargs)` and of includes are merged as Django merges them; `i18n_patterns`
 * match the language the path names (LocaleMiddleware) or LANGUAGE_CODE. When nothing matches,
 * CommonMiddleware's APPEND_SLASH redirect is computed the same way, and the level where
 * matching stopped is kept (the 404 explanation).
 */
import type { DjangoProject } from '../project';
import type { UrlLeaf, UrlResolverEntry, UrlPatternEntry, UrlEntry } from './tree';
import { asString, asJson, type Value } from '../python/values';

export interface ResolveMatch {
  leaf: UrlLeaf;
  /** The leaf's route with the active language's prefix. */
  route: string;
  kwargs: Record<string, unknown>;
  /** Each include matched on the way, with the part of the path it consumed and what it captured. */
  levels: { entry: UrlResolverEntry; consumed: string; captured: Record<string, unknown> }[];
  /** What the leaf pattern itself captured (after converters), without extra kwargs. */
  captured: Record<string, unknown>;
}

/** Where matching stopped: the deepest include that matched, what was left of the path, the patterns tried there. */
export interface ResolveStop {
  /** The includes matched, outermost first (empty: the root URLconf). */
  chain: UrlResolverEntry[];
  /** The route matched so far. */
  prefix: string;
  rest: string;
  tried: UrlEntry[];
  /** Matching reached an include whose patterns cannot be read: Django may well answer there. */
  opaque?: boolean;
}

export interface ResolveResult {
  /** The path as Django sees it (scheme, host, query and fragment dropped). */
  path: string;
  match: ResolveMatch | null;
  /** Where APPEND_SLASH sends the request, when nothing matches and the path with `/` does. */
  redirect: string | null;
  /** When nothing matched: the deepest level reached. */
  stop?: ResolveStop;
}

type ToPython = 'int' | 'str' | 'format';

interface Converter {
  regex: string;
  toPython: ToPython;
}

const BUILTIN_CONVERTERS: Record<string, Converter> = {
  int: { regex: '[0-9]+', toPython: 'int' },
  str: { regex: '[^/]+', toPython: 'str' },
  slug: { regex: '[-a-zA-Z0-9_]+', toPython: 'str' },
  uuid: { regex: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', toPython: 'str' },
  path: { regex: '.+', toPython: 'str' },
};

/** `<type:name>` in a `path()` route (Django's `_PATH_PARAMETER_COMPONENT_RE`). */
const PARAMETER = /<(?:(?<type>[^>:]+):)?(?<name>[^>]+)>/;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Python regex as a JS one (named groups, `\Z`, `\A`, a leading `(?i)`); undefined when it cannot be translated. */
export function pyRegex(src: string): RegExp | undefined {
  let flags = '';
  let body = src;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('s')) flags += 's';
    if (inline[1].includes('m')) flags += 'm';
  }
  const js = body.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\Z/g, '$(?![\\s\\S])').replace(/\\A/g, '^');
  const ascii = inline?.[1].includes('a') ?? false;
  for (const [source, f] of [[ascii ? js : unicodeClasses(js), `${flags}u`], [js, flags]]) {
    try {
      return new RegExp(source, f);
    } catch {
      // Python accepts what the `u` flag rejects (a lone `{`, `\-` outside a class): try without.
    }
  }
  return undefined;
}

/** Python 3's `\d` and `\w` match any Unicode digit / word character; JavaScript's only ASCII ones. */
function unicodeClasses(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      const e = src[i + 1];
      i++;
      if (e === 'd') out += '\\p{Nd}';
      else if (e === 'D') out += '\\P{Nd}';
      else if (e === 'w') out += inClass ? '\\p{L}\\p{N}_' : '[\\p{L}\\p{N}_]';
      else if (e === 'W' && !inClass) out += '[^\\p{L}\\p{N}_]';
      else out += c + e;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

interface Compiled {
  regex?: RegExp;
  /** Converter per group name of a `path()` route. */
  converters: Map<string, ToPython>;
  fullmatch: boolean;
}

type Kwargs = Record<string, unknown>;

/** Compiled patterns by entry, with the converter set they were compiled against. */
const compiledCache = new WeakMap<UrlEntry, { sig: string; endpoint: boolean; c: Compiled }>();

export class Resolver {
  private readonly converters = new Map<string, Converter>();
  private readonly convSig: string;
  private readonly languages: string[];
  private readonly localeMiddleware: boolean;
  private readonly languageCode: string;
  private readonly appendSlash: boolean;
  private readonly leafOf = new Map<UrlPatternEntry, UrlLeaf[]>();

  constructor(private readonly project: DjangoProject) {
    const tree = project.urlTree();
    for (const l of tree.leaves) {
      const list = this.leafOf.get(l.pattern);
      if (list) list.push(l);
      else this.leafOf.set(l.pattern, [l]);
    }
    const it = project.interp();
    for (const [name, { converter }] of project.converters()) {
      const c = it.force(converter);
      if (c.k !== 'def') continue;
      const regex = asString(project.classAttrValue(c, 'regex'));
      if (regex === undefined) continue;
      const ret = project.mro(c).map((d) => d.def?.cls?.methods.get('to_python')).find((m) => m)?.returnText;
      this.converters.set(name, { regex, toPython: ret && /^int\(\s*\w+\s*\)$/.test(ret) ? 'int' : 'str' });
    }
    this.convSig = [...this.converters].map(([k, v]) => `${k}=${v.regex}:${v.toPython}`).join('\0');
    this.languageCode = asString(project.settingsValue('LANGUAGE_CODE')) ?? 'en-us';
    const langs = project.settingsValue('LANGUAGES');
    this.languages = langs.k === 'list' ? langs.items.flatMap((i: Value) => {
      const t = it.force(i);
      const code = t.k === 'list' && t.items.length ? asString(it.force(t.items[0])) : undefined;
      return code ? [code] : [];
    }) : [];
    if (!this.languages.length) this.languages = [this.languageCode];
    const mw = project.settingsValue('MIDDLEWARE');
    this.localeMiddleware = mw.k === 'list' && mw.items.some((i) => asString(it.force(i)) === 'django.middleware.locale.LocaleMiddleware');
    const append = project.settingsValue('APPEND_SLASH');
    this.appendSlash = !(append.k === 'bool' && !append.v);
  }

  /** A custom converter's regex (for example paths). */
  converterRegex(type: string): string | undefined {
    return this.converters.get(type)?.regex;
  }

  /** Whether a route (as written in path()/re_path()) matches the start of a path relative to its URLconf. */
  matchesPrefix(route: string, regex: boolean, rest: string): boolean {
    const e = { kind: 'pattern', route, regex, name: null, view: null, loc: undefined, conditional: false } as unknown as UrlPatternEntry;
    return !!this.matchLevel(e, rest, false, this.languageCode);
  }

  private converter(type: string): Converter {
    const known = BUILTIN_CONVERTERS[type] ?? this.converters.get(type);
    if (known) return known;
    if (type.startsWith('drf_format_suffix')) {
      // rest_framework.urlpatterns: `drf_format_suffix` or `drf_format_suffix_json_html` (allowed suffixes).
      const allowed = type.slice('drf_format_suffix'.length).split('_').filter(Boolean);
      const body = allowed.length === 0 ? '[a-z0-9]+' : allowed.length === 1 ? allowed[0] : `(?:${allowed.join('|')})`;
      return { regex: `\\.${body}/?`, toPython: 'format' };
    }
    return { regex: '[^/]+', toPython: 'str' };
  }

  private compile(e: UrlEntry, endpoint: boolean): Compiled {
    const hit = compiledCache.get(e);
    if (hit && hit.sig === this.convSig && hit.endpoint === endpoint) return hit.c;
    const converters = new Map<string, ToPython>();
    let c: Compiled;
    if (e.regex) {
      c = { regex: pyRegex(e.route), converters, fullmatch: endpoint && e.route.endsWith('$') };
    } else {
      let src = '^';
      let rest = e.route;
      for (let m = PARAMETER.exec(rest); m; m = PARAMETER.exec(rest)) {
        src += escapeRegex(rest.slice(0, m.index));
        const conv = this.converter(m.groups!.type ?? 'str');
        converters.set(m.groups!.name, conv.toPython);
        src += `(?<${m.groups!.name}>${conv.regex})`;
        rest = rest.slice(m.index + m[0].length);
      }
      src += escapeRegex(rest) + (endpoint ? '$(?![\\s\\S])' : '');
      c = { regex: pyRegex(src), converters, fullmatch: false };
    }
    compiledCache.set(e, { sig: this.convSig, endpoint, c });
    return c;
  }

  /** The language prefix an i18n_patterns include matches for the active language. */
  private languagePrefix(e: UrlResolverEntry, lang: string): string {
    return !e.i18n!.prefixDefaultLanguage && lang === this.languageCode ? '' : `${lang}/`;
  }

  /** Matches one level: the rest of the path and the captured kwargs, or undefined. */
  private matchLevel(e: UrlEntry, path: string, endpoint: boolean, lang: string): { rest: string; kwargs: Kwargs } | undefined {
    if (e.kind === 'resolver' && e.i18n) {
      const prefix = this.languagePrefix(e, lang);
      return path.startsWith(prefix) ? { rest: path.slice(prefix.length), kwargs: {} } : undefined;
    }
    const c = this.compile(e, endpoint);
    if (!c.regex) return undefined;
    const m = c.regex.exec(path);
    if (!m || (c.fullmatch && (m.index !== 0 || m[0].length !== path.length))) return undefined;
    const kwargs: Kwargs = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      if (v === undefined) continue;
      const conv = c.converters.get(k);
      kwargs[k] = conv === 'int' ? Number(v) : conv === 'format' ? v.replace(/^[./]+|[./]+$/g, '') : v;
    }
    return { rest: path.slice(m.index + m[0].length), kwargs };
  }

  /** An entry's extra kwargs; a value we cannot know keeps its key (as `…`) rather than losing it. */
  private extra(e: UrlEntry): Kwargs {
    if (!e.kwargs) return {};
    const force = (v: Value) => this.project.interp().force(v);
    const d = force(e.kwargs);
    if (d.k !== 'dict') return {};
    const out: Kwargs = {};
    for (const [k, v] of d.entries) {
      const key = asString(force(k));
      if (key === undefined) continue;
      const j = asJson(v, force);
      out[key] = j === undefined ? '…' : j;
    }
    return out;
  }

  /** The language LocaleMiddleware activates for a path (its prefix when supported), else LANGUAGE_CODE. */
  private languageOf(path: string): string {
    if (!this.localeMiddleware) return this.languageCode;
    const m = /^\/(\w+(?:[@-]\w+){0,2})(?:\/|$)/.exec(path);
    const code = m?.[1];
    if (!code) return this.languageCode;
    if (this.languages.includes(code)) return code;
    const generic = code.split('-')[0];
    return this.languages.includes(generic) ? generic : this.languageCode;
  }

  private leafFor(p: UrlPatternEntry, chain: UrlResolverEntry[]): UrlLeaf | undefined {
    const list = this.leafOf.get(p);
    return list?.find((l) => l.chain.length === chain.length && l.chain.every((c, i) => c === chain[i])) ?? list?.[0];
  }

  private walk(
    entries: UrlEntry[], rest: string, chain: UrlResolverEntry[], prefix: string, lang: string,
    levels: ResolveMatch['levels'], stop: { s?: ResolveStop; halt?: boolean },
  ): ResolveMatch | null {
    for (const e of entries) {
      if (e.kind === 'pattern') {
        const m = this.matchLevel(e, rest, true, lang);
        if (!m) continue;
        const leaf = this.leafFor(e, chain);
        if (!leaf) continue;
        return { leaf, route: prefix + e.route, kwargs: { ...m.kwargs, ...this.extra(e) }, levels, captured: m.kwargs };
      }
      const m = this.matchLevel(e, rest, false, lang);
      if (!m) continue;
      const route = e.i18n ? this.languagePrefix(e, lang) : e.route;
      if (e.opaque) {
        // Django would try patterns we cannot see: a later match here would be a guess.
        stop.s = { chain: [...chain, e], prefix: prefix + route, rest: m.rest, tried: [], opaque: true };
        stop.halt = true;
        return null;
      }
      const level = { entry: e, consumed: rest.slice(0, rest.length - m.rest.length), captured: m.kwargs };
      const sub = this.walk(e.children, m.rest, [...chain, e], prefix + route, lang, [...levels, level], stop);
      if (sub) {
        // Django: {**captured, **default_kwargs} then the sub-match's kwargs over them.
        sub.kwargs = { ...m.kwargs, ...this.extra(e), ...sub.kwargs };
        return sub;
      }
      if (stop.halt) return null;
      // The deepest include that consumed part of the path explains the 404 best; one that
      // consumed nothing (an include at '') does not hide the other patterns of its level.
      const consumed = prefix.length + route.length;
      if (consumed > 0 && (!stop.s || consumed > stop.s.prefix.length || (consumed === stop.s.prefix.length && chain.length + 1 > stop.s.chain.length))) {
        stop.s = { chain: [...chain, e], prefix: prefix + route, rest: m.rest, tried: e.children };
      }
    }
    return null;
  }

  private tryResolve(path: string, stop: { s?: ResolveStop; halt?: boolean }): ResolveMatch | null {
    if (!path.startsWith('/')) return null;
    const tree = this.project.urlTree();
    return this.walk(tree.entries, path.slice(1), [], '', this.languageOf(path), [], stop);
  }

  resolve(input: string): ResolveResult {
    const path = normalizePath(input);
    const stop: { s?: ResolveStop; halt?: boolean } = {};
    const match = this.tryResolve(path, stop);
    let redirect: string | null = null;
    if (!match && this.appendSlash && !path.endsWith('/') && this.tryResolve(`${path}/`, {})) redirect = `${path}/`;
    const out: ResolveResult = { path, match, redirect };
    if (!match) out.stop = stop.s ?? { chain: [], prefix: '', rest: path.slice(1), tried: this.project.urlTree().entries };
    return out;
  }
}

/** A path or full URL as Django's handler sees its path: scheme, host, query and fragment dropped. */
export function normalizePath(input: string): string {
  let path = input.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (!path.startsWith('/')) path = `/${path}`;
  return path;
}
