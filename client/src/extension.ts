/**
 * Entry point of the VS Code extension (bundled to dist/client.js). Thin on purpose: it spawns the
 * language server, builds the one Ctx (ctx.ts), registers the command table (commands.ts) and
 * connects to the server. All analysis happens in the server (server/src); this side only shows its
 * results.
 *
 * The server is spawned first, before the language client library (most of this bundle) is
 * initialised: the server starts up while the rest of the client loads, and activation costs only
 * reading the bundle before the spawn (`npm run measure:activation`). The modules below are
 * require()d for that: esbuild initialises a require()d module when it is first required.
 */
import type * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { spawnServer, workspaceDir } from './serverProcess';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const server = spawnServer(context.asAbsolutePath('dist/server.js'), workspaceDir());
  const { Ctx } = require('./ctx') as typeof import('./ctx');
  const { registerCommands } = require('./commands') as typeof import('./commands');
  ctx = new Ctx(context, 'djangoAtlas.showOutput', server);
  context.subscriptions.push({ dispose: () => void ctx?.dispose() });
  registerCommands(ctx);
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  const current = ctx;
  ctx = undefined;
  await current?.dispose();
}

