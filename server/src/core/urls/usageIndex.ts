/**
 * The URL-name uses of a whole project (Python files and templates), for references and the
 * "unknown URL name" check. Each file is scanned once per content version; files that cannot
 * contain a reversing call are skipped without parsing.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import { parsePython } from '../python/parser';
import { listProjectFiles } from '../files';
import { pythonUrlNameUses, templateUrlNameUses, type UrlNameUse } from './usages';
import { asString } from '../python/values';

const PY_HINTS = ['reverse', 'redirect', 'resolve_url', 'pattern_name', '_URL'];

export function scanFileText(file: string, text: string): UrlNameUse[] {
  if (file.endsWith('.py')) {
    if (!PY_HINTS.some((h) => text.includes(h))) return [];
    const tree = parsePython(text);
    try {
      return pythonUrlNameUses(tree, file);
    } finally {
      tree.delete();
    }
  }
  if (!text.includes('url')) return [];
  return templateUrlNameUses(text, file);
}

export class UsageIndex {
  private readonly byFile = new Map<string, { text: string; uses: UrlNameUse[] }>();
  private scanned = false;

  constructor(private readonly project: DjangoProject) {}

  /** Template folders of the TEMPLATES setting (DIRS), so templates outside `templates/` count too. */
  private templateDirs(): string[] {
    const out: string[] = [];
    const t = this.project.settingsValue('TEMPLATES');
    if (t.k !== 'list') return out;
    for (const engine of t.items) {
      const e = this.project.interp().force(engine);
      if (e.k !== 'dict') continue;
      for (const [k, v] of e.entries) {
        if (k.k !== 'str' || k.v !== 'DIRS') continue;
        const dirs = this.project.interp().force(v);
        if (dirs.k === 'list') for (const d of dirs.items) {
          const s = asString(this.project.interp().force(d));
          if (s) out.push(path.resolve(this.project.root, s));
        }
      }
    }
    return out;
  }

  private ensure(): void {
    if (this.scanned) return;
    this.scanned = true;
    const files = listProjectFiles(this.project.host, this.project.info.pythonPaths, this.templateDirs());
    for (const f of [...files.python, ...files.templates]) this.update(f);
  }

  /**
   * Scans every file in batches, yielding to the event loop between batches so the server keeps
   * answering; `cancelled()` stops early (a newer indexing run started).
   */
  async scanInBackground(cancelled: () => boolean = () => false, batch = 50): Promise<void> {
    if (this.scanned) return;
    const files = listProjectFiles(this.project.host, this.project.info.pythonPaths, this.templateDirs());
    const all = [...files.python, ...files.templates];
    for (let i = 0; i < all.length; i += batch) {
      if (cancelled()) return;
      for (const f of all.slice(i, i + batch)) this.update(f);
      await new Promise((r) => setImmediate(r));
    }
    this.scanned = true;
  }

  /** Re-reads one file (after an edit, creation or deletion). */
  update(file: string): void {
    const text = this.project.host.readFile(file);
    if (text === undefined) {
      this.byFile.delete(file);
      return;
    }
    const prev = this.byFile.get(file);
    if (prev && prev.text === text) return;
    try {
      this.byFile.set(file, { text, uses: scanFileText(file, text) });
    } catch (e) {
      this.project.log(`could not scan ${file} for URL names: ${(e as Error).message}`);
      this.byFile.set(file, { text, uses: [] });
    }
  }

  remove(file: string): void {
    this.byFile.delete(file);
  }

  all(): UrlNameUse[] {
    this.ensure();
    return [...this.byFile.values()].flatMap((f) => f.uses);
  }

  forFile(file: string): UrlNameUse[] {
    this.ensure();
    return this.byFile.get(file)?.uses ?? [];
  }

  files(): string[] {
    this.ensure();
    return [...this.byFile.keys()];
  }
}
