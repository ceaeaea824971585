/**
 * A tolerant parser over the lexer's tokens: the structure of one Django template as the editor
 * needs it — `{% extends %}`, the block tree, includes, `{% load %}`s, every tag and filter used
 * (with where, so availability can be checked against the loads before it), `{{ block.super }}`,
 * `{% static %}` paths, folding ranges, and the problems Django's own parser would raise (extends
 * not first, duplicate block, unclosed/mismatched/stray end tags). Never throws: unclosed and
 * mismatched tags are recorded and parsing goes on. Pure over the text (no project knowledge), so
 * a parse can be cached by content.
 */
import { lexTemplate, splitTagContent, LineIndex, type TagBit } from './lexer';
import type { Loc } from '../python/values';

/** A quoted name in a tag (`{% extends "x" %}`, `{% include 'y' %}`), located by its content. */
export interface NameRef {
  name: string;
  loc: Loc;
  /** Offsets of the content (without quotes). */
  start: number;
  end: number;
}

export interface BlockDef {
  name: string;
  nameLoc: Loc;
  nameStart: number;
  /** The whole `{% block %}` tag. */
  tagLoc: Loc;
  /** From the start of `{% block %}` to the end of its `{% endblock %}` (or of the text). */
  start: number;
  end: number;
  /** The span, as lines, for symbols. */
  range: Loc;
  closed: boolean;
  parent?: BlockDef;
  children: BlockDef[];
}

export interface TagUse {
  name: string;
  loc: Loc;
  start: number;
}

export interface LoadRef {
  /** `{% load lib %}` → lib; `{% load a b from lib %}` → lib with names a, b. */
  lib: string;
  loc: Loc;
  /** Offset of the `{% load %}` tag (what comes after it can use the library). */
  start: number;
  libStart: number;
  names?: TagUse[];
}

export interface TemplateProblem {
  code: 'extends-not-first' | 'duplicate-extends' | 'duplicate-block' | 'unclosed-tag' | 'mismatched-tag' | 'stray-end-tag' | 'unterminated-tag' | 'empty-tag' | 'block-without-name' | 'misplaced-tag';
  message: string;
  loc: Loc;
  severity: 'error' | 'warning';
}

export interface FoldRange {
  startLine: number;
  endLine: number;
  kind: 'region' | 'comment';
}

export interface ParsedTemplate {
  extends?: { name?: string; ref?: NameRef; tagLoc: Loc };
  /** Every block in source order (of their opening tags). */
  blocks: BlockDef[];
  includes: NameRef[];
  loads: LoadRef[];
  /** Opening and standalone tags (not end tags, not intermediates such as else/empty). */
  tags: TagUse[];
  filters: TagUse[];
  supers: { loc: Loc; start: number; block?: BlockDef }[];
  statics: NameRef[];
  folds: FoldRange[];
  problems: TemplateProblem[];
  /** Tags that were seen with an end tag (so they are block tags, whatever library defines them). */
  blockTags: Set<string>;
}

/** Django's built-in tags that take an end tag, with the intermediate tags they accept. */
export const BUILTIN_BLOCK_TAGS: Record<string, string[]> = {
  block: [], if: ['elif', 'else'], for: ['empty'], with: [], comment: [], verbatim: [], spaceless: [],
  autoescape: [], filter: [], ifchanged: ['else'], blocktrans: ['plural'], blocktranslate: ['plural'],
  localize: [], localtime: [], timezone: [], cache: [], ifequal: ['else'], ifnotequal: ['else'],
};

const INTERMEDIATES = new Set(['elif', 'else', 'empty', 'plural']);

function isQuoted(t: string): boolean {
  return t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0];
}

/** The `|filter` names in a filter expression (quoted strings skipped). */
function filterNames(content: string, contentStart: number, out: { name: string; start: number }[], leading = false): void {
  let i = 0;
  let expectName = leading;
  while (i < content.length) {
    const c = content[i];
    if (c === '"' || c === "'") {
      const close = content.indexOf(c, i + 1);
      i = close < 0 ? content.length : close + 1;
      continue;
    }
    if (c === '|') {
      expectName = true;
      i++;
      continue;
    }
    if (expectName) {
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      const m = /^[A-Za-z_][\w]*/.exec(content.slice(i, i + 80));
      if (m) out.push({ name: m[0], start: contentStart + i });
      expectName = false;
      i += m ? m[0].length : 1;
      continue;
    }
    i++;
  }
}

interface Open {
  tag: string;
  tagLoc: Loc;
  start: number;
  block?: BlockDef;
  line: number;
}

export function parseTemplate(text: string, file: string): ParsedTemplate {
  const lines = new LineIndex(text);
  const loc = (start: number, end: number): Loc => {
    const s = lines.position(start);
    const e = lines.position(end);
    return { file, line: s.line, character: s.character, endLine: e.line, endCharacter: e.character };
  };
  const ref = (bit: TagBit): NameRef => ({ name: bit.text.slice(1, -1), loc: loc(bit.start + 1, bit.start + bit.text.length - 1), start: bit.start + 1, end: bit.start + bit.text.length - 1 });
  const out: ParsedTemplate = { blocks: [], includes: [], loads: [], tags: [], filters: [], supers: [], statics: [], folds: [], problems: [], blockTags: new Set() };
  const tokens = lexTemplate(text);

  // End tags present anywhere: a tag `x` with an `{% endx %}` somewhere is a block tag.
  const endTags = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'block') continue;
    const w = /^\S+/.exec(t.content)?.[0];
    if (w?.startsWith('end')) endTags.add(w);
  }
  const opensBlock = (tag: string) => tag in BUILTIN_BLOCK_TAGS || endTags.has(`end${tag}`);

  const stack: Open[] = [];
  /** The innermost open block (the top-most stack entry with a block). */
  const openBlock = (): BlockDef | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i].block) return stack[i].block;
    return undefined;
  };
  const blockNames = new Map<string, BlockDef>();
  let seenNode = false;
  const filters: { name: string; start: number }[] = [];

  const close = (o: Open, endOffset: number, closed: boolean) => {
    const startLine = o.line;
    const endLine = lines.position(endOffset).line;
    if (closed && endLine > startLine) out.folds.push({ startLine, endLine: Math.max(startLine, endLine - 1), kind: o.tag === 'comment' ? 'comment' : 'region' });
    if (o.block) {
      o.block.end = endOffset;
      o.block.closed = closed;
      o.block.range = loc(o.start, endOffset);
    }
  };

  const problem = (code: TemplateProblem['code'], message: string, at: Loc, severity: TemplateProblem['severity'] = 'error') =>
    out.problems.push({ code, message, loc: at, severity });

  for (const raw of tokens) {
    if (raw.kind === 'text' || raw.kind === 'comment') continue;
    // Jinja2's whitespace control (`{%- x -%}`, `{{- y }}`) is not part of the tag.
    const c = raw.content;
    const lead = c[0] === '-' || c[0] === '+' ? c.length - c.slice(1).trimStart().length : 0;
    const tail = c.length > lead && (c[c.length - 1] === '-' || c[c.length - 1] === '+');
    const tok = lead || tail
      ? { ...raw, content: c.slice(lead, tail ? c.length - 1 : c.length).trimEnd(), contentStart: raw.contentStart + lead }
      : raw;
    const tagLoc = loc(tok.start, tok.end);
    if (tok.kind === 'var') {
      if (!tok.closed) problem('unterminated-tag', 'variable tag is not closed with }}', tagLoc);
      seenNode = true;
      filterNames(tok.content, tok.contentStart, filters);
      if (/^block\.super\b/.test(tok.content)) {
        const block = openBlock();
        out.supers.push({ loc: loc(tok.contentStart, tok.contentStart + 'block.super'.length), start: tok.contentStart, block });
      }
      continue;
    }
    // {% ... %}
    if (!tok.closed) problem('unterminated-tag', 'tag is not closed with %}', tagLoc);
    const bits = splitTagContent(tok.content, tok.contentStart);
    const tag = bits[0]?.text;
    if (!tag) {
      problem('empty-tag', 'empty block tag', tagLoc);
      continue;
    }
    const nameLoc = loc(bits[0].start, bits[0].start + tag.length);

    // An end tag closes the innermost open tag it belongs to; tags left open inside it are unclosed.
    if (tag.startsWith('end') && !opensBlock(tag)) {
      const opener = tag.slice(3);
      let i = stack.length - 1;
      while (i >= 0 && stack[i].tag !== opener) i--;
      if (i < 0) {
        problem('stray-end-tag', `{% ${tag} %} has no opening {% ${opener} %}`, tagLoc);
        continue;
      }
      for (let j = stack.length - 1; j > i; j--) {
        const o = stack[j];
        problem('unclosed-tag', `{% ${o.tag} %} is not closed before {% ${tag} %} (expected {% end${o.tag} %})`, o.tagLoc);
        close(o, tok.start, false);
      }
      const o = stack[i];
      stack.length = i;
      if (o.block && bits[1] && bits[1].text !== o.block.name) {
        problem('mismatched-tag', `{% endblock ${bits[1].text} %} closes {% block ${o.block.name} %}`, tagLoc);
      }
      close(o, tok.end, true);
      out.blockTags.add(opener);
      continue;
    }
    if (INTERMEDIATES.has(tag)) {
      const top = stack[stack.length - 1];
      const allowed = top && (top.tag in BUILTIN_BLOCK_TAGS ? BUILTIN_BLOCK_TAGS[top.tag].includes(tag) : true);
      if (!allowed) problem('misplaced-tag', `{% ${tag} %} is not inside a tag that accepts it`, tagLoc);
      continue;
    }
    // A library block tag's own intermediates (anything inside it) are not checked as tags here:
    // the tag list keeps them, the checker knows which library tags have intermediates.
    out.tags.push({ name: tag, loc: nameLoc, start: bits[0].start });

    switch (tag) {
      case 'extends': {
        if (out.extends) problem('duplicate-extends', "'extends' cannot appear more than once in the same template", tagLoc);
        else {
          if (seenNode || stack.length) problem('extends-not-first', '{% extends %} must be the first tag in the template', tagLoc);
          const b = bits[1];
          out.extends = { tagLoc, ...(b && isQuoted(b.text) && bits.length === 2 ? { name: b.text.slice(1, -1), ref: ref(b) } : {}) };
        }
        if (bits[1] && !isQuoted(bits[1].text)) filterNames(bits[1].text, bits[1].start, filters, false);
        break;
      }
      case 'block': {
        const b = bits[1];
        if (!b) {
          problem('block-without-name', "'block' tag takes only one argument: the block name", tagLoc);
          break;
        }
        const parent = openBlock();
        const def: BlockDef = {
          name: b.text, nameLoc: loc(b.start, b.start + b.text.length), nameStart: b.start, tagLoc, start: tok.start, end: text.length,
          range: loc(tok.start, text.length), closed: false, parent, children: [],
        };
        const dup = blockNames.get(b.text);
        if (dup) problem('duplicate-block', `'block' tag with name '${b.text}' appears more than once (line ${dup.nameLoc.line + 1})`, def.nameLoc);
        else blockNames.set(b.text, def);
        parent?.children.push(def);
        out.blocks.push(def);
        stack.push({ tag, tagLoc, start: tok.start, block: def, line: tagLoc.line });
        seenNode = true;
        continue;
      }
      case 'include': {
        const b = bits[1];
        if (b && isQuoted(b.text)) out.includes.push(ref(b));
        for (const x of bits.slice(1)) if (!isQuoted(x.text)) filterNames(x.text, x.start, filters);
        break;
      }
      case 'load': {
        const fromAt = bits.length >= 4 ? bits.length - 2 : -1;
        if (fromAt > 0 && bits[fromAt].text === 'from') {
          const lib = bits[bits.length - 1];
          out.loads.push({
            lib: lib.text, loc: loc(lib.start, lib.start + lib.text.length), start: tok.start, libStart: lib.start,
            names: bits.slice(1, fromAt).map((n) => ({ name: n.text, loc: loc(n.start, n.start + n.text.length), start: n.start })),
          });
        } else {
          for (const lib of bits.slice(1)) out.loads.push({ lib: lib.text, loc: loc(lib.start, lib.start + lib.text.length), start: tok.start, libStart: lib.start });
        }
        break;
      }
      case 'static': {
        const b = bits[1];
        if (b && isQuoted(b.text)) out.statics.push(ref(b));
        break;
      }
      case 'filter': {
        // `{% filter lower|upper %}`: a filter chain without a leading value.
        if (bits[1]) filterNames(bits[1].text, bits[1].start, filters, true);
        break;
      }
      case 'comment':
      case 'verbatim':
        break;
      default:
        for (const x of bits.slice(1)) filterNames(x.text, x.start, filters);
    }
    seenNode = true;
    if (opensBlock(tag)) stack.push({ tag, tagLoc, start: tok.start, line: tagLoc.line });
  }
  for (let j = stack.length - 1; j >= 0; j--) {
    const o = stack[j];
    problem('unclosed-tag', `{% ${o.tag} %} is never closed (expected {% end${o.tag} %})`, o.tagLoc);
    close(o, text.length, false);
  }
  out.filters = filters.map((f) => ({ name: f.name, start: f.start, loc: loc(f.start, f.start + f.name.length) }));
  return out;
}

/** The innermost block containing an offset. */
export function blockAt(parsed: ParsedTemplate, offset: number): BlockDef | undefined {
  let best: BlockDef | undefined;
  for (const b of parsed.blocks) if (offset >= b.start && offset <= b.end && (!best || b.start >= best.start)) best = b;
  return best;
}
