/**
 * The "Project Map" tree view: the server's `djangoAtlas/projectMap` (one root per Django project;
 * its groups arrive as headers and each is fetched when opened), refreshed when the index changes,
 * filtered on demand (the server sends the matching nodes of every group), following the active
 * editor among the nodes loaded, every node opening its source.
 */
import * as vscode from 'vscode';
import type { MapNode, MapNodeKind, ProjectMapParams } from '../../server/src/protocol';

const ICONS: Record<MapNodeKind, string> = {
  project: 'project', group: 'folder', app: 'package', include: 'symbol-namespace', url: 'link', view: 'symbol-function',
  model: 'database', field: 'symbol-field', template: 'file-code', admin: 'shield', signal: 'zap', command: 'terminal',
  library: 'tag', middleware: 'layers', setting: 'settings-gear', drf: 'plug',
};

export class ProjectMap implements vscode.TreeDataProvider<MapNode>, vscode.Disposable {
  private roots: MapNode[] | undefined;
  private filter = '';
  private readonly parents = new Map<MapNode, MapNode | undefined>();
  /** Stable ids (the path of labels and positions): VS Code keeps expansion and selection by id. */
  private readonly ids = new Map<MapNode, string>();
  /** Changes with each filter, so a filtered tree opens expanded instead of as it was left. */
  private filterGen = 0;
  private readonly changed = new vscode.EventEmitter<MapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<MapNode>;
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly fetch: (params?: ProjectMapParams) => Promise<MapNode[] | undefined>) {
    this.view = vscode.window.createTreeView('djangoAtlas.projectMap', { treeDataProvider: this, showCollapseAll: true });
    this.subs.push(this.view, this.changed, vscode.window.onDidChangeActiveTextEditor((e) => void this.reveal(e)));
  }

  /** The index changed: fetch again (debounced: edits come in bursts). */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.roots = undefined;
      this.changed.fire(undefined);
    }, 300);
  }

  async setFilter(): Promise<void> {
    const text = await vscode.window.showInputBox({ prompt: 'Show the map nodes whose name contains…', value: this.filter, placeHolder: 'e.g. post, /blog/, Middleware' });
    if (text === undefined) return;
    this.applyFilter(text.trim().toLowerCase());
  }

  clearFilter(): void {
    this.applyFilter('');
  }

  private applyFilter(filter: string): void {
    this.filter = filter;
    this.filterGen++;
    this.roots = undefined;
    // The view's title shows it (its description is hidden when the sidebar holds one view).
    this.view.title = filter ? `Project Map — “${filter}”` : 'Project Map';
    this.view.message = undefined;
    void vscode.commands.executeCommand('setContext', 'djangoAtlas.mapFiltered', !!filter);
    this.changed.fire(undefined);
  }

  /** Records parents and stable ids for a node and what is loaded below it. */
  private index(n: MapNode, parent: MapNode | undefined, id: string): void {
    this.parents.set(n, parent);
    this.ids.set(n, id);
    (n.children ?? []).forEach((c, i) => this.index(c, n, `${id}/${i}:${c.kind}:${c.label}`));
  }

  private async load(): Promise<MapNode[]> {
    if (!this.roots) {
      this.roots = (await this.fetch(this.filter ? { filter: this.filter } : {})) ?? [];
      this.parents.clear();
      this.ids.clear();
      this.roots.forEach((r, i) => this.index(r, undefined, `${i}:${r.label}`));
    }
    return this.roots;
  }

  async getChildren(node?: MapNode): Promise<MapNode[]> {
    if (!node) {
      const roots = await this.load();
      if (this.filter) this.view.message = roots.length ? undefined : `Nothing in the map matches “${this.filter}”.`;
      return roots;
    }
    if (node.lazy && !node.children) {
      // A group opened for the first time: fetch its nodes.
      const project = this.roots?.findIndex((r) => r === this.parents.get(node)) ?? -1;
      const group = this.parents.get(node)?.children?.indexOf(node) ?? -1;
      const got = project >= 0 && group >= 0 ? (await this.fetch({ group: { project, group } }))?.[0] : undefined;
      node.children = got?.children ?? [];
      node.description = got?.description;
      node.lazy = false;
      node.children.forEach((c, i) => this.index(c, node, `${this.ids.get(node)}/${i}:${c.kind}:${c.label}`));
      // No redraw of the header for its new count: refreshing an element while VS Code expands it
      // loses its children's tree items (folders below would not open). The count shows after the next refresh.
    }
    return node.children ?? [];
  }

  getParent(node: MapNode): MapNode | undefined {
    return this.parents.get(node);
  }

  getTreeItem(n: MapNode): vscode.TreeItem {
    const state = !n.children?.length && !n.lazy
      ? vscode.TreeItemCollapsibleState.None
      : n.kind === 'project' || (this.filter && n.kind !== 'field')
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = `${this.filter ? `f${this.filterGen}` : ''}|${this.ids.get(n) ?? n.label}`;
    item.description = n.description;
    // The label and description first: the narrow sidebar cuts the description off (a URL's name,
    // its view, '+ .format'); the server's tooltip (the pattern as Django has it) comes under them.
    const summary = n.description ? `${n.label} — ${n.description}` : n.label;
    item.tooltip = n.tooltip ? `${summary}\n${n.tooltip}` : summary;
    item.iconPath = new vscode.ThemeIcon(ICONS[n.kind] ?? 'circle-outline');
    // `url-route-trace`: a URL with an example path (Trace); `*-route`: anything with a route to copy.
    item.contextValue = n.route ? `${n.kind}-route${n.example ? '-trace' : ''}` : n.kind;
    if (n.location) {
      const pos = new vscode.Position(n.location.line, n.location.character);
      item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(n.location.uri), { selection: new vscode.Range(pos, pos), preview: true }] };
      item.resourceUri = undefined;
    }
    return item;
  }

  /** Shows the node of the file in the active editor (the first one of that file, deepest first). */
  private async reveal(editor: vscode.TextEditor | undefined): Promise<void> {
    if (!editor || !this.view.visible || !this.roots) return;
    const uri = editor.document.uri.toString();
    // Opened from the map itself: keep the node the user clicked selected.
    if (this.view.selection.some((n) => n.location?.uri === uri)) return;
    let best: MapNode | undefined;
    let bestDepth = -1;
    const walk = (n: MapNode, depth: number) => {
      if (n.location?.uri === uri && depth > bestDepth && n.kind !== 'field' && n.kind !== 'url') {
        best = n;
        bestDepth = depth;
      }
      if (depth < 4) for (const c of n.children ?? []) walk(c, depth + 1);
    };
    for (const r of this.roots) walk(r, 0);
    if (best) {
      try {
        await this.view.reveal(best, { select: true, focus: false, expand: false });
      } catch {
        // The tree changed meanwhile.
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
