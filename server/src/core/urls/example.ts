/**
 * Example paths for URL patterns: every `<converter:name>` of a `path()` route and every group of
 * a `re_path()` regex filled with a value its converter or regex accepts, so that "Trace" on a
 * pattern and the Trace URL input can start from a path that resolves.
 */
import type { UrlLeaf, UrlEntry } from './tree';

/** Values for the built-in converters (custom ones are generated from their regex). */
const SAMPLES: Record<string, string> = {
  int: '1', str: 'example', slug: 'example-slug', uuid: '123e4567-e89b-42d3-a456-426614174000', path: 'some/path',
};

/** A string the (Python) regex matches, or undefined when the regex has something we do not generate. */
export function regexExample(src: string): string | undefined {
  const g = new RegexExample(src);
  try {
    const out = g.alternation();
    return g.pos === src.length ? out : undefined;
  } catch {
    return undefined;
  }
}

class RegexExample {
  pos = 0;
  constructor(private readonly s: string) {}

  alternation(): string {
    const first = this.sequence();
    while (this.s[this.pos] === '|') {
      this.pos++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let out = '';
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') {
      const atom = this.atom();
      out += this.repeat(atom);
    }
    return out;
  }

  private repeat(atom: string): string {
    const c = this.s[this.pos];
    let n = 1;
    if (c === '?') {
      n = 0;
      this.pos++;
    } else if (c === '*') {
      // One rather than none: `(?P<path>.*)` then names something, not the bare prefix another pattern may own.
      n = atom === ' ' ? 0 : 1;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{') {
      const m = /^\{(\d*)(?:,(\d*))?\}/.exec(this.s.slice(this.pos));
      if (m) {
        n = m[1] ? Number(m[1]) : 0;
        this.pos += m[0].length;
      }
    } else {
      return atom;
    }
    if (this.s[this.pos] === '?' || this.s[this.pos] === '+') this.pos++; // lazy / possessive
    return atom.repeat(Math.min(n, 64));
  }

  private atom(): string {
    const c = this.s[this.pos++];
    switch (c) {
      case '^': case '$': return '';
      case '.': return 'a';
      case '[': return this.klass();
      case '\\': return this.escape(false);
      case '(': {
        if (this.s[this.pos] === '?') {
          const rest = this.s.slice(this.pos);
          const named = /^\?P<(\w+)>/.exec(rest);
          if (named) {
            this.pos += named[0].length;
            const out = this.alternation();
            this.expect(')');
            // DRF's format suffix reads better as a real format.
            return named[1] === 'format' && out === 'a' ? 'json' : out;
          } else if (rest.startsWith('?:')) this.pos += 2;
          else if (/^\?[=!]|^\?<[=!]/.test(rest)) {
            // A lookaround: generate nothing for it.
            this.pos += rest[1] === '<' ? 3 : 2;
            this.alternation();
            this.expect(')');
            return '';
          } else if (/^\?[aiLmsux]+\)/.test(rest)) {
            this.pos += rest.indexOf(')') + 1;
            return '';
          } else throw new Error('unsupported group');
        }
        const out = this.alternation();
        this.expect(')');
        return out;
      }
      default:
        if (c === undefined) throw new Error('end');
        return c;
    }
  }

  private expect(ch: string): void {
    if (this.s[this.pos] !== ch) throw new Error(`expected ${ch}`);
    this.pos++;
  }

  private escape(inClass: boolean): string {
    const c = this.s[this.pos++];
    switch (c) {
      case 'd': return '1';
      case 'D': return 'a';
      case 'w': return 'a';
      case 'W': return '-';
      case 's': return ' ';
      case 'S': return 'a';
      case 'b': case 'B': case 'A': case 'Z': return inClass ? '\b' : '';
      case 'n': return '\n';
      case 't': return '\t';
      case undefined: throw new Error('end');
      default: return c;
    }
  }

  /** A character the class `[...]` accepts: preferably a letter or a digit. */
  private klass(): string {
    const negate = this.s[this.pos] === '^';
    if (negate) this.pos++;
    const ranges: [string, string][] = [];
    const cats: string[] = [];
    let first = true;
    while (this.pos < this.s.length && (this.s[this.pos] !== ']' || first)) {
      first = false;
      let lo = this.s[this.pos++];
      if (lo === '\\') {
        const e = this.s[this.pos];
        if ('dwsDWS'.includes(e)) {
          this.pos++;
          cats.push(e);
          continue;
        }
        lo = this.escape(true);
      }
      let hi = lo;
      if (this.s[this.pos] === '-' && this.s[this.pos + 1] !== ']' && this.pos + 1 < this.s.length) {
        this.pos++;
        hi = this.s[this.pos++];
        if (hi === '\\') hi = this.escape(true);
      }
      ranges.push([lo, hi]);
    }
    this.expect(']');
    const inClass = (ch: string) =>
      ranges.some(([a, b]) => ch >= a && ch <= b) ||
      cats.some((k) => (k === 'd' ? /\d/ : k === 'w' ? /\w/ : k === 's' ? /\s/ : k === 'D' ? /\D/ : k === 'W' ? /\W/ : /\S/).test(ch));
    for (const ch of ['a', 'x', '1', 'A', '-', '_', '.', '~']) {
      if (inClass(ch) !== negate) return ch;
    }
    if (!negate && ranges.length) return ranges[0][0];
    throw new Error('empty class');
  }
}

/** A value for one `<type:name>` parameter; custom converters give their regex. */
function parameterSample(type: string, customRegex: (type: string) => string | undefined): string {
  if (SAMPLES[type]) return SAMPLES[type];
  if (type.startsWith('drf_format_suffix')) {
    const allowed = type.slice('drf_format_suffix'.length).split('_').filter(Boolean);
    return `.${allowed[0] ?? 'json'}`;
  }
  const re = customRegex(type);
  return (re !== undefined ? regexExample(re) : undefined) ?? 'example';
}

/** The part of a path one entry (include or pattern) matches, filled in; undefined when we cannot make one. */
export function entryExample(e: Pick<UrlEntry, 'route' | 'regex'>, customRegex: (type: string) => string | undefined = () => undefined): string | undefined {
  if (e.regex) {
    // Python's `$` also matches before a final newline, never wanted here; `\Z` likewise.
    return regexExample(e.route);
  }
  return e.route.replace(/<(?:([^>:]+):)?([^>]+)>/g, (_m, type: string | undefined) => parameterSample(type ?? 'str', customRegex));
}

/** An example path for a leaf (`/blog/1/example-slug/`), or undefined. */
export function leafExample(leaf: UrlLeaf, customRegex?: (type: string) => string | undefined): string | undefined {
  let out = '/';
  for (const e of [...leaf.chain, leaf.pattern]) {
    if (e.kind === 'resolver' && e.i18n) {
      out += e.route;
      continue;
    }
    const part = entryExample(e, customRegex);
    if (part === undefined) return undefined;
    out += part;
  }
  return out;
}
