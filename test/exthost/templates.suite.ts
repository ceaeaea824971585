/**
 * Django templates keep HTML: completion and hover from the HTML language service outside Django's
 * tags, Emmet, and Django's own completion inside them; plain `html` documents are left to VS
 * Code's HTML extension (nothing doubled).
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activated, completionLabels, hoverText, open, positionOf, revert, setText, until, workspaceRoot } from './helpers';

suite('templates', () => {
  let touched: vscode.TextDocument | undefined;
  suiteSetup(async () => {
    await activated();
  });
  teardown(async () => {
    if (touched?.isDirty) await revert(touched);
    touched = undefined;
  });

  /** home.html with `snippet` on a new line after {% block content %}, unsaved; the position at its end. */
  async function typed(snippet: string): Promise<{ doc: vscode.TextDocument; end: vscode.Position }> {
    const doc = await open('templates/home.html');
    touched = doc;
    const text = doc.getText();
    const at = text.indexOf('{% block content %}') + '{% block content %}'.length;
    await setText(doc, `${text.slice(0, at)}\n${snippet}${text.slice(at)}`);
    return { doc, end: doc.positionAt(at + 1 + snippet.length) };
  }

  test("completion inside {% url ' lists the project's URL names", async () => {
    const { doc, end } = await typed("{% url '");
    const labels = await until('URL names', async () => {
      const ls = await completionLabels(doc.uri, end, "'");
      return ls.includes('blog:post-detail') ? ls : undefined;
    });
    for (const name of ['blog:index', 'blog:post-list', 'shop:index']) assert.ok(labels.includes(name), `${name} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('div'), 'no HTML tags inside a Django tag');
  });

  test('HTML tag completion works in a django-html template, once', async () => {
    const { doc, end } = await typed('<di');
    const labels = await until('HTML tags', async () => {
      const ls = await completionLabels(doc.uri, end);
      return ls.includes('div') ? ls : undefined;
    });
    assert.equal(labels.filter((l) => l === 'div').length, 1);
  });

  test('HTML hover on a tag of a django-html template', async () => {
    const doc = await open('blog/templates/blog/post_form.html');
    const text = await until('the HTML hover on <form', () => hoverText(doc.uri, positionOf(doc, '<form', 2)));
    assert.match(text, /form/i);
  });

  test('a plain html file gets HTML completion from VS Code alone, not doubled by us', async () => {
    const file = path.join(workspaceRoot(), 'static', 'plain.html');
    writeFileSync(file, '<!doctype html>\n<body>\n\n</body>\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'html');
    touched = doc;
    await setText(doc, '<!doctype html>\n<body>\n<di\n</body>\n');
    const labels = await until('HTML tags from VS Code', async () => {
      const ls = await completionLabels(doc.uri, new vscode.Position(2, 3));
      return ls.includes('div') ? ls : undefined;
    });
    assert.equal(labels.filter((l) => l === 'div').length, 1);
  });

  test('typing > closes the tag and = adds the quotes in a django-html template, as in html files', async () => {
    const { doc, end } = await typed('<section');
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('type', { text: ' class=' });
    await until('the quotes', () => doc.getText().includes('<section class=""'), 10_000);
    await vscode.commands.executeCommand('cursorEnd');
    await vscode.commands.executeCommand('type', { text: '>' });
    await until('the closing tag', () => doc.getText().includes('<section class=""></section>'), 10_000);
  });

  test('typing a whole {% tag %} or {{ variable }} leaves no stray closer behind the auto-closed one', async () => {
    const { doc, end } = await typed('');
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(end, end);
    for (const ch of '{% if x %}{{ x }}') await vscode.commands.executeCommand('type', { text: ch });
    const line = doc.lineAt(end.line).text;
    assert.equal(line, '{% if x %}{{ x }}');
  });

  test('Emmet expands an abbreviation in a django-html template', async () => {
    const { doc, end } = await typed('ul>li.item*2');
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('editor.emmet.action.expandAbbreviation');
    await until('the expanded abbreviation', () => /<ul>\s*<li class="item"><\/li>\s*<li class="item"><\/li>\s*<\/ul>/.test(doc.getText()), 10_000);
  });
});
