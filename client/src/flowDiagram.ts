/**
 * "Django Atlas: Show Request Flow Diagram" (`djangoAtlas.showFlowDiagram`): one webview panel that
 * draws the flow shown in the Request Flow view (flowDiagramHtml.ts) and follows it when another
 * request is traced. A click in the page opens a source location, traces a candidate path or runs
 * one of the few commands the page offers; nothing else is accepted from the page.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { FlowResult, MapLocation } from '../../server/src/protocol';
import { flowDiagramHtml, emptyDiagramHtml, type PageOptions } from './flowDiagramHtml';
import { headline } from './flowModel';
import type { RequestFlowView } from './requestFlow';

const VIEW_TYPE = 'djangoAtlas.flowDiagram';

/** The commands the page may run. */
const PAGE_COMMANDS = new Set(['djangoAtlas.flow.rerun', 'djangoAtlas.traceUrl']);

type PageMessage =
  | { type: 'open'; location: MapLocation }
  | { type: 'trace'; path: string; method: string }
  | { type: 'command'; command: string };

export class FlowDiagram implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly flow: RequestFlowView) {
    this.subs.push(
      flow.onDidChangeResult((r) => this.panel && this.render(r)),
      // A diagram left open is drawn again after a reload (the last trace is traced again).
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          this.adopt(panel);
          const result = await this.flow.restore();
          if (result) this.render(result);
          else panel.webview.html = emptyDiagramHtml(this.pageOptions(panel));
        },
      }),
    );
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'atlas.svg');
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    }, null, this.subs);
    panel.webview.onDidReceiveMessage((m: PageMessage) => void this.onMessage(m), null, this.subs);
  }

  private pageOptions(panel: vscode.WebviewPanel): PageOptions {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    return {
      nonce: randomBytes(16).toString('base64'),
      cspSource: panel.webview.cspSource,
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'flowDiagram.css')).toString(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'flowDiagram.js')).toString(),
    };
  }

  /** Shows the diagram of the current flow (asking for a URL first when nothing was traced). */
  async show(): Promise<void> {
    let result = await this.flow.restore();
    if (!result) {
      await vscode.commands.executeCommand('djangoAtlas.traceUrl');
      result = this.flow.current;
      if (!result) return;
    }
    if (this.panel) this.panel.reveal(undefined, false);
    else this.adopt(vscode.window.createWebviewPanel(VIEW_TYPE, 'Request Flow', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }));
    this.render(result);
  }

  private render(r: FlowResult): void {
    const panel = this.panel;
    if (!panel) return;
    panel.title = `Flow: ${headline(r)}`;
    panel.webview.html = flowDiagramHtml(r, this.pageOptions(panel));
  }

  private async onMessage(m: PageMessage): Promise<void> {
    if (m?.type === 'open' && typeof m.location?.uri === 'string') {
      const pos = new vscode.Position(m.location.line ?? 0, m.location.character ?? 0);
      // Beside the diagram, not over it.
      const column = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
      await vscode.window.showTextDocument(vscode.Uri.parse(m.location.uri), { selection: new vscode.Range(pos, pos), viewColumn: column, preview: true });
    } else if (m?.type === 'trace' && typeof m.path === 'string') {
      await vscode.commands.executeCommand('djangoAtlas.traceUrl', m.path, typeof m.method === 'string' ? m.method : 'GET');
    } else if (m?.type === 'command' && PAGE_COMMANDS.has(m.command)) {
      await vscode.commands.executeCommand(m.command);
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
