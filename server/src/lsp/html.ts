/**
 * HTML inside templates, through vscode-html-languageservice: a document folding provider
 * replaces the editor's own indentation folding, so the HTML elements' folding ranges are given
 * together with the Django tags' ones (block/if/for/with/comment…).
 */
import { getLanguageService, type FoldingRange } from 'vscode-html-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Doc } from '../features/session';
import { templateFolds } from '../features/templates';

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
