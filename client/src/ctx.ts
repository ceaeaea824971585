/**
 * Ctx: the one object that owns the client side of Django Atlas — the LanguageClient, the output
 * channel, the status bar and every disposable. Commands (commands.ts) receive it; nothing else
 * holds a reference to the client. The server itself is `dist/server.js`, over IPC: the process
 * activate() spawned first, then a new one (serverProcess.ts) each time the client (re)starts it.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  IPCMessageReader,
  IPCMessageWriter,
  LanguageClient,
  type LanguageClientOptions,
  type MessageTransports,
  State,
} from 'vscode-languageclient/node';
import { reap, spawnServer, startedInDebugMode, workspaceDir } from './serverProcess';
import { TemplateLanguage, otherDjangoGrammars } from './templateLanguage';
import { registerHtmlAutoInsert } from './htmlAutoInsert';
import {
  IndexChangedNotification, StatusRequest, ProjectMapRequest, FlowRequest, FlowRoutesRequest, ManagementCommandsRequest, LocateCheckProblemsRequest, HtmlAutoInsertRequest,
  type StatusResult, type MapNode, type ProjectMapParams, type FlowResult, type RouteSuggestion, type ProjectCommands,
} from '../../server/src/protocol';
import { ProjectMap } from './projectMap';
import { RequestFlowView, type Trace } from './requestFlow';
import { FlowDiagram } from './flowDiagram';
import { readSettings, SECTION } from './settings';
import { StatusBar } from './statusBar';
import { ManageTasks } from './tasks';

/** Files whose changes the server must hear about even when they are not open. */
const WATCHED_FILES = '**/{*.py,*.html,*.htm,*.txt,*.xml,*.jinja,*.jinja2,*.j2,*.djhtml,pyproject.toml,setup.cfg,pytest.ini,tox.ini,.env}';

export class Ctx implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  readonly statusBar: StatusBar;
  private readonly templateLanguage = new TemplateLanguage();
  readonly map: ProjectMap;
  readonly flow: RequestFlowView;
  readonly diagram: FlowDiagram;
  /** The `django` tasks (manage.py) and the "Run server" status bar item. */
  readonly tasks: ManageTasks;
  private client: LanguageClient | undefined;
  /** The server process the client talks to (or will: the one activate() spawned). */
  private serverProcess: ChildProcess | undefined;
  /** Settles when the first start() is over (requests made earlier wait for it). */
  private started: Promise<void>;
  private markStarted: () => void = () => undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** `firstServer`: the server process activate() spawned before loading the client, connected to by the first start(). */
  constructor(readonly extension: vscode.ExtensionContext, showOutputCommand: string, private firstServer?: ChildProcess) {
    this.output = vscode.window.createOutputChannel('Django Atlas');
    this.statusBar = new StatusBar(showOutputCommand);
    this.map = new ProjectMap((params) => this.projectMap(params));
    this.flow = new RequestFlowView(extension.workspaceState, (t) => this.traceFlow(t));
    this.diagram = new FlowDiagram(extension.extensionUri, this.flow);
    this.tasks = new ManageTasks({
      managementCommands: () => this.managementCommands(),
      locateCheckProblems: (root, problems) =>
        this.request('check problems', (c) => c.sendRequest(LocateCheckProblemsRequest, { root, problems })),
      log: (m) => this.output.appendLine(`[client] ${m}`),
    });
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.disposables.push(this.output, this.statusBar, this.templateLanguage, this.map, this.flow, this.diagram, this.tasks);
    const others = otherDjangoGrammars(extension.extension.id);
    if (others.length) {
      this.output.appendLine(`[client] ${others.join(', ')} also contribute${others.length === 1 ? 's' : ''} a django-html grammar (scope text.html.django): VS Code keeps the one of the extension it loads last, so template highlighting and {% typing may be theirs; navigation, completion and hover stay ours.`);
    }
    this.disposables.push(registerHtmlAutoInsert((params) => this.request('HTML auto-insert', (c) => c.sendRequest(HtmlAutoInsertRequest, params))));
  }

  /** Keeps `d` until the extension is deactivated. */
  push(d: vscode.Disposable): void {
    this.disposables.push(d);
  }

  /** Starts the language server; failures are reported, never thrown. */
  async start(): Promise<void> {
    try {
      const serverModule = this.extension.asAbsolutePath('dist/server.js');
      if (!fs.existsSync(serverModule)) {
        this.fail(`${serverModule} is missing (run \`npm run build\`).`);
        return;
      }
      const client = this.client ?? this.createClient(serverModule);
      this.client = client;
      this.statusBar.starting();
      try {
        await client.start();
      } catch (e) {
        this.fail(`the language server failed to start: ${message(e)}`);
        return;
      }
    } finally {
      this.markStarted();
    }
    await this.refreshStatus();
  }

  async restart(): Promise<void> {
    if (!this.client) return this.start();
    this.statusBar.starting();
    try {
      await this.client.restart();
    } catch (e) {
      this.fail(`the language server failed to restart: ${message(e)}`);
      return;
    }
    await this.refreshStatus();
  }

  /** The project map (headers, one group, or a filtered tree), or undefined when the server is not running. */
  async projectMap(params: ProjectMapParams = {}): Promise<MapNode[] | undefined> {
    if (!this.client?.isRunning()) return undefined;
    try {
      return (await this.client.sendRequest(ProjectMapRequest, params)).projects;
    } catch (e) {
      this.output.appendLine(`[client] project map request failed: ${message(e)}`);
      return undefined;
    }
  }

  /** The request flow of one method + path (waits for the server to start), or undefined when the server is not running. */
  async traceFlow(t: Trace): Promise<FlowResult | undefined> {
    await this.started;
    if (!this.client?.isRunning()) return undefined;
    try {
      return await this.client.sendRequest(FlowRequest, { path: t.path, method: t.method, ...(t.root ? { root: t.root } : {}) });
    } catch (e) {
      this.output.appendLine(`[client] flow request failed: ${message(e)}`);
      return undefined;
    }
  }

  /** The routes with example paths, for the Trace URL picker. */
  async flowRoutes(root?: string): Promise<RouteSuggestion[] | undefined> {
    await this.started;
    if (!this.client?.isRunning()) return undefined;
    try {
      return await this.client.sendRequest(FlowRoutesRequest, root ? { root } : {});
    } catch (e) {
      this.output.appendLine(`[client] flow routes request failed: ${message(e)}`);
      return undefined;
    }
  }

  /**
   * Any request once the server has started: `send` gets the running client; undefined (with a
   * line in the output) when the server is not running or the request fails.
   */
  async request<R>(what: string, send: (client: LanguageClient) => Promise<R>): Promise<R | undefined> {
    await this.started;
    if (!this.client?.isRunning()) return undefined;
    try {
      return await send(this.client);
    } catch (e) {
      this.output.appendLine(`[client] ${what} request failed: ${message(e)}`);
      return undefined;
    }
  }

  /** Every project with its own management commands (waits for the server to start), or undefined when the server is not running. */
  managementCommands(): Promise<ProjectCommands[] | undefined> {
    return this.request('management commands', (c) => c.sendRequest(ManagementCommandsRequest));
  }

  /** The index's current state, or undefined when the server is not running. */
  async status(): Promise<StatusResult | undefined> {
    if (!this.client?.isRunning()) return undefined;
    try {
      return await this.client.sendRequest(StatusRequest);
    } catch (e) {
      this.output.appendLine(`[client] status request failed: ${message(e)}`);
      return undefined;
    }
  }

  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    try {
      await client?.dispose();
    } finally {
      reap(this.serverProcess);
      this.firstServer?.kill();
      this.firstServer = undefined;
      for (const d of this.disposables.splice(0).reverse()) d.dispose();
    }
  }

  /**
   * The IPC channel to a server process: the one activate() spawned, if it is still running, else a
   * new one (a restart, or after a crash). The process before it has been asked to exit by then; it
   * is killed if it has not within two seconds.
   */
  private async connect(serverModule: string): Promise<MessageTransports> {
    const first = this.firstServer;
    this.firstServer = undefined;
    const proc = first && first.exitCode === null && first.signalCode === null ? first : spawnServer(serverModule, workspaceDir());
    if (!proc) throw new Error(`${serverModule} is missing`);
    reap(this.serverProcess);
    this.serverProcess = proc;
    // What the server prints (it logs through the connection; this is for crashes).
    proc.stdout?.on('data', (data) => this.output.append(String(data)));
    proc.stderr?.on('data', (data) => this.output.append(String(data)));
    return { reader: new IPCMessageReader(proc), writer: new IPCMessageWriter(proc) };
  }

  private createClient(serverModule: string): LanguageClient {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED_FILES);
    // A folder deleted outside the editor comes as one event for the folder, which WATCHED_FILES
    // does not match: without it the server would still see the modules and templates inside.
    const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.disposables.push(watcher, deletions);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'file', language: 'django-html' },
        { scheme: 'file', language: 'html' },
        { scheme: 'file', language: 'django-txt' },
        { scheme: 'file', language: 'jinja' },
        { scheme: 'file', language: 'jinja-html' },
      ],
      synchronize: { configurationSection: SECTION, fileEvents: [watcher, deletions] },
      // A function, so that a restart sends the settings in force then.
      initializationOptions: () => readSettings(),
      outputChannel: this.output,
    };
    // In debug mode (the server's inspector on 6009) a restart waits for the port to be free.
    const client = new LanguageClient('djangoAtlas', 'Django Atlas', () => this.connect(serverModule), clientOptions, startedInDebugMode());
    // Handlers registered on the client survive restarts.
    this.disposables.push(
      client.onNotification(IndexChangedNotification, (result) => {
        this.showStatus(result);
        this.map.refresh();
      }),
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Starting) this.statusBar.starting();
        else if (newState === State.Stopped) this.statusBar.stopped('the language server is not running.');
      }),
    );
    return client;
  }

  private async refreshStatus(): Promise<void> {
    const result = await this.status();
    if (result) this.showStatus(result);
  }

  /** A new state of the index: the status bar, the django-html folders, the Run server item, and `djangoAtlas.hasProject` for menus. */
  private showStatus(result: StatusResult): void {
    this.statusBar.update(result);
    this.templateLanguage.update(result);
    this.tasks.update(result);
    void vscode.commands.executeCommand('setContext', 'djangoAtlas.hasProject', result.projects.length > 0);
  }

  private fail(reason: string): void {
    this.output.appendLine(`[client] ${reason}`);
    this.statusBar.stopped(reason);
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
