/**
 * Entry point of the VS Code extension (bundled to dist/client.js). Thin on purpose: it builds the
 * one Ctx (ctx.ts), registers the command table (commands.ts) and starts the language server.
 * All analysis happens in the server (server/src); this side only shows its results.
 */
import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new Ctx(context, 'djangoAtlas.showOutput');
  context.subscriptions.push({ dispose: () => void ctx?.dispose() });
  registerCommands(ctx);
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  const current = ctx;
  ctx = undefined;
  await current?.dispose();
}
