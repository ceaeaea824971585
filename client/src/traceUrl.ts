/**
 * "Django Atlas: Trace URL…" (`djangoAtlas.traceUrl`): asks for a path (a quick pick of the
 * project's routes with example paths, or any typed path or full URL) and a method, then shows the
 * flow in the "Request Flow" view. Called with a path (a CodeLens, a candidate in the view) it
 * skips the questions and traces GET, or the method given as the second argument.
 */
import nodePath from 'node:path';
import * as vscode from 'vscode';
import type { RouteSuggestion } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { METHODS, normalizeInput } from './flowModel';

interface PathItem extends vscode.QuickPickItem {
  path?: string;
  /** The item showing the typed text. */
  typed?: boolean;
  route?: RouteSuggestion;
}

const OPEN_PATTERN: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open the URL pattern' };

export async function traceUrl(ctx: Ctx, pathArg?: unknown, methodArg?: unknown): Promise<void> {
  const root = await projectRoot(ctx);
  // From a menu VS Code passes the clicked element: only a string is a path.
  let path = typeof pathArg === 'string' && pathArg.trim() ? pathArg : undefined;
  let method = typeof methodArg === 'string' && methodArg.trim() ? methodArg.trim().toUpperCase() : undefined;
  if (path === undefined) {
    path = await pickPath(ctx, root);
    if (path === undefined) return;
    method ??= await pickMethod(path);
    if (method === undefined) return;
  }
  await ctx.flow.trace({ path, method: method ?? 'GET', ...(root ? { root } : {}) });
}

/** With several Django projects open: the one of the active editor's file (else the server takes the first). */
async function projectRoot(ctx: Ctx): Promise<string | undefined> {
  const status = await ctx.status();
  const projects = status?.projects ?? [];
  if (projects.length < 2) return undefined;
  const file = vscode.window.activeTextEditor?.document.uri;
  if (file?.scheme !== 'file') return undefined;
  let best: string | undefined;
  for (const p of projects) {
    const rel = nodePath.relative(p.root, file.fsPath);
    if (rel.startsWith('..') || nodePath.isAbsolute(rel)) continue;
    if (!best || p.root.length > best.length) best = p.root;
  }
  return best;
}

function pickPath(ctx: Ctx, root: string | undefined): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<PathItem>();
  qp.title = 'Django Atlas: Trace URL';
  qp.placeholder = 'A path or URL to trace (/blog/2024/hello/, http://localhost:8000/…), or pick a route';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.busy = true;
  const last = ctx.flow.last;
  let routes: PathItem[] = [];
  let libraryRoutes: PathItem[] = [];
  const lastItem: PathItem[] = last
    ? [{ label: `$(history) ${last.path}`, description: `last traced (${last.method})`, path: last.path }]
    : [];
  /** `typing`: the value changed (the typed path then takes the selection when it looks like a path). */
  const render = (typing = false) => {
    const value = qp.value.trim();
    const typed = value ? normalizeInput(value) : '';
    const known = [...routes, ...libraryRoutes].some((r) => r.path === typed) || last?.path === typed;
    // Labelled with the bare path, so VS Code's sort puts it before the longer routes it prefixes.
    const typedItem: PathItem[] = typed && !known
      ? [{ label: typed, description: '$(arrow-right) trace this path', alwaysShow: true, path: typed, typed: true }]
      : [];
    const separator = (label: string, list: PathItem[]): PathItem[] => (list.length ? [{ label, kind: vscode.QuickPickItemKind.Separator }] : []);
    qp.items = [...typedItem, ...lastItem, ...separator('project routes', routes), ...routes, ...separator('library routes', libraryRoutes), ...libraryRoutes];
    // A path or URL being typed is what Enter traces; a plain word only filters the routes.
    const pathLike = /^(\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(value);
    if (typing && typedItem.length && pathLike) qp.activeItems = [typedItem[0]];
  };
  void ctx.flowRoutes(root).then((list) => {
    const items = (list ?? []).map((r): PathItem => ({
      label: r.example,
      description: r.route !== r.example ? r.route : undefined,
      detail: [r.name, r.view].filter(Boolean).join(' · ') || undefined,
      path: r.example,
      route: r,
      buttons: r.location ? [OPEN_PATTERN] : [],
    }));
    routes = items.filter((i) => !i.route?.library);
    libraryRoutes = items.filter((i) => i.route?.library);
    qp.busy = false;
    render();
  });
  render();
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.hide();
    };
    qp.onDidChangeValue(() => render(true));
    qp.onDidAccept(() => {
      // Nothing selected (Enter while the list was being replaced): what was typed, else the first item.
      const value = qp.value.trim();
      finish(qp.selectedItems[0]?.path ?? (value ? normalizeInput(value) : qp.activeItems[0]?.path));
    });
    qp.onDidTriggerItemButton(async (e) => {
      const loc = e.item.route?.location;
      if (!loc) return;
      finish(undefined);
      const pos = new vscode.Position(loc.line, loc.character);
      await vscode.window.showTextDocument(vscode.Uri.parse(loc.uri), { selection: new vscode.Range(pos, pos) });
    });
    qp.onDidHide(() => {
      finish(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function pickMethod(path: string): Promise<string | undefined> {
  const items = METHODS.map((m) => ({ label: m }));
  const picked = await vscode.window.showQuickPick(items, { title: `Django Atlas: Trace ${path}`, placeHolder: 'HTTP method (GET)' });
  return picked?.label;
}
