/**
 * Models in the editor on the demo fixture: 'app.Model' strings and lookups → the model/field,
 * hovers, lookup completion, and the unknown-field warning.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers';
import { OverlayHost, DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import type { DjangoProject } from '../../server/src/core/project';
import { initPython, PythonDocument } from '../../server/src/core/python/parser';
import { ProjectSession, type Doc } from '../../server/src/features/session';
import { definition } from '../../server/src/features/navigation';
import { hover, completions } from '../../server/src/features/presentation';
import { projectDiagnostics } from '../../server/src/core/checks';
import type { Loc } from '../../server/src/core/python/values';

const ROOT = path.join(FIXTURES, 'demo');
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
const line = (rel: string, needle: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

function doc(rel: string, text?: string): Doc {
  const file = path.join(ROOT, rel);
  const t = text ?? fs.readFileSync(file, 'utf8');
  return { file, text: t, kind: 'python', tree: new PythonDocument(t).tree };
}

function at(d: Doc, marked: string): number {
  const i = d.text.indexOf(marked.replace('|', ''));
  if (i < 0) throw new Error(`not found: ${marked}`);
  return i + marked.indexOf('|');
}

describe('models', () => {
  test('the model index: fields in order, abstract bases, relations', () => {
    const post = project.models().byLabel('blog.Post')!;
    expect(post.fields.map((f) => f.name)).toEqual(['created', 'updated', 'title', 'slug', 'body', 'published', 'author', 'category', 'tags']);
    expect(post.fields.find((f) => f.name === 'author')!.relatedModel).toBe('auth.User');
    expect(project.models().reverse('blog.Post').map((r) => r.accessor)).toContain('comment_set');
  });

  test('lookups → the field; a relation moves to the related model', () => {
    const d = doc('blog/views.py');
    expect(definition(s, d, at(d, 'filter(publ|ished=True)')).map(show)).toEqual([`blog/models.py:${line('blog/models.py', 'published =')}`]);
    expect(definition(s, d, at(d, 'order_by("-cre|ated")')).map(show)).toEqual([`blog/models.py:${line('blog/models.py', 'created =')}`]);
    const t = doc('blog/views.py', d.text + '\n\ndef x():\n    return Post.objects.filter(author__userna|me__icontains="a")\n'.replace('|', ''));
    const user = definition(s, t, at(t, 'author__userna|me'));
    if (user.length) expect(user[0].file).toMatch(/django[\\/]contrib[\\/]auth[\\/]models\.py$/);
    expect(hover(s, t, at(t, 'aut|hor__'))!.markdown).toContain('ForeignKey');
  });

  test('completion of lookup parts', () => {
    const text = fs.readFileSync(path.join(ROOT, 'blog/views.py'), 'utf8') + '\n\ndef y():\n    return Post.objects.filter(category__na';
    const d = doc('blog/views.py', text);
    const lines = text.split('\n');
    const items = completions(s, d, lines.length - 1, lines[lines.length - 1].length).map((c) => c.label);
    expect(items).toContain('name');
    expect(items).toContain('parent');
    const top = text.replace(/category__na$/, 'ti');
    const d2 = doc('blog/views.py', top);
    const l2 = top.split('\n');
    expect(completions(s, d2, l2.length - 1, l2[l2.length - 1].length).map((c) => c.label)).toEqual(expect.arrayContaining(['title', 'tags', 'comment', 'pk']));
    // Further down a chain, and after a field: the lookups.
    const chained = text.replace(/filter\(category__na$/, 'filter(published=True).exclude(created__ye');
    const d3 = doc('blog/views.py', chained);
    const l3 = chained.split('\n');
    expect(completions(s, d3, l3.length - 1, l3[l3.length - 1].length).map((c) => c.label)).toEqual(expect.arrayContaining(['year', 'icontains']));
    // get_object_or_404(Model, ...): the model is the first argument.
    const g = text.replace(/Post\.objects\.filter\(category__na$/, 'get_object_or_404(Post, category__na');
    const d4 = doc('blog/views.py', g);
    const l4 = g.split('\n');
    expect(completions(s, d4, l4.length - 1, l4[l4.length - 1].length).map((c) => c.label)).toContain('name');
  });

  test('an unknown field in a lookup is a warning with a fix', () => {
    const file = path.join(ROOT, 'blog/views.py');
    const text = fs.readFileSync(file, 'utf8').replace('filter(published=True)', 'filter(publishd=True)');
    host.setBuffer(file, text);
    project.invalidateFile(file);
    try {
      const diags = projectDiagnostics(project, s.usages, { lookupsIn: new Set([file]) }).filter((x) => x.code === 'unknown-field');
      expect(diags.map((x) => x.message)).toEqual(["'publishd' is not a field of blog.Post; did you mean 'published'?"]);
    } finally {
      host.deleteBuffer(file);
      project.invalidateFile(file);
    }
  });

  test("'app.Model' strings and get_user_model() → the model", () => {
    const d = doc('blog/models.py', fs.readFileSync(path.join(ROOT, 'blog/models.py'), 'utf8') + '\n\nclass Extra(models.Model):\n    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE)\n');
    expect(definition(s, d, at(d, '"blog.Po|st"')).map(show)).toEqual([`blog/models.py:${line('blog/models.py', 'class Post')}`]);
  });
});

describe('models_site: field lists and declarations', () => {
  const SITE = path.join(FIXTURES, 'models_site');
  let sp: ProjectSession;
  beforeAll(async () => {
    sp = new ProjectSession((await Workspace.open(new OverlayHost(new DiskHost()), SITE)).projects[0]);
  });
  const sdoc = (rel: string, text?: string): Doc => {
    const file = path.join(SITE, rel);
    const t = text ?? fs.readFileSync(file, 'utf8');
    return { file, text: t, kind: 'python', tree: new PythonDocument(t).tree };
  };
  const end = (d: Doc): [number, number] => {
    const lines = d.text.split('\n');
    return [lines.length - 1, lines[lines.length - 1].length];
  };

  test('completion in ModelAdmin.list_display, Meta.ordering and a ModelForm Meta.fields', () => {
    const admin = fs.readFileSync(path.join(SITE, 'blog/admin.py'), 'utf8');
    const cls = /class (\w+)\(admin\.ModelAdmin\):/.exec(admin)!;
    const inAdmin = admin.replace(cls[0], `${cls[0]}\n    list_per_page = 20\n    search_fields = ("author__user`);
    const cut = inAdmin.slice(0, inAdmin.indexOf('"author__user') + '"author__user'.length);
    const d = sdoc('blog/admin.py', cut);
    expect(completions(sp, d, ...end(d)).map((c) => c.label)).toContain('username');
    const forms = fs.readFileSync(path.join(SITE, 'blog/forms.py'), 'utf8');
    const i = forms.indexOf('fields');
    const partial = forms.slice(0, i) + 'fields = ["ti';
    const df = sdoc('blog/forms.py', partial);
    expect(completions(sp, df, ...end(df)).map((c) => c.label)).toContain('title');
  });

  test('hover on a model class name and on a field declaration', () => {
    const d = sdoc('blog/models/post.py');
    const classAt = d.text.indexOf('class Post(') + 'class Po'.length;
    expect(hover(sp, d, classAt)!.markdown).toContain('**Model** `blog.Post`');
    const fieldAt = d.text.search(/\n    title = /) + 6;
    expect(hover(sp, d, fieldAt)!.markdown).toContain('CharField');
    // Pylance owns the definition of a declaration: we add nothing there.
    expect(definition(sp, d, classAt)).toEqual([]);
  });
});
