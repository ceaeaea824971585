/**
 * Templates on the `templates_site` fixture: the parser's problems, the catalog's search order,
 * navigation between names, blocks, tags, filters, libraries and static files, the users of a
 * template, hovers, lenses, completions, symbols, folding and the diagnostics.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers';
import { OverlayHost, DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import type { DjangoProject } from '../../server/src/core/project';
import { initPython, PythonDocument } from '../../server/src/core/python/parser';
import { parseTemplate } from '../../server/src/core/templates/parse';
import { relativeName } from '../../server/src/core/templates/catalog';
import { readLibrary } from '../../server/src/core/templates/libraries';
import { ProjectSession, type Doc } from '../../server/src/features/session';
import { definition, references } from '../../server/src/features/navigation';
import { hover, codeLenses, completions } from '../../server/src/features/presentation';
import { templateSymbols, templateFolds } from '../../server/src/features/templates';
import { projectDiagnostics } from '../../server/src/core/checks';
import type { Loc } from '../../server/src/core/python/values';

const ROOT = path.join(FIXTURES, 'templates_site');
let host: OverlayHost;
let project: DjangoProject;
let s: ProjectSession;

beforeAll(async () => {
  await initPython();
  host = new OverlayHost(new DiskHost());
  project = (await Workspace.open(host, ROOT)).projects[0];
  s = new ProjectSession(project);
});

const show = (l: Loc) => `${path.relative(ROOT, l.file).split(path.sep).join('/')}:${l.line + 1}`;

function doc(rel: string, text?: string): Doc {
  const file = path.join(ROOT, rel);
  const t = text ?? fs.readFileSync(file, 'utf8');
  return rel.endsWith('.py') ? { file, text: t, kind: 'python', tree: new PythonDocument(t).tree } : { file, text: t, kind: 'template' };
}

/** The offset of `|` in a marked snippet of the document. */
function at(d: Doc, marked: string): number {
  const i = d.text.indexOf(marked.replace('|', ''));
  if (i < 0) throw new Error(`not found: ${marked}`);
  return i + marked.indexOf('|');
}

/** Runs `fn` with a buffer laid over a file, then restores it. */
function withBuffer<T>(rel: string, text: string, fn: (d: Doc) => T): T {
  const file = path.join(ROOT, rel);
  host.setBuffer(file, text);
  project.invalidateFile(file);
  s.usages.update(file);
  try {
    return fn(doc(rel, text));
  } finally {
    host.deleteBuffer(file);
    project.invalidateFile(file);
    s.usages.update(file);
  }
}

describe('parser', () => {
  test('blocks in source order, nested, with their parents', () => {
    const p = parseTemplate('{% block a %}{% block b %}{% endblock %}{% endblock a %}{% block c %}{% endblock %}', 'x.html');
    expect(p.blocks.map((b) => `${b.name}<${b.parent?.name ?? ''}`)).toEqual(['a<', 'b<a', 'c<']);
    expect(p.problems).toEqual([]);
  });

  test("the problems Django's parser raises, and parsing goes on", () => {
    const text = '{{ x }}\n{% extends "base.html" %}\n{% block a %}{% if x %}\n{% endblock %}\n{% block a %}{% endblock %}\n{% endfor %}\n{% for y in z %}';
    const codes = parseTemplate(text, 'x.html').problems.map((p) => `${p.code}@${p.loc.line + 1}`);
    expect(codes).toEqual(['extends-not-first@2', 'unclosed-tag@3', 'duplicate-block@5', 'stray-end-tag@6', 'unclosed-tag@7']);
  });

  test('text and {# #} before extends are fine; comment/verbatim content is not parsed', () => {
    const p = parseTemplate('<!-- x -->{# c #}\n{% extends "b.html" %}{% comment %}{% block no %}{% endcomment %}{% verbatim %}{% if %}{% endverbatim %}', 'x.html');
    expect(p.problems).toEqual([]);
    expect(p.extends?.name).toBe('b.html');
    expect(p.blocks).toEqual([]);
  });

  test('a tag with an end tag in the file is a block tag (library tags); folding ranges', () => {
    const p = parseTemplate('{% upper %}\nx\n{% endupper %}\n{% if a %}\n\n{% endif %}', 'x.html');
    expect(p.problems).toEqual([]);
    expect(p.folds.map((f) => `${f.startLine}-${f.endLine}`)).toEqual(['0-1', '3-4']);
  });

  test('filters in variables and tags, loads with "from"', () => {
    const p = parseTemplate('{{ a|lower|cut:"|x" }}{% if b|length > 1 %}{% endif %}{% load x y from lib %}{% filter upper|title %}{% endfilter %}', 'x.html');
    expect(p.filters.map((f) => f.name)).toEqual(['lower', 'cut', 'length', 'upper', 'title']);
    expect(p.loads.map((l) => `${l.lib}:${l.names?.map((n) => n.name).join(',')}`)).toEqual(['lib:x,y']);
  });

  test('a library registering through a helper function is opaque (we do not guess its names)', () => {
    const lib = readLibrary('x.templatetags.cache', '/x/cache.py', 'from django import template\nregister = template.Library()\n\ndef register_cache_tag(name):\n    @register.tag(name)\n    def do_cache(parser, token):\n        return None\n\nregister_cache_tag("mycache")\n\n@register.filter\ndef twice(v):\n    return v\n');
    expect(lib.opaque).toBe(true);
    expect([...lib.filters.keys()]).toEqual(['twice']);
  });

  test("relative names as Django's construct_relative_path", () => {
    expect(relativeName('blog/archive.html', './post_list.html')).toBe('blog/post_list.html');
    expect(relativeName('blog/a/b.html', '../c.html')).toBe('blog/c.html');
    expect(relativeName('blog/a.html', 'base.html')).toBe('base.html');
  });
});

describe('catalog', () => {
  test('DIRS in order, then apps in INSTALLED_APPS order; the others are shadowed', () => {
    const cat = project.templates();
    expect(path.relative(ROOT, cat.resolve('shared/header.html')!.file)).toBe('templates/shared/header.html');
    expect(path.relative(ROOT, cat.resolve('blog/post_list.html')!.file)).toBe('theme_overrides/blog/post_list.html');
    expect(cat.candidates('common/badge.html').map((c) => path.relative(ROOT, c.file))).toEqual(['shop/templates/common/badge.html', 'blog/templates/common/badge.html']);
  });

  test("a Jinja2 template's parent is looked up in its own engine", () => {
    const cat = project.templates();
    const summary = path.join(ROOT, 'jinja2/reports/summary.html');
    expect(cat.ancestors(summary).map((c) => path.relative(ROOT, c.file))).toEqual(['jinja2/base.html']);
  });

  test('an override of an admin template extends the one it shadows, and the chain goes on', () => {
    const cat = project.templates();
    const own = path.join(ROOT, 'templates/admin/base_site.html');
    expect(cat.resolve('admin/base_site.html')!.file).toBe(own);
    const chain = cat.ancestors(path.join(ROOT, 'blog/templates/blog/post_detail.html')).map((c) => c.name);
    expect(chain).toEqual(['layouts/two_col.html', 'base.html']);
  });

  test("an app's templates/ also listed in DIRS: one candidate, shadowing nothing of itself", () => {
    const settings = fs.readFileSync(path.join(ROOT, 'tsite/settings.py'), 'utf8')
      .replace('"DIRS": [BASE_DIR / "templates", BASE_DIR / "theme_overrides"]', '"DIRS": [BASE_DIR / "templates", BASE_DIR / "theme_overrides", BASE_DIR / "shop" / "templates"]');
    withBuffer('tsite/settings.py', settings, () => {
      const cands = project.templates().candidates('shop/product.html').map((c) => path.relative(ROOT, c.file));
      expect(cands).toEqual(['shop/templates/shop/product.html']);
      expect(project.templates().candidates('common/badge.html').map((c) => path.relative(ROOT, c.file))).toEqual(['shop/templates/common/badge.html', 'blog/templates/common/badge.html']);
    });
  });

  test('children, descendants, includers', () => {
    const cat = project.templates();
    const base = path.join(ROOT, 'templates/base.html');
    expect(cat.children(base).map((f) => path.relative(ROOT, f))).toContain('templates/layouts/two_col.html');
    expect(cat.descendants(base).map((f) => path.relative(ROOT, f))).toContain('blog/templates/blog/post_detail.html');
    expect(cat.includers(path.join(ROOT, 'templates/shared/_nav.html')).map((f) => path.relative(ROOT, f))).toContain('templates/layouts/two_col.html');
  });
});

describe('navigation', () => {
  test('a template name in Python → the file Django loads, shadowed ones after it', () => {
    const d = doc('blog/views.py');
    const i = d.text.indexOf('template_name = "blog/drafts.html"');
    expect(definition(s, d, i + 'template_name = "blog/dr'.length).map(show)).toEqual(['blog/templates/blog/drafts.html:1']);
  });

  test('{% extends %} and {% include %} → the files', () => {
    const d = doc('blog/templates/blog/post_detail.html');
    expect(definition(s, d, at(d, 'layouts/two|_col')).map(show)).toEqual(['templates/layouts/two_col.html:1']);
    expect(definition(s, d, at(d, 'comments/li|st.html')).map(show)).toEqual(['blog/templates/blog/partials/comments/list.html:1']);
  });

  test('{% block %} → the nearest ancestor having it; block.super → the parent block', () => {
    const d = doc('blog/templates/blog/post_detail.html');
    expect(definition(s, d, at(d, '{% block side|bar %}')).map(show)).toEqual(['templates/layouts/two_col.html:4']);
    expect(definition(s, d, at(d, '{% block ti|tle %}')).map(show)).toEqual(['templates/base.html:6']);
    const sup = d.text.indexOf('{{ block.super }}{% post_card');
    expect(definition(s, d, sup + 5).map(show)).toEqual(['templates/layouts/two_col.html:4']);
  });

  test('references on a block: every overriding block below', () => {
    const d = doc('templates/base.html');
    const refs = references(s, d, at(d, '{% block ti|tle %}'), false).map(show);
    expect(refs).toContain('blog/templates/blog/post_detail.html:4');
  });

  test('tags and filters → their Python; library → module; static → file', () => {
    const d = doc('blog/templates/blog/post_detail.html');
    const tags = 'blog/templatetags/blog_tags.py';
    const line = (needle: string) => fs.readFileSync(path.join(ROOT, tags), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(definition(s, d, at(d, '{% up|per %}')).map(show)).toEqual([`${tags}:${line('def upper')}`]);
    expect(definition(s, d, at(d, '{% sho|ut')).map(show)).toEqual([`${tags}:${line('def do_shout')}`]);
    expect(definition(s, d, at(d, 'lowe|r2')).map(show)).toEqual([`${tags}:${line('def lower_again')}`]);
    expect(definition(s, d, at(d, '{% load blog_t|ags')).map(show)).toEqual([`${tags}:1`]);
    expect(definition(s, d, at(d, "blog/bl|og.css")).map(show)).toEqual(['blog/static/blog/blog.css:1']);
    // A builtin tag goes to Django's source when it can be read.
    const ifDef = definition(s, d, at(d, '{% i|f user'));
    if (ifDef.length) expect(ifDef[0].file).toMatch(/django[\\/]template[\\/]defaulttags\.py$/);
  });

  test('references anywhere else in a template: who extends, includes and renders it', () => {
    const d = doc('templates/layouts/two_col.html');
    const refs = references(s, d, d.text.indexOf('<div'), false).map(show);
    expect(refs).toContain('blog/templates/blog/post_detail.html:1');
    const drafts = doc('blog/templates/blog/drafts.html');
    expect(references(s, drafts, 0, false).map(show)).toContain('blog/views.py:49');
  });
});

describe('hover, lenses, completion, symbols', () => {
  test('hover on a name shows the file, the chain and the shadows', () => {
    const d = doc('blog/templates/blog/archive.html');
    const h = hover(s, doc('tsite/urls.py'), 0);
    expect(h).toBeUndefined();
    const tpl = doc('templates/home.html');
    const inc = tpl.text.indexOf('"shared/header.html"');
    if (inc >= 0) {
      const md = hover(s, tpl, inc + 3)!.markdown;
      expect(md).toContain('templates/shared/header.html');
      expect(md).toContain('shadows');
    }
    void d;
  });

  test('hover on a block shows what it overrides and the ancestors', () => {
    const d = doc('blog/templates/blog/post_detail.html');
    const md = hover(s, d, at(d, '{% block ma|in %}'))!.markdown;
    expect(md).toContain('overrides');
    expect(md).toContain('`layouts/two_col.html` → `base.html`');
  });

  test('lenses: users at the top, overrides per block; implied templates above generic views', () => {
    const lenses = codeLenses(s, doc('templates/layouts/two_col.html'));
    expect(lenses[0].title).toMatch(/extended by \d+/);
    expect(lenses.some((l) => l.title === 'overrides base.html')).toBe(true);
    expect(lenses.some((l) => /^overridden in \d+ templates?$/.test(l.title))).toBe(true);
    const py = codeLenses(s, doc('blog/views.py')).map((l) => l.title);
    expect(py).toContain('template: blog/post_list.html');
    expect(py).toContain('template: blog/post_confirm_delete.html');
  });

  test('completion of tags inside an auto-closed `{%  %}` (cursor between two spaces)', () => {
    const tags = withBuffer('blog/templates/blog/drafts.html', '{% load blog_tags %}\n{%  %}', (d) => completions(s, d, 1, 3).map((c) => c.label));
    expect(tags).toEqual(expect.arrayContaining(['upper', 'if']));
    // The file's libraries first, then the builtins, each alphabetical.
    expect(tags.indexOf('upper')).toBeLessThan(tags.indexOf('autoescape'));
  });

  test('lens titles name a single user; shadowed templates do not count', () => {
    const card = codeLenses(s, doc('blog/templates/blog/_card.html'));
    expect(card[0].title).toBe('rendered by post_card');
    const twoCol = codeLenses(s, doc('templates/layouts/two_col.html'));
    // blog/templates/blog/post_list.html extends it too, but theme_overrides/ shadows it: Django never loads it.
    const users = twoCol[0].targets.map(show);
    expect(users).not.toContain('blog/templates/blog/post_list.html:1');
    expect(users).toContain('theme_overrides/blog/post_list.html:1');
  });

  test('completion: template names, inherited blocks, tags after load, filters, libraries, static', () => {
    const names = withBuffer('templates/pages/sent.html', '{% extends "lay', (d) => completions(s, d, 0, 15).map((c) => c.label));
    expect(names).toContain('layouts/two_col.html');
    const blocks = withBuffer('blog/templates/blog/drafts.html', '{% extends "layouts/two_col.html" %}\n{% block ', (d) => completions(s, d, 1, 9).map((c) => c.label));
    expect(blocks).toEqual(expect.arrayContaining(['sidebar', 'main', 'title', 'content']));
    const tags = withBuffer('blog/templates/blog/drafts.html', '{% load blog_tags %}\n{% ', (d) => completions(s, d, 1, 3).map((c) => c.label));
    expect(tags).toEqual(expect.arrayContaining(['upper', 'shout', 'post_card', 'if', 'for']));
    const noLoad = withBuffer('blog/templates/blog/drafts.html', '{% ', (d) => completions(s, d, 0, 3).map((c) => c.label));
    expect(noLoad).not.toContain('upper');
    const filters = withBuffer('blog/templates/blog/drafts.html', '{% load blog_tags %}{{ x|', (d) => completions(s, d, 0, 25).map((c) => c.label));
    expect(filters).toEqual(expect.arrayContaining(['initials', 'lower', 'date']));
    const libs = withBuffer('blog/templates/blog/drafts.html', '{% load ', (d) => completions(s, d, 0, 8).map((c) => c.label));
    expect(libs).toEqual(expect.arrayContaining(['blog_tags', 'static', 'widgets.forms', 'shortcuts']));
    const statics = withBuffer('blog/templates/blog/drafts.html', "{% static '", (d) => completions(s, d, 0, 11).map((c) => c.label));
    expect(statics).toEqual(expect.arrayContaining(['css/site.css', 'blog/blog.css']));
    const py = doc('blog/views.py', 'def v(request):\n    return render(request, "blog/po');
    expect(completions(s, py, 1, py.text.split('\n')[1].length).map((c) => c.label)).toContain('blog/post_detail.html');
  });

  test('symbols: the block tree', () => {
    const syms = templateSymbols(doc('templates/base.html'));
    const body = syms.find((x) => x.name === 'body')!;
    expect(body.children.map((c) => c.name)).toEqual(['header', 'content', 'footer']);
    expect(templateFolds(doc('templates/base.html')).length).toBeGreaterThan(0);
  });
});

describe('diagnostics', () => {
  const diags = (rel: string, text: string) => withBuffer(rel, text, () =>
    projectDiagnostics(project, s.usages, { impliedIn: new Set([path.join(ROOT, 'blog/views.py')]) })
      .filter((d) => d.loc.file === path.join(ROOT, rel))
      .map((d) => `${d.code}@${d.loc.line + 1}: ${d.message}`));

  test('the fixture is clean', () => {
    const all = projectDiagnostics(project, s.usages, { impliedIn: new Set([path.join(ROOT, 'blog/views.py'), path.join(ROOT, 'shop/views.py')]) });
    expect(all.map((d) => `${show(d.loc)} ${d.code}: ${d.message}`)).toEqual([]);
  });

  test('unknown template, tag without its load, unknown library, unknown filter', () => {
    const out = diags('blog/templates/blog/drafts.html', '{% extends "bse.html" %}\n{% block content %}{% upper %}x{% endupper %}{{ x|initials }}{% include "shared/nope.html" %}{% endblock %}\n{{ y|nosuchfilter }}{% load nosuch %}{{ z|after_unknown_load }}');
    expect(out).toEqual([
      "unknown-template@1: template 'bse.html' not found in the template folders; did you mean 'base.html'?",
      'unknown-tag@2: tag \'upper\' needs {% load blog_tags %} before it',
      'unknown-filter@2: filter \'initials\' needs {% load blog_tags %} before it',
      "unknown-template@2: template 'shared/nope.html' not found in the template folders; did you mean 'shared/_nav.html'?",
      "unknown-filter@3: unknown filter 'nosuchfilter' (not a builtin, and no installed library defines it)",
      // After a library we cannot read, unknown names prove nothing.
      "unknown-library@3: 'nosuch' is not a registered tag library",
    ].sort((a, b) => parseInt(a.split('@')[1]) - parseInt(b.split('@')[1])));
  });

  test("a form widget template is found where the form renderer finds it (Django's forms/templates)", () => {
    const out = diags('templates/shared/partials/form_errors.html', '{% include "django/forms/widgets/input.html" %}{% include "django/forms/widgets/nope.html" %}');
    const django = project.resolver.resolve('django.forms');
    if (!django) return;
    expect(out).toEqual([expect.stringMatching(/^unknown-template@1: template 'django\/forms\/widgets\/nope.html'/)]);
  });

  test('a template name in Python that loads nothing; a generic view without its implied template', () => {
    const text = fs.readFileSync(path.join(ROOT, 'blog/views.py'), 'utf8').replace('"blog/drafts.html"', '"blog/draft.html"').replace('class PostDeleteView(DeleteView):', 'class PostDeleteView(DeleteView):\n    template_name_suffix = "_gone"');
    const out = diags('blog/views.py', text);
    expect(out.some((m) => m.startsWith("unknown-template@") && m.includes("'blog/draft.html'") && m.includes("did you mean 'blog/drafts.html'"))).toBe(true);
    expect(out.some((m) => m.startsWith('missing-implied-template@') && m.includes('blog/post_gone.html'))).toBe(true);
  });
});
