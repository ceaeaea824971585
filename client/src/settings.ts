/**
 * The `djangoAtlas.*` settings as one typed object, read in one place and sent to the server as
 * `initializationOptions` (and again on every `workspace/didChangeConfiguration`).
 * Adding a setting: declare it under `contributes.configuration` in package.json (with a
 * markdownDescription), add the field here and in `readSettings`, then use it in the server.
 */
import * as vscode from 'vscode';

export const SECTION = 'djangoAtlas';

export interface DjangoAtlasSettings {
  /** Overrides the detected DJANGO_SETTINGS_MODULE; '' means "detect it". */
  settingsModule: string;
  /** Extra folders searched for modules (e.g. a virtualenv's site-packages), absolute or workspace-relative. */
  pythonPaths: string[];
  codeLens: { enable: boolean };
  diagnostics: { enable: boolean };
  trace: { server: 'off' | 'messages' | 'verbose' };
}

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
