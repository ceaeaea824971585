/** What the extension-host suites share: the workspace (a copy of test/fixtures/demo), opening files, finding positions, waiting. */
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'django-atlas.django-atlas';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with a copy of test/fixtures/demo as the workspace');
  return folder.uri.fsPath;
}

export function uriOf(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), rel));
}

/** The workspace-relative path of a URI (forward slashes). */
export function relOf(uri: vscode.Uri): string {
  return path.relative(workspaceRoot(), uri.fsPath).split(path.sep).join('/');
}

/** Activates the extension (waiting for it, as activation on workspaceContains may still be under way). */
export async function activated(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  await ext.activate();
  return ext;
}

export async function open(rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uriOf(rel));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** The position `offset` characters into the first occurrence of `needle` in `doc` (after `after`, when given). */
export function positionOf(doc: vscode.TextDocument, needle: string, offset = 0, after?: string): vscode.Position {
  const text = doc.getText();
  const from = after === undefined ? 0 : text.indexOf(after);
  assert.ok(from >= 0, `${after} in ${relOf(doc.uri)}`);
  const i = text.indexOf(needle, from);
  assert.ok(i >= 0, `${needle} in ${relOf(doc.uri)}`);
  return doc.positionAt(i + offset);
}

/** The zero-based line of the first line of `rel` containing `needle`. */
export async function lineOf(rel: string, needle: string): Promise<number> {
  const doc = await vscode.workspace.openTextDocument(uriOf(rel));
  const line = doc.getText().split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} in ${rel}`);
  return line;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value that is not undefined/false/empty; fails with `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(200);
  }
}

/** Definition answers as plain locations (the API gives Location or LocationLink). */
export async function definitions(uri: vscode.Uri, pos: vscode.Position): Promise<vscode.Location[]> {
  const got = (await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, pos)) ?? [];
  return got.map((d) => ('targetUri' in d ? new vscode.Location(d.targetUri, d.targetSelectionRange ?? d.targetRange) : d));
}

export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

export async function completionLabels(uri: vscode.Uri, pos: vscode.Position, trigger?: string): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos, trigger);
  return (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** Replaces the whole text of an open document without saving it (an unsaved buffer). */
export async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), `edit ${relOf(doc.uri)}`);
}

/** Puts an open document back as it is on disk. */
export async function revert(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await until(`${relOf(doc.uri)} reverted`, () => !doc.isDirty, 10_000);
}
