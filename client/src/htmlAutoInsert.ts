/**
 * Closing tags and attribute quotes typed for you in `django-html` templates, as VS Code's HTML
 * extension does only in `html` files: after `>` (`<div>` → `<div>|</div>`) and `</`, and after `=`
 * in a tag (`class=` → `class="|"`). The server answers from the HTML language service over the
 * template with its Django tokens blanked (`djangoAtlas/htmlAutoInsert`). The HTML extension's own
 * settings turn it off: `html.autoClosingTags`, `html.autoCreateQuotes`.
 */
import * as vscode from 'vscode';
import type { HtmlAutoInsertParams } from '../../server/src/protocol';

/** Asks the server for the snippet to insert (undefined/null: nothing). */
export type AutoInsert = (params: HtmlAutoInsertParams) => Promise<string | null | undefined>;

export function registerHtmlAutoInsert(ask: AutoInsert): vscode.Disposable {
  let pending: ReturnType<typeof setTimeout> | undefined;
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || e.document !== editor.document || e.document.languageId !== 'django-html') return;
    if (e.contentChanges.length === 0 || e.reason === vscode.TextDocumentChangeReason.Undo || e.reason === vscode.TextDocumentChangeReason.Redo) return;
    const last = e.contentChanges[e.contentChanges.length - 1];
    const typed = last.text;
    // One character typed (not a paste, not a deletion).
    if (last.rangeLength !== 0 || typed.length !== 1) return;
    const kind = typed === '>' || typed === '/' ? 'autoClose' : typed === '=' ? 'autoQuote' : undefined;
    if (!kind) return;
    const config = vscode.workspace.getConfiguration('html', e.document);
    if (!config.get<boolean>(kind === 'autoClose' ? 'autoClosingTags' : 'autoCreateQuotes', true)) return;
    const position = last.range.start.translate(0, 1);
    const version = e.document.version;
    if (pending) clearTimeout(pending);
    // As the HTML extension does: a moment, so that a quick next keystroke cancels it.
    pending = setTimeout(async () => {
      pending = undefined;
      const snippet = await ask({ textDocument: { uri: e.document.uri.toString() }, position: { line: position.line, character: position.character }, kind });
      const now = vscode.window.activeTextEditor;
      if (!snippet || now?.document !== e.document || e.document.version !== version) return;
      const at = now.selection.active;
      if (!now.selection.isEmpty || at.line !== position.line || at.character !== position.character) return;
      await now.insertSnippet(new vscode.SnippetString(snippet), position);
    }, 100);
  });
  return { dispose: () => { if (pending) clearTimeout(pending); sub.dispose(); } };
}
