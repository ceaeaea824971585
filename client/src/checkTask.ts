/**
 * The `check` task's run (a CustomExecution): `manage.py check` runs in a pseudoterminal that shows
 * its output as a shell task would; when it ends, the problems Django printed (parseCheckOutput)
 * are placed where their object is in the source — the server answers `djangoAtlas/locateCheckProblems`
 * from its index — and published in the Problems view. A problem the server cannot place (a model
 * of a library) stays on manage.py's first line, as the `$django-check` matcher puts every problem.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CheckProblemInfo, MapLocation } from '../../server/src/protocol';
import { parseCheckOutput, type CheckOutputProblem, type TaskSpec } from './manageTasks';

/** Asks the server where each problem is (null: not known); undefined when it is not running. */
export type LocateCheckProblems = (root: string, problems: CheckProblemInfo[]) => Promise<(MapLocation | null)[] | undefined>;

const SEVERITY: Record<CheckOutputProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The Problems view's entries of the `check` runs, per project root (a new run replaces its root's). */
export class CheckProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('django-check');
  private readonly byRoot = new Map<string, vscode.Uri[]>();

  constructor(private readonly locate: LocateCheckProblems) {}

  /** Publishes the problems in `output` of a check run in `root`. */
  async publish(root: string, output: string): Promise<number> {
    const problems = parseCheckOutput(output);
    const places = problems.length ? ((await this.locate(root, problems.map(({ object, id, message }) => ({ object, id, message })))) ?? []) : [];
    for (const uri of this.byRoot.get(root) ?? []) this.collection.delete(uri);
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    problems.forEach((p, i) => {
      const at = places[i];
      const uri = at ? vscode.Uri.parse(at.uri) : vscode.Uri.file(path.join(root, 'manage.py'));
      const pos = at ? new vscode.Position(at.line, at.character) : new vscode.Position(0, 0);
      // Where the object was not found, the message keeps Django's name of it.
      const text = `${at || p.object === '?' ? '' : `${p.object}: `}${p.message}${p.hint ? `\nHINT: ${p.hint}` : ''}`;
      const d = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, at ? 0 : 1)), text, SEVERITY[p.severity]);
      d.source = 'django check';
      d.code = p.id;
      const entry = byFile.get(uri.toString()) ?? { uri, list: [] };
      entry.list.push(d);
      byFile.set(uri.toString(), entry);
    });
    for (const { uri, list } of byFile.values()) {
      // The range: the whole name at the place (the field's, the class's or the setting's).
      const doc = await vscode.workspace.openTextDocument(uri).then((x) => x, () => undefined);
      for (const d of list) d.range = doc?.getWordRangeAtPosition(d.range.start, /[\w.]+/) ?? d.range;
      this.collection.set(uri, list);
    }
    this.byRoot.set(root, [...byFile.values()].map((e) => e.uri));
    return problems.length;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** `manage.py check` in a pseudoterminal: output shown as it comes, Ctrl+C stops it, the exit code is the task's. */
export class CheckTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private child: ChildProcess | undefined;
  private output = '';
  private finished = false;

  constructor(private readonly spec: TaskSpec, private readonly problems: CheckProblems) {}

  open(): void {
    const { process: exe, args, cwd } = this.spec;
    this.write(`\x1b[2m> ${[exe, ...args].join(' ')}\x1b[0m\n\n`);
    let child: ChildProcess;
    try {
      child = spawn(exe, args, { cwd, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    } catch (e) {
      this.fail(e);
      return;
    }
    this.child = child;
    const take = (data: Buffer) => {
      const text = data.toString('utf8');
      this.output += text;
      this.write(text);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', (e) => this.fail(e));
    child.on('close', (code, signal) => void this.done(code ?? (signal ? 130 : 1)));
  }

  handleInput(data: string): void {
    if (data === '\x03') this.child?.kill('SIGINT');
  }

  close(): void {
    this.child?.kill();
  }

  private async done(code: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.child = undefined;
    try {
      const n = await this.problems.publish(this.spec.cwd, this.output);
      if (n > 0) this.write(`\n\x1b[2m${n === 1 ? '1 problem' : `${n} problems`} in the Problems view, at their place in the source.\x1b[0m\n`);
    } catch (e) {
      this.write(`\nDjango Atlas could not place the problems: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    this.closer.fire(code);
  }

  /** The process could not be started (no such interpreter): said in the terminal, exit 127. */
  private fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.child = undefined;
    this.write(`\x1b[31m${failureText(this.spec.process, e)}\x1b[0m\n`);
    this.closer.fire(127);
  }

  private write(text: string): void {
    this.writer.fire(text.replace(/\r?\n/g, '\r\n'));
  }
}

/**
 * Why the interpreter could not be started, and what to do: Node's own `spawn python3 ENOENT`
 * tells a Django developer nothing (seen in code-server with no python3 on PATH).
 */
function failureText(exe: string, e: unknown): string {
  if ((e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return path.isAbsolute(exe)
      ? `The interpreter ${exe} does not exist (a removed virtualenv?): select the project's interpreter with the Python extension's "Python: Select Interpreter".`
      : `No "${exe}" command on the PATH VS Code runs tasks with: select the project's interpreter with the Python extension ("Python: Select Interpreter"), or make ${exe} available on that PATH.`;
  }
  return `Could not run ${exe}: ${e instanceof Error ? e.message : String(e)}`;
}
