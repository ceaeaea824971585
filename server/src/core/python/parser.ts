/**
 * Python parsing with web-tree-sitter + tree-sitter-python (wasm shipped in the npm packages and
 * copied next to the bundles). `initPython()` must be awaited once; after that parsing is synchronous.
 * `PythonDocument` keeps a tree for one text and re-parses incrementally when the text changes.
 */
import { Parser, Language, Edit, type Tree, type Node } from 'web-tree-sitter';
import { existsSync } from 'node:fs';
import path from 'node:path';

export type { Tree, Node };

let parser: Parser | undefined;
let initPromise: Promise<void> | undefined;

/** Where the wasm files are: next to the bundle (dist/) or in node_modules (tests). */
function wasmPath(file: string, pkg: string): string {
  const candidates = [
    path.join(__dirname, file),
    path.join(__dirname, '..', file),
    path.join(process.cwd(), 'dist', file),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  return require.resolve(`${pkg}/${file}`);
}

export function initPython(): Promise<void> {
  initPromise ??= (async () => {
    const runtime = wasmPath('web-tree-sitter.wasm', 'web-tree-sitter');
    await Parser.init({ locateFile: () => runtime });
    const lang = await Language.load(wasmPath('tree-sitter-python.wasm', 'tree-sitter-python'));
    const p = new Parser();
    p.setLanguage(lang);
    parser = p;
  })();
  return initPromise;
}

/** Whether initPython() has finished (edits that arrive earlier are parsed when first needed). */
export function pythonReady(): boolean {
  return !!parser;
}

function theParser(): Parser {
  if (!parser) throw new Error('initPython() was not awaited');
  return parser;
}

/** Parses text from scratch. The caller owns the tree (call `tree.delete()` when done). */
export function parsePython(text: string, old?: Tree): Tree {
  const tree = theParser().parse(text, old ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * One Python text and its tree, re-parsed incrementally: the changed span is found by comparing
 * the old and new texts (common prefix and suffix), passed to `tree.edit`, and the old tree reused.
 */
export class PythonDocument {
  private _tree: Tree;
  constructor(private _text: string) {
    this._tree = parsePython(_text);
  }
  get text(): string {
    return this._text;
  }
  get tree(): Tree {
    return this._tree;
  }
  update(text: string): void {
    const old = this._text;
    if (text === old) return;
    let start = 0;
    const minLen = Math.min(old.length, text.length);
    while (start < minLen && old.charCodeAt(start) === text.charCodeAt(start)) start++;
    let oldEnd = old.length;
    let newEnd = text.length;
    while (oldEnd > start && newEnd > start && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
      oldEnd--;
      newEnd--;
    }
    this._tree.edit(
      new Edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: newEnd,
        startPosition: pointAt(old, start),
        oldEndPosition: pointAt(old, oldEnd),
        newEndPosition: pointAt(text, newEnd),
      }),
    );
    const next = parsePython(text, this._tree);
    this._tree.delete();
    this._tree = next;
    this._text = text;
  }
  dispose(): void {
    this._tree.delete();
  }
}
