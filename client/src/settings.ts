/**
 * The `djangoAtlas.*` settings as one typed object, read in one place and sent to the server as
 * `initializationOptions` (and again on every `workspace/didChangeConfiguration`). The type lives in the shared protocol
 * module; its comment there is the recipe for adding a setting.
 */
import * as vscode from 'vscode';
import type { DjangoAtlasSettings } from '../../server/src/protocol';

export type { DjangoAtlasSettings };

export const SECTION = 'djangoAtlas';

/** The settings in force for `scope` (a workspace folder or document), or the window's. */
export function readSettings(scope?: vscode.ConfigurationScope): DjangoAtlasSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    settingsModule: c.get<string>('settingsModule', '').trim(),
    pythonPaths: c.get<string[]>('pythonPaths', []).filter((p) => typeof p === 'string' && p.trim() !== ''),
    codeLens: { enable: c.get<boolean>('codeLens.enable', true) },
    diagnostics: { enable: c.get<boolean>('diagnostics.enable', true) },
    trace: { server: c.get<'off' | 'messages' | 'verbose'>('trace.server', 'off') },
  };
}
