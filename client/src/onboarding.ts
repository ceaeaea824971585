/**
 * Getting a project recognised: "Choose Settings Module…" offers the settings modules found in
 * the workspace (`settings.py` files and `settings/` packages) and writes the choice to the
 * workspace's `djangoAtlas.settingsModule`, which makes the server index again. Shown by the
 * project map's welcome view when no Django project is found, and by the walkthrough.
 */
import path from 'node:path';
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
  const detect = { label: '$(discard) Detect it', description: 'from manage.py, pytest/tox/setup.cfg/pyproject, .env', module: '' };
  const picked = await pickModule(items, detect, candidates.size
    ? 'The settings module Django uses (DJANGO_SETTINGS_MODULE), or type a dotted module name'
    : 'No settings.py found: type a dotted module name');
  if (picked === undefined) return;
  await vscode.workspace.getConfiguration(SECTION, folder.uri).update('settingsModule', picked, vscode.ConfigurationTarget.Workspace);
  if (!vscode.workspace.isTrusted) {
    // restrictedConfigurations: VS Code ignores the workspace's value until the folder is trusted.
    const manage = await vscode.window.showWarningMessage(
      `Django Atlas: ${picked ? `${picked} is saved` : 'detection is saved'} in the workspace settings, but Restricted Mode ignores them: trust this folder to use it.`,
      'Manage Workspace Trust');
    if (manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  // A typed module no file answers (a typo, a module not written yet) gives an empty project: say so
  // instead of a plain 'using X' (seen: 'using config.settings.local', then a red '0 URLs').
  if (picked && !candidates.has(picked) && !(await moduleFileExists(folder, picked, roots))) {
    void vscode.window.showWarningMessage(`Django Atlas: no ${picked.replace(/\./g, '/')}.py in this folder; check the name of ${picked}.`);
    return;
  }
  void vscode.window.showInformationMessage(picked ? `Django Atlas: using ${picked}.` : 'Django Atlas: detecting the settings module.');
}

/** Whether `module` is a file or package under the folder, a manage.py folder, `src/` or a `djangoAtlas.pythonPaths` entry. */
async function moduleFileExists(folder: vscode.WorkspaceFolder, module: string, roots: string[]): Promise<boolean> {
  const rel = module.split('.');
  const extra = vscode.workspace.getConfiguration(SECTION, folder.uri).get<string[]>('pythonPaths', []);
  const bases = [...new Set(['', 'src', ...roots, ...extra])].map((b) => (path.isAbsolute(b) ? vscode.Uri.file(b) : vscode.Uri.joinPath(folder.uri, b)));
  for (const base of bases) {
    for (const candidate of [[...rel.slice(0, -1), `${rel[rel.length - 1]}.py`], [...rel, '__init__.py']]) {
      const found = await vscode.workspace.fs.stat(vscode.Uri.joinPath(base, ...candidate)).then(() => true, () => false);
      if (found) return true;
    }
  }
  return false;
}

/** The module of the 'not a dotted module name' item: accepting it does nothing. */
const INVALID = '\0';
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The candidates, "Detect it", and what is typed when it is a dotted module name not in the list
 * (a `settings_dev.py`, or a module the search cannot see): the module, '' to detect, undefined when
 * dismissed.
 */
function pickModule(items: (vscode.QuickPickItem & { module: string })[], detect: vscode.QuickPickItem & { module: string }, placeholder: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { module: string }>();
    qp.title = 'Django Atlas: settings module';
    qp.placeholder = placeholder;
    qp.matchOnDescription = true;
    qp.items = [...items, detect];
    let done = false;
    const finish = (v: string | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue((value) => {
      const typed = value.trim();
      // What is typed and matches nothing: said, rather than an empty list where Enter does nothing.
      const typedItem = DOTTED.test(typed) && !items.some((i) => i.module === typed)
        ? [{ label: typed, description: 'use this module', alwaysShow: true, module: typed }]
        : typed && !DOTTED.test(typed) && !items.some((i) => i.label.includes(typed) || i.description?.includes(typed))
          ? [{ label: '$(warning) Not a dotted module name', description: 'like config.settings.dev', alwaysShow: true, module: INVALID }]
          : [];
      qp.items = [...typedItem, ...items, detect];
    });
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0] ?? qp.activeItems[0];
      if (item && item.module !== INVALID) finish(item.module);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
