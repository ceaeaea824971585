/**
 * The dotted name Django would import a settings file by (no `vscode` here: unit-tested).
 */

/**
 * `mysite/settings.py` → `mysite.settings`, `config/settings/dev.py` → `config.settings.dev`:
 * relative to the nearest folder holding manage.py above it (`roots`, workspace-relative, '' for
 * the workspace folder itself), else to the workspace folder with a leading `src/` dropped.
 */
export function settingsModuleName(relPath: string, roots: string[]): string {
  const path = relPath.replace(/\\/g, '/');
  const parts = path.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/');
  const root = roots.filter((r) => r === '' || path.startsWith(r + '/')).sort((a, b) => b.length - a.length)[0];
  if (root !== undefined) return parts.slice(root === '' ? 0 : root.split('/').length).join('.');
  return (parts[0] === 'src' ? parts.slice(1) : parts).join('.');
}
