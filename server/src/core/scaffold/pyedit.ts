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
export function insertIntoList(text: string, name: string, item: string, index: number, augmented = false): string | undefined {
  const tree = parsePython(text);
  let at: number | undefined;
  let multiline = false;
  let indent = '';
  try {
    const list = topLevelList(tree.rootNode, name, augmented);
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
  if (at === undefined) return appendToList(text, name, item, augmented);
  return multiline ? `${text.slice(0, at)}${item},\n${indent}${text.slice(at)}` : `${text.slice(0, at)}${item}, ${text.slice(at)}`;
}

/** The index of the item of the top-level list `name` that starts on `line` (0-based), if there is one. */
export function listItemAtLine(text: string, name: string, line: number, augmented = false): number | undefined {
  const tree = parsePython(text);
  try {
    const items = topLevelList(tree.rootNode, name, augmented)?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
    const index = items.findIndex((c) => c.startPosition.row === line);
    return index < 0 ? undefined : index;
  } finally {
    tree.delete();
  }
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * `text` importing `name` from `module`: added to an existing `from module import …` (kept sorted
 * when it was), else a new import line in isort's sections: among the imports from the same
 * package (in order when they are), else after the last import of its section — standard library
 * and third-party, then the project's own packages (`firstParty`, by top-level name), then
 * relative imports — a section of its own starting after a blank line. Unchanged when imported.
 */
export function ensureImport(text: string, module: string, name: string, firstParty: (top: string) => boolean = () => false): string {
  const tree = parsePython(text);
  try {
    const top = (m: string) => m.split('.')[0];
    type Section = 'third' | 'first' | 'local';
    const sectionOf = (m: string): Section => (m.startsWith('.') ? 'local' : firstParty(top(m)) ? 'first' : 'third');
    const mine = sectionOf(module);
    const imports: { stmt: Node; module: string; section: Section }[] = [];
    // `from` imports of the same top-level package (`django.…`): the new one joins them, in order when they are.
    const kin: Node[] = [];
    for (const stmt of tree.rootNode.namedChildren) {
      if (!stmt) continue;
      const from = importedModule(stmt);
      if (from !== undefined) {
        imports.push({ stmt, module: from, section: sectionOf(from) });
        if (mine !== 'local' && stmt.type === 'import_from_statement' && !from.startsWith('.') && top(from) === top(module)) kin.push(stmt);
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
    const lineStart = (n: Node) => text.lastIndexOf('\n', n.startIndex - 1) + 1;
    const after = (n: Node, group: string) => {
      const eol = text.indexOf('\n', n.endIndex);
      return eol < 0 ? `${text}\n${group}${line}` : `${text.slice(0, eol + 1)}${group}${line}${text.slice(eol + 1)}`;
    };
    const kinModules = kin.map((k) => k.childForFieldName('module_name')!.text);
    const next = kinModules.every((m, i) => i === 0 || kinModules[i - 1] <= m) ? kin.find((_k, i) => kinModules[i] > module) : undefined;
    if (next) return `${text.slice(0, lineStart(next))}${line}${text.slice(lineStart(next))}`;
    if (kin.length) return after(kin[kin.length - 1], '');
    const same = imports.filter((i) => i.section === mine);
    if (same.length) return after(same[same.length - 1].stmt, '');
    // The first import of its section: after the sections before it, else before those after it, a blank line between.
    const order: Section[] = ['third', 'first', 'local'];
    const earlier = imports.filter((i) => order.indexOf(i.section) < order.indexOf(mine));
    if (earlier.length) return after(earlier[earlier.length - 1].stmt, '\n');
    const later = imports[0];
    if (later) return `${text.slice(0, lineStart(later.stmt))}${line}\n${text.slice(lineStart(later.stmt))}`;
    return line + text;
  } finally {
    tree.delete();
  }
}

/** The module an import statement imports from (`from x.y import z` → `x.y`, `import os.path` → `os.path`), else undefined. */
function importedModule(stmt: Node): string | undefined {
  if (stmt.type === 'future_import_statement') return '__future__';
  if (stmt.type === 'import_from_statement') return stmt.childForFieldName('module_name')?.text ?? '';
  if (stmt.type !== 'import_statement') return undefined;
  const first = stmt.childForFieldName('name');
  return (first?.type === 'aliased_import' ? first.childForFieldName('name')?.text : first?.text) ?? '';
}

/** The top-level statement nodes, decorated definitions unwrapped. */
function topLevel(root: Node): Node[] {
  return root.namedChildren.filter((c): c is Node => !!c).map((c) => (c.type === 'decorated_definition' ? c.childForFieldName('definition') ?? c : c));
}

/** The offset just past the end of the line `offset` is on (the text's end when it is the last line). */
function lineEnd(text: string, offset: number): number {
  const eol = text.indexOf('\n', offset);
  return eol < 0 ? text.length : eol;
}

/** Whether the statement is a docstring (a lone string expression). */
const isDocstring = (n: Node | undefined): boolean => n?.type === 'expression_statement' && n.namedChildren.length === 1 && n.namedChildren[0]?.type === 'string';

/**
 * `text` with `line` (an import) run by the `ready()` method of the top-level class `className`:
 * at the start of `ready`'s body (after its docstring) when it has one, else in a new `ready`
 * after the class's last statement; in the file's indentation. Unchanged when `ready` already
 * imports something named `mentions`; undefined when the class is missing or written on one line.
 */
export function addToReady(text: string, className: string, line: string, mentions: string): string | undefined {
  const tree = parsePython(text);
  try {
    const cls = topLevel(tree.rootNode).find((n) => n.type === 'class_definition' && n.childForFieldName('name')?.text === className);
    const body = cls?.childForFieldName('body');
    if (!cls || !body || body.startPosition.row === cls.startPosition.row) return undefined;
    const bodyIndent = lineIndent(text, body.startIndex);
    const unit = bodyIndent.slice(lineIndent(text, cls.startIndex).length) || indentUnit(text);
    const ready = body.namedChildren
      .map((c) => (c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c))
      .find((c): c is Node => c?.type === 'function_definition' && c.childForFieldName('name')?.text === 'ready');
    if (!ready) {
      const at = lineEnd(text, body.endIndex);
      return `${text.slice(0, at)}\n\n${bodyIndent}def ready(self):\n${bodyIndent}${unit}${line}${at < text.length ? '' : '\n'}${text.slice(at)}`;
    }
    const rbody = ready.childForFieldName('body');
    if (!rbody) return undefined;
    const word = new RegExp(`\\b${mentions}\\b`);
    const imports = [...rbody.descendantsOfType('import_statement'), ...rbody.descendantsOfType('import_from_statement')];
    if (imports.some((i) => i && word.test(i.text))) return text;
    const first = rbody.namedChildren.find((c): c is Node => !!c);
    if (!first) return undefined;
    if (rbody.startPosition.row === ready.startPosition.row) {
      // `def ready(self): pass`: the body moves to its own lines.
      const indent = lineIndent(text, ready.startIndex) + unit;
      return `${text.slice(0, rbody.startIndex).trimEnd()}\n${indent}${line}\n${indent}${text.slice(rbody.startIndex)}`;
    }
    const indent = lineIndent(text, first.startIndex);
    if (isDocstring(first)) {
      const at = lineEnd(text, first.endIndex);
      return `${text.slice(0, at)}\n${indent}${line}${text.slice(at)}`;
    }
    // Before the comment lines right above the first statement (they go with it).
    let at = text.lastIndexOf('\n', first.startIndex - 1) + 1;
    const defLineEnd = lineEnd(text, ready.startIndex);
    for (let prev = text.lastIndexOf('\n', at - 2) + 1; prev > defLineEnd && /^[ \t]*#/.test(text.slice(prev, at)); prev = text.lastIndexOf('\n', prev - 2) + 1) at = prev;
    return `${text.slice(0, at)}${indent}${line}\n${text.slice(at)}`;
  } finally {
    tree.delete();
  }
}

/** The first top-level `name = ...` assignment statement (any name when undefined; with `at`, the one whose value starts there). */
function topAssignment(root: Node, name: string | undefined, at?: { line: number; character: number }): Node | undefined {
  return root.namedChildren.find((s): s is Node => {
    const a = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
    if (a?.type !== 'assignment') return false;
    if (name !== undefined && a.childForFieldName('left')?.text !== name) return false;
    const p = a.childForFieldName('right')?.startPosition;
    return !at || (p?.row === at.line && p.column === at.character);
  });
}

/** The name a top-level assignment whose value starts at line:character (0-based) binds (`router` in `router = DefaultRouter()`). */
export function assignedName(text: string, line: number, character: number): string | undefined {
  const tree = parsePython(text);
  try {
    const left = topAssignment(tree.rootNode, undefined, { line, character })?.namedChildren[0]?.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  } finally {
    tree.delete();
  }
}

/**
 * `text` with `router.register(prefix, viewset[, basename=…])` after the last top-level
 * registration on `router` (its comment kept on its line), else after `router = …`; the prefix
 * written as the last registration writes its own (raw or not, its quote). Undefined when the
 * file does not assign `router` at the top level.
 */
export function registerOnRouter(text: string, router: string, prefix: string, viewset: string, basename?: string): string | undefined {
  const tree = parsePython(text);
  try {
    const assign = topAssignment(tree.rootNode, router);
    if (!assign) return undefined;
    let anchor: Node = assign;
    let example: Node | undefined;
    for (const s of tree.rootNode.namedChildren) {
      const call = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
      if (!s || call?.type !== 'call' || call.childForFieldName('function')?.text !== `${router}.register` || s.startIndex < assign.startIndex) continue;
      anchor = s;
      example = call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'string') ?? undefined;
    }
    const written = example ? /^([rRuU]*)(["'])/.exec(example.text) : null;
    const q = (written?.[2] as '"' | "'" | undefined) ?? quoteStyle(text);
    const raw = /r/i.test(written?.[1] ?? '') ? written![1] : '';
    const args = [`${raw}${pyString(prefix, q)}`, viewset, ...(basename ? [`basename=${pyString(basename, q)}`] : [])];
    const at = lineEnd(text, anchor.endIndex);
    return `${text.slice(0, at)}\n${router}.register(${args.join(', ')})${at < text.length ? '' : '\n'}${text.slice(at)}`;
  } finally {
    tree.delete();
  }
}

/**
 * `text` with `code` (whole lines) before the top-level `name = …` assignment, and before the
 * comment lines right above it; undefined when there is none.
 */
export function insertBeforeAssignment(text: string, name: string, code: string): string | undefined {
  const tree = parsePython(text);
  try {
    const assign = topAssignment(tree.rootNode, name);
    if (!assign) return undefined;
    let first = assign;
    for (let prev = assign.previousNamedSibling; prev?.type === 'comment' && prev.endPosition.row === first.startPosition.row - 1; prev = prev.previousNamedSibling) first = prev;
    const at = text.lastIndexOf('\n', first.startIndex - 1) + 1;
    return `${text.slice(0, at)}${code}${text.slice(at)}`;
  } finally {
    tree.delete();
  }
}

/**
 * How the file reaches module `target`'s attributes through its top-level imports (`views`,
 * `api_views`, `api.views`), or undefined. `pkg` is the file's package, for relative imports.
 */
export function moduleReference(text: string, pkg: string, target: string): string | undefined {
  const absolute = (m: string): string => {
    const dots = /^\.*/.exec(m)![0].length;
    if (!dots) return m;
    const base = pkg.split('.').slice(0, pkg.split('.').length - (dots - 1)).join('.');
    return [base, m.slice(dots)].filter(Boolean).join('.');
  };
  const tree = parsePython(text);
  try {
    for (const s of tree.rootNode.namedChildren) {
      if (s?.type === 'import_from_statement') {
        const from = absolute(s.childForFieldName('module_name')?.text ?? '');
        for (const n of s.childrenForFieldName('name')) {
          const [name, alias] = n?.type === 'aliased_import' ? [n.childForFieldName('name')?.text, n.childForFieldName('alias')?.text] : [n?.text, n?.text];
          if (name && `${from}.${name}` === target) return alias;
        }
      } else if (s?.type === 'import_statement') {
        for (const n of s.childrenForFieldName('name')) {
          if (n?.type === 'aliased_import' && n.childForFieldName('name')?.text === target) return n.childForFieldName('alias')?.text;
          if (n?.type === 'dotted_name' && n.text === target) return target;
        }
      }
    }
    return undefined;
  } finally {
    tree.delete();
  }
}
