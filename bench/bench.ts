/**
 * `npm run bench`: the analysis core on a large synthetic Django project (see generate.ts).
 *
 *   (a) generate (or reuse) the project
 *   (b) cold index: Workspace.open + urlTree() + ProjectSession + session.names, i.e. what the
 *       server needs before it can answer the first go-to-definition; then the background scan
 *       of URL-name uses over every Python file and template
 *   (c) definition latency on `reverse("...")`/`redirect("...")` strings in views.py files
 *   (d) update after an edit of an app's urls.py through an overlay buffer
 *   (e) peak RSS
 *
 *   (f) templates: a fresh project's template index (names + every parse + the extends graph),
 *       block-override queries, re-parse of an edited template, one template's diagnostics
 *
 *   (g) models: the model index (on the bench's project, then on a fresh one), completion and
 *       definition on ORM lookups in views.py files, the project map (the sidebar's request, and
 *       its JSON), workspace symbols
 *
 *   (h) request flow (on the bench's project, after the server's warm-up): the route examples,
 *       the first traceFlow, traces of example paths of random routes with a mix of methods, and
 *       traces of paths that match nothing (404: patterns tried and the nearest routes)
 *
 * Flags: --files N --apps N --patterns N --out DIR --seed N --defs N --edits N --open-docs N
 *        --templates N (templates of the template part, 0 for none)
 *        --lookups N (completion and definition requests of the model part)
 *        --flows N (traces of matching paths of the flow part; a fifth as many 404s)
 *        --results FILE --skip scan,defs,edits,templates,models,flow (to profile one phase)
 *        --verify (after the edits, compare the updated tree and names with a fresh index)
 *        --scan-inproc (scan URL-name uses on the main thread instead of the server's worker)
 *        --dump FILE (write the cold index's leaves and problems, one a line, to diff two builds)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import path from 'node:path';
import { DiskHost, OverlayHost } from '../server/src/core/host';
import { Workspace } from '../server/src/core/workspace';
import { PythonDocument } from '../server/src/core/python/parser';
import { listProjectFiles } from '../server/src/core/files';
import { ProjectSession, type Doc } from '../server/src/features/session';
import { definition } from '../server/src/features/navigation';
import { createWorkerScanner } from '../server/src/lsp/workerScanner';
import { projectDiagnostics } from '../server/src/core/checks';
import type { UrlLeaf } from '../server/src/core/urls/tree';
import { parseTemplate } from '../server/src/core/templates/parse';
import { HOSTILE } from './hostile';
import { templateFileDiagnostics, checkTemplatesInBackground } from '../server/src/core/templates/checks';
import { suggestName, isProjectFile } from '../server/src/core/checks';
/** Set by the edits phase: the server's background check of every template. */
let backgroundTemplateChecksMs: number | undefined;
import { generate, rng, appName, type GenParams, type GenResult } from './generate';
import type { DjangoProject } from '../server/src/core/project';
import { completions } from '../server/src/features/presentation';
import { projectMap, type AtlasNode } from '../server/src/features/map';
import { workspaceSymbols } from '../server/src/features/symbols';
import { toMapNode, toFlowResult } from '../server/src/lsp/convert';
import { LOOKUPS, DATE_TRANSFORMS } from '../server/src/core/models/lookups';
import { traceFlow, routeExamples, resolverFor } from '../server/src/core/flow/flow';
import type { Flow } from '../server/src/core/flow/types';

const REPO = path.resolve(__dirname, '..');

const TARGETS = {
  coldIndexMs: 5000,
  definitionP99Ms: 5,
  updateMs: 20,
  peakRssMb: 300,
  templateOverrideP99Ms: 5,
  templateReparseP99Ms: 5,
  lookupCompletionP99Ms: 10,
  projectMapMs: 200,
  flowP99Ms: 20,
};

interface Args extends GenParams {
  out: string;
  defs: number;
  edits: number;
  /** Parsed documents kept open at once during the definition phase (an editor's open tabs). */
  openDocs: number;
  /** Completion and definition requests on ORM lookups each (the model part). */
  lookups: number;
  /** Traces of matching paths in the flow part (and a fifth as many of paths matching nothing). */
  flows: number;
  results: string;
  skip: Set<string>;
  verify: boolean;
  scanInProcess: boolean;
  dump?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    files: 10000, apps: 1000, patterns: 20000, seed: 1, templates: 20000,
    out: path.join(REPO, '.bench', 'synthetic'),
    defs: 1000, edits: 20, openDocs: 50, lookups: 1000, flows: 500,
    results: path.join(REPO, 'bench', 'results.json'),
    skip: new Set(),
    verify: false,
    scanInProcess: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const val = argv[i + 1];
    const num = () => {
      const n = Number(val);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got ${val}`);
      i++;
      return n;
    };
    switch (flag) {
      case '--files': a.files = num(); break;
      case '--apps': a.apps = num(); break;
      case '--patterns': a.patterns = num(); break;
      case '--seed': a.seed = num(); break;
      case '--defs': a.defs = num(); break;
      case '--edits': a.edits = num(); break;
      case '--open-docs': a.openDocs = num(); break;
      case '--lookups': a.lookups = num(); break;
      case '--flows': a.flows = num(); break;
      case '--templates': a.templates = val === '0' ? (i++, 0) : num(); break;
      case '--skip': a.skip = new Set(val.split(',')); i++; break;
      case '--verify': a.verify = true; break;
      case '--scan-inproc': a.scanInProcess = true; break;
      case '--dump': a.dump = path.resolve(val); i++; break;
      case '--out': a.out = path.resolve(val); i++; break;
      case '--results': a.results = path.resolve(val); i++; break;
      case '-h': case '--help':
        console.log('usage: node dist/bench.js [--files N] [--apps N] [--patterns N] [--out DIR] [--seed N] [--defs N] [--edits N] [--open-docs N] [--templates N] [--lookups N] [--flows N] [--results FILE] [--skip scan,defs,edits,templates,models,flow] [--verify] [--scan-inproc] [--dump FILE]');
        process.exit(0);
        break;
      default: throw new Error(`unknown flag ${flag}`);
    }
  }
  return a;
}

const pickOne = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

const median = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 50);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const rssMb = () => process.resourceUsage().maxRSS / 1024;

/** A leaf as text, to compare two indexes of the same files. */
function leafKey(l: UrlLeaf): string {
  const v = l.pattern.view;
  return `${l.route}|${l.name}|${v ? `${v.module}.${v.qualname}@${v.loc ? `${v.loc.line}:${v.loc.character}` : '-'}` : '-'}|${l.pattern.loc.file}:${l.pattern.loc.line}:${l.pattern.loc.character}|${l.conditional}|${l.chain.length}`;
}

interface MemPoint {
  phase: string;
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

/** Memory now; with `node --expose-gc` garbage is collected first, so heapUsed is what is retained. */
function memPoint(phase: string): MemPoint {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { phase, rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20, externalMb: m.external / 2 ** 20, arrayBuffersMb: m.arrayBuffers / 2 ** 20 };
}

type Pct = { p50Ms: number; p99Ms: number; maxMs: number };

/** A gc() for the retained-heap figure, whether or not node runs with --expose-gc. */
function gcFunction(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

interface TemplateBench {
  templates: number;
  templatePartTemplates: number;
  bytes: number;
  /** Workspace.open of the fresh project (not part of the index figure). */
  openMs: number;
  /** names() (settings, engines, folder walk) + parsing every template + the extends graph. */
  coldIndexMs: number;
  namesMs: number;
  parseMs: number;
  graphMs: number;
  parseKBPerSec: number;
  /** Reading every template again through the host (for the share of the parse figure that is I/O). */
  readAllMs: number;
  extendsEdges: number;
  /** Templates by the length of their chain (the template and its ancestors). */
  chainDepths: Record<string, number>;
  overrides: {
    queries: number;
    p50Ms: number; p99Ms: number; maxMs: number;
    overriders: { queries: number; p50Ms: number; p99Ms: number; maxMs: number; meanResults: number };
    overridden: { queries: number; p50Ms: number; p99Ms: number; maxMs: number; found: number };
    /** overriders() on each block of the project's base.html (every template is below it). */
    projectBase: { blocks: number; medianMs: number; maxMs: number; results: number };
  };
  reparse: {
    edits: number; p50Ms: number; p99Ms: number; maxMs: number; extendsChanged: number; verified: number;
    invalidate: Pct; parse: Pct; children: Pct;
  };
  /** Heap retained by the fresh project after the cold template index (after a gc). */
  retainedHeapMb: number;
  /** parseTemplate on texts a naive parser takes quadratic time on (bench/hostile.ts). */
  hostile: { name: string; bytes: number; ms: number }[];
  diagnostics: {
    files: number; firstMs: number; p50Ms: number; p99Ms: number; maxMs: number; byCode: Record<string, number>;
    /** Templates with a deliberately misspelled include ("did you mean" over every template name). */
    withSuggestion: { files: number; medianMs: number; maxMs: number; suggested: number };
  };
}

/**
 * (f) the template part: a fresh project's template index (names, every parse, the extends
 * graph), block-override queries, re-parse after an edit, and one template's diagnostics.
 */
async function templateBench(args: Args, gen: GenResult, log: (m: string) => void): Promise<TemplateBench> {
  const gc = gcFunction();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const host = new OverlayHost(new DiskHost());
  const t0 = performance.now();
  const project = (await Workspace.open(host, args.out)).projects[0];
  const t1 = performance.now();
  const cat = project.templates();
  const names = cat.names();
  const t2 = performance.now();
  const files = [...new Set([...names.values()].flatMap((cs) => cs.map((c) => c.file)))];
  for (const f of files) cat.parsed(f);
  const t3 = performance.now();
  const baseFile = cat.resolve('base.html')?.file;
  if (!baseFile) throw new Error('templates: no base.html');
  const baseChildren = cat.children(baseFile);
  const t4 = performance.now();
  gc();
  const retainedHeapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  // Not timed: the size, reading alone, and the parser alone on texts already read (for a rate).
  const tr = performance.now();
  const texts = files.map((f) => host.readFile(f) ?? '');
  const readMs = performance.now() - tr;
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  const parseOnly = (() => {
    const s = performance.now();
    for (let k = 0; k < 2000 && k < files.length; k++) parseTemplate(texts[k], files[k]);
    return performance.now() - s;
  })();
  const sampleBytes = texts.slice(0, 2000).reduce((n, t) => n + t.length, 0);
  let extendsEdges = 0;
  const chainDepths: Record<string, number> = {};
  for (const f of files) {
    const n = cat.ancestors(f).length;
    if (n) extendsEdges++;
    chainDepths[n + 1] = (chainDepths[n + 1] ?? 0) + 1;
  }
  const idx = {
    openMs: t1 - t0, namesMs: t2 - t1, parseMs: t3 - t2, graphMs: t4 - t3, coldIndexMs: t4 - t1,
    parseKBPerSec: sampleBytes / 1024 / (parseOnly / 1000), readAllMs: readMs,
  };
  log(`templates: cold index ${round(idx.coldIndexMs, 0)} ms (names ${round(idx.namesMs, 0)}, parse ${round(idx.parseMs, 0)}, graph ${round(idx.graphMs, 0)}; open ${round(idx.openMs, 0)}) — ` +
    `${files.length} templates, ${round(bytes / 1e6, 1)} MB, ${extendsEdges} extend another, base.html has ${baseChildren.length} children; chain lengths ${Object.entries(chainDepths).map(([d, n]) => `${d}:${n}`).join(' ')}; parse alone ${round(idx.parseKBPerSec / 1024, 1)} MB/s, reading them all again ${round(readMs, 0)} ms; ${round(retainedHeapMb, 0)} MB heap retained (${round((retainedHeapMb * 1024) / files.length, 1)} KB a template)`);

  // Block-override queries: overriders() on the blocks of base-level templates (the app bases and
  // section layouts), overridden() on the blocks of leaf pages.
  const r = rng(args.seed + 2000);
  const nameOf = (f: string) => cat.namesOf(f)[0]?.name ?? '';
  let basePool = files.filter((f) => /^app\d+\/(base\.html|layouts\/)/.test(nameOf(f)));
  let leafPool = files.filter((f) => /^app\d+\/pages\//.test(nameOf(f)));
  // With too few templates an app gets no layouts (see generate.ts): any parent, any child then.
  if (!basePool.length) basePool = files.filter((f) => f !== baseFile && cat.children(f).length && cat.parsed(f)!.blocks.length);
  if (!basePool.length) basePool = [baseFile];
  if (!leafPool.length) leafPool = files.filter((f) => cat.ancestors(f).length && cat.parsed(f)!.blocks.length);
  const ovTimes: number[] = [];
  const odTimes: number[] = [];
  let ovResults = 0;
  let odFound = 0;
  const queries = 2000;
  for (let q = 0; q < queries; q++) {
    const leaf = q % 2 === 1;
    const file = pickOne(r, leaf ? leafPool : basePool);
    const blocks = cat.parsed(file)!.blocks;
    const block = pickOne(r, blocks).name;
    const s = performance.now();
    if (leaf) {
      if (cat.overridden(file, block)) odFound++;
      odTimes.push(performance.now() - s);
    } else {
      ovResults += cat.overriders(file, block).length;
      ovTimes.push(performance.now() - s);
    }
  }
  const pbTimes: number[] = [];
  let pbResults = 0;
  // Three of its blocks (each query walks every template below base.html).
  for (const b of cat.parsed(baseFile)!.blocks.filter((x) => ['title', 'content', 'extra_js'].includes(x.name))) {
    const s = performance.now();
    pbResults += cat.overriders(baseFile, b.name).length;
    pbTimes.push(performance.now() - s);
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return { p50Ms: percentile(s, 50), p99Ms: percentile(s, 99), maxMs: s[s.length - 1] };
  };
  const overrides = {
    queries, ...stats([...ovTimes, ...odTimes]),
    overriders: { queries: ovTimes.length, ...stats(ovTimes), meanResults: ovResults / ovTimes.length },
    overridden: { queries: odTimes.length, ...stats(odTimes), found: odFound },
    projectBase: { blocks: pbTimes.length, medianMs: median(pbTimes), maxMs: Math.max(...pbTimes), results: pbResults },
  };
  log(`templates: block overrides p50 ${round(overrides.p50Ms, 3)} ms, p99 ${round(overrides.p99Ms, 3)} ms, max ${round(overrides.maxMs, 2)} ms ` +
    `(overriders p99 ${round(overrides.overriders.p99Ms, 3)} ms, ${round(overrides.overriders.meanResults, 1)} results on average; overridden p99 ${round(overrides.overridden.p99Ms, 3)} ms, ${odFound}/${odTimes.length} found); ` +
    `overriders on base.html's ${pbTimes.length} blocks: median ${round(overrides.projectBase.medianMs, 1)} ms, max ${round(overrides.projectBase.maxMs, 1)} ms (${pbResults} results)`);

  // One template's diagnostics (the server checks each open template; the first call reads the
  // builtin libraries and the installed ones).
  const diagFiles: string[] = [];
  for (let k = 0; k < 500; k++) diagFiles.push(pickOne(r, files));
  const byCode: Record<string, number> = {};
  const diagTimes: number[] = [];
  let firstMs = 0;
  for (const [k, f] of diagFiles.entries()) {
    const s = performance.now();
    const ds = templateFileDiagnostics(project, f, cat.parsed(f)!, { suggest: suggestName });
    const ms = performance.now() - s;
    if (k === 0) firstMs = ms;
    else diagTimes.push(ms);
    for (const d of ds) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
  }
  const broken = leafPool.filter((f) => cat.parsed(f)!.includes.some((i) => i.name.endsWith('/_rows.html'))).slice(0, 20);
  const sugTimes: number[] = [];
  let suggested = 0;
  for (const f of broken) {
    const s = performance.now();
    const ds = templateFileDiagnostics(project, f, cat.parsed(f)!, { suggest: suggestName });
    sugTimes.push(performance.now() - s);
    if (ds.some((d) => d.code === 'unknown-template' && d.message.includes('did you mean'))) suggested++;
  }
  const diagnostics = {
    files: diagFiles.length, firstMs, ...stats(diagTimes), byCode,
    withSuggestion: { files: broken.length, medianMs: median(sugTimes), maxMs: sugTimes.length ? Math.max(...sugTimes) : NaN, suggested },
  };
  log(`templates: diagnostics of one template p50 ${round(diagnostics.p50Ms, 3)} ms, p99 ${round(diagnostics.p99Ms, 3)} ms, max ${round(diagnostics.maxMs, 2)} ms (first ${round(firstMs, 0)} ms; ` +
    `${Object.entries(byCode).map(([c, n]) => `${c} ${n}`).join(', ') || 'no diagnostics'}); with an unknown include: median ${round(diagnostics.withSuggestion.medianMs, 1)} ms, max ${round(diagnostics.withSuggestion.maxMs, 1)} ms (${suggested}/${broken.length} with a suggestion)`);

  // Re-parse after an edit through an overlay buffer: invalidateFile + parsed + children(). One
  // edit in four on a leaf moves it to another layout (the extends graph changes).
  const editTimes: number[] = [];
  const editParts: { invalidate: number; parse: number; children: number }[] = [];
  let extendsChanged = 0;
  let verifiedEdits = 0;
  const edits = 300;
  for (let k = 0; k < edits; k++) {
    const leaf = k % 2 === 0;
    const file = pickOne(r, leaf ? leafPool : basePool);
    const text = host.readFile(file)!;
    let edited: string;
    let newParent: string | undefined;
    const ext = /{% extends "([^"]+)" %}/.exec(text);
    if (leaf && k % 4 === 0 && ext) {
      const a = ext[1].split('/')[0];
      const layouts = [`${a}/base.html`, `${a}/layouts/section_0.html`, `${a}/layouts/section_1.html`, `${a}/layouts/section_0_wide.html`].filter((n) => n !== ext[1] && cat.resolve(n));
      newParent = layouts.length ? pickOne(r, layouts) : undefined;
    }
    if (newParent && ext) {
      edited = text.replace(ext[0], `{% extends "${newParent}" %}`);
    } else {
      const at = text.indexOf('{% endblock %}');
      edited = text.slice(0, at) + `<p>edit ${k}</p>` + text.slice(at);
    }
    host.setBuffer(file, edited);
    const s = performance.now();
    // (The catalog re-parses the file inside invalidateFile, to update its extends/include edges.)
    project.invalidateFile(file);
    const a = performance.now();
    const parsed = cat.parsed(file);
    const b = performance.now();
    cat.children(file);
    const e = performance.now();
    editTimes.push(e - s);
    editParts.push({ invalidate: a - s, parse: b - a, children: e - b });
    // Not timed: the edit is seen, and a moved page is below its new layout.
    let ok = !!parsed && (newParent ? parsed.extends?.name === newParent : parsed.blocks.length > 0 && host.readFile(file) === edited);
    if (newParent) {
      extendsChanged++;
      const parentFile = cat.resolve(newParent)?.file;
      ok = ok && !!parentFile && cat.ancestors(file)[0]?.file === parentFile && cat.children(parentFile).includes(file);
    }
    if (ok) verifiedEdits++;
  }
  const part = (k: keyof (typeof editParts)[number]) => stats(editParts.map((x) => x[k]));
  const reparse = {
    edits, ...stats(editTimes), extendsChanged, verified: verifiedEdits,
    invalidate: part('invalidate'), parse: part('parse'), children: part('children'),
  };
  log(`templates: re-parse after an edit p50 ${round(reparse.p50Ms, 3)} ms, p99 ${round(reparse.p99Ms, 3)} ms, max ${round(reparse.maxMs, 2)} ms ` +
    `(p99 of invalidateFile ${round(reparse.invalidate.p99Ms, 3)}, parsed ${round(reparse.parse.p99Ms, 3)}, children ${round(reparse.children.p99Ms, 3)}) ` +
    `(${extendsChanged} edits moved a page to another layout; ${verifiedEdits}/${edits} edits visible)`);

  const hostile = HOSTILE.map(([name, make]) => {
    const text = make();
    const t0 = performance.now();
    parseTemplate(text, 'hostile.html');
    return { name, bytes: text.length, ms: performance.now() - t0 };
  });
  for (const h of hostile) log(`templates: hostile input parsed in ${round(h.ms, 1)} ms: ${h.name}`);

  return {
    templates: files.length, templatePartTemplates: gen.templatePart?.templates ?? 0, bytes, ...idx, retainedHeapMb, extendsEdges, chainDepths,
    overrides, reparse, diagnostics, hostile,
  };
}

// ---- the model part -------------------------------------------------------------------------

/** A lookup path written in an ORM call of a view file (found by the bench's own scan of the text). */
interface LookupSite {
  /** Offset of the path's first character (after a `-` in order_by). */
  start: number;
  path: string;
  method: string;
  /** `Model.objects…` chain, `Q(…)`, `get_object_or_404(…)`, or any other receiver (`qs.filter`). */
  receiver: 'Model.objects' | 'Q' | 'get_object_or_404' | 'other';
}

const ORM_KW = new Set(['filter', 'exclude', 'get', 'Q', 'get_object_or_404']);
const ORM_STR = new Set(['order_by', 'values', 'values_list', 'select_related', 'prefetch_related']);

/** ORM keyword names and string paths in a file, by a scan of the text (calls written on one line). */
function lookupSites(text: string): LookupSite[] {
  const out: LookupSite[] = [];
  const callRe = /\b(filter|exclude|get|Q|get_object_or_404|order_by|values|values_list|select_related|prefetch_related)\(/g;
  for (const m of text.matchAll(callRe)) {
    const method = m[1];
    const open = m.index! + m[0].length - 1;
    // The arguments at depth 0, with their offsets.
    const args: [number, number][] = [];
    let depth = 0;
    let quote = '';
    let argStart = open + 1;
    let k = open + 1;
    for (; k < text.length && text[k] !== '\n'; k++) {
      const c = text[k];
      if (quote) {
        if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        args.push([argStart, k]);
        argStart = k + 1;
      }
    }
    if (text[k] !== ')') continue;
    args.push([argStart, k]);
    const lineStart = text.lastIndexOf('\n', m.index!) + 1;
    let before = text.slice(lineStart, m.index!);
    for (let prev = ''; prev !== before; ) [prev, before] = [before, before.replace(/\([^()]*\)/g, '')];
    const receiver = method === 'Q' || method === 'get_object_or_404' ? method : /\b[A-Z]\w*\.objects(\.\w+)*\.$/.test(before) ? 'Model.objects' : 'other';
    for (const [s, e] of args) {
      const seg = text.slice(s, e);
      const lead = seg.length - seg.trimStart().length;
      if (ORM_KW.has(method)) {
        const kw = /^(\w+)\s*=(?!=)/.exec(seg.trimStart());
        if (kw) out.push({ start: s + lead, path: kw[1], method, receiver });
      } else if (ORM_STR.has(method)) {
        const str = /^(["'])(-?)(\w+)\1/.exec(seg.trimStart());
        if (str) out.push({ start: s + lead + 1 + str[2].length, path: str[3], method, receiver });
      }
    }
  }
  return out;
}

/** The parts of a lookup path with their offsets in it. */
function partsOf(p: string): { part: string; at: number }[] {
  const out: { part: string; at: number }[] = [];
  let at = 0;
  for (const part of p.split('__')) {
    out.push({ part, at });
    at += part.length + 2;
  }
  return out;
}

interface ModelBench {
  index: {
    /** models() on the bench's project (URL tree built, usages scanned, the edits done). */
    warmProjectMs: number;
    /** Whether something had built the index before (then the figure above is a memo hit). */
    builtBefore: boolean;
    /** `*.models` modules already evaluated before it (by earlier phases). */
    modelsModulesBefore: number;
    /** models() again (the memo's freshness check). */
    memoHitMs: number;
    /** models() on a fresh project (Workspace.open not counted), and the heap it retains. */
    freshProjectMs: number;
    freshOpenMs: number;
    freshRetainedHeapMb: number;
    models: number;
    abstract: number;
    fields: number;
    relations: number;
    /** Reverse relations on the user model (every Owned model of every app points at it). */
    userReverse: number;
  };
  completion: LookupLatency & { meanItems: number; correct: number };
  definition: LookupLatency & { verified: number };
  /** What the server does after indexing, before the map request (resolving every view, reading every template). */
  warmUp: { viewsMs: number; templatesMs: number };
  map: {
    firstMs: number; againMedianMs: number; nodes: number; toMapNodeMs: number; stringifyMs: number; jsonBytes: number; groups: Record<string, number>;
    /** The sidebar's first request (group headers) and each group's request, as JSON. */
    headersMs: number; groupMs: Record<string, number>;
  };
  symbols: { query: string; firstMs: number; againMedianMs: number; results: number };
}

interface LookupLatency {
  calls: number;
  distinctFiles: number;
  sites: number;
  hits: number;
  p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number;
  /** The first request after the document is opened (its module evaluated the first time, its lookups collected). */
  firstAfterOpen: { calls: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Every later request. */
  later: { calls: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** [requests, with a result] by the call the path is in and by the receiver. */
  byMethod: Record<string, [number, number]>;
  byReceiver: Record<string, [number, number]>;
  /** The slowest requests: where (relative path:line:character, 1-based line), the path, how many results. */
  slowest: { ms: number; where: string; path: string; results: number; first: boolean }[];
}

interface LookupSample { ms: number; first: boolean; hit: boolean; method: string; receiver: string; where: string; path: string; results: number }

function latency(samples: LookupSample[], files: number, sites: number): LookupLatency {
  const st = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return { calls: s.length, p50Ms: percentile(s, 50), p99Ms: percentile(s, 99), maxMs: s.length ? s[s.length - 1] : NaN };
  };
  const all = samples.map((x) => x.ms).sort((x, y) => x - y);
  const by = (k: 'method' | 'receiver') => {
    const out: Record<string, [number, number]> = {};
    for (const x of samples) {
      const e = (out[x[k]] ??= [0, 0]);
      e[0]++;
      if (x.hit) e[1]++;
    }
    return out;
  };
  return {
    calls: samples.length, distinctFiles: files, sites, hits: samples.filter((x) => x.hit).length,
    p50Ms: percentile(all, 50), p90Ms: percentile(all, 90), p99Ms: percentile(all, 99), maxMs: all[all.length - 1],
    firstAfterOpen: st(samples.filter((x) => x.first).map((x) => x.ms)),
    later: st(samples.filter((x) => !x.first).map((x) => x.ms)),
    byMethod: by('method'), byReceiver: by('receiver'),
    slowest: [...samples].sort((x, y) => y.ms - x.ms).slice(0, 5).map(({ ms, where, path, results, first }) => ({ ms, where, path, results, first })),
  };
}

/**
 * (g) the model part: the model index (on the bench's project, and on a fresh one), completion and
 * definition on ORM lookups in views.py files, the project map and workspace symbols.
 */
async function modelBench(args: Args, project: DjangoProject, session: ProjectSession, host: OverlayHost, log: (m: string) => void): Promise<ModelBench> {
  // The model index on the bench's project: the URL tree is built, the usages scanned.
  const builtBefore = !!(project.models() as unknown as { memo?: unknown }).memo;
  // Models modules earlier phases evaluated already (generic views' implied templates read their model).
  const modelsModulesBefore = project.evaluatedModules().filter((m) => m.endsWith('.models')).length;
  let s = performance.now();
  const models = project.models().models();
  const warmProjectMs = performance.now() - s;
  s = performance.now();
  project.models().models();
  const memoHitMs = performance.now() - s;
  const concrete = models.filter((m) => !m.abstract);
  const fields = models.reduce((n, m) => n + m.fields.length, 0);
  const relations = models.reduce((n, m) => n + m.fields.filter((f) => f.relatedModel).length, 0);
  const userReverse = project.models().userModel() ? project.models().reverse(project.models().userModel()!.label).length : 0;
  // A fresh project (over its own host): models() alone, with the settings and apps it needs.
  const gc = gcFunction();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  s = performance.now();
  const fresh = (await Workspace.open(new OverlayHost(new DiskHost()), args.out)).projects[0];
  const freshOpenMs = performance.now() - s;
  s = performance.now();
  const freshModels = fresh.models().models();
  const freshProjectMs = performance.now() - s;
  gc();
  const freshRetainedHeapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  if (freshModels.length !== models.length) log(`models: the fresh project has ${freshModels.length} models, the bench's ${models.length}`);
  const index = {
    warmProjectMs, builtBefore, modelsModulesBefore, memoHitMs, freshProjectMs, freshOpenMs, freshRetainedHeapMb,
    models: concrete.length, abstract: models.length - concrete.length, fields, relations, userReverse,
  };
  log(`models: index ${round(warmProjectMs, 0)} ms on the bench's project${builtBefore ? ' (ALREADY BUILT before: a memo hit)' : ''} (${modelsModulesBefore} models modules evaluated before; again: ${round(memoHitMs, 2)} ms), ` +
    `${round(freshProjectMs, 0)} ms on a fresh project (open ${round(freshOpenMs, 0)} ms; ${round(freshRetainedHeapMb, 0)} MB heap retained) — ` +
    `${concrete.length} models + ${models.length - concrete.length} abstract, ${fields} fields, ${relations} relations, ${userReverse} reverse relations on the user model`);

  // The server's warm-up after indexing (lsp/main.ts): where every routed view is (reads the views
  // modules), then every template. Timed for information; what follows comes after it,
  // as a user's requests come after the server's warm-up.
  s = performance.now();
  for (const l of project.urlTree().leaves) void l.pattern.view;
  const viewsMs = performance.now() - s;
  s = performance.now();
  await project.templates().warmUp(() => false);
  const templatesMs = performance.now() - s;
  const warmUp = { viewsMs, templatesMs };
  log(`models: the server's warm-up: views ${round(viewsMs, 0)} ms, templates ${round(templatesMs, 0)} ms`);

  // Completion and definition on lookups in views.py files, over a pool of open documents as in (c).
  const r = rng(args.seed + 3000);
  const lineStarts = (text: string) => {
    const out = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') out.push(i + 1);
    return out;
  };
  type Entry = { doc: Doc; sites: LookupSite[]; starts: number[]; pd: PythonDocument };
  const openPool = (label: string) => {
    const open = new Map<string, Entry>();
    const seen = new Set<string>();
    let siteCount = 0;
    // `first`: the document was (re)opened for this request (its tree is new).
    const get = (file: string): { e: Entry; first: boolean } => {
      const firstEver = !seen.has(file);
      seen.add(file);
      let e = open.get(file);
      const first = !e;
      if (!e) {
        const text = host.readFile(file)!;
        const pd = new PythonDocument(text);
        e = { doc: { file, text, kind: 'python', tree: pd.tree }, sites: lookupSites(text), starts: lineStarts(text), pd };
        if (firstEver) siteCount += e.sites.length;
        if (!e.sites.length) throw new Error(`${label}: no ORM lookups found in ${file}`);
        open.set(file, e);
        if (open.size > args.openDocs) {
          const [oldest, o] = open.entries().next().value!;
          o.pd.dispose();
          open.delete(oldest);
        }
      }
      return { e, first };
    };
    return { get, seen, close: () => { for (const e of open.values()) e.pd.dispose(); }, sites: () => siteCount };
  };
  const position = (starts: number[], offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo] };
  };
  const viewsFile = () => path.join(args.out, appName(Math.floor(r() * args.apps)), 'views.py');

  // Completion: the cursor right after a `__`, or in the middle of a part.
  const cPool = openPool('completion');
  const cSamples: LookupSample[] = [];
  let items = 0;
  let correct = 0;
  for (let n = 0; n < args.lookups; n++) {
    const { e, first } = cPool.get(viewsFile());
    const site = pickOne(r, e.sites);
    const parts = partsOf(site.path);
    let at: number;
    let expected: string;
    if (parts.length > 1 && r() < 0.5) {
      const j = 1 + Math.floor(r() * (parts.length - 1));
      at = parts[j].at;
      expected = parts[j].part;
    } else {
      const p = pickOne(r, parts);
      at = p.at + Math.max(1, Math.floor(p.part.length / 2));
      expected = p.part;
    }
    const { line, character } = position(e.starts, site.start + at);
    const t = performance.now();
    const cs = completions(session, e.doc, line, character);
    const ms = performance.now() - t;
    cSamples.push({ ms, first, hit: cs.length > 0, method: site.method, receiver: site.receiver, where: `${path.relative(args.out, e.doc.file)}:${line + 1}:${character}`, path: site.path, results: cs.length });
    items += cs.length;
    if (cs.some((c) => c.label === expected)) correct++;
  }
  cPool.close();
  const completion = { ...latency(cSamples, cPool.seen.size, cPool.sites()), meanItems: items / cSamples.length, correct };
  const fmt = (l: LookupLatency) => `p50 ${round(l.p50Ms, 3)} ms, p99 ${round(l.p99Ms, 3)} ms, max ${round(l.maxMs, 2)} ms ` +
    `(first request after opening the file: p99 ${round(l.firstAfterOpen.p99Ms, 2)} ms over ${l.firstAfterOpen.calls}; later: p99 ${round(l.later.p99Ms, 3)} ms) — ${l.hits}/${l.calls} answered; ` +
    `by receiver ${Object.entries(l.byReceiver).map(([k, [c, h]]) => `${k} ${h}/${c}`).join(', ')}; slowest ${l.slowest.slice(0, 3).map((x) => `${round(x.ms, 1)} ms at ${x.where} ${x.path}${x.first ? ' (first)' : ''} → ${x.results}`).join(', ')}`;
  log(`models: lookup completion ${fmt(completion)}; ${round(completion.meanItems, 0)} items on average, the name at the cursor offered ${correct}/${cSamples.length}`);

  // Definition: the cursor in the middle of a part naming a field (not a lookup like icontains, nor
  // pk/id, which have no source).
  const notField = new Set([...LOOKUPS, ...DATE_TRANSFORMS, 'pk', 'id']);
  const dPool = openPool('definition');
  const dSamples: LookupSample[] = [];
  let verified = 0;
  for (let n = 0; n < args.lookups; n++) {
    const { e, first } = dPool.get(viewsFile());
    const candidates = e.sites.flatMap((site) => partsOf(site.path).filter((p) => !notField.has(p.part)).map((p) => ({ site, p })));
    const { site, p } = pickOne(r, candidates);
    const offset = site.start + p.at + Math.floor(p.part.length / 2);
    const t = performance.now();
    const locs = definition(session, e.doc, offset);
    const ms = performance.now() - t;
    const pos = position(e.starts, offset);
    dSamples.push({ ms, first, hit: locs.length > 0, method: site.method, receiver: site.receiver, where: `${path.relative(args.out, e.doc.file)}:${pos.line + 1}:${pos.character}`, path: `${site.path} (${p.part})`, results: locs.length });
    // Not timed: the target is a field's line, naming the part or (a reverse relation) relating.
    if (locs.length) {
      const line = (host.readFile(locs[0].file) ?? '').split('\n')[locs[0].line] ?? '';
      const name = /^\s*(\w+)\s*=/.exec(line)?.[1];
      if (name === p.part || (name && /ForeignKey|OneToOneField|ManyToManyField/.test(line))) verified++;
    }
  }
  dPool.close();
  const definitionStats = { ...latency(dSamples, dPool.seen.size, dPool.sites()), verified };
  log(`models: lookup definition ${fmt(definitionStats)}; ${verified} land on the field's line`);

  // The sidebar's first request: the group headers (each group is requested when opened), as JSON.
  const headerTimes: number[] = [];
  for (let k = 0; k < 4; k++) {
    const t = performance.now();
    JSON.stringify({ projects: [toMapNode(projectMap(session, () => false))] });
    headerTimes.push(performance.now() - t);
  }
  // Each group on its own, as the server sends it when the group is opened.
  const groupMs: Record<string, number> = {};
  const labels = (projectMap(session, () => false).children ?? []).map((g) => g.label);
  labels.forEach((label, i) => {
    const t = performance.now();
    JSON.stringify({ projects: [toMapNode(projectMap(session, (k) => k === i).children![i])] });
    groupMs[label] = performance.now() - t;
  });
  // The whole map (a filter builds every group; `django-atlas map`): the tree, then as JSON.
  const mapTimes: number[] = [];
  let tree: AtlasNode | undefined;
  for (let k = 0; k < 4; k++) {
    const t = performance.now();
    tree = projectMap(session);
    mapTimes.push(performance.now() - t);
  }
  s = performance.now();
  const mapNode = toMapNode(tree!);
  const toMapNodeMs = performance.now() - s;
  s = performance.now();
  const json = JSON.stringify({ projects: [mapNode] });
  const stringifyMs = performance.now() - s;
  const count = (n: AtlasNode): number => 1 + (n.children ?? []).reduce((x, c) => x + count(c), 0);
  const groups = Object.fromEntries((tree!.children ?? []).map((g) => [g.label, count(g) - 1]));
  const map = {
    firstMs: mapTimes[0], againMedianMs: median(mapTimes.slice(1)), nodes: count(tree!), toMapNodeMs, stringifyMs, jsonBytes: Buffer.byteLength(json), groups,
    headersMs: median(headerTimes), groupMs,
  };
  log(`models: project map headers ${round(map.headersMs, 1)} ms; each group when opened: ${Object.entries(groupMs).map(([g, ms]) => `${g} ${round(ms, 0)} ms`).join(', ')}`);
  log(`models: project map ${round(map.firstMs, 0)} ms (again: median ${round(map.againMedianMs, 0)} ms), ${map.nodes} nodes ` +
    `(${Object.entries(groups).map(([g, n]) => `${g} ${n}`).join(', ')}); toMapNode ${round(toMapNodeMs, 0)} ms, JSON.stringify ${round(stringifyMs, 0)} ms, ${round(map.jsonBytes / 2 ** 20, 1)} MB of JSON`);

  // Workspace symbols (Ctrl+T).
  const query = 'post';
  const symTimes: number[] = [];
  let results = 0;
  for (let k = 0; k < 4; k++) {
    const t = performance.now();
    results = workspaceSymbols(session, query).length;
    symTimes.push(performance.now() - t);
  }
  const symbols = { query, firstMs: symTimes[0], againMedianMs: median(symTimes.slice(1)), results };
  log(`models: workspace symbols '${query}' ${round(symbols.firstMs, 0)} ms (again: median ${round(symbols.againMedianMs, 0)} ms), ${results} results`);

  return { index, completion, definition: definitionStats, warmUp, map, symbols };
}

// ---- the request flow part -----------------------------------------------------------------

type FlowStats = { traces: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
type FlowSample = { ms: number; serverMs: number; method: string; path: string; kind: string };

interface FlowBench {
  /** The model index was built before the first trace (by the model part); else the first trace builds it. */
  modelIndexBuiltBefore: boolean;
  /** The server's warm-up done here (views, templates) when the model part was skipped. */
  warmUpMs?: number;
  /** Signal receivers from the usage scan (false when the scan was skipped: no receivers). */
  receivers: boolean;
  /** routeExamples(): every leaf with an example path (the Trace URL picker, CodeLenses); builds the resolver. */
  routeExamplesMs: number;
  examples: number;
  leaves: number;
  /** The first traceFlow (patterns compiled as they are tried, the view's analysis read the first time). */
  first: { ms: number; method: string; path: string; ownLeaf: boolean };
  /** Example paths of random routes, GET mostly. */
  matches: FlowStats & {
    ownLeaf: number; otherLeaf: number; noMatch: number; methodNotAllowed: number;
    byMethod: Record<string, FlowStats>;
    /** toFlowResult + JSON.stringify on top (what the server does with the flow), p99. */
    serverP99Ms: number;
    otherLeafExamples: string[];
    slowest: { ms: number; method: string; path: string }[];
  };
  /** Paths that match nothing: patterns tried and the nearest routes over every leaf. */
  notFound: FlowStats & {
    redirects: number; withNearest: number;
    byKind: Record<string, FlowStats>;
    serverP99Ms: number;
    slowest: { ms: number; method: string; path: string; kind: string }[];
  };
  /** Calls of the receivers callback (views that save or delete a model). */
  receiverCalls: number;
  /** Modules evaluated before the first trace and after the last (the views' MRO, forms, serializers read on demand). */
  modulesEvaluated: { before: number; after: number };
}

function flowStats(xs: number[]): FlowStats {
  const s = [...xs].sort((x, y) => x - y);
  return { traces: s.length, p50Ms: percentile(s, 50), p90Ms: percentile(s, 90), p99Ms: percentile(s, 99), maxMs: s.length ? s[s.length - 1] : NaN };
}

/**
 * (h) the request flow on the bench's project (URL tree built, usages scanned, the server's
 * warm-up done): routeExamples, the first traceFlow, traces of example paths of random routes
 * (GET mostly, some POST/DELETE), then paths that match nothing (404s).
 */
async function flowBench(args: Args, project: DjangoProject, session: ProjectSession, scanned: boolean, log: (m: string) => void): Promise<FlowBench> {
  const modelIndexBuiltBefore = !!(project.models() as unknown as { memo?: unknown }).memo;
  const modulesBefore = project.evaluatedModules().length;
  // Without the model part, the server's warm-up (where every view is, every template) as it would
  // have happened before a user's first trace.
  let warmUpMs: number | undefined;
  if (!modelIndexBuiltBefore) {
    const s = performance.now();
    for (const l of project.urlTree().leaves) void l.pattern.view;
    await project.templates().warmUp(() => false);
    warmUpMs = performance.now() - s;
  }
  // As the server does: receivers from the background scan, asked for only when a view saves or deletes.
  let receiverCalls = 0;
  const receivers = scanned ? () => (receiverCalls++, session.usages.signals()) : undefined;
  const trace = (p: string, method: string): { flow: Flow; ms: number; serverMs: number } => {
    const s = performance.now();
    const flow = traceFlow(project, p, method, { receivers });
    const ms = performance.now() - s;
    JSON.stringify(toFlowResult(flow, project.root));
    return { flow, ms, serverMs: performance.now() - s };
  };

  let s = performance.now();
  const examples = routeExamples(project);
  const routeExamplesMs = performance.now() - s;
  const leaves = project.urlTree().leaves.length;
  if (!examples.length) throw new Error('flow: no route examples');

  const r = rng(args.seed + 4000);
  const method = () => {
    const x = r();
    return x < 0.7 ? 'GET' : x < 0.9 ? 'POST' : 'DELETE';
  };
  const firstEx = pickOne(r, examples);
  const f0 = trace(firstEx.example, 'GET');
  const first = { ms: f0.ms, method: 'GET', path: firstEx.example, ownLeaf: f0.flow.match?.leaf === firstEx.leaf };
  log(`flow: routeExamples ${round(routeExamplesMs, 0)} ms (${examples.length} of ${leaves} leaves have an example); first trace ${round(first.ms, 1)} ms (GET ${first.path}${first.ownLeaf ? '' : ', NOT its own leaf'})` +
    `${modelIndexBuiltBefore ? '' : `; model part skipped: warm-up ${round(warmUpMs!, 0)} ms, and the first trace builds the model index`}${scanned ? '' : '; scan skipped: no signal receivers'}`);

  // Example paths of random routes.
  const mSamples: FlowSample[] = [];
  let ownLeaf = 0;
  let otherLeaf = 0;
  let noMatch = 0;
  let methodNotAllowed = 0;
  const otherLeafExamples: string[] = [];
  for (let n = 0; n < args.flows; n++) {
    const ex = pickOne(r, examples);
    const m = method();
    const t = trace(ex.example, m);
    mSamples.push({ ms: t.ms, serverMs: t.serverMs, method: m, path: ex.example, kind: 'match' });
    if (t.flow.match?.leaf === ex.leaf) ownLeaf++;
    else if (t.flow.match) {
      otherLeaf++;
      if (otherLeafExamples.length < 5) otherLeafExamples.push(`${ex.example}: /${ex.leaf.route} → /${t.flow.match.leaf.route}`);
    } else noMatch++;
    if (t.flow.methodNotAllowed) methodNotAllowed++;
  }
  const byMethod: Record<string, FlowStats> = {};
  for (const m of ['GET', 'POST', 'DELETE']) byMethod[m] = flowStats(mSamples.filter((x) => x.method === m).map((x) => x.ms));
  const slow = <T extends FlowSample>(xs: T[]) => [...xs].sort((a, b) => b.ms - a.ms).slice(0, 5);
  const matches = {
    ...flowStats(mSamples.map((x) => x.ms)), ownLeaf, otherLeaf, noMatch, methodNotAllowed, byMethod,
    serverP99Ms: flowStats(mSamples.map((x) => x.serverMs)).p99Ms, otherLeafExamples,
    slowest: slow(mSamples).map(({ ms, method, path }) => ({ ms, method, path })),
  };
  log(`flow: ${matches.traces} traces of route examples p50 ${round(matches.p50Ms, 3)} ms, p99 ${round(matches.p99Ms, 2)} ms, max ${round(matches.maxMs, 2)} ms ` +
    `(${Object.entries(byMethod).map(([m, x]) => `${m} ${x.traces}: p99 ${round(x.p99Ms, 2)}`).join(', ')}; with toFlowResult + JSON p99 ${round(matches.serverP99Ms, 2)} ms) — ` +
    `${ownLeaf}/${matches.traces} matched their own leaf, ${otherLeaf} another, ${noMatch} nothing; ${methodNotAllowed} answered 405; receivers asked ${receiverCalls} times; ` +
    `slowest ${matches.slowest.slice(0, 3).map((x) => `${round(x.ms, 1)} ms ${x.method} ${x.path}`).join(', ')}`);
  for (const o of otherLeafExamples) log(`  matched another leaf: ${o}`);

  // Paths that match nothing: near misses of route examples (a typo in a segment, an extra
  // segment, no trailing slash: APPEND_SLASH) and paths no include takes (stops at the root).
  const resolver = resolverFor(project);
  const kinds = ['typo', 'extra segment', 'no slash', 'unknown prefix'] as const;
  const missing = Math.max(20, Math.round(args.flows / 5));
  const misses: { path: string; kind: string }[] = [];
  for (let tries = 0; misses.length < missing && tries < missing * 20; tries++) {
    const kind = kinds[misses.length % kinds.length];
    const ex = pickOne(r, examples).example;
    let p: string;
    if (kind === 'typo') {
      // Swap two neighbouring letters of the last segment (`section-3/` → `sectoin-3/`).
      const segs = ex.split('/');
      const k = segs.length - (ex.endsWith('/') ? 2 : 1);
      const seg = segs[k] ?? '';
      const at = seg.length > 2 ? 1 + Math.floor(r() * (seg.length - 2)) : 0;
      segs[k] = seg.slice(0, at) + (seg[at + 1] ?? '') + (seg[at] ?? '') + seg.slice(at + 2);
      p = segs.join('/');
    } else if (kind === 'extra segment') p = `${ex.endsWith('/') ? ex : `${ex}/`}extra-${Math.floor(r() * 100)}/`;
    else if (kind === 'no slash') p = ex.replace(/\/$/, '');
    else p = `/nowhere-${Math.floor(r() * 1000)}${ex}`;
    if (p === ex || resolver.resolve(p).match) continue;
    misses.push({ path: p, kind });
  }
  const nSamples: FlowSample[] = [];
  let redirects = 0;
  let withNearest = 0;
  for (const { path: p, kind } of misses) {
    const m = method();
    const t = trace(p, m);
    if (t.flow.match) throw new Error(`flow: ${p} was to match nothing but matched /${t.flow.match.leaf.route}`);
    nSamples.push({ ms: t.ms, serverMs: t.serverMs, method: m, path: p, kind });
    if (t.flow.redirect) redirects++;
    if (t.flow.notFound?.nearest.length) withNearest++;
  }
  const byKind: Record<string, FlowStats> = {};
  for (const k of kinds) byKind[k] = flowStats(nSamples.filter((x) => x.kind === k).map((x) => x.ms));
  const notFound = {
    ...flowStats(nSamples.map((x) => x.ms)), redirects, withNearest, byKind,
    serverP99Ms: flowStats(nSamples.map((x) => x.serverMs)).p99Ms,
    slowest: slow(nSamples).map(({ ms, method, path, kind }) => ({ ms, method, path, kind })),
  };
  log(`flow: ${notFound.traces} traces of paths matching nothing p50 ${round(notFound.p50Ms, 2)} ms, p99 ${round(notFound.p99Ms, 2)} ms, max ${round(notFound.maxMs, 2)} ms ` +
    `(${Object.entries(byKind).map(([k, x]) => `${k} ${x.traces}: p50 ${round(x.p50Ms, 1)}, p99 ${round(x.p99Ms, 1)}`).join('; ')}; with toFlowResult + JSON p99 ${round(notFound.serverP99Ms, 2)} ms) — ` +
    `${redirects} APPEND_SLASH redirects, ${withNearest}/${notFound.traces} with nearest routes`);
  const modulesEvaluated = { before: modulesBefore, after: project.evaluatedModules().length };
  log(`flow: ${modulesEvaluated.after - modulesEvaluated.before} more modules evaluated by the traces (${modulesEvaluated.before} before)`);

  return {
    modelIndexBuiltBefore, ...(warmUpMs !== undefined ? { warmUpMs } : {}), receivers: scanned,
    routeExamplesMs, examples: examples.length, leaves, first, matches, notFound, receiverCalls, modulesEvaluated,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const benchStart = performance.now();
  const log = (m: string) => console.log(m);
  const mem: MemPoint[] = [];

  // (a) the project
  const gen = generate(args.out, args, log);
  log(`${gen.reused ? 'reusing' : `generated in ${round(gen.ms / 1000, 1)} s:`} ${gen.dir} — ${gen.pythonFiles} Python files, ${gen.templates} templates, ${round(gen.bytes / 1e6, 1)} MB, ${gen.appPatterns} app URL patterns`);
  mem.push(memPoint('start'));

  // (b) cold index: what the server needs before answering the first definition
  const hostLogs: string[] = [];
  const host = new OverlayHost(new DiskHost((m) => hostLogs.push(m)));
  const t0 = performance.now();
  const ws = await Workspace.open(host, args.out);
  const tOpen = performance.now();
  const project = ws.projects[0];
  if (!project) throw new Error(`no Django project found in ${args.out}`);
  const tree = project.urlTree();
  const tTree = performance.now();
  const session = new ProjectSession(project);
  const names = session.names;
  const tNames = performance.now();
  const cold = { openMs: tOpen - t0, urlTreeMs: tTree - tOpen, namesMs: tNames - tTree, totalMs: tNames - t0 };
  const modulesByKind: Record<string, number> = {};
  for (const m of project.evaluatedModules()) {
    const kind = m.startsWith('app') ? m.split('.').slice(1).join('.') || '(app package)' : m;
    modulesByKind[kind] = (modulesByKind[kind] ?? 0) + 1;
  }
  log(`cold index: ${round(cold.totalMs, 0)} ms (open ${round(cold.openMs, 0)}, urlTree ${round(cold.urlTreeMs, 0)}, names ${round(cold.namesMs, 0)}); ` +
    `${tree.leaves.length} leaves, ${names.names.length} names, ${project.evaluatedModules().length} modules evaluated, ${tree.problems.length} problems`);
  log(`  modules evaluated: ${Object.entries(modulesByKind).filter(([, n]) => n > 1).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const pr of tree.problems.slice(0, 5)) log(`  problem: ${pr.code}: ${pr.message}`);
  mem.push(memPoint('after cold index'));
  if (args.dump) {
    const lines = tree.leaves.map(leafKey);
    for (const p of tree.problems) lines.push(`problem ${p.code}: ${p.message} @ ${p.loc ? `${p.loc.file}:${p.loc.line}:${p.loc.character}` : '-'}`);
    fs.writeFileSync(args.dump, lines.join('\n') + '\n');
    log(`  wrote ${lines.length} lines to ${args.dump}`);
  }

  // Background scan of URL-name uses (the server starts it right after the URL tree, in its
  // worker thread when that starts).
  let scan: { ms: number; mode: string; pythonFiles: number; scannedFiles: number; uses: number; pythonFilesPerSec: number; filesPerSec: number } | undefined;
  if (!args.skip.has('scan')) {
    const files = listProjectFiles(host, project.info.pythonPaths);
    const worker = args.scanInProcess ? undefined : createWorkerScanner(log);
    const mode = worker ? 'worker thread' : 'in process';
    const t1 = performance.now();
    await session.usages.scanInBackground(() => false, worker?.scanner);
    const scanMs = performance.now() - t1;
    worker?.dispose();
    const uses = session.usages.all().length;
    const scannedFiles = session.usages.files().length;
    scan = {
      ms: scanMs, mode, pythonFiles: files.python.length, scannedFiles, uses,
      pythonFilesPerSec: files.python.length / (scanMs / 1000),
      filesPerSec: scannedFiles / (scanMs / 1000),
    };
    log(`usage scan (${mode}): ${round(scanMs, 0)} ms, ${scannedFiles} files (${files.python.length} Python), ${uses} uses`);
    mem.push(memPoint('after usage scan'));
  }

  // (c) definition latency on reverse()/redirect() strings in views.py files. The server keeps
  // the open documents parsed; here a pool of `openDocs` parsed documents stands for the editor's
  // tabs (the oldest is closed when another is opened). Only the definition call is timed.
  const r = rng(args.seed + 1000);
  let defs: { calls: number; distinctDocs: number; hits: number; empty: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number } | undefined;
  if (!args.skip.has('defs')) {
    const open = new Map<string, { doc: Doc; sites: number[]; pd: PythonDocument }>();
    const seen = new Set<string>();
    const callRe = /\b(?:reverse|reverse_lazy|redirect)\(\s*"([^"]+)"/g;
    const times: number[] = [];
    let hits = 0;
    for (let n = 0; n < args.defs; n++) {
      const file = path.join(args.out, appName(Math.floor(r() * args.apps)), 'views.py');
      seen.add(file);
      let entry = open.get(file);
      if (!entry) {
        const text = host.readFile(file)!;
        const pd = new PythonDocument(text);
        const sites: number[] = [];
        // The middle of the name string's content.
        for (const m of text.matchAll(callRe)) sites.push(m.index! + m[0].length - m[1].length + Math.floor(m[1].length / 2));
        entry = { doc: { file, text, kind: 'python', tree: pd.tree }, sites, pd };
        open.set(file, entry);
        if (open.size > args.openDocs) {
          const [oldest, e] = open.entries().next().value!;
          e.pd.dispose();
          open.delete(oldest);
        }
      }
      const offset = entry.sites[Math.floor(r() * entry.sites.length)];
      const s = performance.now();
      const locs = definition(session, entry.doc, offset);
      times.push(performance.now() - s);
      if (locs.length) hits++;
    }
    mem.push(memPoint('after definitions'));
    for (const e of open.values()) e.pd.dispose();
    times.sort((x, y) => x - y);
    defs = {
      calls: args.defs, distinctDocs: seen.size, hits, empty: args.defs - hits,
      p50Ms: percentile(times, 50), p90Ms: percentile(times, 90), p99Ms: percentile(times, 99), maxMs: times[times.length - 1],
    };
    log(`definition: p50 ${round(defs.p50Ms, 3)} ms, p99 ${round(defs.p99Ms, 3)} ms, max ${round(defs.maxMs, 3)} ms (${hits}/${args.defs} found a pattern)`);
  }

  // (d) update after editing one app's urls.py (a route string), median over distinct apps
  let update: Record<string, number> | undefined;
  if (!args.skip.has('edits')) {
    const editApps: number[] = [];
    while (editApps.length < Math.min(args.edits, args.apps)) {
      const i = Math.floor(r() * args.apps);
      if (!editApps.includes(i)) editApps.push(i);
    }
    const times: number[] = [];
    const parts: { invalidate: number; tree: number; names: number }[] = [];
    const usageTimes: number[] = [];
    let verified = 0;
    for (const [j, i] of editApps.entries()) {
      const file = path.join(args.out, appName(i), 'urls.py');
      const text = host.readFile(file)!;
      const edited = text.replace('"section-0/"', `"section-0-edit${j}/"`);
      if (edited === text) throw new Error(`no route to edit in ${file}`);
      host.setBuffer(file, edited);
      const s = performance.now();
      project.invalidateFile(file);
      const a = performance.now();
      const t = project.urlTree();
      const b = performance.now();
      const nm = session.names;
      const e = performance.now();
      times.push(e - s);
      parts.push({ invalidate: a - s, tree: b - a, names: e - b });
      // What the server also does on a change (not part of the figure above).
      const u = performance.now();
      session.usages.update(file);
      usageTimes.push(performance.now() - u);
      if (nm.lookup(`${appName(i)}:name-0`).some((l) => l.route.includes(`section-0-edit${j}/`)) && t.leaves.length === tree.leaves.length) verified++;
    }
    // The server then re-publishes diagnostics for the whole project (debounced); for information.
    const diagTimes: number[] = [];
    let diagCount = 0;
    if (scan) {
      for (let k = 0; k < 3; k++) {
        const d = performance.now();
        // As the server does: templates that are not open are checked in the background.
        diagCount = projectDiagnostics(project, session.usages, { templatesNow: () => false }).length;
        diagTimes.push(performance.now() - d);
      }
    }
    update = {
      edits: editApps.length, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times),
      medianInvalidateMs: median(parts.map((x) => x.invalidate)),
      medianUrlTreeMs: median(parts.map((x) => x.tree)),
      medianNamesMs: median(parts.map((x) => x.names)),
      medianUsageUpdateMs: median(usageTimes),
      ...(diagTimes.length ? { projectDiagnosticsMs: median(diagTimes), projectDiagnosticsFirstMs: diagTimes[0], projectDiagnostics: diagCount } : {}),
      verified,
    };
    if (scan) {
      const t = performance.now();
      await checkTemplatesInBackground(project, { suggest: suggestName }, (f) => isProjectFile(project, f), () => false);
      backgroundTemplateChecksMs = performance.now() - t;
      log(`background template diagnostics (every template): ${round(backgroundTemplateChecksMs, 0)} ms`);
    }
    if (diagTimes.length) log(`project diagnostics after an edit: ${round(median(diagTimes), 0)} ms, first ${round(diagTimes[0], 0)} ms (${diagCount} diagnostics)`);
    log(`update: median ${round(update.medianMs, 1)} ms (invalidate ${round(update.medianInvalidateMs, 2)}, urlTree ${round(update.medianUrlTreeMs, 1)}, names ${round(update.medianNamesMs, 1)}), max ${round(update.maxMs, 1)} ms; ${verified}/${editApps.length} edits visible in the new tree`);
    mem.push(memPoint('after edits'));
  }

  // (e) peak RSS (before the optional verification, which opens a second index)
  const peakRssMb = rssMb();

  // (f) templates (a second, fresh project over the same folder; after the peak RSS figure above)
  let templates: TemplateBench | undefined;
  if (!args.skip.has('templates') && args.templates > 0) {
    const s = performance.now();
    templates = await templateBench(args, gen, log);
    log(`templates: phase took ${round((performance.now() - s) / 1000, 1)} s`);
    mem.push(memPoint('after templates'));
  }
  const peakRssWithTemplatesMb = rssMb();

  // (g) models, map, symbols (on the bench's project: URL tree built, usages scanned, edits done)
  let models: ModelBench | undefined;
  if (!args.skip.has('models')) {
    const s = performance.now();
    models = await modelBench(args, project, session, host, log);
    log(`models: phase took ${round((performance.now() - s) / 1000, 1)} s`);
    mem.push(memPoint('after models'));
  }
  const peakRssWithModelsMb = rssMb();

  // (h) the request flow (on the bench's project, after the server's warm-up)
  let flow: FlowBench | undefined;
  if (!args.skip.has('flow')) {
    const s = performance.now();
    flow = await flowBench(args, project, session, !!scan, log);
    log(`flow: phase took ${round((performance.now() - s) / 1000, 1)} s`);
    mem.push(memPoint('after flow'));
  }

  // Optional: the incrementally updated tree and names must equal a fresh index of the same files.
  let verified: { ok: boolean; leaves: number; mismatches: string[] } | undefined;
  if (args.verify) {
    // Other kinds of edit first (timed, for information): a view renamed, an admin registration
    // removed, a pattern added.
    const other = (i: number) => (Math.floor(r() * args.apps) + i) % args.apps;
    const otherEdits: [string, string, (t: string) => string][] = [
      ['views.py: view renamed', path.join(args.out, appName(other(1)), 'views.py'), (t) => t.replace('def index(', 'def index_renamed(')],
      ['admin.py: registration removed', path.join(args.out, appName(other(2)), 'admin.py'), (t) => t.replace('admin.site.register(Category, CategoryAdmin)', '')],
      ['urls.py: pattern added', path.join(args.out, appName(other(3)), 'urls.py'), (t) => t.replace('urlpatterns = [', 'urlpatterns = [\n    path("added/", views.index, name="added"),')],
    ];
    // An include of a module that does not exist yet, then the module created (as an unsaved buffer).
    const newApp = other(4);
    const newModule = path.join(args.out, appName(newApp), 'extra_urls.py');
    otherEdits.push(
      ['urls.py: include of a missing module', path.join(args.out, appName(newApp), 'urls.py'), (t) => t.replace('urlpatterns = [', `urlpatterns = [\n    path("extra/", include("${appName(newApp)}.extra_urls")),`).replace('from django.urls import path', 'from django.urls import include, path')],
      ['module created', newModule, () => 'from django.urls import path\n\nfrom . import views\n\nurlpatterns = [\n    path("x/", views.index, name="extra-x"),\n]\n'],
    );
    for (const [what, file, edit] of otherEdits) {
      const text = host.readFile(file) ?? '';
      if (edit(text) === text) throw new Error(`edit '${what}' changed nothing in ${file}`);
      host.setBuffer(file, edit(text));
      const s = performance.now();
      project.invalidateFile(file, !text);
      void session.names;
      log(`update after ${what}: ${round(performance.now() - s, 1)} ms`);
    }
    const fresh = (await Workspace.open(host, args.out)).projects[0];
    const freshSession = new ProjectSession(fresh);
    const a = project.urlTree().leaves.map(leafKey);
    const b = fresh.urlTree().leaves.map(leafKey);
    const mismatches: string[] = [];
    if (a.length !== b.length) mismatches.push(`leaf count ${a.length} vs fresh ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length) && mismatches.length < 10; i++) if (a[i] !== b[i]) mismatches.push(`leaf ${i}: ${a[i]} vs fresh ${b[i]}`);
    const keys = new Set<string>();
    for (const l of fresh.urlTree().leaves) {
      if (!l.name) continue;
      keys.add(l.name);
      const parts = l.name.split(':');
      for (let i = 0; i < parts.length - 1; i++) if (l.appNames[i]) keys.add([...parts.slice(0, i), l.appNames[i], ...parts.slice(i + 1)].join(':'));
    }
    for (const k of keys) {
      const x = session.names.lookup(k).map(leafKey).join(',');
      const y = freshSession.names.lookup(k).map(leafKey).join(',');
      if (x !== y && mismatches.length < 20) mismatches.push(`lookup(${k}): ${x} vs fresh ${y}`);
    }
    if (session.names.names.join() !== freshSession.names.names.join()) mismatches.push('names list differs');
    const probs = (t: { problems: { code: string; message: string }[] }) => t.problems.map((p) => `${p.code}: ${p.message}`).sort().join('\n');
    if (probs(project.urlTree()) !== probs(fresh.urlTree())) mismatches.push(`problems differ: ${probs(project.urlTree())} vs fresh ${probs(fresh.urlTree())}`);
    verified = { ok: mismatches.length === 0, leaves: b.length, mismatches };
    log(`verify: ${verified.ok ? 'updated index equals a fresh one' : 'MISMATCH'} (${b.length} leaves, ${keys.size} names looked up)`);
    for (const m of mismatches) log(`  ${m}`);
  }


  const rows: [string, string, string, boolean | undefined][] = [
    ['cold index (open+urlTree+names)', `${round(cold.totalMs, 0)} ms`, `≤ ${TARGETS.coldIndexMs} ms`, cold.totalMs <= TARGETS.coldIndexMs],
    ['  Workspace.open', `${round(cold.openMs, 0)} ms`, '', undefined],
    ['  project.urlTree()', `${round(cold.urlTreeMs, 0)} ms`, '', undefined],
    ['  session.names', `${round(cold.namesMs, 0)} ms`, '', undefined],
  ];
  if (scan) {
    rows.push(
      [`usage scan (background, ${scan.mode})`, `${round(scan.ms, 0)} ms`, '', undefined],
      ['  Python files/s', `${round(scan.pythonFilesPerSec, 0)}`, '', undefined],
      ['  all files/s (py+templates)', `${round(scan.filesPerSec, 0)}`, '', undefined],
    );
  }
  if (defs) {
    rows.push(
      ['definition p50', `${round(defs.p50Ms, 3)} ms`, '', undefined],
      ['definition p99', `${round(defs.p99Ms, 3)} ms`, `≤ ${TARGETS.definitionP99Ms} ms`, defs.p99Ms <= TARGETS.definitionP99Ms],
    );
  }
  if (update) {
    rows.push(['update after urls.py edit (median)', `${round(update.medianMs, 1)} ms`, `≤ ${TARGETS.updateMs} ms`, update.medianMs <= TARGETS.updateMs]);
    if (update.projectDiagnosticsMs !== undefined) {
      rows.push(['  then project diagnostics (server)', `${round(update.projectDiagnosticsMs, 0)} ms`, '', undefined]);
      rows.push(['  (first run after the edits)', `${round(update.projectDiagnosticsFirstMs, 0)} ms`, '', undefined]);
      if (backgroundTemplateChecksMs !== undefined) rows.push(['  background checks of every template', `${round(backgroundTemplateChecksMs, 0)} ms`, '', undefined]);
    }
  }
  rows.push(['peak RSS', `${round(peakRssMb, 0)} MB`, `≤ ${TARGETS.peakRssMb} MB`, peakRssMb <= TARGETS.peakRssMb]);
  if (templates) {
    const t = templates;
    rows.push(
      [`cold template index (${t.templates} templates)`, `${round(t.coldIndexMs, 0)} ms`, '', undefined],
      ['  names() (settings, folders)', `${round(t.namesMs, 0)} ms`, '', undefined],
      ['  parse every template', `${round(t.parseMs, 0)} ms`, '', undefined],
      ['  extends graph (children())', `${round(t.graphMs, 0)} ms`, '', undefined],
      ['  heap retained by the index', `${round(t.retainedHeapMb, 0)} MB`, '', undefined],
      ['block override query p99', `${round(t.overrides.p99Ms, 3)} ms`, `≤ ${TARGETS.templateOverrideP99Ms} ms`, t.overrides.p99Ms <= TARGETS.templateOverrideP99Ms],
      ['  overriders() p99 (app/section bases)', `${round(t.overrides.overriders.p99Ms, 3)} ms`, '', undefined],
      ['  overridden() p99 (leaf pages)', `${round(t.overrides.overridden.p99Ms, 3)} ms`, '', undefined],
      ['  overriders() on base.html (3 blocks, median)', `${round(t.overrides.projectBase.medianMs, 1)} ms`, '', undefined],
      ['template re-parse after edit p99', `${round(t.reparse.p99Ms, 3)} ms`, `≤ ${TARGETS.templateReparseP99Ms} ms`, t.reparse.p99Ms <= TARGETS.templateReparseP99Ms],
      ['template diagnostics p99', `${round(t.diagnostics.p99Ms, 3)} ms`, '', undefined],
      ['  with a "did you mean" (median)', `${round(t.diagnostics.withSuggestion.medianMs, 1)} ms`, '', undefined],
      ['hostile templates (bench/hostile.ts), slowest', `${round(Math.max(...t.hostile.map((h) => h.ms)), 0)} ms`, '', undefined],
      ['peak RSS incl. template phase', `${round(peakRssWithTemplatesMb, 0)} MB`, '', undefined],
    );
  }
  if (models) {
    const m = models;
    rows.push(
      [`model index, bench's project (${m.index.models} models)`, `${round(m.index.warmProjectMs, 0)} ms`, '', undefined],
      ['  on a fresh project (open not counted)', `${round(m.index.freshProjectMs, 0)} ms`, '', undefined],
      ['lookup completion p99', `${round(m.completion.p99Ms, 3)} ms`, `≤ ${TARGETS.lookupCompletionP99Ms} ms`, m.completion.p99Ms <= TARGETS.lookupCompletionP99Ms],
      ['  first request after opening a file, p99', `${round(m.completion.firstAfterOpen.p99Ms, 2)} ms`, '', undefined],
      ['  later requests, p99', `${round(m.completion.later.p99Ms, 3)} ms`, '', undefined],
      ['  answered', `${m.completion.hits}/${m.completion.calls}`, '', undefined],
      ['lookup definition p99', `${round(m.definition.p99Ms, 3)} ms`, '', undefined],
      ['  first request after opening a file, p99', `${round(m.definition.firstAfterOpen.p99Ms, 2)} ms`, '', undefined],
      ['  later requests, p99', `${round(m.definition.later.p99Ms, 3)} ms`, '', undefined],
      ['  found', `${m.definition.hits}/${m.definition.calls}`, '', undefined],
      ['project map request (group headers)', `${round(m.map.headersMs, 1)} ms`, `≤ ${TARGETS.projectMapMs} ms`, m.map.headersMs <= TARGETS.projectMapMs],
      ['  slowest group when opened', `${round(Math.max(...Object.values(m.map.groupMs)), 0)} ms`, '', undefined],
      [`  whole map, every group (${m.map.nodes} nodes)`, `${round(m.map.firstMs, 0)} ms`, '', undefined],
      ['  again (median)', `${round(m.map.againMedianMs, 0)} ms`, '', undefined],
      ['  toMapNode + JSON.stringify', `${round(m.map.toMapNodeMs + m.map.stringifyMs, 0)} ms`, '', undefined],
      ['  JSON size', `${round(m.map.jsonBytes / 2 ** 20, 1)} MB`, '', undefined],
      [`workspace symbols '${m.symbols.query}'`, `${round(m.symbols.firstMs, 0)} ms`, '', undefined],
      ['  again (median)', `${round(m.symbols.againMedianMs, 0)} ms`, '', undefined],
      ['peak RSS incl. model phase', `${round(peakRssWithModelsMb, 0)} MB`, '', undefined],
    );
  }
  if (flow) {
    const f = flow;
    rows.push(
      [`route examples (${f.examples} routes)`, `${round(f.routeExamplesMs, 0)} ms`, '', undefined],
      ['first flow trace', `${round(f.first.ms, 1)} ms`, '', undefined],
      [`flow trace p99 (${f.matches.traces} route examples)`, `${round(f.matches.p99Ms, 2)} ms`, `≤ ${TARGETS.flowP99Ms} ms`, f.matches.p99Ms <= TARGETS.flowP99Ms],
      ['  p50 / max', `${round(f.matches.p50Ms, 2)} / ${round(f.matches.maxMs, 1)} ms`, '', undefined],
      ['  matched their own route', `${f.matches.ownLeaf}/${f.matches.traces}`, '', undefined],
      [`flow trace p99 (${f.notFound.traces} paths matching nothing)`, `${round(f.notFound.p99Ms, 2)} ms`, `≤ ${TARGETS.flowP99Ms} ms`, f.notFound.p99Ms <= TARGETS.flowP99Ms],
      ['  p50 / max', `${round(f.notFound.p50Ms, 2)} / ${round(f.notFound.maxMs, 1)} ms`, '', undefined],
      ['  with toFlowResult + JSON, p99 (match / 404)', `${round(f.matches.serverP99Ms, 2)} / ${round(f.notFound.serverP99Ms, 2)} ms`, '', undefined],
    );
  }
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const w2 = Math.max(...rows.map((x) => x[2].length));
  log('');
  log(`project: ${gen.pythonFiles} .py, ${gen.templates} templates, ${args.apps} apps, ${gen.models.models} models, ${tree.leaves.length} URL leaves (${gen.appPatterns} app patterns + project/admin); node ${process.version}, ${os.cpus().length} CPUs`);
  log(`${'metric'.padEnd(w0)}  ${'value'.padStart(w1)}  ${'target'.padEnd(w2)}  ok`);
  log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(w2)}  ---`);
  for (const [m, v, t, ok] of rows) log(`${m.padEnd(w0)}  ${v.padStart(w1)}  ${t.padEnd(w2)}  ${ok === undefined ? '' : ok ? 'yes' : 'NO'}`);
  log('');
  log(`memory (MB)${(globalThis as { gc?: unknown }).gc ? ' after gc()' : ''}     rss  heapUsed  external  arrayBuffers`);
  for (const m of mem) log(`${m.phase.padEnd(18)} ${round(m.rssMb, 0).toString().padStart(6)} ${round(m.heapUsedMb, 0).toString().padStart(9)} ${round(m.externalMb, 0).toString().padStart(9)} ${round(m.arrayBuffersMb, 0).toString().padStart(13)}`);

  const totalSec = (performance.now() - benchStart) / 1000;
  log(`total bench time ${round(totalSec, 1)} s${gen.reused ? '' : ' (including generation)'}`);
  const result = {
    date: new Date().toISOString(),
    totalSec,
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
    params: { files: args.files, apps: args.apps, patterns: args.patterns, seed: args.seed, templates: args.templates, defs: args.defs, edits: args.edits, openDocs: args.openDocs, lookups: args.lookups, flows: args.flows, skip: [...args.skip] },
    project: {
      dir: gen.dir, reused: gen.reused, pythonFiles: gen.pythonFiles, templates: gen.templates, bytes: gen.bytes, appPatterns: gen.appPatterns, templatePart: gen.templatePart, models: gen.models,
      leaves: tree.leaves.length, names: names.names.length, modulesEvaluated: project.evaluatedModules().length, modulesByKind, problems: tree.problems.length,
    },
    coldIndex: cold,
    usageScan: scan,
    definition: defs,
    update,
    templates,
    models,
    flow,
    verified,
    peakRssMb,
    peakRssWithTemplatesMb,
    peakRssWithModelsMb,
    memory: mem,
    targets: TARGETS,
    pass: {
      coldIndex: cold.totalMs <= TARGETS.coldIndexMs,
      definitionP99: defs ? defs.p99Ms <= TARGETS.definitionP99Ms : null,
      update: update ? update.medianMs <= TARGETS.updateMs : null,
      peakRss: peakRssMb <= TARGETS.peakRssMb,
      templateOverrideP99: templates ? templates.overrides.p99Ms <= TARGETS.templateOverrideP99Ms : null,
      templateReparseP99: templates ? templates.reparse.p99Ms <= TARGETS.templateReparseP99Ms : null,
      lookupCompletionP99: models ? models.completion.p99Ms <= TARGETS.lookupCompletionP99Ms : null,
      projectMap: models ? models.map.headersMs <= TARGETS.projectMapMs : null,
      flowP99: flow ? flow.matches.p99Ms <= TARGETS.flowP99Ms : null,
      flowNotFoundP99: flow ? flow.notFound.p99Ms <= TARGETS.flowP99Ms : null,
    },
  };
  fs.mkdirSync(path.dirname(args.results), { recursive: true });
  fs.writeFileSync(args.results, JSON.stringify(result, null, 2) + '\n');
  log(`\nwrote ${args.results}`);
  if (hostLogs.length) log(`(${hostLogs.length} lines logged by the analysis; first: ${hostLogs[0]})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
