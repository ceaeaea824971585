/**
 * The "Request Flow" tree view (`djangoAtlas.requestFlow`): the last traced request as
 * flowModel.ts lays it out — the headline, why nothing matched (if so), then every step in
 * Django's order. A node opens its source; a candidate path traces it. The last trace is kept per
 * workspace and traced again when the view is first shown after a reload.
 */
import * as vscode from 'vscode';
import type { FlowParams, FlowResult } from '../../server/src/protocol';
import { flowNodes, headline, type FlowNode } from './flowModel';

const LAST_TRACE = 'djangoAtlas.lastTrace';

export type Trace = Pick<FlowParams, 'path' | 'method' | 'root'>;

export class RequestFlowView implements vscode.TreeDataProvider<FlowNode>, vscode.Disposable {
  private result: FlowResult | undefined;
  private roots: FlowNode[] = [];
  private readonly parents = new Map<FlowNode, FlowNode | undefined>();
  private readonly changed = new vscode.EventEmitter<FlowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly resultChanged = new vscode.EventEmitter<FlowResult>();
  /** Fires with every new flow shown (the diagram follows it). */
  readonly onDidChangeResult = this.resultChanged.event;
  readonly view: vscode.TreeView<FlowNode>;
  private restoring: Promise<FlowResult | undefined> | undefined;

  constructor(
    private readonly state: vscode.Memento,
    private readonly fetch: (t: Trace) => Promise<FlowResult | undefined>,
  ) {
    this.view = vscode.window.createTreeView('djangoAtlas.requestFlow', { treeDataProvider: this, showCollapseAll: true });
  }

  /** The flow shown, if any. */
  get current(): FlowResult | undefined {
    return this.result;
  }

  /** The last request traced in this workspace (kept across reloads). */
  get last(): Trace | undefined {
    return this.state.get<Trace>(LAST_TRACE);
  }

  /** Traces a request, shows it and reveals the view; the result, or undefined when the server did not answer. */
  async trace(t: Trace, reveal = true): Promise<FlowResult | undefined> {
    await this.state.update(LAST_TRACE, t);
    const result = await vscode.window.withProgress(
      { location: { viewId: 'djangoAtlas.requestFlow' }, title: `Tracing ${t.method} ${t.path}` },
      () => this.fetch(t),
    );
    if (!result) {
      void vscode.window.showWarningMessage('Django Atlas: the language server did not answer (is it running?).');
      return undefined;
    }
    this.show(result);
    if (reveal && this.roots[0]) {
      try {
        await this.view.reveal(this.roots[0], { select: false, focus: false, expand: true });
      } catch {
        // The view is not available (e.g. its container is hidden): the result is still kept.
      }
    }
    return result;
  }

  /** Traces the last request again (the view's refresh action). */
  async rerun(): Promise<FlowResult | undefined> {
    const last = this.last;
    return last ? this.trace(last) : undefined;
  }

  private show(result: FlowResult): void {
    this.result = result;
    this.roots = flowNodes(result);
    this.parents.clear();
    const index = (n: FlowNode, parent: FlowNode | undefined) => {
      this.parents.set(n, parent);
      for (const c of n.children ?? []) index(c, n);
    };
    for (const r of this.roots) index(r, undefined);
    this.view.description = headline(result);
    void vscode.commands.executeCommand('setContext', 'djangoAtlas.hasFlow', true);
    this.changed.fire(undefined);
    this.resultChanged.fire(result);
  }

  /** The flow shown; after a reload, the workspace's last request traced again (once). */
  restore(): Promise<FlowResult | undefined> {
    if (this.result) return Promise.resolve(this.result);
    this.restoring ??= (async () => {
      const last = this.last;
      const result = last ? await this.fetch(last) : undefined;
      // Unless a trace the user asked for came first.
      if (result && !this.result) this.show(result);
      return this.result;
    })();
    return this.restoring;
  }

  async getChildren(node?: FlowNode): Promise<FlowNode[]> {
    if (node) return node.children ?? [];
    await this.restore();
    return this.roots;
  }

  getParent(node: FlowNode): FlowNode | undefined {
    return this.parents.get(node);
  }

  getTreeItem(n: FlowNode): vscode.TreeItem {
    const state = !n.children?.length
      ? vscode.TreeItemCollapsibleState.None
      : n.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    item.iconPath = new vscode.ThemeIcon(n.icon, n.color ? new vscode.ThemeColor(n.color) : undefined);
    if (n.trace) {
      item.contextValue = 'trace';
      item.command = { title: 'Trace', command: 'djangoAtlas.traceUrl', arguments: [n.trace.path, n.trace.method] };
    } else if (n.location) {
      item.contextValue = 'location';
      const pos = new vscode.Position(n.location.line, n.location.character);
      item.command = {
        title: 'Open', command: 'vscode.open',
        arguments: [vscode.Uri.parse(n.location.uri), { selection: new vscode.Range(pos, pos), preview: true }],
      };
    }
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
    this.resultChanged.dispose();
  }
}
