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
 * Flags: --files N --apps N --patterns N --out DIR --seed N --defs N --edits N --open-docs N
 *        --results FILE --skip scan,defs,edits (to profile one phase)
 *        --verify (after the edits, compare the updated tree and names with a fresh index)
 *        --scan-inproc (scan URL-name uses on the main thread instead of the server's worker)
 *        --dump FILE (write the cold index's leaves and problems, one a line, to diff two builds)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
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
import { generate, rng, appName, type GenParams } from './generate';

const REPO = path.resolve(__dirname, '..');

const TARGETS = {
  coldIndexMs: 5000,
  definitionP99Ms: 5,
  updateMs: 20,
  peakRssMb: 300,
};

interface Args extends GenParams {
  out: string;
  defs: number;
  edits: number;
  /** Parsed documents kept open at once during the definition phase (an editor's open tabs). */
  openDocs: number;
  results: string;
  skip: Set<string>;
  verify: boolean;
  scanInProcess: boolean;
  dump?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    files: 10000, apps: 1000, patterns: 20000, seed: 1,
    out: path.join(REPO, '.bench', 'synthetic'),
    defs: 1000, edits: 20, openDocs: 50,
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
      case '--skip': a.skip = new Set(val.split(',')); i++; break;
      case '--verify': a.verify = true; break;
      case '--scan-inproc': a.scanInProcess = true; break;
      case '--dump': a.dump = path.resolve(val); i++; break;
      case '--out': a.out = path.resolve(val); i++; break;
      case '--results': a.results = path.resolve(val); i++; break;
      case '-h': case '--help':
        console.log('usage: node dist/bench.js [--files N] [--apps N] [--patterns N] [--out DIR] [--seed N] [--defs N] [--edits N] [--open-docs N] [--results FILE] [--skip scan,defs,edits] [--verify] [--scan-inproc] [--dump FILE]');
        process.exit(0);
        break;
      default: throw new Error(`unknown flag ${flag}`);
    }
  }
  return a;
}

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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
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
        diagCount = projectDiagnostics(project, session.usages).length;
        diagTimes.push(performance.now() - d);
      }
    }
    update = {
      edits: editApps.length, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times),
      medianInvalidateMs: median(parts.map((x) => x.invalidate)),
      medianUrlTreeMs: median(parts.map((x) => x.tree)),
      medianNamesMs: median(parts.map((x) => x.names)),
      medianUsageUpdateMs: median(usageTimes),
      ...(diagTimes.length ? { projectDiagnosticsMs: median(diagTimes), projectDiagnostics: diagCount } : {}),
      verified,
    };
    if (diagTimes.length) log(`project diagnostics after an edit: ${round(median(diagTimes), 0)} ms (${diagCount} diagnostics)`);
    log(`update: median ${round(update.medianMs, 1)} ms (invalidate ${round(update.medianInvalidateMs, 2)}, urlTree ${round(update.medianUrlTreeMs, 1)}, names ${round(update.medianNamesMs, 1)}), max ${round(update.maxMs, 1)} ms; ${verified}/${editApps.length} edits visible in the new tree`);
    mem.push(memPoint('after edits'));
  }

  // (e) peak RSS (before the optional verification, which opens a second index)
  const peakRssMb = rssMb();

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
    if (update.projectDiagnosticsMs !== undefined) rows.push(['  then project diagnostics (server)', `${round(update.projectDiagnosticsMs, 0)} ms`, '', undefined]);
  }
  rows.push(['peak RSS', `${round(peakRssMb, 0)} MB`, `≤ ${TARGETS.peakRssMb} MB`, peakRssMb <= TARGETS.peakRssMb]);
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const w2 = Math.max(...rows.map((x) => x[2].length));
  log('');
  log(`project: ${gen.pythonFiles} .py, ${gen.templates} templates, ${args.apps} apps, ${tree.leaves.length} URL leaves (${gen.appPatterns} app patterns + project/admin); node ${process.version}, ${os.cpus().length} CPUs`);
  log(`${'metric'.padEnd(w0)}  ${'value'.padStart(w1)}  ${'target'.padEnd(w2)}  ok`);
  log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ${'-'.repeat(w2)}  ---`);
  for (const [m, v, t, ok] of rows) log(`${m.padEnd(w0)}  ${v.padStart(w1)}  ${t.padEnd(w2)}  ${ok === undefined ? '' : ok ? 'yes' : 'NO'}`);
  log('');
  log(`memory (MB)${(globalThis as { gc?: unknown }).gc ? ' after gc()' : ''}     rss  heapUsed  external  arrayBuffers`);
  for (const m of mem) log(`${m.phase.padEnd(18)} ${round(m.rssMb, 0).toString().padStart(6)} ${round(m.heapUsedMb, 0).toString().padStart(9)} ${round(m.externalMb, 0).toString().padStart(9)} ${round(m.arrayBuffersMb, 0).toString().padStart(13)}`);

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
    params: { files: args.files, apps: args.apps, patterns: args.patterns, seed: args.seed, defs: args.defs, edits: args.edits, openDocs: args.openDocs, skip: [...args.skip] },
    project: {
      dir: gen.dir, reused: gen.reused, pythonFiles: gen.pythonFiles, templates: gen.templates, bytes: gen.bytes, appPatterns: gen.appPatterns,
      leaves: tree.leaves.length, names: names.names.length, modulesEvaluated: project.evaluatedModules().length, modulesByKind, problems: tree.problems.length,
    },
    coldIndex: cold,
    usageScan: scan,
    definition: defs,
    update,
    verified,
    peakRssMb,
    memory: mem,
    targets: TARGETS,
    pass: {
      coldIndex: cold.totalMs <= TARGETS.coldIndexMs,
      definitionP99: defs ? defs.p99Ms <= TARGETS.definitionP99Ms : null,
      update: update ? update.medianMs <= TARGETS.updateMs : null,
      peakRss: peakRssMb <= TARGETS.peakRssMb,
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
