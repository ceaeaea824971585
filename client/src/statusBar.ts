/**
 * The "Django Atlas" status bar item: spinning while the server indexes, then the settings
 * module and URL count of the project(s) found, red when a project has errors.
 * It only renders a `StatusResult` (server/src/protocol.ts); Ctx decides when to call it.
 */
import * as vscode from 'vscode';
import type { ProjectStatus, StatusResult } from '../../server/src/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('djangoAtlas.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'Django Atlas';
    this.item.command = command;
    this.starting();
    this.item.show();
  }

  /** The server is starting or indexing. */
  starting(): void {
    this.set('$(sync~spin) Django Atlas', 'Django Atlas: indexing…', false);
  }

  /** The server is not running (failed to start, crashed, or was stopped). */
  stopped(reason: string): void {
    this.set('$(error) Django Atlas', `Django Atlas: ${reason}\n\nClick to show the output.`, true);
  }

  update(result: StatusResult): void {
    if (result.state === 'indexing') {
      this.starting();
      return;
    }
    const projects = result.projects;
    if (result.state === 'no-project' || projects.length === 0) {
      this.set('Django Atlas: no project', 'Django Atlas: no Django project (manage.py or settings module) found in this workspace.', false);
      return;
    }
    const urls = projects.reduce((n, p) => n + p.urlCount, 0);
    const head = projects.length === 1 ? projects[0].settingsModule ?? 'no settings' : `${projects.length} projects`;
    const hasErrors = projects.some((p) => p.errors.length > 0);
    const tooltip = new vscode.MarkdownString(projects.map(describeProject).join('\n\n---\n\n'), true);
    tooltip.appendMarkdown('\n\n_Click to show the output._');
    this.set(`${hasErrors ? '$(warning) ' : ''}Django: ${head} · ${plural(urls, 'URL')}`, tooltip, hasErrors);
  }

  dispose(): void {
    this.item.dispose();
  }

  private set(text: string, tooltip: string | vscode.MarkdownString, error: boolean): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One project as Markdown, for the tooltip. */
function describeProject(p: ProjectStatus): string {
  const md = [
    `**${escape(vscode.workspace.asRelativePath(p.root))}**`,
    `Settings: \`${p.settingsModule ?? 'not found'}\` · ROOT_URLCONF: \`${p.rootUrlconf ?? 'not found'}\``,
    `${plural(p.urlCount, 'URL')} · ${plural(p.viewCount, 'view')} · ${plural(p.templateCount ?? 0, 'template')}`,
  ];
  for (const e of p.errors) md.push(`$(error) ${escape(e)}`);
  return md.join('  \n');
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
