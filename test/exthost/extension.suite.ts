/** The extension in a real extension host: activation, its commands, the languages and defaults it contributes. */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activated, open } from './helpers';

suite('the extension', () => {
  let ext: vscode.Extension<unknown>;
  suiteSetup(async () => {
    ext = await activated();
  });

  test('activates in a folder with manage.py and registers every command package.json contributes', async () => {
    assert.ok(ext.isActive);
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 20, `${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  test('templates open as django-html, Python stays python', async () => {
    for (const rel of ['templates/base.html', 'blog/templates/blog/post_detail.html', 'shop/templates/shop/index.html']) {
      assert.equal((await open(rel)).languageId, 'django-html', rel);
    }
    assert.equal((await open('blog/views.py')).languageId, 'python');
  });

  test('Emmet is on for django-html templates by default', () => {
    const include = vscode.workspace.getConfiguration('emmet').get<Record<string, string>>('includeLanguages') ?? {};
    assert.equal(include['django-html'], 'html');
  });
});
