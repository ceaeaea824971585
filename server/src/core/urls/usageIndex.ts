/**
 * The URL-name uses of a whole project (Python files and templates), for references and the
 * "unknown URL name" check, and the template names written in Python (who renders a template,
 * "unknown template"). Each file is scanned once per content version; files that cannot
 * contain a reversing call are skipped without parsing.
 */
import type { DjangoProject } from '../project';
import { parsePython, type Tree } from '../python/parser';
import { listProjectFiles } from '../files';
import { pythonUrlNameUses, templateUrlNameUses, type UrlNameUse } from './usages';
import { pythonTemplateUses, mayUseTemplates, type TemplateNameUse } from '../templates/pyuses';
import { signalReceivers, mayHaveReceivers, type SignalReceiver } from '../signals';

const PY_HINTS = ['reverse', 'redirect', 'resolve_url', 'pattern_name', '_URL'];

/** A cheap content fingerprint (FNV-1a), so unchanged files are not re-scanned and texts are not kept. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${text.length}:${(h >>> 0).toString(16)}`;
}

export interface ScannedFile {
  file: string;
  /** undefined when the file could not be read. */
  hash?: string;
  uses: UrlNameUse[];
  templates: TemplateNameUse[];
  signals?: SignalReceiver[];
}

type Found = Pick<ScannedFile, 'uses' | 'templates' | 'signals'>;

/** Scans files from disk: in process, or in a worker thread (the server's `WorkerScanner`). */
export type Scanner = (files: string[]) => Promise<ScannedFile[]>;

function scanTree(tree: Tree, file: string, text: string): Found {
  return {
    uses: PY_HINTS.some((h) => text.includes(h)) ? pythonUrlNameUses(tree, file) : [],
    templates: mayUseTemplates(text) ? pythonTemplateUses(tree, file) : [],
    ...(mayHaveReceivers(text) ? { signals: signalReceivers(tree, file) } : {}),
  };
}

export function scanFileText(file: string, text: string): Found {
  if (file.endsWith('.py')) {
    if (!PY_HINTS.some((h) => text.includes(h)) && !mayUseTemplates(text) && !mayHaveReceivers(text)) return { uses: [], templates: [] };
    const tree = parsePython(text);
    try {
      return scanTree(tree, file, text);
    } finally {
      tree.delete();
    }
  }
  return { uses: text.includes('url') ? templateUrlNameUses(text, file) : [], templates: [] };
}

export class UsageIndex {
  private readonly byFile = new Map<string, { hash: string } & Found>();
  private scanned = false;
  /** `signals()` over every file, until a file changes. */
  private signalsMemo: SignalReceiver[] | undefined;

  constructor(private readonly project: DjangoProject) {}

  /** Template folders of the TEMPLATES setting (DIRS), so templates outside `templates/` count too. */
  private templateDirs(): string[] {
    return this.project.templates().engines().flatMap((e) => e.dirs.filter((d) => d.via === 'dirs').map((d) => d.dir));
  }

  private ensure(): void {
    if (this.scanned) return;
    this.scanned = true;
    const files = listProjectFiles(this.project.host, this.project.info.pythonPaths, this.templateDirs());
    for (const f of [...files.python, ...files.templates]) this.update(f);
  }

  /**
   * Scans every file in batches, off the main thread when a `scanner` (worker) is given, else in
   * process with a yield to the event loop between batches so the server keeps answering.
   * `cancelled()` stops early (a newer indexing run started).
   */
  async scanInBackground(cancelled: () => boolean = () => false, scanner?: Scanner, batch = 200): Promise<void> {
    if (this.scanned) return;
    const files = listProjectFiles(this.project.host, this.project.info.pythonPaths, this.templateDirs());
    const all = [...files.python, ...files.templates];
    for (let i = 0; i < all.length; i += batch) {
      if (cancelled()) return;
      const chunk = all.slice(i, i + batch);
      if (scanner) {
        for (const r of await scanner(chunk)) {
          // An open buffer may have been scanned by update() meanwhile: it wins.
          if (r.hash === undefined || this.byFile.has(r.file)) continue;
          this.byFile.set(r.file, { hash: r.hash, uses: r.uses, templates: r.templates ?? [], ...(r.signals ? { signals: r.signals } : {}) });
          this.signalsMemo = undefined;
        }
      } else {
        for (let j = 0; j < chunk.length; j++) {
          this.update(chunk[j]);
          if (j % 20 === 19) await new Promise((r) => setImmediate(r));
        }
      }
    }
    this.scanned = true;
  }

  /** Re-reads one file (after an edit, creation or deletion); `tree` must be the parse of its current text. */
  update(file: string, tree?: Tree): void {
    const text = this.project.host.readFile(file);
    if (text === undefined) {
      this.remove(file);
      return;
    }
    const hash = fingerprint(text);
    if (this.byFile.get(file)?.hash === hash) return;
    this.signalsMemo = undefined;
    try {
      // An open buffer's tree (kept up to date by the server) saves parsing the text again.
      const found = tree && file.endsWith('.py') ? scanTree(tree, file, text) : scanFileText(file, text);
      this.byFile.set(file, { hash, ...found });
    } catch (e) {
      this.project.log(`could not scan ${file} for URL names: ${(e as Error).message}`);
      this.byFile.set(file, { hash, uses: [], templates: [] });
    }
  }

  remove(file: string): void {
    this.signalsMemo = undefined;
    this.byFile.delete(file);
  }

  all(): UrlNameUse[] {
    this.ensure();
    return [...this.byFile.values()].flatMap((f) => f.uses);
  }

  /** Signal receivers written in Python files. */
  signals(): SignalReceiver[] {
    this.ensure();
    this.signalsMemo ??= [...this.byFile.values()].flatMap((f) => f.signals ?? []);
    return this.signalsMemo;
  }

  /** Template names written in Python files. */
  templateUses(): TemplateNameUse[] {
    this.ensure();
    return [...this.byFile.values()].flatMap((f) => f.templates);
  }

  templateUsesIn(file: string): TemplateNameUse[] {
    this.ensure();
    return this.byFile.get(file)?.templates ?? [];
  }

  forFile(file: string): UrlNameUse[] {
    this.ensure();
    return this.byFile.get(file)?.uses ?? [];
  }

  /** Files scanned so far. */
  files(): string[] {
    return [...this.byFile.keys()];
  }
}
