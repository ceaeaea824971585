/**
 * The templates of one project, found the way Django's loaders find them: each `TEMPLATES` engine
 * in order; within an engine its loaders (`OPTIONS.loaders`, or the filesystem loader over `DIRS`
 * then, with `APP_DIRS`, the app directories loader over each installed app's `templates/` —
 * `jinja2/` for a Jinja2 engine — in INSTALLED_APPS order). A name's first candidate wins; the
 * others are shadowed. On top of that: parses (a summary per file until it changes, full parses
 * for the recently used files), the extends/include graph in both directions (an `{% extends %}` of a template's own name continues
 * the search after it, as Django's does), block lookups along the ancestor chain, tag libraries;
 * `engines.ts` reads the engines, `statics.ts` finds static files.
 */
import path from 'node:path';
import type { DjangoProject, Memo } from '../project';
import type { Loc } from '../python/values';
import { parseTemplate, type ParsedTemplate } from './parse';
import { readLibrary, type TagLibrary } from './libraries';
import { fingerprint } from '../urls/usageIndex';
import { computeEngines, type Backend, type SearchDir, type TemplateEngine } from './engines';
import { StaticFiles } from './statics';

export type { Backend, SearchDir, TemplateEngine };

export interface Candidate {
  name: string;
  file: string;
  engine: TemplateEngine;
  dir: SearchDir;
}

const MAX_TEMPLATES = 200000;

/**
 * Django's `construct_relative_path`: a name starting with `./` or `../` is relative to the
 * including template's own name (resolved at compile time); other names are as written.
 */
export function relativeName(current: string | undefined, name: string): string {
  if (!current || !(name.startsWith('./') || name.startsWith('../'))) return name;
  const parts = current.replace(/^\/+/, '').split('/').slice(0, -1);
  for (const seg of name.split('/')) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') {
      if (!parts.length) return name;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** How many full parses are kept (the rest keep their summary only). */
const FULL_PARSES_KEPT = 500;

export interface BlockSummary {
  name: string;
  nameLoc: Loc;
}

/** The part of a parse the graph and block lookups use, kept for every template. */
export interface TemplateSummary {
  /** The parent name as written (null/absent: none or a variable). */
  extendsName?: string;
  extendsLoc?: Loc;
  includes: { name: string; loc: Loc }[];
  blocks: BlockSummary[];
}

interface Edges {
  extends?: string;
  includes: string[];
  /** The file the extends loads. */
  parent?: string;
}

function summarize(p: ParsedTemplate): TemplateSummary {
  return {
    extendsName: p.extends?.name,
    extendsLoc: p.extends?.ref?.loc,
    includes: p.includes.map((i) => ({ name: i.name, loc: i.loc })),
    blocks: p.blocks.map((b) => ({ name: b.name, nameLoc: b.nameLoc })),
  };
}

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

export class TemplateCatalog {
  private enginesMemo: Memo<TemplateEngine[]> | undefined;
  private listing: { engines: TemplateEngine[]; byName: Map<string, Candidate[]>; byFile: Map<string, Candidate[]> } | undefined;
  /** Full parses of recently used files (insertion order = recency). */
  private readonly full = new Map<string, ParsedTemplate>();
  /** Per file: what the graph needs (null: unreadable). */
  private readonly summaries = new Map<string, TemplateSummary | null>();
  private readonly revs = new Map<string, number>();
  /** Extends/include names (resolved relative names) and the parent file, per template file. */
  private edges: Map<string, Edges> | undefined;
  private readonly extendedBy = new Map<string, Set<string>>();
  private readonly includedBy = new Map<string, Set<string>>();
  private readonly childrenOf = new Map<string, Set<string>>();
  private readonly libraries = new Map<string, { hash: string; gen: number; lib: TagLibrary }>();
  /** Bumped when a tag library's Python may have changed: cached libraries re-check their text. */
  private pyGen = 0;
  private installedLibs: Memo<Map<string, string>> | undefined;
  /** `{% static %}` paths and files. */
  readonly statics: StaticFiles;

  constructor(private readonly project: DjangoProject) {
    this.statics = new StaticFiles(project);
  }

  // ---- engines and search order ---------------------------------------------------------------

  engines(): TemplateEngine[] {
    if (this.enginesMemo && this.project.isFresh(this.enginesMemo)) return this.enginesMemo.value;
    this.enginesMemo = this.project.tracked(() => computeEngines(this.project));
    return this.enginesMemo.value;
  }

  // ---- the files ------------------------------------------------------------------------------

  private list(): NonNullable<TemplateCatalog['listing']> {
    const engines = this.engines();
    if (this.listing && this.listing.engines === engines) return this.listing;
    const byName = new Map<string, Candidate[]>();
    const byFile = new Map<string, Candidate[]>();
    let count = 0;
    for (const engine of engines) {
      for (const dir of engine.dirs) {
        const seen = new Set<string>();
        const walk = (d: string, rel: string, depth: number) => {
          const real = this.project.host.realpath(d);
          if (depth > 30 || seen.has(real) || count > MAX_TEMPLATES) return;
          seen.add(real);
          const entries = this.project.host.readDirTypes(d);
          if (!entries) return;
          for (const e of entries.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
            const full = path.join(d, e.name);
            const name = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory) {
              if (e.name === '__pycache__') continue;
              walk(full, name, depth + 1);
            } else if (e.isFile) {
              const c: Candidate = { name, file: full, engine, dir };
              let list = byName.get(name);
              if (!list) byName.set(name, (list = []));
              // The same file reached through two search dirs (an app's templates/ also in DIRS,
              // a symlink): one candidate, the first; it does not shadow itself.
              if (list.length) {
                const realFull = this.project.host.realpath(full);
                if (list.some((o) => o.file === full || this.project.host.realpath(o.file) === realFull)) continue;
              }
              list.push(c);
              let fl = byFile.get(full);
              if (!fl) byFile.set(full, (fl = []));
              fl.push(c);
              count++;
            }
          }
        };
        walk(dir.dir, '', 0);
      }
    }
    if (count > MAX_TEMPLATES) this.project.log(`templates: more than ${MAX_TEMPLATES} files in template folders; the rest are not indexed`);
    this.listing = { engines, byName, byFile };
    this.listingGen++;
    this.edges = undefined;
    return this.listing;
  }

  /** Every loadable name, with its candidates in search order (the first wins). */
  names(): Map<string, Candidate[]> {
    return this.list().byName;
  }

  /** The candidates for a name, the winner first. */
  candidates(name: string): Candidate[] {
    return this.list().byName.get(name) ?? [];
  }

  resolve(name: string): Candidate | undefined {
    return this.candidates(name)[0];
  }

  /**
   * A form widget template (`django/forms/widgets/input.html`) that the form renderer loads from
   * Django's own `forms/templates` even when no TEMPLATES engine finds it: widget templates (and
   * the project templates they include) are rendered by the form renderer's engine.
   */
  formTemplate(name: string): string | undefined {
    if (!name.startsWith('django/forms/')) return undefined;
    const forms = this.project.resolver.resolve('django.forms');
    const dir = forms?.dir ?? (forms?.file ? path.dirname(forms.file) : undefined);
    if (!dir) return undefined;
    const file = path.join(dir, 'templates', name);
    return this.project.host.stat(file)?.isFile ? file : undefined;
  }

  /** The names under which a file can be loaded (usually one), with its rank among their candidates. */
  namesOf(file: string): Candidate[] {
    return this.list().byFile.get(path.normalize(file)) ?? [];
  }

  isTemplate(file: string): boolean {
    return this.namesOf(file).length > 0;
  }

  /** A template file Django never loads: every name it has loads another file first. */
  isShadowed(file: string): boolean {
    const names = this.namesOf(file);
    return names.length > 0 && names.every((c) => this.resolve(c.name)?.file !== c.file);
  }

  /** The engine backend a file is loaded by (a Jinja2 template is not checked as a Django one). */
  backendOf(file: string): Backend | undefined {
    return this.namesOf(file)[0]?.engine.backend;
  }

  /**
   * The full parse of a template file. Kept for the most recently used files only (a big project
   * has tens of thousands of templates); everything the graph and block lookups need stays in the
   * file's summary.
   */
  parsed(file: string): ParsedTemplate | undefined {
    const hit = this.full.get(file);
    if (hit) {
      // Most recently used last.
      this.full.delete(file);
      this.full.set(file, hit);
      return hit;
    }
    if (this.summaries.get(file) === null) return undefined;
    const text = this.project.host.readFile(file);
    let p: ParsedTemplate | undefined;
    if (text !== undefined) {
      try {
        p = parseTemplate(text, file);
      } catch (e) {
        this.project.log(`could not parse template ${file}: ${(e as Error).message}`);
      }
    }
    if (!p) {
      this.summaries.set(file, null);
      return undefined;
    }
    this.summaries.set(file, summarize(p));
    this.full.set(file, p);
    if (this.full.size > FULL_PARSES_KEPT) this.full.delete(this.full.keys().next().value!);
    return p;
  }

  /** What the extends/include graph and the block lookups need of a template (always kept). */
  summary(file: string): TemplateSummary | undefined {
    const s = this.summaries.get(file);
    if (s !== undefined) return s ?? undefined;
    this.parsed(file);
    return this.summaries.get(file) ?? undefined;
  }

  /** Changes whenever the file's text may have changed (for caches of per-file results). */
  revision(file: string): number {
    return this.revs.get(file) ?? 0;
  }

  /**
   * Parses every template in slices, yielding between them (the server's background warm-up),
   * then builds the extends/include graph from the summaries.
   */
  async warmUp(cancelled: () => boolean, slice = 300): Promise<number> {
    const files = [...this.list().byFile.keys()];
    for (let i = 0; i < files.length; i++) {
      if (cancelled()) return i;
      this.summary(files[i]);
      if (i % slice === slice - 1) await new Promise((r) => setImmediate(r));
    }
    this.ensureEdges();
    return files.length;
  }

  // ---- extends / include graph ----------------------------------------------------------------

  private ensureEdges(): Map<string, Edges> {
    const listing = this.list();
    if (this.edges) return this.edges;
    this.edges = new Map();
    this.extendedBy.clear();
    this.includedBy.clear();
    this.childrenOf.clear();
    for (const file of listing.byFile.keys()) this.addEdges(file);
    return this.edges;
  }

  private addEdges(file: string): void {
    const ext = this.extendsName(file);
    const e: Edges = { extends: ext, includes: this.includeNames(file), parent: ext ? this.resolveExtends(file, ext)?.file : undefined };
    this.edges!.set(file, e);
    if (e.extends) addTo(this.extendedBy, e.extends, file);
    for (const i of e.includes) addTo(this.includedBy, i, file);
    if (e.parent) addTo(this.childrenOf, e.parent, file);
  }

  private dropEdges(file: string): void {
    const e = this.edges?.get(file);
    if (!e) return;
    if (e.extends) this.extendedBy.get(e.extends)?.delete(file);
    for (const i of e.includes) this.includedBy.get(i)?.delete(file);
    if (e.parent) this.childrenOf.get(e.parent)?.delete(file);
    this.edges!.delete(file);
  }

  /** The name a file's `{% extends %}` loads (relative names resolved), if it is a literal. */
  extendsName(file: string): string | undefined {
    const n = this.summary(file)?.extendsName;
    return n === undefined ? undefined : this.qualify(file, n);
  }

  /** The names a file's `{% include %}`s load (relative names resolved). */
  includeNames(file: string): string[] {
    return this.summary(file)?.includes.map((i) => this.qualify(file, i.name)) ?? [];
  }

  /** A name written in a template, as Django resolves it there (relative to the template's name). */
  qualify(file: string, name: string): string {
    const own = this.namesOf(file)[0];
    return own && own.engine.backend === 'django' ? relativeName(own.name, name) : name;
  }

  /**
   * The file a name written in `from` loads: from the same engine (a template's extends and
   * includes are looked up by its own engine), the first candidate not in `history` (Django skips
   * the origins already in the extends chain, so a template can extend the one it shadows).
   */
  resolveFrom(from: string, name: string, history: Set<string> = new Set()): Candidate | undefined {
    const engine = this.namesOf(from)[0]?.engine;
    return this.candidates(this.qualify(from, name)).find((c) => !history.has(c.file) && (!engine || c.engine === engine));
  }

  /** The file `from`'s `{% extends name %}` loads (`from` itself skipped). */
  resolveExtends(from: string, name: string, history: Set<string> = new Set([from])): Candidate | undefined {
    return this.resolveFrom(from, name, history);
  }

  /** The chain of parents of a file, nearest first (stops at cycles and unknown parents). */
  ancestors(file: string): Candidate[] {
    const out: Candidate[] = [];
    const history = new Set([file]);
    let cur = file;
    for (let i = 0; i < 50; i++) {
      const name = this.summary(cur)?.extendsName;
      if (!name) break;
      const next = this.resolveExtends(cur, name, history);
      if (!next) break;
      out.push(next);
      history.add(next.file);
      cur = next.file;
    }
    return out;
  }

  /** Files whose `{% extends %}` loads this file. */
  children(file: string): string[] {
    this.ensureEdges();
    const kids = this.childrenOf.get(path.normalize(file));
    return kids ? [...kids].filter((k) => k !== file) : [];
  }

  /** Every file below this one in the extends tree (breadth first, cycles cut). */
  descendants(file: string): string[] {
    this.ensureEdges();
    const out: string[] = [];
    const seen = new Set([file]);
    const queue = [file];
    for (let i = 0; i < queue.length; i++) {
      for (const c of this.childrenOf.get(queue[i]) ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        out.push(c);
        queue.push(c);
      }
    }
    return out;
  }

  /** Files whose `{% include %}` loads this file. */
  includers(file: string): string[] {
    this.ensureEdges();
    const out = new Set<string>();
    for (const c of this.namesOf(file)) {
      for (const f of this.includedBy.get(c.name) ?? []) if (!out.has(f) && this.resolveFrom(f, c.name)?.file === file) out.add(f);
    }
    return [...out];
  }

  /** The block a file's block overrides: the same name in the nearest ancestor that has it. */
  overridden(file: string, name: string): { file: string; block: BlockSummary } | undefined {
    for (const a of this.ancestors(file)) {
      const b = this.summary(a.file)?.blocks.find((x) => x.name === name);
      if (b) return { file: a.file, block: b };
    }
    return undefined;
  }

  /** Blocks of the same name in every descendant: the ones overriding this file's block. */
  overriders(file: string, name: string): { file: string; block: BlockSummary }[] {
    const out: { file: string; block: BlockSummary }[] = [];
    for (const d of this.descendants(file)) {
      const b = this.summary(d)?.blocks.find((x) => x.name === name);
      if (b) out.push({ file: d, block: b });
    }
    return out;
  }

  /** Block names a file can override: those of all its ancestors, nearest first. */
  inheritedBlocks(file: string): { name: string; file: string; block: BlockSummary }[] {
    const out: { name: string; file: string; block: BlockSummary }[] = [];
    const seen = new Set<string>();
    for (const a of this.ancestors(file)) {
      for (const b of this.summary(a.file)?.blocks ?? []) {
        if (seen.has(b.name)) continue;
        seen.add(b.name);
        out.push({ name: b.name, file: a.file, block: b });
      }
    }
    return out;
  }

  // ---- tag libraries ---------------------------------------------------------------------------

  private listingGen = 0;

  /** Changes whenever a name may load another file or a library may have changed. */
  get version(): string {
    this.list();
    return `${this.listingGen}:${this.pyGen}`;
  }

  /** Changes when a tag library's module may have changed: derived scopes re-check. */
  get libraryGeneration(): number {
    return this.pyGen;
  }

  /** A library module's tags and filters (re-read when its text changes). */
  library(module: string): TagLibrary | undefined {
    const cached = this.libraries.get(module);
    if (cached && cached.gen === this.pyGen) return cached.lib;
    const mod = this.project.resolver.resolve(module);
    const file = mod?.file;
    if (!file) return undefined;
    const text = this.project.host.readFile(file);
    const hash = text === undefined ? '' : fingerprint(text);
    const hit = this.libraries.get(module);
    if (hit && hit.hash === hash) {
      hit.gen = this.pyGen;
      return hit.lib;
    }
    let lib: TagLibrary;
    try {
      lib = readLibrary(module, file, text);
    } catch (e) {
      this.project.log(`could not read tag library ${module}: ${(e as Error).message}`);
      lib = { module, file, tags: new Map(), filters: new Map(), templates: [], hasRegister: false };
    }
    this.libraries.set(module, { hash, gen: this.pyGen, lib });
    return lib;
  }

  /**
   * The `{% load %}` names of an engine, as Django computes them: `django.templatetags` then each
   * installed app's `templatetags` package (later ones win for the same name), every module below
   * with a `register`; then `OPTIONS.libraries`.
   */
  loadable(engine?: TemplateEngine): Map<string, string> {
    if (!this.installedLibs || !this.project.isFresh(this.installedLibs)) {
      this.installedLibs = this.project.tracked(() => {
        const out = new Map<string, string>();
        const pkgs = ['django.templatetags', ...this.project.installedApps().map((a) => `${a.name}.templatetags`)];
        for (const pkg of pkgs) {
          const mod = this.project.resolver.resolve(pkg);
          const dir = mod?.dir ?? (mod?.file && path.basename(mod.file) === '__init__.py' ? path.dirname(mod.file) : undefined);
          if (!dir) continue;
          this.walkLibraries(dir, pkg, '', out, 0);
        }
        return out;
      });
    }
    const libs = new Map(this.installedLibs.value);
    for (const [k, v] of (engine ?? this.djangoEngine())?.libraries ?? []) libs.set(k, v);
    return libs;
  }

  private walkLibraries(dir: string, pkg: string, prefix: string, out: Map<string, string>, depth: number): void {
    if (depth > 5) return;
    const entries = this.project.host.readDirTypes(dir) ?? [];
    for (const e of entries.slice().sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isFile && e.name.endsWith('.py') && e.name !== '__init__.py') {
        const stem = e.name.slice(0, -3);
        const text = this.project.host.readFile(path.join(dir, e.name));
        // Django keeps only modules with a `register` attribute.
        if (text && /^register\b|\bimport\b.*\bregister\b/m.test(text)) out.set(prefix + stem, `${pkg}.${prefix}${stem}`);
      } else if (e.isDirectory && this.project.host.stat(path.join(dir, e.name, '__init__.py'))?.isFile) {
        this.walkLibraries(path.join(dir, e.name), pkg, `${prefix}${e.name}.`, out, depth + 1);
      }
    }
  }

  /** The first Django engine (where `{% load %}` names come from when a file's engine is unknown). */
  djangoEngine(): TemplateEngine | undefined {
    return this.engines().find((e) => e.backend === 'django');
  }

  // ---- invalidation ----------------------------------------------------------------------------

  /** A file changed, was created or deleted. */
  invalidateFile(file: string, kind: 'changed' | 'created' | 'deleted'): void {
    const f = path.normalize(file);
    // A Python change matters only to a tag library (one read already, or any templatetags module).
    if (f.endsWith('.py') && (f.includes(`${path.sep}templatetags${path.sep}`) || [...this.libraries.values()].some((l) => l.lib.file === f))) this.pyGen++;
    this.revs.set(f, (this.revs.get(f) ?? 0) + 1);
    this.full.delete(f);
    const had = this.summaries.delete(f);
    if (kind !== 'changed') {
      // A new or removed file can change any name's winner, a library, an app's folders.
      this.listing = undefined;
      this.edges = undefined;
      this.enginesMemo = undefined;
      this.installedLibs = undefined;
      this.statics.reset();
      return;
    }
    if (had && this.edges?.has(f)) {
      this.dropEdges(f);
      this.addEdges(f);
    }
  }

}
