/**
 * A tolerant lexer for Django templates: text, `{{ variable }}`, `{% tag %}` and `{# comment #}`
 * tokens with their offsets, `{% comment %}…{% endcomment %}` and `{% verbatim %}…{% endverbatim %}`
 * taken as text, unclosed tags ending at the line end. Never throws, whatever the input.
 */

export type TokenKind = 'text' | 'var' | 'block' | 'comment';

export interface TemplateToken {
  kind: TokenKind;
  /** Offsets of the whole token, delimiters included. */
  start: number;
  end: number;
  /** The inside of a tag/variable/comment, trimmed, with its offset. */
  content: string;
  contentStart: number;
  /** False when the closing delimiter is missing. */
  closed: boolean;
}

const CLOSERS: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };
const KINDS: Record<string, TokenKind> = { '{{': 'var', '{%': 'block', '{#': 'comment' };

export function lexTemplate(text: string): TemplateToken[] {
  const out: TemplateToken[] = [];
  let pos = 0;
  let textStart = 0;
  /** Inside {% verbatim %} / {% comment %}: the end tag we wait for. */
  let rawUntil: string | undefined;
  // Positions only move forward: the next newline and the next of each closer are searched again
  // only once passed, so a long line or many unclosed openers stay linear.
  let nextNl = -2;
  const nextClose: Record<string, number> = { '}}': -2, '%}': -2, '#}': -2 };
  const find = (what: string, from: number, cached: number) => (cached >= from || cached === -1 ? cached : text.indexOf(what, from));
  const pushText = (end: number) => {
    if (end > textStart) out.push({ kind: 'text', start: textStart, end, content: text.slice(textStart, end), contentStart: textStart, closed: true });
  };
  while (pos < text.length) {
    const open = text.indexOf('{', pos);
    if (open < 0 || open + 1 >= text.length) break;
    const opener = text.slice(open, open + 2);
    const closer = CLOSERS[opener];
    if (!closer || (rawUntil && opener !== '{%')) {
      pos = open + 1;
      continue;
    }
    if (rawUntil) {
      // Only the end tag matters here: look at its first word without slicing the rest.
      let i = open + 2;
      while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '-')) i++;
      if (!text.startsWith(rawUntil, i) || /\w/.test(text[i + rawUntil.length] ?? '')) {
        pos = open + 2;
        continue;
      }
    }
    nextNl = find('\n', open + 2, nextNl);
    const lineEnd = nextNl;
    let close = (nextClose[closer] = find(closer, open + 2, nextClose[closer]));
    let closed = true;
    // Django tags cannot span lines: an unclosed tag ends at the end of its line.
    if (close < 0 || (lineEnd >= 0 && lineEnd < close)) {
      closed = false;
      close = lineEnd < 0 ? text.length : lineEnd;
    }
    const rawInner = text.slice(open + 2, close);
    const content = rawInner.trim();
    const lead = content ? rawInner.indexOf(content[0]) : 0;
    const end = closed ? close + 2 : close;
    if (rawUntil) rawUntil = undefined;
    pushText(open);
    const tok: TemplateToken = { kind: KINDS[opener], start: open, end, content, contentStart: open + 2 + lead, closed };
    out.push(tok);
    if (opener === '{%') {
      const sp = content.search(/\s/);
      const tag = (sp < 0 ? content : content.slice(0, sp)).replace(/^-/, '');
      if (tag === 'verbatim' || tag === 'comment') rawUntil = `end${tag}`;
    }
    pos = end;
    textStart = end;
  }
  textStart = Math.min(textStart, text.length);
  pushText(text.length);
  return out;
}

export interface TagBit {
  text: string;
  start: number;
}

/** Splits a tag's content into bits like Django's `smart_split`: quoted strings stay whole. */
export function splitTagContent(content: string, contentStart: number): TagBit[] {
  const bits: TagBit[] = [];
  let i = 0;
  while (i < content.length) {
    while (i < content.length && /\s/.test(content[i])) i++;
    if (i >= content.length) break;
    const start = i;
    while (i < content.length && !/\s/.test(content[i])) {
      const q = content[i];
      if (q === '"' || q === "'") {
        const close = content.indexOf(q, i + 1);
        i = close < 0 ? content.length : close + 1;
      } else i++;
    }
    bits.push({ text: content.slice(start, i), start: contentStart + start });
  }
  return bits;
}

/** Line starts of a text, for offset → (line, character). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offset(line: number, character: number): number {
    return (this.starts[Math.min(line, this.starts.length - 1)] ?? 0) + character;
  }
}
