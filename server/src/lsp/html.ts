/**
 * HTML inside templates, through vscode-html-languageservice: a document folding provider
 * replaces the editor's own indentation folding, so the HTML elements' folding ranges are given
 * together with the Django tags' ones (block/if/for/with/comment…). In `django-html` documents,
 * which VS Code's HTML extension does not serve, HTML completion and hover are given too, outside
 * `{% %}`, `{{ }}` and `{# #}` (which are ours): the HTML service reads the template with the
 * Django tokens blanked out, so `<a href="{% url 'x' %}">` is a plain attribute to it.
 */
import { getLanguageService, type FoldingRange, type CompletionList, type Hover } from 'vscode-html-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Doc } from '../features/session';
import { templateFolds } from '../features/templates';
import { lexTemplate } from '../core/templates/lexer';

const html = getLanguageService();

export function templateFoldingRanges(doc: Doc): FoldingRange[] {
  const out: FoldingRange[] = templateFolds(doc).map((f) => ({ startLine: f.startLine, endLine: f.endLine, ...(f.kind === 'comment' ? { kind: 'comment' } : {}) }));
  try {
    const td = TextDocument.create(`file://${doc.file}`, 'html', 0, doc.text);
    out.push(...html.getFoldingRanges(td, { rangeLimit: 5000 }));
  } catch {
    // HTML folding is a bonus; the Django ranges stand alone.
  }
  const seen = new Set<string>();
  return out.filter((r) => r.endLine > r.startLine && !seen.has(`${r.startLine}:${r.endLine}`) && seen.add(`${r.startLine}:${r.endLine}`) !== undefined);
}

/**
 * The template as the HTML service should read it — every Django token blanked out (newlines
 * kept, so positions stay) — or undefined when the offset is inside a Django token (its
 * delimiters included), where the answers are ours. One lexing pass, one join.
 */
function htmlView(doc: Doc, offset: number): TextDocument | undefined {
  const parts: string[] = [];
  let at = 0;
  for (const t of lexTemplate(doc.text)) {
    if (t.kind === 'text') continue;
    if (offset > t.start && (offset < t.end || !t.closed)) return undefined;
    parts.push(doc.text.slice(at, t.start), doc.text.slice(t.start, t.end).replace(/[^\n]/g, ' '));
    at = t.end;
  }
  parts.push(doc.text.slice(at));
  return TextDocument.create(`file://${doc.file}`, 'html', 0, parts.join(''));
}

/** HTML completion at a position of a template that is not Django's, else undefined. */
export function htmlCompletions(doc: Doc, offset: number, position: { line: number; character: number }): CompletionList | undefined {
  const td = htmlView(doc, offset);
  return td && html.doComplete(td, position, html.parseHTMLDocument(td));
}

/** HTML hover (an element's or attribute's documentation) at a position that is not Django's. */
export function htmlHover(doc: Doc, offset: number, position: { line: number; character: number }): Hover | null {
  const td = htmlView(doc, offset);
  return td ? html.doHover(td, position, html.parseHTMLDocument(td)) : null;
}

/**
 * What VS Code's HTML extension inserts after a keystroke in `html` files, for templates: after
 * `>` the closing tag (`$0</div>`), after `</` the rest of it (`div>`); after `=` in a tag, the
 * quotes (`"$1"`). A snippet, or null (inside a Django token, or nothing to insert).
 */
export function htmlAutoInsert(doc: Doc, offset: number, position: { line: number; character: number }, kind: 'autoClose' | 'autoQuote'): string | null {
  const td = htmlView(doc, offset);
  if (!td) return null;
  const parsed = html.parseHTMLDocument(td);
  return (kind === 'autoClose' ? html.doTagComplete(td, position, parsed) : html.doQuoteComplete(td, position, parsed, { attributeDefaultValue: 'doublequotes' })) ?? null;
}
