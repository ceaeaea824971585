/**
 * "New app": the package `manage.py startapp` makes (apps.py with the right `name`, models, views,
 * admin, tests, migrations/), plus `urls.py` with `app_name` and `templates/<app>/`, placed where
 * the project's own apps live; the app added to INSTALLED_APPS in the settings file that really
 * defines it, and an `include()` of its URLs in ROOT_URLCONF.
 */
import path from 'node:path';
import { isLibraryFile } from '../files';
import type { DjangoProject, AppInfo } from '../project';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { appendToList, codeStyle, ensureImport, hasTopLevelList, pyString, quoteStyle } from './pyedit';

const KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except finally for from global if import in is ' +
  'lambda nonlocal not or pass raise return try while with yield match case type').split(' '));

/** Top-level modules an app must not shadow (Django's startapp refuses importable names). */
const RESERVED = new Set(['django', 'test', 'tests', 'site', 'os', 'sys', 'json', 're', 'io', 'time', 'types', 'string', 'email', 'html', 'http', 'logging', 'random', 'typing', 'collections', 'functools', 'itertools', 'math', 'copy', 'abc', 'enum', 'datetime', 'decimal', 'uuid', 'pathlib', 'secrets', 'signal', 'select', 'socket', 'ssl', 'queue', 'code', 'ast', 'token', 'array', 'rest_framework']);

export function validateIdentifier(name: string, what: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ScaffoldError(`'${name}' is not a valid ${what} name: use letters, digits and underscores, not starting with a digit`);
  if (KEYWORDS.has(name)) throw new ScaffoldError(`'${name}' is a Python keyword and cannot be a ${what} name`);
}

const isOwn = (project: DjangoProject, a: AppInfo): a is AppInfo & { dir: string } => !!a.dir && a.dir.startsWith(project.root) && !isLibraryFile(a.dir);

/** The project's own installed apps (not Django's, not site-packages'). */
export function ownApps(project: DjangoProject): (AppInfo & { dir: string })[] {
  return project.installedApps().filter((a) => isOwn(project, a));
}

/** One of the project's own installed apps (by label or module), or a clear refusal. */
export function ownApp(project: DjangoProject, name: string): AppInfo & { dir: string } {
  const a = project.installedApps().find((x) => x.label === name || x.name === name);
  if (!a) throw new ScaffoldError(`no installed app '${name}' (installed: ${project.installedApps().map((x) => x.label).join(', ')})`);
  if (!isOwn(project, a)) throw new ScaffoldError(`'${name}' is not one of the project's own apps`);
  return a;
}

/** How new code in an app is written: the quotes and indentation of the first given text that shows them, then of the app's other modules, then of the settings. */
export function appStyle(project: DjangoProject, app: AppInfo & { dir: string }, ...texts: (string | undefined)[]): { q: '"' | "'"; ind: string; s: (v: string) => string } {
  const read = (f: string) => project.host.readFile(path.join(app.dir, f));
  const settings = project.settingsEnv()?.file;
  const { q, ind } = codeStyle(...texts, read('models.py'), read('views.py'), read('apps.py'), read('admin.py'), read('urls.py'), settings ? project.host.readFile(settings) : undefined);
  return { q, ind, s: (v: string) => pyString(v, q) };
}

/** Whether a top-level module name is one of the project's own packages (isort's first party), for import grouping. */
export function firstPartyOf(project: DjangoProject): (top: string) => boolean {
  const known = new Map<string, boolean>();
  return (top) => {
    let own = known.get(top);
    if (own === undefined) {
      const found = project.resolver.resolve(top);
      const where = found?.file ?? found?.dir;
      own = !!where && !isLibraryFile(where) && !path.relative(project.root, where).startsWith('..');
      known.set(top, own);
    }
    return own;
  };
}

/** Appends `code` (a class) to a module of the app, made when missing, with its imports. */
export function addToModule(project: DjangoProject, app: AppInfo & { dir: string }, stem: string, imports: [string, string][], code: (s: ReturnType<typeof appStyle>) => string, edits: FileEdit[]): void {
  const file = path.join(app.dir, `${stem}.py`);
  const before = project.host.readFile(file);
  const style = appStyle(project, app, before);
  const firstParty = firstPartyOf(project);
  const text = `${imports.reduce((t, [m, n]) => ensureImport(t, m, n, firstParty), before ?? '').replace(/\n*$/, '')}\n\n\n${code(style)}`.replace(/^\n+/, '');
  edits.push(before === undefined ? { file, after: text } : { file, before, after: text });
}

/** Refuses a class name the app's module `stem` already binds, or a module that is a package. */
export function checkFreeName(project: DjangoProject, app: AppInfo & { dir: string }, stem: string, name: string): void {
  if (project.host.stat(path.join(app.dir, stem))?.isDirectory) throw new ScaffoldError(`${app.label}'s ${stem} are a package: add ${name} to one of its modules by hand`);
  if (project.getModule(`${app.name}.${stem}`)?.scope.has(name)) throw new ScaffoldError(`${app.label}.${stem} already defines '${name}'`);
}

/** How module `stem` of the app imports a model: relatively from its own app, else by module. */
export const modelImport = (app: AppInfo, model: { name: string; appLabel: string; module: string }): [string, string] =>
  [model.appLabel === app.label ? '.models' : model.module, model.name];

/** Where the project's own apps live: the folder holding most of them, else the project root. */
function appsFolder(project: DjangoProject): string {
  const counts = new Map<string, number>();
  for (const a of project.installedApps()) {
    if (!a.dir || isLibraryFile(a.dir) || !a.dir.startsWith(project.root)) continue;
    const parent = path.dirname(a.dir);
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? project.root;
}

/**
 * The list a setting's new item goes in: a top-level `SETTING = [...]` in the file that last assigns
 * it or in another module of the settings package (a `base.py` a conditional override builds on);
 * when it is built from parts (`DJANGO_APPS + LOCAL_APPS`), the last part that is a list.
 */
export function settingList(project: DjangoProject, setting: string, name: string): { file: string; text: string; list: string; augmented?: boolean; parts?: boolean } {
  const last = project.settingLoc(setting)?.file;
  const settings = project.settingsEnv()?.file;
  const dir = settings ? path.dirname(settings) : undefined;
  const siblings = dir ? (project.host.readDir(dir) ?? []).filter((f) => f.endsWith('.py')).sort().map((f) => path.join(dir, f)) : [];
  for (const file of [...new Set([last, settings, ...siblings].filter((f): f is string => !!f))]) {
    const text = project.host.readFile(file);
    if (text === undefined) continue;
    if (hasTopLevelList(text, setting)) return { file, text, list: setting };
    const parts = new RegExp(`^${setting}\\s*=\\s*([^\\n#]+)`, 'm').exec(text)?.[1].split('+').map((x) => x.trim()).filter((x) => /^[A-Z_][A-Z0-9_]*$/.test(x)) ?? [];
    const target = [...parts].reverse().find((p) => hasTopLevelList(text, p));
    if (target) return { file, text, list: target, parts: true };
    if (hasTopLevelList(text, setting, true)) return { file, text, list: setting, augmented: true };
  }
  throw new ScaffoldError(`${setting} is not a list we can add to (${last ?? 'no settings file'}); add '${name}' by hand`);
}

/** Refuses a name `manage.py startapp` would refuse, or one the project already uses. */
export function checkAppName(project: DjangoProject, name: string): void {
  validateIdentifier(name, 'app');
  if (name !== name.toLowerCase()) throw new ScaffoldError(`app names are lower case by convention ('${name.toLowerCase()}')`);
  if (RESERVED.has(name)) throw new ScaffoldError(`'${name}' is the name of an existing Python module; choose another app name`);
  if (project.installedApps().some((a) => a.label === name || a.name === name)) throw new ScaffoldError(`an installed app is already named '${name}'`);
  if (project.moduleExists(name)) throw new ScaffoldError(`a module '${name}' already exists on the project's Python path`);
  const dir = path.join(appsFolder(project), name);
  if (project.host.stat(dir)) throw new ScaffoldError(`${dir} already exists`);
}

export function planNewApp(project: DjangoProject, name: string): Plan {
  checkAppName(project, name);
  const dir = path.join(appsFolder(project), name);

  const { file: settingsFile, text: settingsText, list, augmented } = settingList(project, 'INSTALLED_APPS', name);
  // The settings' quotes; the indentation of the project's apps (settings rarely have a block to tell it).
  const sibling = project.installedApps().find((a): a is AppInfo & { dir: string } => !!a.dir && a.dir.startsWith(project.root) && !isLibraryFile(a.dir));
  const q = quoteStyle(settingsText);
  const { ind } = sibling ? appStyle(project, sibling) : codeStyle(settingsText);
  const config = `${name.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}Config`;
  const s = (v: string) => pyString(v, q);
  const files: [string, string][] = [
    ['__init__.py', ''],
    ['apps.py', `from django.apps import AppConfig\n\n\nclass ${config}(AppConfig):\n${ind}default_auto_field = ${s('django.db.models.BigAutoField')}\n${ind}name = ${s(name)}\n`],
    ['models.py', 'from django.db import models\n\n# Create your models here.\n'],
    ['views.py', 'from django.shortcuts import render\n\n# Create your views here.\n'],
    ['admin.py', 'from django.contrib import admin\n\n# Register your models here.\n'],
    ['tests.py', 'from django.test import TestCase\n\n# Create your tests here.\n'],
    ['migrations/__init__.py', ''],
    ['urls.py', `from django.urls import path\n\nfrom . import views\n\napp_name = ${s(name)}\n\nurlpatterns = [\n]\n`],
    [`templates/${name}/.gitkeep`, ''],
  ];
  const edits: FileEdit[] = files.map(([rel, after]) => ({ file: path.join(dir, rel), after }));
  const notes: string[] = [];

  const settingsAfter = appendToList(settingsText, list, s(name), augmented)!;
  edits.push({ file: settingsFile, before: settingsText, after: settingsAfter });

  includeInRoot(project, `${name}/`, `${name}.urls`, edits, notes);
  return { edits, notes };
}

/** Adds `path(route, include(module))` to ROOT_URLCONF's urlpatterns (with its imports), or a note saying to. */
export function includeInRoot(project: DjangoProject, route: string, module: string, edits: FileEdit[], notes: string[]): void {
  const urlconf = project.urlTree().rootFile;
  const urlText = urlconf ? project.host.readFile(urlconf) : undefined;
  // `urlpatterns = [...]`, or the last `urlpatterns += [...]` (after `urlpatterns = format_suffix_patterns(...)`).
  if (urlconf && urlText !== undefined && hasTopLevelList(urlText, 'urlpatterns', true)) {
    const uq = quoteStyle(urlText);
    let after = appendToList(urlText, 'urlpatterns', `path(${pyString(route, uq)}, include(${pyString(module, uq)}))`, true)!;
    after = ensureImport(ensureImport(after, 'django.urls', 'path'), 'django.urls', 'include');
    edits.push({ file: urlconf, before: urlText, after });
  } else {
    notes.push(`ROOT_URLCONF has no urlpatterns list we can add to: include('${module}') by hand`);
  }
}
