/**
 * Careful edits of Python source for scaffolds: add an item to a list literal assigned at the top
 * level (INSTALLED_APPS, urlpatterns), add a name to a `from x import ...`, in the file's own style
 * (indentation, quotes, trailing commas). Everything else in the file keeps its bytes.
 */
import { parsePython, type Node } from '../python/parser';

/** The quote the file prefers for strings (the more frequent of `"` and `'`). */
export function quoteStyle(text: string): '"' | "'" {
  const dq = (text.match(/(^|[^\\])"/g) ?? []).length;
  const sq = (text.match(/(^|[^\\])'/g) ?? []).length;
  return sq > dq ? "'" : '"';
}

/** The indentation unit of the file (the first indented line's leading whitespace), 4 spaces by default. */
export function indentUnit(text: string): string {
  const m = /^(?:[^\n]*:[ \t]*(?:#[^\n]*)?\n)(?:[ \t]*\n)*([ \t]+)\S/m.exec(text);
  return m?.[1] ?? '    ';
}

/**
 * The style new code follows: the quotes and indentation of the first text that shows them (the
 * file edited, then its neighbours, then the settings), else `"` and four spaces (Black's, and
 * Django's startapp templates').
 */
export function codeStyle(...texts: (string | undefined)[]): { q: '"' | "'"; ind: string } {
  const known = texts.filter((t): t is string => !!t);
  const quoted = known.find((t) => /["']/.test(t));
  const indented = known.find((t) => /^(?:[^\n]*:[ \t]*(?:#[^\n]*)?\n)(?:[ \t]*\n)*[ \t]+\S/m.test(t));
  return { q: quoted ? quoteStyle(quoted) : '"', ind: indented ? indentUnit(indented) : '    ' };
}

export function pyString(s: string, quote: '"' | "'"): string {
  return quote + s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/** The list literal of the last top-level `name = [...]` (with `augmented`, also `name += [...]`), else undefined. */
function topLevelList(root: Node, name: string, augmented = false): Node | undefined {
  let found: Node | undefined;
  for (const stmt of root.namedChildren) {
    if (stmt?.type !== 'expression_statement') continue;
    const a = stmt.namedChildren[0];
    if (a?.type !== 'assignment' && !(augmented && a?.type === 'augmented_assignment')) continue;
    if (a.childForFieldName('left')?.text !== name) continue;
    // `[...]`, or the first list of `[...] + static(...)` (where a new pattern belongs: before the extras).
    let right = a.childForFieldName('right');
    while (right?.type === 'binary_operator' && right.childForFieldName('operator')?.text === '+') right = right.childForFieldName('left');
    if (right?.type === 'list') found = right;
  }
  return found;
}

/** Whether a top-level `name = [...]` (with `augmented`, also `name += [...]`) list literal exists. */
export function hasTopLevelList(text: string, name: string, augmented = false): boolean {
  const tree = parsePython(text);
  try {
    return !!topLevelList(tree.rootNode, name, augmented);
  } finally {
    tree.delete();
  }
}

/** `text` with `item` (source text) appended to the top-level list assigned to `name`; undefined when there is none. */
export function appendToList(text: string, name: string, item: string, augmented = false): string | undefined {
  const tree = parsePython(text);
  try {
    const list = topLevelList(tree.rootNode, name, augmented);
    if (!list) return undefined;
    const items = list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const close = list.endIndex - 1; // the `]`
    if (!items.length) {
      if (text.slice(list.startIndex + 1, close).includes('\n')) {
        // `[` newline … `]`: the item on its own line right after `[`.
        const indent = lineIndent(text, list.startIndex) + indentUnit(text);
        return `${text.slice(0, list.startIndex + 1)}\n${indent}${item},${text.slice(list.startIndex + 1)}`;
      }
      return `${text.slice(0, list.startIndex + 1)}${item}${text.slice(close)}`;
    }
    const last = items[items.length - 1];
    const multiline = text.slice(list.startIndex, list.endIndex).includes('\n');
    // A trailing comma after the last item? (A token of the list: a comma in a comment does not count.)
    const commaNode = list.children.find((c) => c?.type === ',' && c.startIndex >= last.endIndex);
    const comma = commaNode ? commaNode.startIndex - last.endIndex : -1;
    if (!multiline) {
      return comma >= 0
        ? `${text.slice(0, last.endIndex + comma + 1)} ${item}${text.slice(last.endIndex + comma + 1)}`
        : `${text.slice(0, last.endIndex)}, ${item}${text.slice(last.endIndex)}`;
    }
    const indent = lineIndent(text, last.startIndex);
    // The end of the last item's line (after its comment, if any), when the `]` is on a later line.
    const eol = text.indexOf('\n', last.endIndex);
    const ownLine = eol >= 0 && eol < close;
    if (comma >= 0) {
      const at = last.endIndex + comma + 1;
      return ownLine ? `${text.slice(0, eol)}\n${indent}${item},${text.slice(eol)}` : `${text.slice(0, at)}\n${indent}${item},${text.slice(at)}`;
    }
    // No trailing comma: one after the last item, the new item on a line of its own (a `]` right
    // after the last item stays right after the new one).
    const withComma = `${text.slice(0, last.endIndex)},${text.slice(last.endIndex, ownLine ? eol : last.endIndex)}`;
    return ownLine ? `${withComma}\n${indent}${item},${text.slice(eol)}` : `${withComma}\n${indent}${item}${text.slice(last.endIndex)}`;
  } finally {
    tree.delete();
  }
}

/** `text` with `item` inserted before the `index`-th item of the top-level list `name` (appended past the end). */
export function insertIntoList(text: string, name: string, item: string, index: number): string | undefined {
  const tree = parsePython(text);
  let at: number | undefined;
  let multiline = false;
  let indent = '';
  try {
    const list = topLevelList(tree.rootNode, name);
    if (!list) return undefined;
    const items = list.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    if (index < items.length) {
      at = items[Math.max(0, index)].startIndex;
      multiline = text.slice(list.startIndex, list.endIndex).includes('\n');
      indent = lineIndent(text, at);
    }
  } finally {
    tree.delete();
  }
  if (at === undefined) return appendToList(text, name, item);
  return multiline ? `${text.slice(0, at)}${item},\n${indent}${text.slice(at)}` : `${text.slice(0, at)}${item}, ${text.slice(at)}`;
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * `text` importing `name` from `module`: added to an existing `from module import …` (kept sorted
 * when it was), else a new import line after the last top-level import. Unchanged when imported.
 */
export function ensureImport(text: string, module: string, name: string): string {
  const tree = parsePython(text);
  try {
    let lastImport: Node | undefined;
    // A new absolute import goes with the absolute ones, before `from . import …` lines.
    let lastAbsolute: Node | undefined;
    const relative = module.startsWith('.');
    for (const stmt of tree.rootNode.namedChildren) {
      if (!stmt) continue;
      if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement' || stmt.type === 'future_import_statement') {
        lastImport = stmt;
        if (!stmt.childForFieldName('module_name')?.text.startsWith('.')) lastAbsolute = stmt;
      }
      if (stmt.type !== 'import_from_statement' || stmt.childForFieldName('module_name')?.text !== module) continue;
      const names = stmt.childrenForFieldName('name').filter((n): n is Node => !!n);
      if (names.some((n) => (n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : n.text) === name || n.text === name)) return text;
      if (!names.length) continue;
      const texts = names.map((n) => n.text);
      const sorted = texts.every((t, i) => i === 0 || texts[i - 1] <= t);
      const before = sorted ? names.find((n) => n.text > name) : undefined;
      if (before) return `${text.slice(0, before.startIndex)}${name}, ${text.slice(before.startIndex)}`;
      const last = names[names.length - 1];
      return `${text.slice(0, last.endIndex)}, ${name}${text.slice(last.endIndex)}`;
    }
    const line = `from ${module} import ${name}\n`;
    const anchor = relative ? lastImport : lastAbsolute ?? undefined;
    if (!anchor) {
      // No absolute import yet: before the relative ones (or at the top).
      if (!relative && lastImport) {
        const first = tree.rootNode.namedChildren.find((c) => c?.type === 'import_from_statement');
        if (first) return `${text.slice(0, first.startIndex)}${line}\n${text.slice(first.startIndex)}`;
      }
      return line + text;
    }
    // The first relative import starts its own group, after a blank line (isort's and Django's layout).
    const group = relative && anchor === lastAbsolute ? `\n${line}` : line;
    const eol = text.indexOf('\n', anchor.endIndex);
    return eol < 0 ? `${text}\n${group}` : `${text.slice(0, eol + 1)}${group}${text.slice(eol + 1)}`;
  } finally {
    tree.delete();
  }
}
