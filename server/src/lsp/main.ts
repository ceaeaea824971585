/**
 * The language server: vscode-languageserver glue over the analysis core. It owns the open
 * documents (laid over the disk through an OverlayHost, Python ones re-parsed incrementally), one
 * Workspace per workspace folder and one ProjectSession per Django project; it indexes in the
 * background with work-done progress, keeps answers current on edits and file events, and
 * publishes diagnostics. Runs over IPC (VS Code) or `--stdio` (other editors).
 */
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, FileChangeType, CodeActionKind,
  type InitializeParams, type InitializeResult, type Connection, type CompletionItem, type CompletionList,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import path from 'node:path';
import { DiskHost, OverlayHost } from '../core/host';
import { Workspace } from '../core/workspace';
import type { DjangoProject } from '../core/project';
import { initPython, pythonReady, PythonDocument } from '../core/python/parser';
import { projectDiagnostics, isProjectFile, suggestName, type Diagnostic } from '../core/checks';
import { checkTemplatesInBackground } from '../core/templates/checks';
import { ProjectSession, type Doc } from '../features/session';
import { definition, references } from '../features/navigation';
import { hover, codeLenses, completions } from '../features/presentation';
import { templateSymbols } from '../features/templates';
import { templateFoldingRanges, htmlCompletions, htmlHover, htmlAutoInsert } from './html';
import { projectMap, filterMap } from '../features/map';
import { workspaceSymbols } from '../features/symbols';
import { locateCheckProblem } from '../features/checkObjects';
import { traceFlow, routeExamples } from '../core/flow/flow';
import { managementCommands } from '../core/management';
import {
  StatusRequest, ProjectMapRequest, IndexChangedNotification, FlowRequest, FlowRoutesRequest, ManagementCommandsRequest, LocateCheckProblemsRequest, HtmlAutoInsertRequest,
  ScaffoldKindsRequest, ScaffoldStepRequest, ScaffoldCheckRequest, ScaffoldPlanRequest,
  type StatusResult, type DjangoAtlasSettings, type FlowResult, type ProjectCommands, type ScaffoldParams,
} from '../protocol';
import { createWorkerScanner } from './workerScanner';
import { scaffoldCheck, scaffoldKinds, scaffoldPlan, scaffoldStep } from './scaffold';
import { ScaffoldError } from '../core/scaffold/edits';
import { defaultCacheFile, loadCache, saveCache } from '../core/cache';
import {
  uriToPath, pathToUri, toLocation, toDiagnostic, toHover, toCodeLens, toCompletion, toQuickFixes, toDocumentSymbol, toMapNode,
  toSymbolInformation, toFlowResult, toRouteSuggestion,
} from './convert';

/** What the client sent; every field may be missing (other editors send nothing). */
type Settings = Partial<Omit<DjangoAtlasSettings, 'codeLens' | 'diagnostics'>> & {
  codeLens?: { enable?: boolean };
  diagnostics?: { enable?: boolean };
};

/** Language ids of template buffers: VS Code's (ours and the Django extensions'), and Neovim's and Helix's `htmldjango`. */
const TEMPLATE_LANGUAGES = new Set(['django-html', 'html', 'htmldjango', 'jinja', 'jinja-html', 'django-txt']);

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.log(m);
  const host = new OverlayHost(new DiskHost(log));
  const pyDocs = new Map<string, PythonDocument>();
  let folders: string[] = [];
  let settings: Settings = {};
  let workspaces: Workspace[] = [];
  const sessions = new Map<DjangoProject, ProjectSession>();
  let state: StatusResult['state'] = 'indexing';
  /** Resolves when the URL trees are built (what definitions, hovers, lenses need). */
  let ready: Promise<void> = Promise.resolve();
  /** Resolves when the URL-name uses are scanned too (what references need). */
  let usesReady: Promise<void> = Promise.resolve();
  let published = new Set<string>();
  let diagTimer: NodeJS.Timeout | undefined;
  let generation = 0;
  let worker: ReturnType<typeof createWorkerScanner> | null = null;
  /** Projects whose views have all been resolved by the warm-up. */
  const warmedUp = new WeakSet<DjangoProject>();

  const sessionFor = (file: string): ProjectSession | undefined => {
    for (const ws of workspaces) {
      const rel = path.relative(ws.folder, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const p = ws.projectFor(file);
      if (p) return sessions.get(p);
    }
    const any = workspaces.flatMap((w) => w.projects)[0];
    return any ? sessions.get(any) : undefined;
  };

  /** The session of the deepest project root containing the file (no fallback). */
  const ownerOf = (file: string): ProjectSession | undefined => {
    let best: ProjectSession | undefined;
    for (const s of sessions.values()) {
      const rel = path.relative(s.project.root, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (!best || s.project.root.length > best.project.root.length) best = s;
    }
    return best;
  };

  const status = (): StatusResult => {
    const projects = workspaces.flatMap((w) => w.projects).map((p) => {
      const errors: string[] = [];
      if (!p.settingsModule) errors.push('no settings module found (set djangoAtlas.settingsModule)');
      else if (!p.moduleExists(p.settingsModule)) errors.push(`settings module '${p.settingsModule}' not found`);
      let urlCount = 0;
      let viewCount = 0;
      let templateCount = 0;
      let templateDirs: string[] = [];
      if (state === 'ready' && !errors.length) {
        const tree = p.urlTree();
        urlCount = tree.leaves.length;
        // Counting views resolves them (reads views modules): only once the warm-up has done it.
        if (warmedUp.has(p)) {
          viewCount = new Set(tree.leaves.map((l) => l.pattern.view && `${l.pattern.view.module}.${l.pattern.view.qualname}`).filter(Boolean)).size;
          templateCount = p.templates().names().size;
          templateDirs = p.templates().engines().filter((e) => e.backend === 'django').flatMap((e) => e.dirs.map((d) => d.dir))
            .filter((d) => { const r = path.relative(p.root, d); return !r.startsWith('..') && !path.isAbsolute(r); });
        }
        for (const pr of tree.problems) if (pr.code === 'no-urlconf') errors.push(pr.message);
      }
      return { root: p.root, settingsModule: p.settingsModule, rootUrlconf: state === 'ready' ? p.rootUrlconf() ?? null : null, urlCount, viewCount, templateCount, templateDirs, errors };
    });
    return { state: projects.length || state === 'indexing' ? state : 'no-project', projects };
  };

  /** The incrementally parsed tree of an open Python buffer, if its text is `text`. */
  const openTree = (file: string, text: string) => {
    for (const [uri, pd] of pyDocs) if (pd.text === text && uriToPath(uri) === file) return pd.tree;
    return undefined;
  };

  const docOf = (uri: string): Doc | undefined => {
    const file = uriToPath(uri);
    const td = documents.get(uri);
    if (!file) return undefined;
    const text = td?.getText() ?? host.readFile(file);
    if (text === undefined) return undefined;
    const isPy = td ? td.languageId === 'python' : file.endsWith('.py');
    if (isPy) {
      let pd = pyDocs.get(uri);
      if (!pd) {
        pd = new PythonDocument(text);
        if (td) pyDocs.set(uri, pd);
      } else pd.update(text);
      const doc: Doc = { file, text, kind: 'python', tree: pd.tree };
      if (!td) queueMicrotask(() => pd!.dispose());
      return doc;
    }
    if (td && !TEMPLATE_LANGUAGES.has(td.languageId)) return undefined;
    return { file, text, kind: 'template' };
  };

  /** Runs a feature with the document and its project, answering "don't know" on any failure. */
  const withDoc = async <T>(uri: string, fallback: T, fn: (s: ProjectSession, doc: Doc) => T): Promise<T> => {
    await ready;
    try {
      const doc = docOf(uri);
      if (!doc) return fallback;
      const s = sessionFor(doc.file);
      if (!s) return fallback;
      return fn(s, doc);
    } catch (e) {
      log(`request failed for ${uri}: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };

  const publishDiagnostics = () => {
    if (settings.diagnostics?.enable === false) {
      for (const f of published) connection.sendDiagnostics({ uri: pathToUri(f), diagnostics: [] });
      published = new Set();
      return;
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const s of sessions.values()) {
      let diags: Diagnostic[] = [];
      try {
        const open = new Set(documents.all().map((d) => uriToPath(d.uri)).filter((f): f is string => !!f));
        // Templates not open are checked in the background (checkTemplates); their last results show.
        diags = projectDiagnostics(s.project, s.usages, {
          viewChecksIn: open, impliedIn: open, lookupsIn: open, names: s.names, templatesNow: (f) => open.has(f),
          treeOf: (f) => openTree(f, host.readFile(f) ?? ''),
        });
      } catch (e) {
        log(`diagnostics failed for ${s.project.root}: ${(e as Error).stack ?? e}`);
      }
      for (const d of diags) {
        let list = byFile.get(d.loc.file);
        if (!list) byFile.set(d.loc.file, (list = []));
        list.push(d);
      }
    }
    for (const f of published) if (!byFile.has(f)) connection.sendDiagnostics({ uri: pathToUri(f), diagnostics: [] });
    for (const [f, list] of byFile) connection.sendDiagnostics({ uri: pathToUri(f), diagnostics: list.map(toDiagnostic) });
    published = new Set(byFile.keys());
  };

  const scheduleDiagnostics = () => {
    if (diagTimer) clearTimeout(diagTimer);
    diagTimer = setTimeout(() => {
      diagTimer = undefined;
      if (state === 'ready') {
        publishDiagnostics();
        void checkTemplates();
      }
      connection.sendNotification(IndexChangedNotification, status());
    }, 200);
  };

  /**
   * Template diagnostics of files not open, computed in slices off the request path (one run at
   * a time; a change during a run asks for another); published when something changed.
   */
  let checking = false;
  let checkAgain = false;
  const checkTemplates = async () => {
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      do {
        checkAgain = false;
        const gen = generation;
        let changed = false;
        for (const s of sessions.values()) {
          try {
            changed = (await checkTemplatesInBackground(s.project, { suggest: suggestName }, (f) => isProjectFile(s.project, f), () => gen !== generation)) || changed;
          } catch (e) {
            log(`template checks failed for ${s.project.root}: ${(e as Error).message}`);
          }
        }
        if (changed && state === 'ready' && gen === generation) publishDiagnostics();
      } while (checkAgain);
    } finally {
      checking = false;
    }
  };

  /** Discovers the projects and indexes them, yielding between steps so requests are answered. */
  /**
   * Discovers the projects and builds their URL trees; requests wait for this only. The scan of
   * URL-name uses (references, unknown-name diagnostics) then goes on in the background.
   */
  const index = async () => {
    const gen = ++generation;
    state = 'indexing';
    connection.sendNotification(IndexChangedNotification, status());
    const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Django Atlas', 0, 'finding Django projects', false);
    try {
      await initPython();
      const opts = { settingsModule: settings.settingsModule || undefined, extraPaths: settings.pythonPaths ?? [] };
      workspaces = await Promise.all(folders.map((f) => Workspace.open(host, f, opts)));
      sessions.clear();
      for (const ws of workspaces) {
        for (const p of ws.projects) {
          p.openTree = openTree;
          const cached = loadCache(defaultCacheFile(p.root, p.settingsModule), p.root);
          if (cached) log(`${p.root}: ${cached.size} modules in the disk cache`);
          p.useCache(cached);
          sessions.set(p, new ProjectSession(p));
        }
      }
      log(`Django projects found: ${sessions.size}: ${[...sessions.keys()].map((p) => `${p.root} (${p.settingsModule ?? 'no settings'}, via ${p.info.settingsSource})`).join('; ') || 'none'}`);
      let i = 0;
      for (const s of sessions.values()) {
        if (gen !== generation) return;
        progress?.report(Math.round((i++ / Math.max(1, sessions.size)) * 50), `URLs of ${path.basename(s.project.root)}`);
        const t0 = Date.now();
        const tree = s.project.urlTree();
        void s.names;
        log(`${s.project.root}: ${tree.leaves.length} URL patterns from ${tree.rootUrlconf ?? '(no ROOT_URLCONF)'} in ${Date.now() - t0} ms`);
        for (const p of tree.problems) log(`  ${p.code}: ${p.message}${p.loc ? ` (${p.loc.file}:${p.loc.line + 1})` : ''}`);
        await new Promise((r) => setImmediate(r));
      }
    } catch (e) {
      log(`indexing failed: ${(e as Error).stack ?? e}`);
    }
    if (gen !== generation) return;
    usesReady = scanUses(gen, progress);
  };

  /** The background part of indexing: URL-name uses, then diagnostics, then the view warm-up. */
  const scanUses = async (gen: number, progress: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined) => {
    try {
      let i = 0;
      for (const s of sessions.values()) {
        if (gen !== generation) return;
        progress?.report(50 + Math.round((i++ / Math.max(1, sessions.size)) * 50), `URL names used in ${path.basename(s.project.root)}`);
        if (worker === null) worker = createWorkerScanner(log);
        const t1 = Date.now();
        try {
          await s.usages.scanInBackground(() => gen !== generation, worker?.scanner);
        } catch (e) {
          log(`background scan failed (${(e as Error).message}); scanning in process`);
          await s.usages.scanInBackground(() => gen !== generation);
        }
        // The worker read the disk: open (possibly unsaved) buffers of this project win.
        for (const d of documents.all()) {
          const f = uriToPath(d.uri);
          if (f && ownerOf(f) === s) s.usages.update(f);
        }
        log(`${s.project.root}: URL-name uses of ${s.usages.files().length} files scanned in ${Date.now() - t1} ms`);
      }
    } catch (e) {
      log(`scanning URL-name uses failed: ${(e as Error).stack ?? e}`);
    } finally {
      progress?.done();
    }
    if (gen !== generation) return;
    state = 'ready';
    publishDiagnostics();
    connection.sendNotification(IndexChangedNotification, status());
    void warmUp(gen);
  };

  /**
   * After indexing (requests no longer wait for it): find where every routed view is defined,
   * which reads the views modules, in slices, so CodeLenses and view references answer at once.
   */
  const warmUp = async (gen: number) => {
    for (const s of sessions.values()) {
      const leaves = s.project.urlTree().leaves;
      for (let i = 0; i < leaves.length; i++) {
        if (gen !== generation) return;
        try {
          void leaves[i].pattern.view;
        } catch (e) {
          log(`could not resolve a view: ${(e as Error).message}`);
        }
        if (i % 200 === 199) await new Promise((r) => setImmediate(r));
      }
      try {
        const t0 = Date.now();
        const n = await s.project.templates().warmUp(() => gen !== generation);
        log(`${s.project.root}: ${n} template files (${s.project.templates().names().size} names) indexed in ${Date.now() - t0} ms`);
      } catch (e) {
        log(`could not index the templates: ${(e as Error).message}`);
      }
      warmedUp.add(s.project);
      // Everything evaluated so far goes to the disk cache for the next start.
      try {
        const t0 = Date.now();
        const entries = s.project.cacheEntries();
        saveCache(defaultCacheFile(s.project.root, s.project.settingsModule), s.project.root, entries);
        log(`${s.project.root}: ${entries.length} modules written to the disk cache in ${Date.now() - t0} ms`);
      } catch (e) {
        log(`could not write the disk cache: ${(e as Error).message}`);
      }
    }
    if (gen === generation) {
      connection.sendNotification(IndexChangedNotification, status());
      void checkTemplates();
    }
  };


  const fileChanged = (file: string, kind: 'changed' | 'created' | 'deleted') => {
    const base = path.basename(file);
    if (kind !== 'changed' && ['manage.py', 'pytest.ini', 'setup.cfg', 'tox.ini', 'pyproject.toml', '.env'].includes(base)) {
      ready = index();
      return;
    }
    const owner = ownerOf(file);
    for (const s of sessions.values()) {
      s.project.invalidateFile(file, kind !== 'changed');
      // Only the project the file lives in counts its URL-name uses.
      if (s !== owner) continue;
      if (kind === 'deleted') s.usages.remove(file);
      else s.usages.update(file, openTree(file, host.readFile(file) ?? ''));
    }
    scheduleDiagnostics();
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings = (params.initializationOptions as Settings) ?? {};
    // Helix sends `workspaceFolders: []` and `rootUri: null` when it finds no root, with the folder in `rootPath`.
    const listed = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p) ?? [];
    const root = (params.rootUri ? uriToPath(params.rootUri) : undefined) ?? params.rootPath ?? undefined;
    folders = listed.length ? listed : root ? [root] : [];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        definitionProvider: true,
        referencesProvider: true,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        // ' ' opens the list after `{% ` in templates (Python answers nothing there, cheaply).
        // '<' and '=' for the HTML of django-html templates (lsp/html.ts).
        completionProvider: { triggerCharacters: ["'", '"', ':', '|', '/', ' ', '<', '='] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'django-atlas' },
    };
  });

  connection.onInitialized(() => {
    ready = index();
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const r of e.removed) folders = folders.filter((f) => f !== uriToPath(r.uri));
      for (const a of e.added) {
        const p = uriToPath(a.uri);
        if (p) folders.push(p);
      }
      ready = index();
    });
  });

  connection.onDidChangeConfiguration((change) => {
    const next = (change.settings as { djangoAtlas?: Settings } | undefined)?.djangoAtlas;
    if (!next) return;
    const reindex = (next.settingsModule || '') !== (settings.settingsModule || '') ||
      JSON.stringify(next.pythonPaths ?? []) !== JSON.stringify(settings.pythonPaths ?? []);
    settings = next;
    if (reindex) ready = index();
    else scheduleDiagnostics();
  });

  documents.onDidChangeContent((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    const text = e.document.getText();
    host.setBuffer(file, text);
    // Before the parser is loaded (the first index, a restart with files open) the tree is made when first asked for.
    if (e.document.languageId === 'python' && pythonReady()) {
      // Re-parse incrementally now: evaluation and the features both use this tree.
      const pd = pyDocs.get(e.document.uri);
      if (pd) pd.update(text);
      else pyDocs.set(e.document.uri, new PythonDocument(text));
    }
    fileChanged(file, 'changed');
  });
  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    pyDocs.get(e.document.uri)?.dispose();
    pyDocs.delete(e.document.uri);
    if (!file) return;
    host.deleteBuffer(file);
    fileChanged(file, 'changed');
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const c of e.changes) {
      const file = uriToPath(c.uri);
      if (!file || documents.get(c.uri)) continue;
      fileChanged(file, c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed');
    }
  });

  connection.onDefinition((p) => withDoc(p.textDocument.uri, [], (s, doc) =>
    definition(s, doc, offsetOf(doc, p.position.line, p.position.character)).map(toLocation)));
  connection.onReferences(async (p) => {
    await ready;
    await usesReady;
    return withDoc(p.textDocument.uri, [], (s, doc) =>
      references(s, doc, offsetOf(doc, p.position.line, p.position.character), p.context.includeDeclaration).map(toLocation));
  });
  /** VS Code's HTML extension serves `html` documents; `django-html` ones get HTML from us (lsp/html.ts). */
  const servesHtml = (uri: string) => documents.get(uri)?.languageId === 'django-html';
  connection.onHover((p) => withDoc(p.textDocument.uri, null, (s, doc) => {
    const offset = offsetOf(doc, p.position.line, p.position.character);
    const h = hover(s, doc, offset);
    if (h) return toHover(h);
    return doc.kind === 'template' && servesHtml(p.textDocument.uri) ? htmlHover(doc, offset, p.position) : null;
  }));
  connection.onCodeLens((p) => withDoc(p.textDocument.uri, [], (s, doc) =>
    settings.codeLens?.enable === false ? [] : codeLenses(s, doc).map(toCodeLens)));
  connection.onCompletion((p) => withDoc<CompletionItem[] | CompletionList>(p.textDocument.uri, [], (s, doc) => {
    const ours = completions(s, doc, p.position.line, p.position.character).map(toCompletion);
    if (ours.length || doc.kind !== 'template' || !servesHtml(p.textDocument.uri)) return ours;
    return htmlCompletions(doc, offsetOf(doc, p.position.line, p.position.character), p.position) ?? [];
  }));
  connection.onRequest(HtmlAutoInsertRequest, (p) => withDoc(p.textDocument.uri, null, (_s, doc) =>
    doc.kind === 'template' && servesHtml(p.textDocument.uri) ? htmlAutoInsert(doc, offsetOf(doc, p.position.line, p.position.character), p.position, p.kind) : null));
  connection.onCodeAction((p) => toQuickFixes(p.textDocument.uri, p.context.diagnostics));
  connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, [], (_s, doc) => (doc.kind === 'template' ? templateSymbols(doc).map(toDocumentSymbol) : [])));
  connection.onFoldingRanges((p) => withDoc(p.textDocument.uri, [], (_s, doc) => (doc.kind === 'template' ? templateFoldingRanges(doc) : [])));
  connection.onRequest(StatusRequest, async () => status());
  connection.onRequest(ProjectMapRequest, async (params) => {
    await ready;
    // Groups read the background scan (signal receivers): wait for it rather than scan here.
    if (params?.group || params?.filter) await usesReady;
    const projects = [];
    const all = [...sessions.values()];
    for (let i = 0; i < all.length; i++) {
      const s = all[i];
      try {
        if (params?.group) {
          if (params.group.project !== i) continue;
          const g = params.group.group;
          projects.push(toMapNode(projectMap(s, (k) => k === g).children![g]));
        } else if (params?.filter) {
          const filtered = filterMap(projectMap(s), params.filter);
          if (filtered) projects.push(toMapNode(filtered));
        } else {
          projects.push(toMapNode(projectMap(s, () => false)));
        }
      } catch (e) {
        log(`project map failed for ${s.project.root}: ${(e as Error).stack ?? e}`);
      }
    }
    return { projects };
  });
  /** The session of the project whose root is `root`, else the first one. */
  const sessionOfRoot = (root: string | undefined): ProjectSession | undefined => {
    const all = [...sessions.values()];
    return (root ? all.find((s) => path.resolve(s.project.root) === path.resolve(root)) : undefined) ?? all[0];
  };
  connection.onRequest(FlowRequest, async (params): Promise<FlowResult> => {
    await ready;
    // Signal receivers come from the background scan: wait for it rather than scan here.
    await usesReady;
    const s = sessionOfRoot(params.root);
    const failed = (label: string, detail?: string): FlowResult => ({
      path: params.path, method: params.method, root: s?.project.root ?? null, match: null, redirect: null,
      steps: [{ kind: 'problem', label, ...(detail ? { detail } : {}) }],
    });
    if (!s) return failed('No Django project is open (a folder with manage.py, or a settings module).');
    try {
      return toFlowResult(traceFlow(s.project, params.path, params.method || 'GET', { receivers: () => s.usages.signals() }), s.project.root);
    } catch (e) {
      log(`flow failed for ${params.method} ${params.path}: ${(e as Error).stack ?? e}`);
      return failed(`Could not trace ${params.path}`, (e as Error).message);
    }
  });
  connection.onRequest(FlowRoutesRequest, async (params) => {
    await ready;
    const s = sessionOfRoot(params?.root);
    if (!s) return [];
    try {
      const routes = routeExamples(s.project).map(toRouteSuggestion);
      // The project's own routes first (a stable sort keeps the URLconf's order within each).
      return routes.sort((a, b) => Number(!!a.library) - Number(!!b.library));
    } catch (e) {
      log(`route examples failed for ${s.project.root}: ${(e as Error).stack ?? e}`);
      return [];
    }
  });
  /** The session a scaffold works in: the project given, else the one holding `at`, else the first. */
  const scaffoldSession = (params: ScaffoldParams): ProjectSession | undefined => {
    if (params.root) return sessionOfRoot(params.root);
    const at = params.at;
    const holding = at ? [...sessions.values()].filter((s) => at === s.project.root || at.startsWith(s.project.root + path.sep)) : [];
    return holding.sort((a, b) => b.project.root.length - a.project.root.length)[0] ?? sessionOfRoot(undefined);
  };
  /** Runs a scaffold request; a refusal (ScaffoldError) or a failure becomes `error`, with the failure logged. */
  const scaffolding = async <R>(params: ScaffoldParams, what: string, run: (p: DjangoProject) => R, failed: (root: string | null, error: string) => R): Promise<R> => {
    await ready;
    const s = scaffoldSession(params);
    if (!s) return failed(null, 'No Django project is open (a folder with manage.py, or a settings module).');
    try {
      return run(s.project);
    } catch (e) {
      if (e instanceof ScaffoldError) return failed(s.project.root, e.message);
      log(`scaffold ${what} failed for ${params.kind}: ${(e as Error).stack ?? e}`);
      return failed(s.project.root, `could not ${what} (${(e as Error).message}); see the Django Atlas output`);
    }
  };
  connection.onRequest(ScaffoldKindsRequest, () => scaffoldKinds());
  connection.onRequest(ScaffoldStepRequest, (params) =>
    scaffolding(params, 'ask', (p) => scaffoldStep(p, params), (root, error) => ({ root, error })));
  connection.onRequest(ScaffoldCheckRequest, (params) =>
    scaffolding(params, 'check', (p) => scaffoldCheck(p, params), (_root, error) => error));
  connection.onRequest(ScaffoldPlanRequest, (params) =>
    scaffolding(params, 'plan', (p) => scaffoldPlan(p, params), (root, error) => ({ root, error, edits: [], notes: [] })));
  connection.onRequest(ManagementCommandsRequest, async (): Promise<ProjectCommands[]> => {
    await ready;
    return [...sessions.values()].map((s) => {
      try {
        return { root: s.project.root, commands: managementCommands(s.project) };
      } catch (e) {
        log(`management commands failed for ${s.project.root}: ${(e as Error).stack ?? e}`);
        return { root: s.project.root, commands: [] };
      }
    });
  });
  connection.onRequest(LocateCheckProblemsRequest, async (params) => {
    await ready;
    const s = sessionOfRoot(params.root);
    return params.problems.map((problem) => {
      try {
        const loc = s ? locateCheckProblem(s.project, problem) : undefined;
        return loc ? { uri: pathToUri(loc.file), line: loc.line, character: loc.character } : null;
      } catch (e) {
        log(`locating ${problem.object} (${problem.id}) failed: ${(e as Error).stack ?? e}`);
        return null;
      }
    });
  });
  connection.onWorkspaceSymbol(async (p) => {
    await ready;
    const out = [];
    for (const s of sessions.values()) {
      try {
        out.push(...workspaceSymbols(s, p.query).map(toSymbolInformation));
      } catch (e) {
        log(`workspace symbols failed for ${s.project.root}: ${(e as Error).message}`);
      }
    }
    return out;
  });
  connection.onShutdown(() => worker?.dispose());

  documents.listen(connection);
  connection.listen();
}

function offsetOf(doc: Doc, line: number, character: number): number {
  let off = 0;
  for (let i = 0; i < line; i++) {
    const nl = doc.text.indexOf('\n', off);
    if (nl < 0) return doc.text.length;
    off = nl + 1;
  }
  return Math.min(off + character, doc.text.length);
}

if (require.main === module) {
  if (process.argv.includes('--version')) {
    process.stdout.write('django-atlas-server 0.1.0\n');
    process.exit(0);
  }
  startServer(createConnection(ProposedFeatures.all));
}
