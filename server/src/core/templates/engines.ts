/**
 * The `TEMPLATES` setting as Django's engines read it: each engine's backend (Django or Jinja2),
 * the folders its loaders search in order (`OPTIONS.loaders` with the cached, filesystem and app
 * directories loaders, or `DIRS` then, with `APP_DIRS`, each installed app's `templates/` —
 * `jinja2/` for Jinja2 — in INSTALLED_APPS order), `OPTIONS.libraries` and `builtins`.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import type { Value } from '../python/values';
import { asString } from '../python/values';

export type Backend = 'django' | 'jinja2' | 'other';

export interface SearchDir {
  dir: string;
  /** Which loader contributes it: the engine's DIRS (or a filesystem loader's own list), or an app. */
  via: 'dirs' | 'app';
  app?: string;
}

export interface TemplateEngine {
  index: number;
  backend: Backend;
  backendPath: string;
  dirs: SearchDir[];
  /** `OPTIONS.libraries`: name → module. */
  libraries: Map<string, string>;
  /** Builtin library modules: Django's, then `OPTIONS.builtins`. */
  builtins: string[];
  /** Loaders we do not know (custom ones): the names they load stay unknown. */
  unknownLoaders: string[];
}

const DJANGO_BACKEND = 'django.template.backends.django.DjangoTemplates';
const JINJA2_BACKEND = 'django.template.backends.jinja2.Jinja2';
const DEFAULT_BUILTINS = ['django.template.defaulttags', 'django.template.defaultfilters', 'django.template.loader_tags'];

export function dictGet(project: DjangoProject, v: Value, key: string): Value | undefined {
  if (v.k !== 'dict') return undefined;
  for (const [k, val] of v.entries) if (k.k === 'str' && k.v === key) return project.interp().force(val);
  return undefined;
}

export function forcedItems(project: DjangoProject, v: Value | undefined): Value[] {
  return v?.k === 'list' ? v.items.map((i) => project.interp().force(i)) : [];
}

export function appDirs(project: DjangoProject, sub: string): SearchDir[] {
  const out: SearchDir[] = [];
  for (const app of project.installedApps()) {
    if (!app.dir) continue;
    const dir = path.join(app.dir, sub);
    if (project.host.stat(dir)?.isDirectory) out.push({ dir, via: 'app', app: app.name });
  }
  return out;
}

function toDirs(project: DjangoProject, v: Value | undefined): SearchDir[] {
  const out: SearchDir[] = [];
  for (const d of forcedItems(project, v)) {
    const s = asString(d);
    if (s !== undefined) out.push({ dir: path.resolve(project.root, s), via: 'dirs' });
  }
  return out;
}

/** The `TEMPLATES` engines, each with the folders its loaders search, in order. */
export function computeEngines(project: DjangoProject): TemplateEngine[] {
  const out: TemplateEngine[] = [];
  const list = project.settingsValue('TEMPLATES');
  forcedItems(project, list).forEach((e, index) => {
    if (e.k !== 'dict') return;
    const backendPath = asString(dictGet(project, e, 'BACKEND')) ?? '';
    const backend: Backend = backendPath === DJANGO_BACKEND ? 'django' : backendPath === JINJA2_BACKEND ? 'jinja2' : 'other';
    const dirs = toDirs(project, dictGet(project, e, 'DIRS'));
    const appDirsOn = dictGet(project, e, 'APP_DIRS');
    const withApps = appDirsOn?.k === 'bool' && appDirsOn.v;
    const options = dictGet(project, e, 'OPTIONS');
    const engine: TemplateEngine = { index, backend, backendPath, dirs: [], libraries: new Map(), builtins: [...DEFAULT_BUILTINS], unknownLoaders: [] };
    if (backend === 'jinja2') {
      engine.dirs = [...dirs, ...(withApps ? appDirs(project, 'jinja2') : [])];
      engine.builtins = [];
    } else if (backend === 'django') {
      const loaders = options ? dictGet(project, options, 'loaders') : undefined;
      if (loaders?.k === 'list') {
        for (const l of forcedItems(project, loaders)) engine.dirs.push(...loaderDirs(project, l, dirs, engine));
      } else {
        engine.dirs = [...dirs, ...(withApps ? appDirs(project, 'templates') : [])];
      }
      const libs = options ? dictGet(project, options, 'libraries') : undefined;
      if (libs?.k === 'dict') {
        for (const [k, v] of libs.entries) {
          const mod = asString(project.interp().force(v));
          if (k.k === 'str' && mod) engine.libraries.set(k.v, mod);
        }
      }
      for (const b of forcedItems(project, options ? dictGet(project, options, 'builtins') : undefined)) {
        const s = asString(b);
        if (s) engine.builtins.push(s);
      }
    } else {
      engine.unknownLoaders.push(backendPath || '(no BACKEND)');
    }
    out.push(engine);
  });
  return out;
}

/** The directories one `OPTIONS.loaders` entry searches (a string, or a tuple with arguments). */
function loaderDirs(project: DjangoProject, l: Value, engineDirs: SearchDir[], engine: TemplateEngine, depth = 0): SearchDir[] {
  const items = l.k === 'list' ? l.items.map((i) => project.interp().force(i)) : [l];
  const name = asString(items[0]);
  if (!name || depth > 5) return [];
  switch (name) {
    case 'django.template.loaders.cached.Loader':
      return forcedItems(project, items[1]).flatMap((x) => loaderDirs(project, x, engineDirs, engine, depth + 1));
    case 'django.template.loaders.filesystem.Loader':
      return items[1] ? toDirs(project, items[1]) : engineDirs;
    case 'django.template.loaders.app_directories.Loader':
      return appDirs(project, 'templates');
    case 'django.template.loaders.locmem.Loader':
      return [];
    default:
      engine.unknownLoaders.push(name);
      return [];
  }
}
