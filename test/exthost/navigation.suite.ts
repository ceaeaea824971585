/**
 * Following Django's strings through the real editor API (the same providers F12, hover, Shift+F12
 * and the CodeLens use), on the demo project.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activated, definitions, hoverText, lineOf, open, positionOf, relOf, until } from './helpers';

suite('navigation', () => {
  suiteSetup(async () => {
    await activated();
    // The first answer comes once the server has read settings → ROOT_URLCONF → blog/urls.py.
    const views = await open('blog/views.py');
    await until('the first definition answer', () => definitions(views.uri, positionOf(views, 'post-detail', 3)), 60_000);
  });

  test("F12 on a URL name in reverse() lands on its path() in blog/urls.py", async () => {
    const doc = await open('blog/views.py');
    const [d, ...rest] = await definitions(doc.uri, positionOf(doc, 'blog:post-detail', 8, 'def publish'));
    assert.deepEqual(rest, []);
    assert.equal(relOf(d.uri), 'blog/urls.py');
    assert.equal(d.range.start.line, await lineOf('blog/urls.py', 'name="post-detail"'));
  });

  test('F12 on a template name in render() opens the template the loader finds', async () => {
    const doc = await open('blog/views.py');
    const [d] = await definitions(doc.uri, positionOf(doc, 'blog/index.html', 6));
    assert.equal(relOf(d.uri), 'blog/templates/blog/index.html');
  });

  test('F12 on {% extends %} and {% include %} in a template', async () => {
    const doc = await open('blog/templates/blog/post_list.html');
    const [parent] = await definitions(doc.uri, positionOf(doc, 'base.html', 2));
    assert.equal(relOf(parent.uri), 'templates/base.html');
    const [included] = await definitions(doc.uri, positionOf(doc, '_post_summary.html', 3));
    assert.equal(relOf(included.uri), 'blog/templates/blog/_post_summary.html');
  });

  test("F12 on {% url 'blog:post-list' %} in a template", async () => {
    const doc = await open('templates/home.html');
    const [d] = await definitions(doc.uri, positionOf(doc, 'blog:post-list', 7));
    assert.equal(relOf(d.uri), 'blog/urls.py');
    assert.equal(d.range.start.line, await lineOf('blog/urls.py', 'name="post-list"'));
  });

  test('hover on a URL name shows its route and view', async () => {
    const doc = await open('blog/views.py');
    const text = await hoverText(doc.uri, positionOf(doc, 'blog:post-detail', 8, 'def publish'));
    for (const want of ['/blog/<int:year>/<slug:slug>/', 'PostDetailView']) assert.ok(text.includes(want), `${want} in ${text}`);
  });

  test('references of a URL name (Shift+F12 on name="post-detail") include its reverse() in views.py', async () => {
    const doc = await open('blog/urls.py');
    const refs = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, 'name="post-detail"', 8))) ?? [];
    const views = await lineOf('blog/views.py', 'reverse("blog:post-detail"');
    assert.ok(refs.some((r) => relOf(r.uri) === 'blog/views.py' && r.range.start.line === views), refs.map((r) => `${relOf(r.uri)}:${r.range.start.line}`).join(', '));
  });

  test('plain Python positions get nothing from us (Pylance answers those)', async () => {
    const doc = await open('blog/views.py');
    // No Python extension is installed here: any answer would be ours.
    assert.deepEqual(await definitions(doc.uri, positionOf(doc, 'posts', 2, 'def index')), []);
    assert.equal(await hoverText(doc.uri, positionOf(doc, 'get_object_or_404(Post', 3)), '');
  });

  test('the block CodeLens "overrides base.html" opens the parent block', async () => {
    const doc = await open('blog/templates/blog/post_form.html');
    const lenses = await until('the CodeLenses of post_form.html', async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10)) ?? [];
      return all.filter((l) => l.command?.title.includes('overrides base.html'));
    });
    assert.equal(lenses.length, 1);
    const { command, arguments: args = [] } = lenses[0].command!;
    await vscode.commands.executeCommand(command, ...args);
    const editor = await until('base.html in the editor', () => {
      const e = vscode.window.activeTextEditor;
      return e && relOf(e.document.uri) === 'templates/base.html' ? e : undefined;
    }, 10_000);
    assert.equal(editor.selection.active.line, await lineOf('templates/base.html', '{% block content %}'));
  });

  test('the outline of a template lists its blocks', async () => {
    const doc = await open('templates/base.html');
    const symbols = await until('the outline of base.html', async () =>
      (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? []);
    const names = (s: vscode.DocumentSymbol[]): string[] => s.flatMap((x) => [x.name, ...names(x.children ?? [])]);
    assert.ok(names(symbols).some((n) => n.includes('content')), names(symbols).join(', '));
  });
});
