/**
 * The editor's scaffolds over LSP (djangoAtlas/scaffold*): the questions come from the server's
 * table with the project's choices, answers are checked as they are typed, and the plan's minimal
 * text edits, applied the way the client applies its WorkspaceEdit, give the same files as the
 * CLI's plan — on the text of unsaved buffers when files are open.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient, FIXTURES, ROOT, ensureBuilt, uriOf, fileOf } from './client';
import type { ScaffoldKindInfo, ScaffoldStepResult, ScaffoldPlanResult, ScaffoldFileEdit } from '../../server/src/protocol';
import { SCAFFOLDS } from '../../server/src/core/scaffold/kinds';

beforeAll(() => ensureBuilt(), 60_000);

/** What the client does with a plan's edit: the created text, or the changes applied to `before` (last first). */
function applied(e: ScaffoldFileEdit): string {
  if (e.created) return e.text ?? '';
  const text = e.before!;
  const offset = (p: { line: number; character: number }) => {
    let off = 0;
    for (let i = 0; i < p.line; i++) off = text.indexOf('\n', off) + 1;
    return off + p.character;
  };
  let out = text;
  for (const c of [...(e.changes ?? [])].reverse()) out = out.slice(0, offset(c.range.start)) + c.newText + out.slice(offset(c.range.end));
  return out;
}

test('every scaffold of the server has its command in package.json, and the client registers it', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const declared = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).filter((c) => c.startsWith('djangoAtlas.new.'));
  expect(declared.sort()).toEqual(SCAFFOLDS.map((k) => `djangoAtlas.new.${k.id}`).sort());
  const client = fs.readFileSync(path.join(ROOT, 'client/src/commands.ts'), 'utf8');
  const registered = /SCAFFOLD_KINDS = \[([^\]]*)\]/.exec(client)![1].match(/'(\w+)'/g)!.map((s) => s.slice(1, -1));
  expect(registered.sort()).toEqual(SCAFFOLDS.map((k) => k.id).sort());
});

describe('scaffolds over LSP (a copy of demo)', () => {
  let c: LspClient;
  let dir: string;
  const ask = (kind: string, values: Record<string, string>, at?: string) =>
    c.request<ScaffoldStepResult>('djangoAtlas/scaffoldStep', { kind, values, ...(at ? { at } : {}) });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-lsp-new-'));
    fs.cpSync(path.join(FIXTURES, 'demo'), dir, { recursive: true });
    c = await LspClient.start(dir);
    await c.waitReady(30_000);
  }, 45_000);
  afterAll(async () => {
    await c?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the kinds', async () => {
    const kinds = await c.request<ScaffoldKindInfo[]>('djangoAtlas/scaffoldKinds', undefined);
    expect(kinds.map((k) => k.id)).toEqual(SCAFFOLDS.map((k) => k.id));
    expect(kinds.every((k) => k.title && k.description)).toBe(true);
  });

  test('a list view: questions in order, with the project\'s choices and proposals', async () => {
    const at = path.join(dir, 'blog', 'views.py');
    let s = await ask('view', {}, at);
    expect(s.root).toBe(dir);
    expect(s.question).toMatchObject({ id: 'app', initial: 'blog', index: 0 });
    expect(s.question!.choices!.map((x) => x.value)).toEqual(expect.arrayContaining(['blog', 'shop']));
    expect(s.question!.choices!.map((x) => x.value)).not.toContain('admin');

    s = await ask('view', { app: 'blog' });
    expect(s.question).toMatchObject({ id: 'kind', initial: 'function' });
    expect(s.question!.choices!.map((x) => x.value)).toEqual(['function', 'class', 'template', 'list', 'detail', 'create', 'update', 'delete', 'form']);

    // A function view asks no model; a list view does, the app's models first and no abstract one.
    expect((await ask('view', { app: 'blog', kind: 'function' })).question!.id).toBe('name');
    s = await ask('view', { app: 'blog', kind: 'list' });
    expect(s.question!.id).toBe('model');
    const models = s.question!.choices!.map((x) => x.value);
    expect(models[0].startsWith('blog.')).toBe(true);
    expect(models).toContain('blog.Tag');
    expect(models).not.toContain('blog.TimeStamped');

    s = await ask('view', { app: 'blog', kind: 'list', model: 'blog.Tag' });
    expect(s.question).toMatchObject({ id: 'name', initial: 'TagListView', index: 3, count: 5 });
    s = await ask('view', { app: 'blog', kind: 'list', model: 'blog.Tag', name: 'TagListView' });
    expect(s.question).toMatchObject({ id: 'route', initial: 'tags/', optional: true });
    expect((await ask('view', { app: 'blog', kind: 'list', model: 'blog.Tag', name: 'TagListView', route: '' })).question).toBeUndefined();
  });

  test('answers are checked while typed: case, taken names, an app that is not the project\'s', async () => {
    const check = (id: string, value: string, values: Record<string, string>) =>
      c.request<string | null>('djangoAtlas/scaffoldCheck', { kind: 'view', id, value, values });
    expect(await check('name', 'tag_list', { app: 'blog', kind: 'list' })).toMatch(/CamelCase/);
    expect(await check('name', 'PostListView', { app: 'blog', kind: 'list' })).toMatch(/already defines 'PostListView'/);
    expect(await check('name', 'TagListView', { app: 'blog', kind: 'list' })).toBeNull();
    expect(await check('name', 'class', { app: 'blog', kind: 'function' })).toMatch(/keyword/);
    expect(await check('app', 'admin', {})).toMatch(/not one of the project's own apps/);
    expect(await check('route', '/tags/', { app: 'blog' })).toMatch(/does not start with '\/'/);
    // A route an earlier pattern with the same path answers is refused while typed, not after the last question;
    // one a capturing pattern of the app's urls.py answers (`<slug:slug>/`) is fine: it goes before it.
    expect(await check('route', 'posts/', { app: 'blog', kind: 'function', name: 'posts' })).toMatch(/already answered by blog:post-list .*choose another route/);
    expect(await check('route', 'cart/', { app: 'shop', kind: 'function', name: 'cart' })).toBeNull();
    expect(await check('route', 'cart/checkout/', { app: 'shop', kind: 'function', name: 'cart' })).toBeNull();
    expect(await c.request<string | null>('djangoAtlas/scaffoldCheck', { kind: 'app', id: 'name', value: 'blog', values: {} })).toMatch(/already named 'blog'/);
  });

  test('the plan equals the CLI\'s, as minimal edits against an unsaved buffer; nothing is written', async () => {
    const values = { app: 'blog', kind: 'list', model: 'blog.Tag', name: 'TagListView', route: '' };
    const urls = path.join(dir, 'blog', 'urls.py');
    const onDisk = fs.readFileSync(urls, 'utf8');
    const unsaved = onDisk.replace('app_name = "blog"', '# kept: an unsaved comment\napp_name = "blog"');
    await c.openDoc(urls, 'python', unsaved);
    try {
      const plan = await c.request<ScaffoldPlanResult>('djangoAtlas/scaffoldPlan', { kind: 'view', values });
      expect(plan.error).toBeUndefined();
      const byFile = new Map(plan.edits.map((e) => [path.relative(dir, fileOf(e.uri)), e]));
      expect([...byFile.keys()].sort()).toEqual(['blog/templates/blog/tag_list.html', 'blog/urls.py', 'blog/views.py']);
      // Against the buffer, not the disk; only the new lines change.
      const urlEdit = byFile.get('blog/urls.py')!;
      expect(urlEdit.before).toBe(unsaved);
      expect(urlEdit.changes).toHaveLength(1);
      expect(urlEdit.changes![0].newText).toBe('    path("tags/", views.TagListView.as_view(), name="tag-list"),\n');
      expect(applied(urlEdit)).toContain('# kept: an unsaved comment\n');
      expect(fs.readFileSync(urls, 'utf8')).toBe(onDisk);
      expect(fs.existsSync(path.join(dir, 'blog/templates/blog/tag_list.html'))).toBe(false);

      // The same files as the CLI plans from the disk (the buffer's comment aside).
      const r = spawnSync('node', [path.join(ROOT, 'dist/cli.js'), 'new', 'view', 'blog', 'TagListView', dir, '--kind', 'list', '--model', 'blog.Tag', '--dry-run', '--json'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const cli = JSON.parse(r.stdout) as { edits: { file: string; created: boolean; text: string }[] };
      for (const e of cli.edits) {
        expect(applied(byFile.get(e.file)!).replace('# kept: an unsaved comment\n', '')).toBe(e.text);
      }
      // The cursor goes to the new class.
      const views = byFile.get('blog/views.py')!;
      expect(plan.focus?.uri).toBe(uriOf(path.join(dir, 'blog/views.py')));
      expect(applied(views).split('\n')[plan.focus!.line]).toBe('class TagListView(ListView):');
    } finally {
      await c.closeDoc(urls);
    }
  });

  test('a refusal comes back as an error with no edits', async () => {
    const plan = await c.request<ScaffoldPlanResult>('djangoAtlas/scaffoldPlan', { kind: 'view', values: { app: 'blog', kind: 'list', model: 'blog.Post', name: 'PostListView' } });
    expect(plan.error).toMatch(/already defines 'PostListView'/);
    expect(plan.edits).toEqual([]);
    const taken = await c.request<ScaffoldPlanResult>('djangoAtlas/scaffoldPlan', { kind: 'view', values: { app: 'shop', kind: 'function', name: 'anything', route: '<slug:slug>/' } });
    expect(taken.error).toMatch(/already answered/);
    const unknown = await c.request<ScaffoldStepResult>('djangoAtlas/scaffoldStep', { kind: 'nonsense', values: {} });
    expect(unknown.error).toMatch(/unknown scaffold 'nonsense'/);
  });

  test('a folder deleted outside the editor (one event for the folder) frees its name', async () => {
    const folder = path.join(dir, 'coupons');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, '__init__.py'), '');
    await c.filesChanged([{ uri: uriOf(path.join(folder, '__init__.py')), type: 1 }]);
    const check = () => c.request<string | null>('djangoAtlas/scaffoldCheck', { kind: 'app', id: 'name', value: 'coupons', values: {} });
    expect(await check()).toMatch(/already exists/);
    fs.rmSync(folder, { recursive: true });
    await c.filesChanged([{ uri: uriOf(folder), type: 3 }]);
    expect(await check()).toBeNull();
  });

  test('a template with no parent, and the explorer folder choosing the project\'s app', async () => {
    const s = await ask('template', { name: 'blog/archive.html' });
    expect(s.question).toMatchObject({ id: 'extends', initial: 'base.html', none: expect.any(String) });
    expect(s.question!.choices![0].value).toBe('base.html');
    const plan = await c.request<ScaffoldPlanResult>('djangoAtlas/scaffoldPlan', { kind: 'template', values: { name: 'blog/archive.html', extends: '' } });
    expect(plan.error).toBeUndefined();
    expect(plan.edits[0].text).not.toContain('{% extends');
    const app = await ask('model', {}, path.join(dir, 'shop'));
    expect(app.question).toMatchObject({ id: 'app', initial: 'shop' });
  });
});
