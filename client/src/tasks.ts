/**
 * The `django` task provider and the "Run server" status bar item (the VS Code side of
 * manageTasks.ts). Tasks run `<interpreter> manage.py <command>` in each project's folder; the
 * projects and their own commands come from the server (`djangoAtlas/managementCommands`), the
 * interpreter from the Python extension when it is installed (activated only when tasks are
 * asked for), else `python3`. The item runs the project's `runserver` task (the one in tasks.json
 * when there is one) and, while it runs, stops it.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectCommands, StatusResult } from '../../server/src/protocol';
import { CheckProblems, CheckTerminal, type LocateCheckProblems } from './checkTask';
import {
  TASK_TYPE, djangoTasks, taskSpec, projectFor, projectNames, interpreterCommand, isDjangoDefinition,
  type ProjectInfo, type PythonDetails, type TaskSpec,
} from './manageTasks';

/** What the tasks need from Ctx. */
export interface TaskSource {
  /** The projects with their own commands, or undefined when the server is not running. */
  managementCommands(): Promise<ProjectCommands[] | undefined>;
  /** Where the problems a check run printed are (checkTask.ts). */
  locateCheckProblems: LocateCheckProblems;
  log(message: string): void;
}

const PYTHON_EXTENSION = 'ms-python.python';
/** How long tasks wait for the Python extension to activate before falling back to python3. */
const PYTHON_ACTIVATION_MS = 10_000;
const SERVER_RUNNING = 'djangoAtlas.serverRunning';

interface ProjectItem extends vscode.QuickPickItem {
  root: string;
}

export class ManageTasks implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  /** The project roots of the last status. */
  private roots: string[] = [];
  /** Running `runserver` tasks and the root each serves. */
  private readonly running = new Map<vscode.TaskExecution, string>();
  /** The check task's problems, placed in the source. */
  private readonly checks: CheckProblems;

  constructor(private readonly source: TaskSource) {
    this.checks = new CheckProblems(source.locateCheckProblems);
    this.item = vscode.window.createStatusBarItem('djangoAtlas.runServer', vscode.StatusBarAlignment.Left, -1);
    this.item.name = 'Django Atlas: Run Server';
    this.disposables.push(
      this.item,
      this.checks,
      vscode.tasks.registerTaskProvider(TASK_TYPE, {
        provideTasks: () => this.provideTasks(),
        resolveTask: (task) => this.resolveTask(task),
      }),
      vscode.tasks.onDidStartTask((e) => this.started(e.execution)),
      vscode.tasks.onDidEndTask((e) => this.ended(e.execution)),
    );
    for (const e of vscode.tasks.taskExecutions) this.started(e);
    this.render();
  }

  /** The index changed: the item shows when a Django project is found. */
  update(result: StatusResult): void {
    // A project found from its settings module alone (no manage.py) has nothing to run.
    this.roots = result.projects.map((p) => p.root).filter((r) => fs.existsSync(path.join(r, 'manage.py')));
    this.render();
  }

  /** Runs the runserver task of a project (asking which one when there are several). */
  async runServer(): Promise<void> {
    const tasks = (await vscode.tasks.fetchTasks({ type: TASK_TYPE })).filter((t) => isDjangoDefinition(t.definition) && t.definition.command === 'runserver');
    const byRoot = new Map<string, vscode.Task>();
    const projects = await this.projects(false);
    for (const t of tasks) {
      const root = rootOf(t, projects);
      if (!root) continue;
      // The user's own runserver (tasks.json) wins over the provided one.
      const seen = byRoot.get(root);
      if (!seen || (seen.source === 'Django' && t.source !== 'Django')) byRoot.set(root, t);
    }
    const busy = new Set(this.running.values());
    const idle = [...byRoot.keys()].filter((r) => !busy.has(r));
    if (idle.length === 0) {
      if (byRoot.size === 0 && !vscode.workspace.isTrusted) {
        // VS Code lists no task in Restricted Mode (its trust dialog was just dismissed).
        const manage = await vscode.window.showInformationMessage('Django Atlas: tasks run only in a trusted workspace (Restricted Mode is on).', 'Manage Workspace Trust');
        if (manage) await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      }
      void vscode.window.showInformationMessage(byRoot.size === 0
        ? 'Django Atlas: no Django project (a folder with manage.py) to run.'
        : 'Django Atlas: the development server is already running.');
      return;
    }
    const root = idle.length === 1 ? idle[0] : await pickProject(idle, 'Run the development server of which project?');
    if (!root) return;
    await vscode.tasks.executeTask(byRoot.get(root)!);
  }

  /** Stops the running server (asking which one when there are several). */
  async stopServer(): Promise<void> {
    const runs = [...this.running];
    if (runs.length === 0) return;
    let chosen = runs[0];
    if (runs.length > 1) {
      const root = await pickProject(runs.map(([, r]) => r), 'Stop the development server of which project?');
      const run = runs.find(([, r]) => r === root);
      if (!run) return;
      chosen = run;
    }
    chosen[0].terminate();
  }

  dispose(): void {
    void vscode.commands.executeCommand('setContext', SERVER_RUNNING, false);
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }

  private async provideTasks(): Promise<vscode.Task[]> {
    const projects = await this.projects(true);
    const interpreters = new Map<string, string[]>();
    for (const p of projects) interpreters.set(p.root, await this.interpreter(vscode.Uri.file(p.root)));
    return djangoTasks(projects, (p) => interpreters.get(p.root)!).map((spec) => toTask(spec, this.checks));
  }

  private async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const def = task.definition;
    if (!isDjangoDefinition(def)) return undefined;
    const folder = typeof task.scope === 'object' ? task.scope.uri.fsPath : undefined;
    let project = projectFor(def, await this.projects(false), folder);
    // No project known there (the server is not running yet): the folder, when it holds manage.py.
    if (!project && folder && fs.existsSync(path.join(folder, 'manage.py'))) project = { root: folder, folder, commands: [] };
    if (!project) return undefined;
    const spec = taskSpec(def, project, await this.interpreter(vscode.Uri.file(project.root)));
    return toTask(spec, this.checks, task);
  }

  /**
   * The projects: from the server (with their own commands) when `commands` is wanted and it runs,
   * else the last status's roots, else the workspace's manage.py files.
   */
  private async projects(commands: boolean): Promise<ProjectInfo[]> {
    const fromServer = commands ? await this.source.managementCommands() : undefined;
    let list: { root: string; commands: ProjectInfo['commands'] }[] = fromServer?.filter((p) => fs.existsSync(path.join(p.root, 'manage.py')))
      ?? this.roots.map((root) => ({ root, commands: [] }));
    if (list.length === 0) {
      const found = await vscode.workspace.findFiles('**/manage.py', '{**/node_modules/**,**/.venv/**,**/venv/**,**/site-packages/**}', 50);
      list = found.map((u) => ({ root: path.dirname(u.fsPath), commands: [] }));
    }
    return list.map((p) => {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(p.root))?.uri.fsPath;
      return { root: p.root, commands: p.commands, ...(folder ? { folder } : {}) };
    });
  }

  /** The interpreter the Python extension selected for `resource`, else python3. */
  private async interpreter(resource: vscode.Uri): Promise<string[]> {
    return interpreterCommand(await this.pythonDetails(resource));
  }

  private async pythonDetails(resource: vscode.Uri): Promise<PythonDetails | undefined> {
    const ext = vscode.extensions.getExtension(PYTHON_EXTENSION);
    if (!ext) return undefined;
    try {
      if (!ext.isActive) {
        const activated = await Promise.race([
          Promise.resolve(ext.activate()).then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), PYTHON_ACTIVATION_MS)),
        ]);
        if (!activated) {
          this.source.log(`tasks: the Python extension did not activate within ${PYTHON_ACTIVATION_MS / 1000} s; using python3`);
          return undefined;
        }
      }
      const api = ext.exports as PythonApi | undefined;
      const envs = api?.environments;
      if (envs?.getActiveEnvironmentPath && envs.resolveEnvironment) {
        const env = await envs.resolveEnvironment(envs.getActiveEnvironmentPath(resource));
        const executable = env?.executable?.uri?.fsPath;
        if (executable) return { executable };
      }
      const execCommand = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
      return execCommand ? { execCommand } : undefined;
    } catch (e) {
      this.source.log(`tasks: could not ask the Python extension for the interpreter: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private started(execution: vscode.TaskExecution): void {
    const def = execution.task.definition;
    if (!isDjangoDefinition(def) || def.command !== 'runserver') return;
    const cwd = execution.task.execution instanceof vscode.ProcessExecution ? execution.task.execution.options?.cwd : undefined;
    const folder = typeof execution.task.scope === 'object' ? execution.task.scope.uri.fsPath : undefined;
    const root = cwd ?? projectFor(def, this.roots.map((r) => ({ root: r, commands: [] })), folder)?.root ?? folder ?? '';
    this.running.set(execution, root);
    this.render();
  }

  private ended(execution: vscode.TaskExecution): void {
    if (!this.running.delete(execution)) {
      // Not the same object (should not happen): the run of the same task, by name and definition.
      const key = taskKey(execution.task);
      const same = [...this.running.keys()].find((e) => taskKey(e.task) === key);
      if (!same) return;
      this.running.delete(same);
    }
    this.render();
  }

  private render(): void {
    const serving = [...new Set(this.running.values())];
    void vscode.commands.executeCommand('setContext', SERVER_RUNNING, serving.length > 0);
    if (serving.length > 0) {
      const names = projectNames(serving);
      this.item.text = '$(debug-stop) Stop server';
      this.item.tooltip = `Stop manage.py runserver${this.roots.length > 1 || serving.length > 1 ? ` (${serving.map((r) => names.get(r)).join(', ')})` : ''}`;
      this.item.command = 'djangoAtlas.stopServer';
      this.item.show();
    } else if (this.roots.length > 0) {
      this.item.text = '$(play) Run server';
      this.item.tooltip = this.roots.length > 1 ? 'Run manage.py runserver (pick the project)' : 'Run manage.py runserver';
      this.item.command = 'djangoAtlas.runServer';
      this.item.show();
    } else {
      this.item.hide();
    }
  }
}

/** The Python extension's API, as far as it is used here (both its current and its older shape). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment?(env: { id: string; path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined } | undefined;
  };
}

function toTask(spec: TaskSpec, checks: CheckProblems, from?: vscode.Task): vscode.Task {
  const folder = spec.folder ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(spec.folder)) : undefined;
  const scope = from?.scope ?? folder ?? vscode.TaskScope.Workspace;
  const execution = spec.locatesChecks
    ? new vscode.CustomExecution(async () => new CheckTerminal(spec, checks))
    : new vscode.ProcessExecution(spec.process, spec.args, { cwd: spec.cwd });
  // A task resolved from tasks.json keeps its definition (VS Code matches them by it).
  const task = new vscode.Task(from?.definition ?? spec.definition, scope, from?.name ?? spec.label, 'Django', execution, spec.problemMatchers);
  task.detail = spec.detail;
  task.isBackground = spec.isBackground;
  if (spec.group === 'test') task.group = vscode.TaskGroup.Test;
  // Seen in code-server 1.139: in a reused terminal the multi-line traceback matchers report
  // nothing after the first run (a test failure, or check's settings ImportError, never reached
  // Problems again); a new terminal per run gets every traceback into Problems.
  if (spec.group === 'test' || spec.locatesChecks) task.presentationOptions = { panel: vscode.TaskPanelKind.New };
  if (spec.interactive) task.presentationOptions = { focus: true, reveal: vscode.TaskRevealKind.Always };
  return task;
}

function taskKey(task: vscode.Task): string {
  return JSON.stringify([task.name, task.source, task.definition]);
}

/** The project root a task runs in. */
function rootOf(task: vscode.Task, projects: ProjectInfo[]): string | undefined {
  if (task.execution instanceof vscode.ProcessExecution && task.execution.options?.cwd) return task.execution.options.cwd;
  if (!isDjangoDefinition(task.definition)) return undefined;
  const folder = typeof task.scope === 'object' ? task.scope.uri.fsPath : undefined;
  return projectFor(task.definition, projects, folder)?.root;
}

async function pickProject(roots: string[], placeHolder: string): Promise<string | undefined> {
  const names = projectNames(roots);
  const items: ProjectItem[] = roots.map((root) => ({ label: `$(folder) ${names.get(root)}`, description: vscode.workspace.asRelativePath(root), root }));
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.root;
}
