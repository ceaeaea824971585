/**
 * Getting a project recognised: "Choose Settings Module…" offers the settings modules found in
 * the workspace (`settings.py` files and `settings/` packages) and writes the choice to the
 * workspace's `djangoAtlas.settingsModule`, which makes the server index again. Shown by the
 * project map's welcome view when no Django project is found, and by the walkthrough.
 */
import * as vscode from 'vscode';
import { SECTION } from './settings';
import { settingsModuleName } from './settingsModule';

const EXCLUDE = '**/{node_modules,.venv,venv,env,site-packages,.git,__pycache__,.tox}/**';

export async function chooseSettingsModule(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const open = await vscode.window.showInformationMessage('Django Atlas: open the folder of a Django project first.', 'Open Folder…');
    if (open) await vscode.commands.executeCommand('vscode.openFolder');
    return;
  }
  const [files, packages, manages] = await Promise.all([
    vscode.workspace.findFiles('**/settings.py', EXCLUDE, 200),
    vscode.workspace.findFiles('**/settings/__init__.py', EXCLUDE, 200),
    vscode.workspace.findFiles('**/manage.py', EXCLUDE, 50),
  ]);
  const rel = (u: vscode.Uri) => vscode.workspace.asRelativePath(u, false);
  const roots = manages.map((m) => rel(m).replace(/\/?manage\.py$/, ''));
  const candidates = new Map<string, string>();
  for (const f of files) candidates.set(settingsModuleName(rel(f), roots), rel(f));
  // A settings package: each of its modules (base, dev, prod…) is a candidate too.
  for (const p of packages) {
    const dir = vscode.Uri.joinPath(p, '..');
    for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
      if (type !== vscode.FileType.File || !name.endsWith('.py') || name === '__init__.py') continue;
      const file = vscode.Uri.joinPath(dir, name);
      candidates.set(settingsModuleName(rel(file), roots), rel(file));
    }
  }
  const current = vscode.workspace.getConfiguration(SECTION, folder.uri).get<string>('settingsModule', '');
  const items: (vscode.QuickPickItem & { module: string })[] = [...candidates].sort(([a], [b]) => a.localeCompare(b))
    .map(([module, file]) => ({ label: module, description: file, module, ...(module === current ? { detail: 'in use' } : {}) }));
  items.push({ label: '$(discard) Detect it', description: 'from manage.py, pytest/tox/setup.cfg/pyproject, .env', module: '' });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Django Atlas: settings module',
    placeHolder: candidates.size ? 'The settings module Django uses (DJANGO_SETTINGS_MODULE)' : 'No settings.py found: type a dotted module name',
    matchOnDescription: true,
  });
  if (!picked) return;
  await vscode.workspace.getConfiguration(SECTION, folder.uri).update('settingsModule', picked.module, vscode.ConfigurationTarget.Workspace);
  void vscode.window.showInformationMessage(picked.module ? `Django Atlas: using ${picked.module}.` : 'Django Atlas: detecting the settings module.');
}
