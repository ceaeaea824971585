/**
 * The index follows the editor: unsaved edits, diagnostics, settings changed while running; and the
 * `django` tasks (manage.py) run in the editor's terminal.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activated, definitions, open, positionOf, relOf, revert, setText, until, workspaceRoot } from './helpers';

/** Skips a test that runs manage.py when python3 has no Django on this machine. */
function needsDjango(test: Mocha.Context): void {
  try {
    execFileSync('python3', ['-c', 'import django'], { stdio: 'ignore' });
  } catch {
    test.skip();
  }
}

/** Runs the provided `check` task; its exit code. */
async function runCheck(): Promise<number | undefined> {
  const tasks = await vscode.tasks.fetchTasks({ type: 'django' });
  const check = tasks.find((t) => t.definition.command === 'check');
  assert.ok(check, tasks.map((t) => t.name).join(', '));
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.definition.command !== 'check') return;
      sub.dispose();
      resolve(e.exitCode);
    });
  });
  await vscode.tasks.executeTask(check);
  return ended;
}

suite('editing', () => {
  const touched = new Set<vscode.TextDocument>();
  suiteSetup(async () => {
    await activated();
  });
  teardown(async () => {
    for (const doc of touched) if (doc.isDirty) await revert(doc);
    touched.clear();
    await vscode.workspace.getConfiguration('djangoAtlas').update('codeLens.enable', undefined, vscode.ConfigurationTarget.Workspace);
  });

  async function edit(rel: string, change: (text: string) => string): Promise<vscode.TextDocument> {
    const doc = await open(rel);
    touched.add(doc);
    await setText(doc, change(doc.getText()));
    return doc;
  }

  const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'unknown-url-name');

  test('an unknown URL name typed into views.py is reported before saving, and the report goes with it', async () => {
    const doc = await edit('blog/views.py', (t) => `${t}\n\ndef broken(request):\n    return redirect("blog:no-such-page")\n`);
    const [d] = await until('the unknown-url-name diagnostic', () => ours(doc.uri));
    assert.equal(d.range.start.line, doc.lineCount - 2);
    assert.match(d.message, /no-such-page/);
    await revert(doc);
    await until('the diagnostic gone after revert', () => ours(doc.uri).length === 0);
  });

  test('a pattern added to urls.py, unsaved, is found from views.py at once', async () => {
    const urls = await edit('blog/urls.py', (t) => t.replace('urlpatterns = [', 'urlpatterns = [\n    path("archive/", views.index, name="archive"),'));
    const views = await edit('blog/views.py', (t) => `${t}\n\ndef archive_link(request):\n    return redirect("blog:archive")\n`);
    const [d] = await until('the definition of blog:archive', () => definitions(views.uri, positionOf(views, 'blog:archive', 6)));
    assert.equal(relOf(d.uri), 'blog/urls.py');
    assert.equal(d.range.start.line, urls.getText().split('\n').findIndex((l) => l.includes('name="archive"')));
  });

  test('djangoAtlas.codeLens.enable: false takes the lenses away without a restart', async () => {
    const doc = await open('blog/templates/blog/post_form.html');
    const lenses = async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? []).filter((l) => l.command?.title.includes('overrides'));
    await until('the block lens', lenses);
    await vscode.workspace.getConfiguration('djangoAtlas').update('codeLens.enable', false, vscode.ConfigurationTarget.Workspace);
    await until('no block lens', async () => (await lenses()).length === 0);
    await vscode.workspace.getConfiguration('djangoAtlas').update('codeLens.enable', undefined, vscode.ConfigurationTarget.Workspace);
    await until('the block lens back', lenses);
  });

  test("the django tasks list manage.py's commands and the project's own", async () => {
    const tasks = await until('the django tasks', async () => vscode.tasks.fetchTasks({ type: 'django' }));
    const commands = tasks.map((t) => t.definition.command as string);
    for (const want of ['runserver', 'migrate', 'makemigrations', 'check', 'test', 'publish_all']) assert.ok(commands.includes(want), `${want} in ${commands.join(', ')}`);
    assert.ok(tasks.some((t) => t.name === 'manage.py runserver'), tasks.map((t) => t.name).join(', '));
  });

  test('the check task runs manage.py check in the project and succeeds', async function () {
    needsDjango(this);
    assert.equal(await runCheck(), 0, `manage.py check in ${workspaceRoot()} exited non-zero`);
  });

  test("the check task's problems land on the field and the ModelAdmin attribute, and go when fixed", async function () {
    needsDjango(this);
    const models = path.join(workspaceRoot(), 'blog', 'models.py');
    const admin = path.join(workspaceRoot(), 'blog', 'admin.py');
    const saved = [models, admin].map((f) => [f, readFileSync(f, 'utf8')] as const);
    const fromCheck = (file: string) => vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'django check');
    try {
      writeFileSync(models, saved[0][1].replace('name = models.CharField(max_length=50, unique=True)', 'name = models.CharField(unique=True)'));
      writeFileSync(admin, saved[1][1].replace('list_display = ["title", "author", "published", "created"]', 'list_display = ["title", "nope"]'));
      assert.equal(await runCheck(), 1);
      const [field] = await until('the fields.E120 problem in blog/models.py', () => fromCheck(models));
      assert.equal(field.code, 'fields.E120');
      assert.equal(field.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(field.range.start.line, readFileSync(models, 'utf8').split('\n').findIndex((l) => l.includes('name = models.CharField(unique=True)')));
      const [attr] = fromCheck(admin);
      assert.equal(attr?.code, 'admin.E108');
      assert.equal(attr.range.start.line, readFileSync(admin, 'utf8').split('\n').findIndex((l) => l.includes('list_display =')));
      assert.deepEqual(fromCheck(path.join(workspaceRoot(), 'manage.py')), []);
    } finally {
      for (const [f, text] of saved) writeFileSync(f, text);
    }
    assert.equal(await runCheck(), 0);
    await until('no check problems after the fix', () => fromCheck(models).length === 0 && fromCheck(admin).length === 0, 10_000);
  });
});
