/**
 * Spawning the language server (dist/server.js) as vscode-languageclient does for
 * `TransportKind.ipc`: a fork running on VS Code's own Node (ELECTRON_RUN_AS_NODE), talking over
 * the IPC channel (`--node-ipc`), exiting with the extension host (`--clientProcessId`), with an
 * inspector on port 6009 when the extension host itself is being debugged. activate() calls it
 * before the rest of the client is loaded, so this module imports nothing heavy.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** The server's working directory, as vscode-languageclient chooses it: the first workspace folder on disk. */
export function workspaceDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/** vscode-languageclient's test for "the extension host runs under a debugger". */
export function startedInDebugMode(): boolean {
  return process.execArgv.some((a) => /^--(debug|debug-brk|inspect|inspect-brk)(=|$)/.test(a));
}

/** The server process, or undefined when `serverModule` is missing. `cwd` defaults to the extension host's. */
export function spawnServer(serverModule: string, cwd?: string): ChildProcess | undefined {
  if (!fs.existsSync(serverModule)) return undefined;
  return fork(serverModule, ['--node-ipc', `--clientProcessId=${process.pid}`], {
    cwd: cwd && fs.existsSync(cwd) ? cwd : undefined,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
    execArgv: startedInDebugMode() ? ['--nolazy', '--inspect=6009'] : [],
    silent: true,
  });
}

/** Kills `p` unless it exits by itself within `ms` (a server asked to exit normally does). */
export function reap(p: ChildProcess | undefined, ms = 2000): void {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const timer = setTimeout(() => p.kill(), ms);
  timer.unref();
  p.once('exit', () => clearTimeout(timer));
}
