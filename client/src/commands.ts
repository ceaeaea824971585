/**
 * Every command of the extension, in one table of `(ctx) => handler`.
 * The user-facing ones are declared under `contributes.commands` in package.json; `openLocation`
 * and `showLocations` are internal (the server puts them in CodeLenses, as it does `traceUrl`).
 */
import * as vscode from 'vscode';
import type { ProjectStatus } from '../../server/src/protocol';
import { type Ctx } from './ctx';
import { plural } from './statusBar';
import { traceUrl } from './traceUrl';
import { newScaffold, registerPlanDocuments, undoLastScaffold } from './scaffold';
import { chooseSettingsModule } from './onboarding';

/** A position / range / location as the server sends them (LSP JSON, zero-based). */
interface JsonPosition {
  line: number;
  character: number;
}
interface JsonLocation {
  uri: string;
  range: { start: JsonPosition; end: JsonPosition };
}

type Handler = (...args: any[]) => unknown;

/** The scaffolds with a command of their own (`djangoAtlas.new.KIND`, declared in package.json); the server's table has the same ids. */
export const SCAFFOLD_KINDS = ['app', 'view', 'model', 'template', 'middleware', 'command', 'tags', 'signal', 'endpoint'];

export const commands: Record<string, (ctx: Ctx) => Handler> = {
  'djangoAtlas.showOutput': (ctx) => () => ctx.output.show(true),
  'djangoAtlas.restartServer': (ctx) => () => ctx.restart(),
  'djangoAtlas.showStatus': (ctx) => () => showStatus(ctx),
  'djangoAtlas.chooseSettingsModule': () => () => chooseSettingsModule(),
  /** Args: (uri: string, line: number, character: number). Opens the file at that position. */
  'djangoAtlas.openLocation': () => (uri: string, line: number, character: number) =>
    open(uri, new vscode.Range(line, character, line, character)),
  /**
   * Args: (uri: string, position: JsonPosition, locations: JsonLocation[]). Shows the locations in
   * the references peek at `position` of `uri`, or opens the only one directly.
   */
  'djangoAtlas.showLocations': () => showLocations,
  'djangoAtlas.map.refresh': (ctx) => () => ctx.map.refresh(),
  'djangoAtlas.map.filter': (ctx) => () => ctx.map.setFilter(),
  'djangoAtlas.map.clearFilter': (ctx) => () => ctx.map.clearFilter(),
  /** Args: ([path: string], [method: string]); without a path, asks for one (and the method). */
  'djangoAtlas.traceUrl': (ctx) => (path?: unknown, method?: unknown) => traceUrl(ctx, path, method),
  'djangoAtlas.flow.rerun': (ctx) => async () => {
    if (ctx.flow.last) await ctx.flow.rerun();
    else await vscode.commands.executeCommand('djangoAtlas.traceUrl');
  },
  'djangoAtlas.showFlowDiagram': (ctx) => () => ctx.diagram.show(),
  /** Args: ([uri]) from the explorer's context menu: scaffolds there. `djangoAtlas.new.KIND` skips the kind picker. */
  'djangoAtlas.new': (ctx) => (uri?: vscode.Uri) => newScaffold(ctx, undefined, uri),
  'djangoAtlas.undoScaffold': (ctx) => () => undoLastScaffold(ctx),
  ...Object.fromEntries(SCAFFOLD_KINDS.map((kind) => [`djangoAtlas.new.${kind}`, (ctx: Ctx) => (uri?: vscode.Uri) => newScaffold(ctx, kind, uri)])),
  /** Runs the project's `manage.py runserver` task (asks for the project when there are several). */
  'djangoAtlas.runServer': (ctx) => () => ctx.tasks.runServer(),
  'djangoAtlas.stopServer': (ctx) => () => ctx.tasks.stopServer(),
  /** Args: (node: MapNode) from the map's context menu: traces the URL node's example path. */
  'djangoAtlas.map.trace': (ctx) => async (node?: { example?: string }) => {
    if (node?.example) await traceUrl(ctx, node.example, 'GET');
  },
  /** Args: (node: MapNode) from the map's context menu. */
  'djangoAtlas.map.copyRoute': () => async (node?: { route?: string }) => {
    if (!node?.route) return;
    await vscode.env.clipboard.writeText(node.route);
    void vscode.window.setStatusBarMessage(`Copied ${node.route}`, 2000);
  },
};

export function registerCommands(ctx: Ctx): void {
  ctx.push(registerPlanDocuments());
  for (const [name, factory] of Object.entries(commands)) {
    ctx.push(vscode.commands.registerCommand(name, factory(ctx)));
  }
}

async function open(uri: string, selection: vscode.Range): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection, preview: true });
}

function toRange(r: JsonLocation['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

async function showLocations(uri: string, position: JsonPosition, locations: JsonLocation[]): Promise<void> {
  if (!locations || locations.length === 0) {
    void vscode.window.showInformationMessage('Django Atlas: nothing to show.');
    return;
  }
  if (locations.length === 1) {
    const only = locations[0];
    return open(only.uri, toRange(only.range));
  }
  await vscode.commands.executeCommand(
    'editor.action.showReferences',
    vscode.Uri.parse(uri),
    new vscode.Position(position.line, position.character),
    locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range))),
  );
}

interface ProjectItem extends vscode.QuickPickItem {
  project: ProjectStatus;
  error?: string;
}

async function showStatus(ctx: Ctx): Promise<void> {
  const result = await ctx.status();
  if (!result) {
    const choice = await vscode.window.showWarningMessage('Django Atlas: the language server is not running.', 'Show Output', 'Restart');
    if (choice === 'Show Output') ctx.output.show(true);
    else if (choice === 'Restart') await ctx.restart();
    return;
  }
  if (result.state === 'indexing' && result.projects.length === 0) {
    void vscode.window.showInformationMessage('Django Atlas: still indexing the workspace…');
    return;
  }
  if (result.projects.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'Django Atlas: no Django project found in this workspace (looked for manage.py and a settings module).',
      'Show Output',
    );
    if (choice === 'Show Output') ctx.output.show(true);
    return;
  }
  const items: ProjectItem[] = [];
  for (const p of result.projects) {
    items.push({
      label: `${p.errors.length > 0 ? '$(error)' : '$(folder)'} ${vscode.workspace.asRelativePath(p.root)}`,
      description: p.settingsModule ?? 'settings not found',
      detail: [
        `ROOT_URLCONF ${p.rootUrlconf ?? 'not found'}`,
        plural(p.urlCount, 'URL'),
        plural(p.viewCount, 'view'),
        plural(p.templateCount ?? 0, 'template'),
        p.errors.length > 0 ? plural(p.errors.length, 'error') : 'no errors',
      ].join(' · '),
      project: p,
    });
    for (const e of p.errors) items.push({ label: `$(blank) $(warning) ${e}`, project: p, error: e });
  }
  const title = result.state === 'indexing' ? 'Django Atlas (indexing…)' : 'Django Atlas';
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Django projects in this workspace', matchOnDetail: true });
  if (!picked) return;
  if (picked.error !== undefined) {
    const choice = await vscode.window.showErrorMessage(`Django Atlas: ${picked.error}`, 'Show Output');
    if (choice === 'Show Output') ctx.output.show(true);
  } else {
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(picked.project.root));
  }
}
