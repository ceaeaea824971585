/**
 * A minimal LSP client for the end-to-end tests: spawns the built server (`node dist/server.js
 * --stdio`), speaks JSON-RPC to it over stdio, answers what the server asks of a client
 * (work-done progress creation), and records what it pushes (diagnostics, index state, logs).
 * Every wait has a deadline, so a hung server fails a test instead of hanging the run.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  InitializeRequest, InitializedNotification, type InitializeParams, ShutdownRequest, ExitNotification,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  PublishDiagnosticsNotification, WorkDoneProgressCreateRequest, LogMessageNotification,
  DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, DidChangeWorkspaceFoldersNotification,
  type ClientCapabilities, type InitializeResult, type FileEvent, type Diagnostic, type Position, type Range, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** The server under test; ATLAS_SERVER_JS points the tests at another build. */
export const SERVER_JS = process.env.ATLAS_SERVER_JS ?? path.join(ROOT, 'dist', 'server.js');

/** XDG_CACHE_HOME for the servers these tests start (one per test process, removed at exit). */
const TEST_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-lsp-cache-'));
process.on('exit', () => fs.rmSync(TEST_CACHE, { recursive: true, force: true }));

export const uriOf = (file: string): string => pathToFileURL(file).href;
export const fileOf = (uri: string): string => fileURLToPath(uri);

/** Newest mtime of the files under a folder (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ unless dist/server.js (and the wasm files it loads) are newer than the sources. */
export function ensureBuilt(): void {
  const outputs = [SERVER_JS, path.join(ROOT, 'dist', 'tree-sitter-python.wasm'), path.join(ROOT, 'dist', 'web-tree-sitter.wasm')];
  const built = Math.min(...outputs.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  const sources = Math.max(newestMtime(path.join(ROOT, 'server', 'src')), fs.statSync(path.join(ROOT, 'scripts', 'build.mjs')).mtimeMs);
  if (process.env.ATLAS_SERVER_JS || built > sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe', timeout: 60_000 });
}

/** Line/character of `needle` in `text` (the `nth` occurrence, 0-based), plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${nth}) not found`);
  }
  return positionAt(text, at + delta);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** 0-based index of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  return positionOf(text, needle).line;
}

export interface StatusParams {
  state: 'indexing' | 'ready' | 'no-project';
  projects: { root: string; settingsModule: string | null; rootUrlconf: string | null; urlCount: number; viewCount: number; templateCount: number; errors: string[] }[];
}

const TIMEOUT = Symbol('timeout');

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((r) => (timer = setTimeout(() => r(TIMEOUT), ms)));
  try {
    const v = await Promise.race([p, t]);
    if (v === TIMEOUT) throw new Error(`timed out after ${ms} ms: ${what}`);
    return v as T;
  } finally {
    clearTimeout(timer);
  }
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceFolders: true, configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
  window: { workDoneProgress: true, showMessage: {} },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true, willSave: false },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: false },
    references: {},
    completion: {
      completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], insertReplaceSupport: false },
      contextSupport: true,
    },
    codeLens: {},
    publishDiagnostics: { relatedInformation: true, versionSupport: false, codeDescriptionSupport: true, dataSupport: true },
  },
  general: { positionEncodings: ['utf-16'] },
};

interface OpenDoc {
  text: string;
  version: number;
}

export class LspClient {
  /** Every publishDiagnostics, in arrival order. */
  readonly diagnosticsLog: PublishDiagnosticsParams[] = [];
  /** Every djangoAtlas/indexChanged, in arrival order. */
  readonly statusLog: StatusParams[] = [];
  readonly logs: string[] = [];
  readonly progressTokens: (string | number)[] = [];
  readonly progress: unknown[] = [];
  readonly unexpectedRequests: string[] = [];
  stderr = '';
  initializeResult: InitializeResult | undefined;
  exited: { code: number | null; signal: string | null } | undefined;
  private readonly open = new Map<string, OpenDoc>();
  private waiters: (() => void)[] = [];

  private constructor(readonly proc: ChildProcess, readonly conn: MessageConnection, readonly folder: string) {}

  /** Spawns the server on one workspace folder, initializes it; does not wait for the index. `init` overrides initialize params (other editors' shapes). */
  static async start(folder: string, initializationOptions: object = {}, init: Partial<InitializeParams> = {}): Promise<LspClient> {
    // The server's disk cache goes to a folder of the test run's own, not the user's ~/.cache.
    const env = { ...process.env, XDG_CACHE_HOME: TEST_CACHE };
    const proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { cwd: folder, stdio: ['pipe', 'pipe', 'pipe'], env });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const c = new LspClient(proc, conn, folder);
    proc.stderr!.on('data', (d) => (c.stderr += String(d)));
    proc.on('exit', (code, signal) => {
      c.exited = { code, signal };
      c.notifyWaiters();
    });
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      c.diagnosticsLog.push(p);
      c.notifyWaiters();
    });
    conn.onNotification('djangoAtlas/indexChanged', (p: StatusParams) => {
      c.statusLog.push(p);
      c.notifyWaiters();
    });
    conn.onNotification(LogMessageNotification.type, (p) => c.logs.push(p.message));
    conn.onNotification('$/progress', (p: unknown) => {
      c.progress.push(p);
      c.notifyWaiters();
    });
    conn.onRequest(WorkDoneProgressCreateRequest.type, (p) => {
      c.progressTokens.push(p.token);
      return null;
    });
    conn.onRequest((method) => {
      c.unexpectedRequests.push(method);
      return null;
    });
    conn.onError(([e]) => c.logs.push(`connection error: ${e.message}`));
    conn.listen();
    const name = path.basename(folder);
    c.initializeResult = await withTimeout(conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'django-atlas-e2e', version: '0' },
      rootUri: uriOf(folder),
      capabilities: CLIENT_CAPABILITIES,
      initializationOptions,
      workspaceFolders: [{ uri: uriOf(folder), name }],
      ...init,
    }), 15_000, 'initialize');
    await conn.sendNotification(InitializedNotification.type, {});
    return c;
  }

  private notifyWaiters(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Resolves with the first value `probe` returns that is not undefined, re-checking on each message. */
  waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n--- last notifications: ${JSON.stringify(this.diagnosticsLog.slice(-3).map((p) => [p.uri.split("/").slice(-2).join("/"), p.diagnostics.map((x) => x.message)]))} ${JSON.stringify(this.statusLog.slice(-3).map((s) => s.state))}\n--- server log:\n${this.logs.slice(-30).join('\n')}\n--- stderr:\n${this.stderr.slice(-2000)}`)), ms);
      const check = () => {
        let v: T | undefined;
        try {
          v = probe();
        } catch (e) {
          clearTimeout(timer);
          reject(e);
          return;
        }
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
        } else if (this.exited) {
          clearTimeout(timer);
          reject(new Error(`server exited (${JSON.stringify(this.exited)}) while waiting for ${what}\n${this.stderr.slice(-2000)}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** Waits for an indexChanged notification with state 'ready' (after the `since`-th one). */
  waitReady(ms = 30_000, since = 0): Promise<StatusParams> {
    return this.waitFor(() => this.statusLog.slice(since).find((s) => s.state === 'ready'), ms, `djangoAtlas/indexChanged state 'ready' in ${this.folder}`);
  }

  /**
   * Waits until the server has handled what was sent so far and published what follows from it:
   * after an edit or a setting change the server publishes diagnostics and then sends
   * djangoAtlas/indexChanged, so the next indexChanged after `since` marks the end.
   */
  settle(since: number, ms = 10_000): Promise<StatusParams> {
    return this.waitFor(() => this.statusLog[since], ms, 'djangoAtlas/indexChanged (settled)');
  }

  async configure(settings: object): Promise<void> {
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { djangoAtlas: settings } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async foldersChanged(added: string[], removed: string[]): Promise<void> {
    const f = (p: string) => ({ uri: uriOf(p), name: path.basename(p) });
    await this.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: added.map(f), removed: removed.map(f) } });
  }

  /** Waits for a re-index that started after the `since`-th indexChanged to finish ('indexing' then 'ready'). */
  async waitReindexed(since: number, ms = 30_000): Promise<StatusParams> {
    const at = await this.waitFor(() => {
      const i = this.statusLog.findIndex((s, j) => j >= since && s.state === 'indexing');
      return i >= 0 ? i : undefined;
    }, ms, "djangoAtlas/indexChanged state 'indexing'");
    return this.waitReady(ms, at + 1);
  }

  /** The last diagnostics published for a file. */
  diagnosticsFor(file: string): Diagnostic[] | undefined {
    const uri = uriOf(file);
    for (let i = this.diagnosticsLog.length - 1; i >= 0; i--) if (this.diagnosticsLog[i].uri === uri) return this.diagnosticsLog[i].diagnostics;
    return undefined;
  }

  /** Waits for a publishDiagnostics for `file`, arriving after the `since`-th one, that satisfies `pred`. */
  waitDiagnostics(file: string, pred: (d: Diagnostic[]) => boolean, since: number, ms = 10_000): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    return this.waitFor(() => this.diagnosticsLog.slice(since).find((p) => p.uri === uri && pred(p.diagnostics))?.diagnostics, ms, `diagnostics for ${file}`);
  }

  request<R>(method: string, params: unknown, ms = 10_000): Promise<R> {
    return withTimeout(this.conn.sendRequest(method, params) as Promise<R>, ms, method);
  }

  /** didOpen with the file's disk text, or `text` (an unsaved buffer). Returns the text. */
  async openDoc(file: string, languageId: string, text?: string): Promise<string> {
    const t = text ?? fs.readFileSync(file, 'utf8');
    this.open.set(file, { text: t, version: 1 });
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(file), languageId, version: 1, text: t } });
    return t;
  }

  textOf(file: string): string {
    const d = this.open.get(file);
    if (!d) throw new Error(`${file} is not open`);
    return d.text;
  }

  /** An incremental didChange replacing `range` (as an editor sends on typing). Returns the new text. */
  async edit(file: string, range: Range, newText: string): Promise<string> {
    const d = this.open.get(file);
    if (!d) throw new Error(`${file} is not open`);
    const off = (p: Position) => {
      const lines = d.text.split('\n');
      let o = 0;
      for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
      return o + p.character;
    };
    d.text = d.text.slice(0, off(range.start)) + newText + d.text.slice(off(range.end));
    d.version++;
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uriOf(file), version: d.version }, contentChanges: [{ range, text: newText }],
    });
    return d.text;
  }

  /** Replaces the first occurrence of `find` in the open buffer with `replacement` (one ranged edit). */
  async replaceIn(file: string, find: string, replacement: string): Promise<string> {
    const text = this.textOf(file);
    const at = text.indexOf(find);
    if (at < 0) throw new Error(`'${find}' not in ${file}`);
    return this.edit(file, { start: positionAt(text, at), end: positionAt(text, at + find.length) }, replacement);
  }

  async closeDoc(file: string): Promise<void> {
    this.open.delete(file);
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf(file) } });
  }

  /** shutdown + exit; kills the process if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await withTimeout(this.conn.sendRequest(ShutdownRequest.type), 5_000, 'shutdown');
      await this.conn.sendNotification(ExitNotification.type);
      await this.waitFor(() => (this.exited ? true : undefined), 5_000, 'exit').catch(() => undefined);
    } catch {
      // fall through to kill
    } finally {
      if (!this.exited) this.proc.kill('SIGKILL');
      this.conn.dispose();
    }
  }
}
