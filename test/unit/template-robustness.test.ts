/**
 * Mutated templates never break the template core: every template of the fixtures (and Django's
 * admin templates when installed), cut, spliced and salted with template delimiters, NUL bytes,
 * lone surrogates, very long lines and CRLFs, goes through the lexer and the parser (which must
 * not throw, must finish quickly, and must return offsets and locations inside the text), and a
 * sample of the mutants, laid over a template of the `templates_site` fixture as an unsaved buffer,
 * through the catalog, `templateFileDiagnostics` and `scopeAt`. Deterministic (seeded PRNG):
 * ATLAS_SEED replays another run, a failure message names the source file and the mutant number.
 */
import { rng } from '../../bench/generate';
import { HOSTILE } from '../../bench/hostile';
import { test, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { OverlayHost, DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { lexTemplate } from '../../server/src/core/templates/lexer';
import { parseTemplate, blockAt, type ParsedTemplate } from '../../server/src/core/templates/parse';
import { templateFileDiagnostics } from '../../server/src/core/templates/checks';
import { scopeAt } from '../../server/src/core/templates/tags';
import { suggestName } from '../../server/src/core/checks';
import type { Loc } from '../../server/src/core/python/values';
import { FIXTURES } from '../helpers';

const ADMIN_TEMPLATES = '/usr/lib/python3/dist-packages/django/contrib/admin/templates';
const TEMPLATE_EXT = /\.(html|txt|jinja|xml)$/;
const SEED = Number(process.env.ATLAS_SEED ?? 20240611);
/** At least this many parsed mutants in all (ATLAS_MUTANTS for a longer hunt). */
const MIN_MUTANTS = Number(process.env.ATLAS_MUTANTS ?? 3000);


/** Template files below folders named `templates` or `jinja2`. */
function templateFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, inTemplates: boolean) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, inTemplates || e.name === 'templates' || e.name === 'jinja2');
      else if (e.isFile() && inTemplates && TEMPLATE_EXT.test(e.name)) out.push(full);
    }
  };
  walk(root, path.basename(root) === 'templates');
  return out;
}

const FRAGMENTS = [
  '{%', '%}', '{{', '}}', '{#', '#}', '{', '}', '%', '#',
  '{% endblock %}', '{% block x %}', '{% block %}', '{% block content %}', '{% endblock content %}', '{% endblock other %}',
  '{% comment %}', '{% endcomment %}', '{% verbatim %}', '{% endverbatim %}', '{% verbatim x %}', '{% endverbatim x %}',
  '{% if a %}', '{% elif b %}', '{% else %}', '{% endif %}', '{% for x in y %}', '{% empty %}', '{% endfor %}', '{% endwith %}',
  '{% extends "base.html" %}', '{% extends base %}', '{% extends "" %}', "{% extends './x.html' %}", '{% extends "../../x.html" %}',
  '{% include "blog/_card.html" %}', '{% include "missing.html" %}', '{% include "../x.html" with a=b only %}', '{% include %}',
  '{% load blog_tags %}', '{% load nosuchlib %}', '{% load a b from blog_tags %}', '{% load from %}', '{% load %}',
  '{{ block.super }}', '{{ x|upper|default:"a|b" }}', '{{ x|', '|', '||', '|:', '{% filter lower|upper %}', '{% endfilter %}',
  '{% static "x.css" %}', '{% url "a:b" x %}', '{% csrf_token %}', '{%- if x -%}', '{{- y -}}', '{%-%}', '{%+ +%}',
  '"', "'", '"""', '\\', '\\"', '<!--', '-->', '<script>', '</script>',
  '\0', '\0\0\0', '\uD800', '\uDFFF', '\uDBFF\uDFFF', '\uFEFF', '\u2028', '\u0301', '😀', '\r', '\r\n', '\n', '\t',
];

/** A long line (5–20 K characters) of one kind. */
function longLine(r: () => number): string {
  const n = 5000 + Math.floor(r() * 15000);
  switch (Math.floor(r() * 6)) {
    case 0: return 'x'.repeat(n);
    case 1: return '{{ a }}'.repeat(Math.floor(n / 7));
    case 2: return '{% if a %}b{% endif %}'.repeat(Math.floor(n / 22));
    case 3: return '{%'.repeat(Math.floor(n / 2));
    case 4: return '|'.repeat(n);
    // Whitespace: kept short, see the quadratic cases below.
    default: return ' '.repeat(Math.floor(r() * 1500));
  }
}

/** One mutant: 1–4 operations on the text. */
function mutate(text: string, r: () => number): string {
  const ops = 1 + Math.floor(r() * 4);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(r() * (text.length + 1));
    switch (Math.floor(r() * 11)) {
      case 0: // typed so far
        text = text.slice(0, at);
        break;
      case 1: // a range deleted
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 40));
        break;
      case 2:
      case 3:
      case 4: // a fragment inserted
        text = text.slice(0, at) + FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + text.slice(at);
        break;
      case 5: // several fragments at once
        for (let j = 0; j < 8; j++) {
          const p = Math.floor(r() * (text.length + 1));
          text = text.slice(0, p) + FRAGMENTS[Math.floor(r() * FRAGMENTS.length)] + text.slice(p);
        }
        break;
      case 6: // a span pasted elsewhere
        {
          const from = Math.floor(r() * text.length);
          const span = text.slice(from, from + Math.floor(r() * 200));
          text = text.slice(0, at) + span + text.slice(at);
        }
        break;
      case 7: // a very long line
        text = text.slice(0, at) + longLine(r) + text.slice(at);
        break;
      case 8: // line endings: CRLF everywhere, or lone CRs, or no newlines at all
        {
          const m = Math.floor(r() * 3);
          text = m === 0 ? text.replace(/\r?\n/g, '\r\n') : m === 1 ? text.replace(/\n/g, '\r') : text.replace(/\r?\n/g, ' ');
        }
        break;
      case 9: // one character replaced (may split a surrogate pair)
        if (text.length) text = text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x10000)) + text.slice(at + 1);
        break;
      default: // a delimiter removed
        {
          const d = ['%}', '}}', '#}', '{%', '{{', '"'][Math.floor(r() * 6)];
          const i = text.indexOf(d, at);
          if (i >= 0) text = text.slice(0, i) + text.slice(i + d.length);
        }
    }
  }
  return text;
}

/** What the parse of `text` promises: offsets inside it, locations inside its lines, spans in order. */
function checkParse(text: string, p: ParsedTemplate, where: string): void {
  const lines = text.split('\n');
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  const checkLoc = (l: Loc, what: string) => {
    const ok = Number.isInteger(l.line) && Number.isInteger(l.character) && l.line >= 0 && l.character >= 0 && l.line < lines.length &&
      (l.endLine === undefined || (l.endLine >= l.line && l.endLine < lines.length && (l.endLine > l.line || (l.endCharacter ?? 0) >= l.character)));
    if (!ok) fail(`${what} location out of the text (${lines.length} lines): ${JSON.stringify(l)}`);
    if (l.character > lines[l.line].length) fail(`${what} character past its line's end: ${JSON.stringify(l)}`);
  };
  const at = (s: number, name: string, what: string) => {
    if (!(s >= 0 && s <= text.length) || !text.startsWith(name, s)) fail(`${what} '${name}' is not at offset ${s}`);
  };
  for (const b of p.blocks) {
    if (!(b.start >= 0 && b.start <= b.end && b.end <= text.length)) fail(`block '${b.name}' spans ${b.start}..${b.end} of ${text.length}`);
    if (!(b.nameStart >= b.start && b.nameStart <= b.end)) fail(`block '${b.name}' name at ${b.nameStart} outside ${b.start}..${b.end}`);
    at(b.nameStart, b.name, 'block name');
    if (b.parent && !(b.parent.start <= b.start && b.end <= b.parent.end)) fail(`block '${b.name}' (${b.start}..${b.end}) not inside its parent '${b.parent.name}' (${b.parent.start}..${b.parent.end})`);
    for (const c of b.children) if (c.parent !== b) fail(`block '${c.name}' is a child of '${b.name}' whose parent is another`);
    checkLoc(b.nameLoc, 'block name');
    checkLoc(b.tagLoc, 'block tag');
    checkLoc(b.range, 'block range');
  }
  for (const pr of p.problems) {
    checkLoc(pr.loc, `problem ${pr.code}`);
    if (!pr.message || (pr.severity !== 'error' && pr.severity !== 'warning')) fail(`bad problem ${JSON.stringify(pr)}`);
  }
  for (const f of p.folds) {
    if (!(f.startLine >= 0 && f.startLine <= f.endLine && f.endLine < lines.length)) fail(`fold ${f.startLine}..${f.endLine} of ${lines.length} lines`);
  }
  for (const t of p.tags) {
    at(t.start, t.name, 'tag');
    checkLoc(t.loc, 'tag');
  }
  for (const f of p.filters) {
    at(f.start, f.name, 'filter');
    checkLoc(f.loc, 'filter');
  }
  for (const r of [...p.includes, ...p.statics, ...(p.extends?.ref ? [p.extends.ref] : [])]) {
    if (!(r.start <= r.end) || text.slice(r.start, r.end) !== r.name) fail(`name '${r.name}' is not at ${r.start}..${r.end}`);
    checkLoc(r.loc, 'name');
  }
  if (p.extends) checkLoc(p.extends.tagLoc, 'extends tag');
  for (const l of p.loads) {
    at(l.libStart, l.lib, 'load');
    checkLoc(l.loc, 'load');
    for (const n of l.names ?? []) at(n.start, n.name, 'loaded name');
  }
  for (const s of p.supers) {
    at(s.start, 'block.super', 'block.super');
    checkLoc(s.loc, 'block.super');
    if (s.block && !(s.block.start <= s.start && s.start <= s.block.end)) fail(`block.super at ${s.start} outside its block '${s.block.name}'`);
  }
}

/** The lexer's tokens tile the text: in order, without gaps or overlaps. */
function checkTokens(text: string, where: string): void {
  const tokens = lexTemplate(text);
  let pos = 0;
  for (const t of tokens) {
    if (t.start !== pos || t.end < t.start || t.end > text.length) throw new Error(`${where}: token ${t.kind} ${t.start}..${t.end} after offset ${pos}`);
    if (t.contentStart < t.start || t.contentStart > t.end) throw new Error(`${where}: token content at ${t.contentStart} outside ${t.start}..${t.end}`);
    pos = t.end;
  }
  if (pos !== text.length) throw new Error(`${where}: tokens end at ${pos} of ${text.length}`);
}

const sources = [...templateFiles(FIXTURES), ...templateFiles(ADMIN_TEMPLATES)];

test('the sources are there', () => {
  expect(sources.filter((f) => f.startsWith(FIXTURES)).length).toBeGreaterThan(30);
});

test('mutated templates: the lexer and the parser never throw and return offsets inside the text', () => {
  const r = rng(SEED);
  const perFile = Math.ceil(MIN_MUTANTS / sources.length);
  let mutants = 0;
  let parseMs = 0;
  let slowest = { ms: 0, where: '' };
  const started = performance.now();
  for (const file of sources) {
    const original = fs.readFileSync(file, 'utf8');
    for (let k = 0; k < perFile; k++) {
      const text = mutate(original, r);
      const where = `${path.relative(FIXTURES, file)} mutant ${k} (seed ${SEED})`;
      const s = performance.now();
      let parsed: ParsedTemplate;
      try {
        parsed = parseTemplate(text, file);
      } catch (e) {
        throw new Error(`${where}: parseTemplate threw ${(e as Error).stack}`);
      }
      const ms = performance.now() - s;
      parseMs += ms;
      if (ms > slowest.ms) slowest = { ms, where };
      if (process.env.ATLAS_DUMP_SLOW && ms > 100) fs.writeFileSync(path.join(process.env.ATLAS_DUMP_SLOW, `slow-${Math.round(ms)}ms-${mutants}.txt`), text);
      checkParse(text, parsed, where);
      checkTokens(text, where);
      for (let j = 0; j < 5; j++) {
        const offset = Math.floor(r() * (text.length + 1));
        const b = blockAt(parsed, offset);
        if (b && !(b.start <= offset && offset <= b.end)) throw new Error(`${where}: blockAt(${offset}) gave '${b.name}' ${b.start}..${b.end}`);
      }
      mutants++;
    }
  }
  expect(mutants).toBeGreaterThanOrEqual(MIN_MUTANTS);
  // Timing is the benchmark's business; a blow-up shows as the test's timeout. With
  // ATLAS_MUTANTS set (a longer hunt), the slowest mutant is named to look at.
  if (process.env.ATLAS_MUTANTS) console.log(`${mutants} mutants of ${sources.length} sources: parse ${Math.round(parseMs)} ms, slowest ${Math.round(slowest.ms)} ms (${slowest.where}), total ${Math.round(performance.now() - started)} ms`);
}, 60_000);

test('mutants laid over a template of templates_site: catalog, diagnostics and tag scopes never throw', async () => {
  const root = path.join(FIXTURES, 'templates_site');
  const host = new OverlayHost(new DiskHost());
  const project = (await Workspace.open(host, root)).projects[0];
  expect(project).toBeDefined();
  const cat = project.templates();
  const targets = ['templates/base.html', 'templates/pages/about.html', 'blog/templates/blog/post_list.html', 'blog/templates/blog/_card.html', 'jinja2/base.html']
    .map((f) => path.join(root, f));
  for (const t of targets) expect(cat.isTemplate(t), t).toBe(true);
  const diagsOf = (f: string) => templateFileDiagnostics(project, f, cat.parsed(f)!, { suggest: suggestName }).map((d) => `${d.code} ${d.loc.line}:${d.loc.character} ${d.message}`);
  const before = targets.map(diagsOf);
  const r = rng(SEED + 1);
  let runs = 0;
  const count = Math.max(400, Math.round(MIN_MUTANTS / 10));
  for (let k = 0; k < count; k++) {
    const target = targets[k % targets.length];
    const source = sources[Math.floor(r() * sources.length)];
    // Half the time the target's own text mutated (its blocks and extends stay meaningful).
    const text = mutate(fs.readFileSync(r() < 0.5 ? target : source, 'utf8'), r);
    const where = `${path.relative(root, target)} mutant ${k} of ${path.relative(FIXTURES, source)} (seed ${SEED})`;
    host.setBuffer(target, text);
    project.invalidateFile(target);
    try {
      const parsed = cat.parsed(target);
      expect(parsed, where).toBeDefined();
      const lines = text.split('\n').length;
      for (const d of templateFileDiagnostics(project, target, parsed!, { suggest: suggestName })) {
        expect(d.loc.line >= 0 && d.loc.line < lines && d.message.length > 0, `${where}: ${JSON.stringify(d)}`).toBe(true);
      }
      for (const offset of [0, Math.floor(r() * (text.length + 1)), text.length, Infinity]) {
        const scope = scopeAt(cat, target, parsed!, offset);
        expect(scope.tags.size, where).toBeGreaterThan(0);
      }
      // The graph around the file, in both directions (a mutant may extend itself or a child).
      cat.ancestors(target);
      cat.descendants(target);
      cat.inheritedBlocks(target);
      cat.includers(target);
      for (const b of parsed!.blocks.slice(0, 5)) {
        cat.overridden(target, b.name);
        cat.overriders(target, b.name);
      }
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).stack}`);
    }
    runs++;
  }
  for (const t of targets) {
    host.deleteBuffer(t);
    project.invalidateFile(t);
  }
  expect(runs).toBe(count);
  // And the project is whole again afterwards.
  expect(targets.map(diagsOf)).toEqual(before);
}, 60_000);

/**
 * Inputs on which an earlier lexer/parser took time quadratic in their size (seconds at a tenth
 * of these sizes, so hours here): they must parse, and a blow-up shows as the test's timeout.
 * How long they take is measured by the benchmark (`npm run bench`, "hostile templates").
 */
test.each(HOSTILE)('hostile input parses: %s', (_name, make) => {
  const text = make();
  const parsed = parseTemplate(text, 'x.html');
  expect(lexTemplate(text).length).toBeGreaterThan(0);
  checkParse(text, parsed, _name);
}, 20_000);
