/**
 * Finding the Django projects in a workspace: every `manage.py` (below the folder, skipping
 * virtualenvs, node_modules and VCS folders), its settings module (manage.py, wsgi/asgi, pytest
 * config, .env, or the user's override), its Python path (the project folder, `src/` layouts and
 * `sys.path` additions in manage.py) and the virtualenv's site-packages.
 */
import path from 'node:path';
import type { Host } from './host';
import { parsePython, type Node } from './python/parser';
import { stringLiteral } from './python/evaluator';

export interface ProjectInfo {
  /** The folder holding manage.py (or the config file that named the settings). */
  root: string;
  manageFile?: string;
  settingsModule: string | null;
  /** Where the settings module name came from, for the status report. */
  settingsSource: string;
  pythonPaths: string[];
  sitePackages: string[];
  /** site-packages came from a virtualenv or the user's setting, not the system fallback. */
  hasVirtualenv: boolean;
}

export interface DiscoveryOptions {
  /** `djangoAtlas.settingsModule`: wins over what the files say. */
  settingsModule?: string;
  /** `djangoAtlas.pythonPaths`: extra module folders, searched after the project. */
  extraPaths?: string[];
  /** Search depth below the workspace folder. */
  maxDepth?: number;
}

const SKIP_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', 'env', '.env', '.tox', '.nox',
  'site-packages', 'dist-packages', 'dist', 'build', '.mypy_cache', '.pytest_cache', '.idea', '.vscode', 'static',
  'media', 'migrations',
]);

export function findProjects(host: Host, folder: string, opts: DiscoveryOptions = {}): ProjectInfo[] {
  const manageFiles: string[] = [];
  const maxDepth = opts.maxDepth ?? 6;
  const seen = new Set<string>();
  const walk = (dir: string, depth: number) => {
    const real = host.realpath(dir);
    if (depth > maxDepth || seen.has(real) || seen.size > 20000) return;
    seen.add(real);
    const entries = host.readDirTypes(dir);
    if (!entries) return;
    if (entries.some((e) => e.name === 'manage.py' && e.isFile)) manageFiles.push(path.join(dir, 'manage.py'));
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (!e.isDirectory || SKIP_DIRS.has(e.name) || e.name.startsWith('.')) continue;
      walk(path.join(dir, e.name), depth + 1);
    }
  };
  walk(folder, 0);
  const projects = manageFiles.map((m) => projectFromManage(host, m, folder, opts));
  if (projects.length === 0) {
    const fromConfig = settingsFromConfigFiles(host, folder);
    if (fromConfig || opts.settingsModule) {
      const settings = opts.settingsModule || fromConfig!.module;
      projects.push({
        root: folder, settingsModule: settings, settingsSource: opts.settingsModule ? 'djangoAtlas.settingsModule' : fromConfig!.source,
        pythonPaths: pythonPathsFor(host, folder, [], settings), ...sitePackagesInfo(host, folder, folder, opts.extraPaths),
      });
    }
  }
  return projects;
}

function projectFromManage(host: Host, manageFile: string, workspace: string, opts: DiscoveryOptions): ProjectInfo {
  const root = path.dirname(manageFile);
  const manage = readManage(host, manageFile);
  let settingsModule: string | null = null;
  let settingsSource = 'none';
  if (opts.settingsModule) {
    settingsModule = opts.settingsModule;
    settingsSource = 'djangoAtlas.settingsModule';
  } else if (manage.settings) {
    settingsModule = manage.settings;
    settingsSource = path.relative(workspace, manageFile) || 'manage.py';
  } else {
    const cfg = settingsFromConfigFiles(host, root) ?? (root !== workspace ? settingsFromConfigFiles(host, workspace) : undefined);
    if (cfg) {
      settingsModule = cfg.module;
      settingsSource = cfg.source;
    }
  }
  const pythonPaths = pythonPathsFor(host, root, manage.sysPaths, settingsModule);
  if (!opts.settingsModule && !manage.settings && !settingsModule) {
    // wsgi.py / asgi.py next to a settings module.
    const fromWsgi = settingsFromWsgi(host, pythonPaths);
    if (fromWsgi) {
      settingsModule = fromWsgi.module;
      settingsSource = fromWsgi.source;
    }
  }
  return {
    root, manageFile, settingsModule, settingsSource, pythonPaths,
    ...sitePackagesInfo(host, root, workspace, opts.extraPaths),
  };
}

/** Walks a tree-sitter tree's nodes depth-first. */
function* walkNodes(node: Node): Generator<Node> {
  const cursor = node.walk();
  let done = false;
  while (!done) {
    yield cursor.currentNode;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
    }
  }
  cursor.delete();
}

/** DJANGO_SETTINGS_MODULE as set by `os.environ.setdefault(...)` or assignment, and sys.path additions. */
export function readManage(host: Host, file: string): { settings?: string; sysPaths: string[] } {
  const text = host.readFile(file);
  const out: { settings?: string; sysPaths: string[] } = { sysPaths: [] };
  if (text === undefined) return out;
  const tree = parsePython(text);
  try {
    const dir = path.dirname(file);
    for (const n of walkNodes(tree.rootNode)) {
      if (n.type === 'call') {
        const fn = n.childForFieldName('function')?.text.replace(/\s+/g, '') ?? '';
        const args = n.childForFieldName('arguments')?.namedChildren ?? [];
        if (fn.endsWith('environ.setdefault') && args.length >= 2 && stringLiteral(args[0]) === 'DJANGO_SETTINGS_MODULE') {
          out.settings ??= stringLiteral(args[1]);
        } else if (fn === 'sys.path.insert' || fn === 'sys.path.append') {
          const p = staticPath(args[args.length - 1], dir);
          if (p) out.sysPaths.push(p);
        }
      } else if (n.type === 'assignment') {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left?.type === 'subscript' && left.text.includes('DJANGO_SETTINGS_MODULE') && right) {
          out.settings ??= stringLiteral(right);
        }
      }
    }
  } finally {
    tree.delete();
  }
  return out;
}

/** A few path spellings manage.py uses for `sys.path.insert(0, ...)`. */
function staticPath(node: Node | undefined, dir: string): string | undefined {
  if (!node) return undefined;
  const lit = stringLiteral(node);
  if (lit !== undefined) return path.resolve(dir, lit);
  const t = node.text.replace(/\s+/g, '');
  const m = /["']([A-Za-z0-9_./-]+)["']/.exec(t);
  const dirExpr = t.includes('__file__');
  if (dirExpr && m) return path.resolve(dir, m[1]);
  if (dirExpr) return dir;
  return undefined;
}

function pythonPathsFor(host: Host, root: string, sysPaths: string[], settings: string | null): string[] {
  const paths = [root];
  for (const p of sysPaths) if (!paths.includes(p) && host.stat(p)?.isDirectory) paths.push(p);
  const src = path.join(root, 'src');
  if (!paths.includes(src) && host.stat(src)?.isDirectory) {
    const top = settings?.split('.')[0];
    const inRoot = top && (host.stat(path.join(root, top))?.isDirectory || host.stat(path.join(root, top + '.py'))?.isFile);
    if (!inRoot) paths.push(src);
  }
  return paths;
}

function settingsFromWsgi(host: Host, paths: string[]): { module: string; source: string } | undefined {
  for (const root of paths) {
    for (const e of host.readDir(root) ?? []) {
      for (const f of ['wsgi.py', 'asgi.py']) {
        const file = path.join(root, e, f);
        if (!host.stat(file)?.isFile) continue;
        const s = readManage(host, file).settings;
        if (s) return { module: s, source: path.relative(root, file) };
      }
    }
  }
  return undefined;
}

/** `DJANGO_SETTINGS_MODULE` in pytest.ini, setup.cfg, tox.ini, pyproject.toml or .env. */
export function settingsFromConfigFiles(host: Host, dir: string): { module: string; source: string } | undefined {
  for (const name of ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini', '.env']) {
    const text = host.readFile(path.join(dir, name));
    if (!text) continue;
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line.startsWith('[')) {
        section = line;
        continue;
      }
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim().replace(/^export\s+/, '');
      if (key !== 'DJANGO_SETTINGS_MODULE') continue;
      const inPytest = name === '.env' || section === '[pytest]' || section === '[tool:pytest]' || section === '[tool.pytest.ini_options]';
      if (!inPytest) continue;
      const value = line.slice(eq + 1).trim().replace(/^["']|["']$/g, '');
      if (/^[A-Za-z_][\w.]*$/.test(value)) return { module: value, source: name };
    }
  }
  return undefined;
}

function sitePackagesInfo(host: Host, root: string, workspace: string, extra: string[] = []): { sitePackages: string[]; hasVirtualenv: boolean } {
  const own = findSitePackages(host, root, workspace, extra, false);
  if (!own.length) return { sitePackages: findSitePackages(host, root, workspace, extra, true), hasVirtualenv: false };
  // A virtualenv without Django cannot be the one the project runs in (or is half installed):
  // Django's own source (admin/auth templates, template tags) is looked for in the system's too.
  if (!own.some((sp) => host.stat(path.join(sp, 'django'))?.isDirectory)) {
    const withDjango = systemSitePackages(host).filter((sp) => !own.includes(sp) && host.stat(path.join(sp, 'django'))?.isDirectory);
    return { sitePackages: [...own, ...withDjango], hasVirtualenv: true };
  }
  return { sitePackages: own, hasVirtualenv: true };
}

/** site-packages of a virtualenv next to (or above) the project, plus user paths; system ones as a last resort. */
export function findSitePackages(host: Host, root: string, workspace: string, extra: string[] = [], systemFallback = true): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p) && host.stat(p)?.isDirectory) out.push(p);
  };
  for (const e of extra) add(path.resolve(workspace, e));
  let dir = root;
  for (let i = 0; i < 4; i++) {
    for (const venv of ['.venv', 'venv', 'env', '.env', 'virtualenv']) {
      const lib = path.join(dir, venv, 'lib');
      for (const py of host.readDir(lib) ?? []) if (py.startsWith('python')) add(path.join(lib, py, 'site-packages'));
      add(path.join(dir, venv, 'Lib', 'site-packages'));
    }
    if (dir === workspace || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  // No virtualenv: the system interpreter's packages (Debian's python3-django lives here).
  if (out.length === 0 && systemFallback) for (const p of systemSitePackages(host)) add(p);
  return out;
}

/** The system interpreters' package folders that exist. */
function systemSitePackages(host: Host): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p) && host.stat(p)?.isDirectory) out.push(p);
  };
  add('/usr/lib/python3/dist-packages');
  for (const base of ['/usr/local/lib', '/usr/lib']) {
    for (const py of host.readDir(base) ?? []) if (/^python3\.\d+$/.test(py)) {
      add(path.join(base, py, 'site-packages'));
      add(path.join(base, py, 'dist-packages'));
    }
  }
  return out;
}
