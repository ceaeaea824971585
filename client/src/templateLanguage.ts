/**
 * Templates outside `templates/` folders (a `DIRS` entry such as `theme/` or `jinja2/`) do not
 * match the `django-html` filename pattern: when the server says which folders Django searches,
 * HTML files opened from them get the `django-html` language (only plain `html` ones: a language
 * the user or another extension chose is left alone).
 */
import * as vscode from 'vscode';
import path from 'node:path';
import type { StatusResult } from '../../server/src/protocol';

export class TemplateLanguage implements vscode.Disposable {
  private dirs: string[] = [];
  private readonly sub: vscode.Disposable;

  constructor() {
    this.sub = vscode.workspace.onDidOpenTextDocument((d) => void this.apply(d));
  }

  update(result: StatusResult): void {
    const dirs = result.projects.flatMap((p) => p.templateDirs ?? []);
    if (dirs.join('\n') === this.dirs.join('\n')) return;
    this.dirs = dirs;
    for (const d of vscode.workspace.textDocuments) void this.apply(d);
  }

  private async apply(doc: vscode.TextDocument): Promise<void> {
    if (doc.languageId !== 'html' || doc.uri.scheme !== 'file') return;
    const file = doc.uri.fsPath;
    const inside = this.dirs.some((d) => {
      const rel = path.relative(d, file);
      return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    if (!inside) return;
    try {
      await vscode.languages.setTextDocumentLanguage(doc, 'django-html');
    } catch {
      // The document was closed meanwhile.
    }
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/**
 * Other installed extensions that contribute a `django-html` grammar (the *Django* extension,
 * batisteo.vscode-django, uses the same language id and scope): VS Code keeps one grammar per
 * scope, the one of the extension it loads last, so highlighting and `{%` typing may be theirs.
 * Said in the output, once, so a changed highlighting has an explanation.
 */
export function otherDjangoGrammars(self: string): string[] {
  const out: string[] = [];
  for (const ext of vscode.extensions.all) {
    if (ext.id.toLowerCase() === self.toLowerCase()) continue;
    const grammars = (ext.packageJSON?.contributes?.grammars ?? []) as { language?: string; scopeName?: string }[];
    if (Array.isArray(grammars) && grammars.some((g) => g?.language === 'django-html' || g?.scopeName === 'text.html.django')) out.push(ext.id);
  }
  return out;
}
