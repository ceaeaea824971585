/**
 * Python module resolution as the interpreter does it: an ordered search path (the project roots
 * first, then site-packages), regular packages (`__init__.py`), namespace packages (a folder
 * without one), and relative imports. Results are memoized until `clear()` (files created/deleted).
 */
import path from 'node:path';
import type { Host } from '../host';

export interface ModuleFile {
  name: string;
  /** The .py file; undefined for a namespace package (a folder without __init__.py). */
  file: string | undefined;
  /** Folder of a package (regular or namespace); undefined for a plain module. */
  dir: string | undefined;
  /** Found in site-packages rather than the project. */
  external: boolean;
}

export class ModuleResolver {
  private readonly cache = new Map<string, ModuleFile | null>();
  /** stat results by path: many module names share folders (app/, app/urls.py, app/views.py). */
  private readonly stats = new Map<string, 'file' | 'dir' | null>();
  constructor(
    private readonly host: Host,
    /** Project folders on sys.path, in order. */
    readonly projectPaths: string[],
    /** site-packages folders, searched after the project. */
    readonly sitePackages: string[],
  ) {}

  clear(): void {
    this.cache.clear();
    this.stats.clear();
  }

  private kind(p: string): 'file' | 'dir' | null {
    let k = this.stats.get(p);
    if (k === undefined) {
      const st = this.host.stat(p);
      k = st?.isFile ? 'file' : st?.isDirectory ? 'dir' : null;
      this.stats.set(p, k);
    }
    return k;
  }

  resolve(name: string): ModuleFile | undefined {
    if (!name || name.startsWith('.') || name.endsWith('.')) return undefined;
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.search(name);
    this.cache.set(name, found ?? null);
    return found;
  }

  private search(name: string): ModuleFile | undefined {
    const parts = name.split('.');
    let namespace: ModuleFile | undefined;
    const roots = [...this.projectPaths.map((p) => [p, false] as const), ...this.sitePackages.map((p) => [p, true] as const)];
    for (const [root, external] of roots) {
      const found = this.searchIn(root, parts, name, external);
      if (!found) continue;
      if (found.file) return found;
      namespace ??= found;
    }
    return namespace;
  }

  private searchIn(root: string, parts: string[], name: string, external: boolean): ModuleFile | undefined {
    let dir = root;
    for (let i = 0; i < parts.length - 1; i++) {
      dir = path.join(dir, parts[i]);
      if (this.kind(dir) !== 'dir') return undefined;
    }
    const last = parts[parts.length - 1];
    const pkgDir = path.join(dir, last);
    const init = path.join(pkgDir, '__init__.py');
    if (this.kind(init) === 'file') return { name, file: init, dir: pkgDir, external };
    const mod = path.join(dir, last + '.py');
    if (this.kind(mod) === 'file') return { name, file: mod, dir: undefined, external };
    if (this.kind(pkgDir) === 'dir') return { name, file: undefined, dir: pkgDir, external };
    return undefined;
  }

  /** The dotted module name of a file under one of the search paths (the project's first). */
  moduleNameForFile(file: string): string | undefined {
    const roots = [...this.projectPaths, ...this.sitePackages].sort((a, b) => b.length - a.length);
    for (const root of roots) {
      const rel = path.relative(root, file);
      if (rel.startsWith('..') || path.isAbsolute(rel) || !rel.endsWith('.py')) continue;
      const parts = rel.slice(0, -3).split(path.sep);
      if (parts[parts.length - 1] === '__init__') parts.pop();
      if (parts.length === 0 || parts.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) continue;
      return parts.join('.');
    }
    return undefined;
  }
}

/**
 * The absolute module named by a relative import (`from ..x import y` is level 2, name "x")
 * inside module `current` (a package's own name when `isPackage`).
 */
export function resolveRelative(current: string, isPackage: boolean, level: number, name: string): string | undefined {
  const parts = current.split('.');
  if (!isPackage) parts.pop();
  for (let i = 1; i < level; i++) {
    if (parts.length === 0) return undefined;
    parts.pop();
  }
  if (name) parts.push(name);
  return parts.length ? parts.join('.') : undefined;
}
