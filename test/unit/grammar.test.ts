/**
 * The editor contributions that are plain data: the django-html TextMate grammar (tokenized with
 * vscode-textmate + the oniguruma wasm shipped in node_modules, over a small stand-in for VS Code's
 * HTML grammar), the snippets, the language configuration, and package.json's references to them.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import type { IGrammar, IRawGrammar, IGrammarConfiguration, StateStack } from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../..');
const require = createRequire(import.meta.url);
const readJson = (rel: string): any => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));

const pkg = readJson('package.json');
const DJANGO_GRAMMAR = 'syntaxes/django-html.tmLanguage.json';

/**
 * Stand-in for VS Code's text.html.basic: comments, tags with attributes and quoted values, and a
 * <script> element embedding source.js (which is not provided, as in a bare registry).
 */
const HTML_STUB = {
  scopeName: 'text.html.basic',
  patterns: [
    {
      name: 'comment.block.html',
      begin: '<!--',
      end: '-->',
      captures: { '0': { name: 'punctuation.definition.comment.html' } },
    },
    {
      name: 'meta.tag.structure.any.html',
      begin: '(</?)([A-Za-z][A-Za-z0-9-]*)',
      beginCaptures: {
        '1': { name: 'punctuation.definition.tag.begin.html' },
        '2': { name: 'entity.name.tag.html' },
      },
      end: '(/?>)',
      endCaptures: { '1': { name: 'punctuation.definition.tag.end.html' } },
      patterns: [{ include: '#attribute' }],
    },
  ],
  repository: {
    attribute: {
      patterns: [
        { match: '[A-Za-z_:][A-Za-z0-9_:.-]*', name: 'entity.other.attribute-name.html' },
        { match: '=', name: 'punctuation.separator.key-value.html' },
        {
          name: 'string.quoted.double.html',
          begin: '"',
          end: '"',
          captures: { '0': { name: 'punctuation.definition.string.html' } },
        },
        {
          name: 'string.quoted.single.html',
          begin: "'",
          end: "'",
          captures: { '0': { name: 'punctuation.definition.string.html' } },
        },
      ],
    },
  },
};

/** VS Code's StandardTokenType, and how the grammar contribution's `tokenTypes` spell it. */
const TokenType = { Other: 0, Comment: 1, String: 2 } as const;
const TOKEN_TYPE_NAMES: Record<string, number> = { other: 0, comment: 1, string: 2 };

let grammar: IGrammar;

beforeAll(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string): Promise<IRawGrammar | null> => {
      if (scopeName === 'text.html.django') {
        const file = path.join(ROOT, DJANGO_GRAMMAR);
        return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      }
      if (scopeName === 'text.html.basic') return vsctm.parseRawGrammar(JSON.stringify(HTML_STUB), 'html.json');
      return null;
    },
  });
  // The same configuration VS Code derives from package.json's grammar contribution.
  const contribution = pkg.contributes.grammars.find((g: any) => g.scopeName === 'text.html.django');
  const tokenTypes = Object.fromEntries(
    Object.entries<string>(contribution.tokenTypes ?? {}).map(([sel, t]) => [sel, TOKEN_TYPE_NAMES[t]]),
  ) as IGrammarConfiguration['tokenTypes'];
  const g = await registry.loadGrammarWithConfiguration('text.html.django', 1, { tokenTypes });
  if (!g) throw new Error('text.html.django did not load');
  grammar = g;
});

interface Tok {
  text: string;
  scopes: string[];
  line: number;
}

/** Tokenizes `source` (several lines allowed) into tokens with their full scope stacks. */
function tokenize(source: string): Tok[] {
  let state: StateStack = vsctm.INITIAL;
  const out: Tok[] = [];
  source.split('\n').forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    for (const t of r.tokens) out.push({ text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes, line });
    state = r.ruleStack;
  });
  return out;
}

/** The scope stack of the first token whose text is exactly `text` (after the `nth` - 1 earlier ones). */
function scopesOf(toks: Tok[], text: string, nth = 1): string[] {
  const hits = toks.filter((t) => t.text === text);
  const hit = hits[nth - 1];
  if (!hit) {
    const dump = toks.map((t) => `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
    throw new Error(`no token #${nth} ${JSON.stringify(text)} in:\n${dump}`);
  }
  return hit.scopes;
}

const isDjango = (scopes: string[]) => scopes.some((s) => s.endsWith('.django') && s !== 'text.html.django');

/** Standard token type (other/comment/string) of the character at `offset` of a one-line source. */
function tokenTypeAt(source: string, offset: number): number {
  const r = grammar.tokenizeLine2(source, vsctm.INITIAL);
  let meta = r.tokens[1];
  for (let i = 0; i < r.tokens.length; i += 2) if (r.tokens[i] <= offset) meta = r.tokens[i + 1];
  return (meta & 0x300) >>> 8;
}

describe('django-html grammar', () => {
  test('{% block content %}: tag punctuation, keyword and block name', () => {
    const toks = tokenize('{% block content %}<p>x</p>{% endblock content %}');
    expect(scopesOf(toks, '{%')).toEqual([
      'text.html.django',
      'meta.tag.template.block.django',
      'punctuation.definition.tag.begin.django',
    ]);
    expect(scopesOf(toks, 'block')).toContain('keyword.control.tag.django');
    expect(scopesOf(toks, 'content')).toEqual([
      'text.html.django',
      'meta.tag.template.block.django',
      'entity.name.section.block.django',
    ]);
    expect(scopesOf(toks, '%}')).toContain('punctuation.definition.tag.end.django');
    expect(scopesOf(toks, 'p')).toContain('entity.name.tag.html');
    expect(scopesOf(toks, 'endblock')).toContain('keyword.control.tag.django');
    expect(scopesOf(toks, 'content', 2)).toContain('entity.name.section.block.django');
  });

  test('{{ user.name|lower }}: variable, property and filter', () => {
    const toks = tokenize('<p>{{ user.name|lower }}</p>');
    expect(scopesOf(toks, '{{')).toEqual([
      'text.html.django',
      'meta.tag.template.variable.django',
      'punctuation.definition.tag.begin.django',
    ]);
    expect(scopesOf(toks, 'user')).toEqual(['text.html.django', 'meta.tag.template.variable.django', 'variable.other.django']);
    expect(scopesOf(toks, '.')).toContain('punctuation.accessor.django');
    expect(scopesOf(toks, 'name')).toContain('variable.other.property.django');
    expect(scopesOf(toks, '|')).toContain('punctuation.separator.filter.django');
    expect(scopesOf(toks, 'lower')).toEqual([
      'text.html.django',
      'meta.tag.template.variable.django',
      'support.function.filter.django',
    ]);
    expect(scopesOf(toks, '}}')).toContain('punctuation.definition.tag.end.django');
  });

  test('filter argument and string arguments', () => {
    const toks = tokenize('{{ when|date:"Y-m-d" }}{% url \'polls:detail\' pk=question.id %}');
    expect(scopesOf(toks, ':')).toContain('punctuation.separator.argument.django');
    expect(scopesOf(toks, 'Y-m-d')).toContain('string.quoted.double.django');
    expect(scopesOf(toks, 'url')).toContain('keyword.control.tag.django');
    const name = scopesOf(toks, 'polls:detail');
    expect(name).toEqual(['text.html.django', 'meta.tag.template.block.django', 'string.quoted.single.django']);
    expect(scopesOf(toks, "'")).toContain('punctuation.definition.string.begin.django');
    expect(scopesOf(toks, "'", 2)).toContain('punctuation.definition.string.end.django');
    expect(scopesOf(toks, 'pk')).toContain('variable.parameter.django');
    expect(scopesOf(toks, '=')).toContain('keyword.operator.assignment.django');
    expect(scopesOf(toks, 'id')).toContain('variable.other.property.django');
  });

  test('{% load %}, keywords, operators, constants and numbers inside tags', () => {
    const toks = tokenize('{% load static i18n %}{% if a.count >= 2 and not b or c == None %}{% endif %}');
    expect(scopesOf(toks, 'static')).toContain('entity.name.namespace.library.django');
    expect(scopesOf(toks, 'i18n')).toContain('entity.name.namespace.library.django');
    expect(scopesOf(toks, '>=')).toContain('keyword.operator.comparison.django');
    expect(scopesOf(toks, '2')).toContain('constant.numeric.django');
    expect(scopesOf(toks, 'and')).toContain('keyword.operator.logical.django');
    expect(scopesOf(toks, 'not')).toContain('keyword.operator.logical.django');
    expect(scopesOf(toks, '==')).toContain('keyword.operator.comparison.django');
    expect(scopesOf(toks, 'None')).toContain('constant.language.django');
    const inc = tokenize('{% include "row.html" with item=obj only %}');
    expect(scopesOf(inc, 'with')).toContain('keyword.other.django');
    expect(scopesOf(inc, 'only')).toContain('keyword.other.django');
    expect(scopesOf(inc, 'item')).toContain('variable.parameter.django');
    expect(scopesOf(inc, 'row.html')).toContain('string.quoted.double.django');
    const i18n = tokenize('{% translate _("Hello") as greeting %}');
    expect(scopesOf(i18n, '_')).toContain('support.function.i18n.django');
    expect(scopesOf(i18n, 'Hello')).toContain('string.quoted.double.django');
    expect(scopesOf(i18n, 'as')).toContain('keyword.other.django');
  });

  test('{# note #} is a comment', () => {
    const toks = tokenize('<p>{# note {{ x }} #}</p>');
    expect(scopesOf(toks, '{#')).toEqual([
      'text.html.django',
      'comment.block.django',
      'punctuation.definition.comment.begin.django',
    ]);
    expect(scopesOf(toks, ' note {{ x }} ')).toEqual(['text.html.django', 'comment.block.django']);
    expect(scopesOf(toks, '#}')).toContain('punctuation.definition.comment.end.django');
    expect(scopesOf(toks, 'p', 2)).not.toContain('comment.block.django');
  });

  test('{% comment %} ... {% endcomment %}: everything inside is comment, nothing is tokenized', () => {
    const src = [
      '{% comment "Old markup" %}',
      '<div class="{{ cls }}">{% if x %}{{ y|upper }}{# z #}</div>',
      '{% endcomment %}<b>{{ after }}</b>',
    ].join('\n');
    const toks = tokenize(src);
    expect(scopesOf(toks, 'comment')).toContain('keyword.control.tag.django');
    expect(scopesOf(toks, 'comment')).toContain('comment.block.django');
    const inner = toks.filter((t) => t.line === 1);
    expect(inner.length).toBeGreaterThan(0);
    for (const t of inner) expect(t.scopes).toEqual(['text.html.django', 'comment.block.django']);
    expect(scopesOf(toks, 'endcomment')).toContain('comment.block.django');
    // Back to normal after the closing tag.
    expect(scopesOf(toks, 'b')).toEqual(['text.html.django', 'meta.tag.structure.any.html', 'entity.name.tag.html']);
    expect(scopesOf(toks, 'after')).toContain('variable.other.django');
    expect(scopesOf(toks, 'after')).not.toContain('comment.block.django');
  });

  test('{% comment %} note may contain a %', () => {
    const toks = tokenize('{% comment "50% off" %}{{ x }}{% endcomment %}{{ y }}');
    expect(scopesOf(toks, 'comment')).toContain('comment.block.django');
    expect(scopesOf(toks, '{{ x }}')).toEqual(['text.html.django', 'comment.block.django']);
    expect(scopesOf(toks, 'y')).toContain('variable.other.django');
  });

  test('{% verbatim %}: the content is HTML, not Django', () => {
    const toks = tokenize('{% verbatim %}<i>{{ x }}</i>{% if %}{% endverbatim %}{{ y }}');
    expect(scopesOf(toks, 'verbatim')).toContain('keyword.control.tag.django');
    expect(scopesOf(toks, 'i')).toEqual([
      'text.html.django',
      'meta.embedded.verbatim.django',
      'meta.tag.structure.any.html',
      'entity.name.tag.html',
    ]);
    const inner = toks.filter((t) => t.scopes.includes('meta.embedded.verbatim.django'));
    expect(inner.map((t) => t.text).join('')).toBe('<i>{{ x }}</i>{% if %}');
    for (const t of inner) expect(isDjango(t.scopes.filter((s) => s !== 'meta.embedded.verbatim.django'))).toBe(false);
    expect(scopesOf(toks, 'endverbatim')).toContain('keyword.control.tag.django');
    expect(scopesOf(toks, 'y')).toContain('variable.other.django');
  });

  test('{% verbatim name %} only ends at {% endverbatim name %}', () => {
    const src = '{% verbatim js %}{% endverbatim %}{{ a }}{% endverbatim js %}{{ b }}';
    const toks = tokenize(src);
    expect(scopesOf(toks, 'js')).toContain('entity.name.section.verbatim.django');
    expect(scopesOf(toks, '{% endverbatim %}{{ a }}')).toContain('meta.embedded.verbatim.django');
    expect(scopesOf(toks, 'js', 2)).toContain('entity.name.section.verbatim.django');
    expect(scopesOf(toks, 'b')).toContain('variable.other.django');
  });

  test('Django tags inside an HTML attribute value', () => {
    const toks = tokenize('<a href="{% url \'x\' %}" class="{{ cls }} big">go</a>');
    expect(scopesOf(toks, 'href')).toContain('entity.other.attribute-name.html');
    expect(scopesOf(toks, 'url')).toEqual([
      'text.html.django',
      'meta.tag.structure.any.html',
      'string.quoted.double.html',
      'meta.tag.template.block.django',
      'keyword.control.tag.django',
    ]);
    expect(scopesOf(toks, 'x')).toEqual([
      'text.html.django',
      'meta.tag.structure.any.html',
      'string.quoted.double.html',
      'meta.tag.template.block.django',
      'string.quoted.single.django',
    ]);
    expect(scopesOf(toks, '%}')).toContain('punctuation.definition.tag.end.django');
    expect(scopesOf(toks, 'cls')).toContain('variable.other.django');
    expect(scopesOf(toks, ' big')).toEqual(['text.html.django', 'meta.tag.structure.any.html', 'string.quoted.double.html']);
    expect(scopesOf(toks, 'go')).toEqual(['text.html.django']);
    // A double-quoted Django string inside a double-quoted attribute does not end the attribute.
    const dq = tokenize('<a href="{% url "y" %}">');
    expect(scopesOf(dq, 'y')).toContain('string.quoted.double.django');
    expect(scopesOf(dq, '%}')).toContain('string.quoted.double.html');
  });

  test('Django tags inside HTML comments and between tags', () => {
    const toks = tokenize('<!-- {{ x }} {% if y %} -->');
    expect(scopesOf(toks, 'x')).toEqual([
      'text.html.django',
      'comment.block.html',
      'meta.tag.template.variable.django',
      'variable.other.django',
    ]);
    expect(scopesOf(toks, 'if')).toContain('keyword.control.tag.django');
  });

  test('a tag never runs past the end of its line', () => {
    const toks = tokenize('{% if x\n<p>{{ y\n<b>');
    expect(scopesOf(toks, 'p')).toContain('entity.name.tag.html');
    expect(scopesOf(toks, 'p')).not.toContain('meta.tag.template.block.django');
    expect(scopesOf(toks, 'b')).toEqual(['text.html.django', 'meta.tag.structure.any.html', 'entity.name.tag.html']);
  });

  test('tokenTypes from package.json: Django tags are code even inside attribute values', () => {
    const src = '<a href="{% url \'x\' %}">';
    expect(tokenTypeAt(src, src.indexOf('href="') + 5)).toBe(TokenType.String); // the attribute's `"`
    expect(tokenTypeAt(src, src.indexOf('url'))).toBe(TokenType.Other);
    expect(tokenTypeAt(src, src.indexOf("'x'") + 1)).toBe(TokenType.String);
    const v = '<p class="{{ a|b:"c" }}">';
    expect(tokenTypeAt(v, v.indexOf('a|'))).toBe(TokenType.Other);
    expect(tokenTypeAt(v, v.indexOf('"c"') + 1)).toBe(TokenType.String);
    expect(tokenTypeAt('{# c #}', 3)).toBe(TokenType.Comment);
  });
});

describe('snippets', () => {
  const snippets: Record<string, any> = readJson('snippets/django-html.json');

  test('every snippet has a prefix, a body and a description', () => {
    expect(Object.keys(snippets).length).toBeGreaterThan(20);
    for (const [name, s] of Object.entries(snippets)) {
      const prefixes = Array.isArray(s.prefix) ? s.prefix : [s.prefix];
      expect(prefixes.length, name).toBeGreaterThan(0);
      for (const p of prefixes) expect(p, name).toMatch(/^[a-z_]+$/);
      const body = Array.isArray(s.body) ? s.body : [s.body];
      expect(body.length, name).toBeGreaterThan(0);
      for (const b of body) expect(typeof b, name).toBe('string');
      expect(typeof s.description, name).toBe('string');
      expect(s.description.length, name).toBeGreaterThan(0);
    }
  });

  test('prefixes are unique and cover the common tags', () => {
    const all = Object.values(snippets).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    expect(new Set(all).size).toBe(all.length);
    for (const p of [
      'block', 'extends', 'include', 'includewith', 'load', 'url', 'static', 'if', 'elif', 'else', 'for',
      'empty', 'with', 'comment', 'verbatim', 'csrf', 'trans', 'translate', 'blocktrans', 'blocktranslate',
      'autoescape', 'spaceless', 'now', 'cycle', 'firstof', 'super', 'var', 'cmt',
    ]) {
      expect(all).toContain(p);
    }
  });

  test('bodies are balanced Django markup with Django-doc spacing', () => {
    for (const [name, s] of Object.entries(snippets)) {
      const text = (Array.isArray(s.body) ? s.body : [s.body]).join('\n');
      // Strip tab stops / placeholders / choices (`$1`, `${1:x}`, `${1|a,b|}`) to get the inserted text.
      const plain = text.replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
      const tags = plain.match(/\{[%{#][\s\S]*?[%}#]\}/g) ?? [];
      expect(tags.length, name).toBeGreaterThan(0);
      for (const t of tags) expect(t, name).toMatch(/^(\{% \S.*\S %\}|\{\{ \S.*\S \}\}|\{# \S.*\S #\})$/);
      // Every block tag that needs an end tag gets it.
      const opened = [...plain.matchAll(/\{% (\w+)/g)].map((m) => m[1]);
      for (const tag of ['block', 'for', 'with', 'comment', 'verbatim', 'blocktrans', 'blocktranslate', 'autoescape', 'spaceless']) {
        if (opened[0] === tag) expect(opened, name).toContain('end' + tag);
      }
      if (opened[0] === 'if') expect(opened, name).toContain('endif');
    }
  });
});

describe('package.json contributions', () => {
  const contributes = pkg.contributes;

  const existing = (dir: string) =>
    fs.existsSync(path.join(ROOT, dir)) ? fs.readdirSync(path.join(ROOT, dir)).map((f) => `${dir}/${f}`) : [];
  const norm = (p: string) => path.posix.normalize(p.replace(/^\.\//, ''));

  test('every snippets / grammar / language-configuration file is referenced, and every reference exists', () => {
    const refs = [
      ...(contributes.snippets ?? []).map((s: any) => s.path),
      ...(contributes.grammars ?? []).map((g: any) => g.path),
      ...(contributes.languages ?? []).map((l: any) => l.configuration).filter(Boolean),
    ].map(norm);
    for (const file of [...existing('snippets'), ...existing('syntaxes'), ...existing('language-configuration')]) {
      expect(refs, `${file} is not referenced from package.json`).toContain(file);
    }
    for (const ref of refs) expect(fs.existsSync(path.join(ROOT, ref)), `${ref} does not exist`).toBe(true);
  });

  test('contributions refer to the django-html language and its grammar scope', () => {
    const ids = contributes.languages.map((l: any) => l.id);
    for (const s of contributes.snippets) expect(ids).toContain(s.language);
    for (const g of contributes.grammars) {
      expect(ids).toContain(g.language);
      expect(readJson(norm(g.path)).scopeName).toBe(g.scopeName);
    }
    expect(contributes.snippets.map((s: any) => s.language)).toContain('django-html');
  });

  test('language configuration: `{` auto-closes (also inside attribute values), so `{%`/`{{` close as typed', () => {
    const conf = readJson('language-configuration/django-html.json');
    expect(conf.comments.blockComment).toEqual(['{#', '#}']);
    const pairs: { open: string; close: string; notIn?: string[] }[] = conf.autoClosingPairs;
    const pair = (open: string) => pairs.find((p) => p.open === open);
    // `{` → `{|}`, then `%`, ` if x `, `%` and `}` types over the `}`: `{% if x %}`. Pairs for `{%`/`{{`/`{#`
    // left a stray ` %}` / `}}` behind whoever typed the whole tag (VS Code types over one-character closers only;
    // seen in code-server, and the extension-host suite types a tag to check it).
    expect(pair('{')).toEqual({ open: '{', close: '}' });
    for (const open of ['{%', '{{', '{#']) expect(pair(open)).toBeUndefined();
    expect(conf.autoCloseBefore).toContain('%');
    expect(conf.brackets).toContainEqual(['{', '}']);
  });
});
