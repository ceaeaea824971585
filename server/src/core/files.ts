/**
 * The project's own source files (Python and templates), found by walking the project folders
 * and skipping virtualenvs, VCS folders, node_modules, caches and symlink loops.
 */
import path from 'node:path';
import type { Host } from './host';

const SKIP = new Set([
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', 'env', '.env', '.tox', '.nox',
  'site-packages', 'dist-packages', '.mypy_cache', '.pytest_cache', '.idea', '.vscode', 'migrations',
]);

/** A file of an installed library (site-packages / dist-packages), not the project's own. */
export function isLibraryFile(file: string): boolean {
  return /[\\/](site|dist)-packages[\\/]/.test(file);
}

export const TEMPLATE_EXTS = new Set(['.html', '.htm', '.txt', '.xml', '.djhtml', '.jinja', '.jinja2', '.j2']);

export interface ProjectFiles {
  python: string[];
  templates: string[];
}

/** Python files anywhere below the roots; templates below folders named `templates` or given dirs. */
export function listProjectFiles(host: Host, roots: string[], templateDirs: string[] = [], limit = 200000): ProjectFiles {
  const python: string[] = [];
  const templates: string[] = [];
  const seen = new Set<string>();
  const tdirs = templateDirs.map((d) => path.normalize(d));
  const walk = (dir: string, inTemplates: boolean, depth: number) => {
    const real = host.realpath(dir);
    if (depth > 30 || seen.has(real) || python.length + templates.length > limit) return;
    seen.add(real);
    const entries = host.readDirTypes(dir);
    if (!entries) return;
    for (const { name: e, isDirectory, isFile } of entries) {
      if (SKIP.has(e)) continue;
      const full = path.join(dir, e);
      if (isDirectory) {
        if (e.startsWith('.')) continue;
        walk(full, inTemplates || e === 'templates' || e === 'jinja2' || tdirs.includes(full), depth + 1);
      } else if (isFile) {
        const ext = path.extname(e);
        if (ext === '.py') python.push(full);
        else if (inTemplates && TEMPLATE_EXTS.has(ext)) templates.push(full);
      }
    }
  };
  for (const d of tdirs) walk(d, true, 0);
  for (const r of roots) walk(r, tdirs.includes(path.normalize(r)), 0);
  return { python, templates };
}
