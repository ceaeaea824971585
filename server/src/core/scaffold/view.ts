/**
 * "New view": the view in the app's views.py (function, class, or a generic view over a model),
 * its URL pattern in the app's urls.py (creating urls.py with `app_name`, and its include in
 * ROOT_URLCONF, when the app has none) and its template under the app's `templates/<label>/`,
 * extending the project's base template with the base's blocks ready to fill.
 */
import path from 'node:path';
import type { DjangoProject, AppInfo } from '../project';
import type { ModelInfo } from '../models/index';
import type { UrlEntry } from '../urls/tree';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { appendToList, ensureImport, hasTopLevelList, insertBeforeAssignment, insertIntoList, listItemAtLine, pyString, quoteStyle } from './pyedit';
import { appStyle, firstPartyOf, includeInRoot, ownApp, validateIdentifier } from './app';
import { templateText } from './template';
import { entryExample } from '../urls/example';
import { resolverFor } from '../flow/flow';

export const VIEW_KINDS = ['function', 'class', 'template', 'list', 'detail', 'create', 'update', 'delete', 'form'] as const;
export type ViewKind = (typeof VIEW_KINDS)[number];

const GENERIC: Partial<Record<ViewKind, string>> = {
  template: 'TemplateView', list: 'ListView', detail: 'DetailView', create: 'CreateView', update: 'UpdateView', delete: 'DeleteView', form: 'FormView',
};
const NEEDS_MODEL = new Set<ViewKind>(['list', 'detail', 'create', 'update', 'delete']);

export const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const kebab = (s: string) => snake(s).replace(/_/g, '-');

/** A model given as `Model` (the app's first) or `app_label.Model`, concrete, or a refusal. */
export function findModel(project: DjangoProject, app: AppInfo, model: string): ModelInfo {
  const models = project.models();
  const m = model.includes('.') ? models.byLabel(model) : models.models().find((x) => x.name === model && x.appLabel === app.label) ?? models.models().find((x) => x.name === model);
  if (!m) throw new ScaffoldError(`no model '${model}' (give it as Model or app_label.Model)`);
  if (m.abstract) throw new ScaffoldError(`'${m.label}' is abstract: a concrete model is needed`);
  return m;
}

export interface NewViewOptions {
  kind: ViewKind;
  model?: string;
  route?: string;
}

/** Refuses a view name in the wrong case for its kind, or one the app's views.py already defines. */
export function checkViewName(project: DjangoProject, appName: string, name: string, kind: ViewKind): void {
  if (!VIEW_KINDS.includes(kind)) throw new ScaffoldError(`unknown view kind '${kind}' (one of ${VIEW_KINDS.join(', ')})`);
  validateIdentifier(name, 'view');
  const isClass = kind !== 'function';
  if (isClass && !/^[A-Z]/.test(name)) throw new ScaffoldError(`a class-based view is named in CamelCase ('${name.charAt(0).toUpperCase()}${name.slice(1)}')`);
  if (!isClass && /[A-Z]/.test(name)) throw new ScaffoldError(`a function view is named in snake_case ('${snake(name)}')`);
  const app = ownApp(project, appName);
  if (project.host.stat(path.join(app.dir, 'views'))?.isDirectory) throw new ScaffoldError(`${app.label}'s views are a package: add the view to one of its modules by hand`);
  if (project.getModule(`${app.name}.views`)?.scope.has(name)) throw new ScaffoldError(`${app.label}.views already defines '${name}'`);
}

/**
 * Where the new pattern goes so that it answers its route: last in the app's urls.py, or right
 * before the pattern of that file that would answer its path first (a catch-all like
 * `<slug:slug>/`), as a Django developer would put it. Refused when what answers first is
 * elsewhere (an earlier include, another URLconf).
 */
export function checkRoute(project: DjangoProject, appName: string, route: string): { beforeLine?: number; shadows?: string } {
  if (route.startsWith('/')) throw new ScaffoldError('a route does not start with \'/\' (Django strips the leading slash before matching)');
  const app = ownApp(project, appName);
  const urls = path.join(app.dir, 'urls.py');
  const prefix = includePrefix(project, urls) ?? `${app.label}/`;
  const example = entryExample({ route: prefix + route, regex: false });
  const taken = example !== undefined ? resolverFor(project).resolve(`/${example}`).match : null;
  if (!taken) return {};
  const what = `${taken.leaf.name ?? taken.leaf.route} (${taken.leaf.route})`;
  const text = project.host.readFile(urls);
  const loc = taken.leaf.pattern.loc;
  // Only a literal route before a pattern that captures (a converter or a regex): `cart/` before
  // `<slug:slug>/`. One written as this very path is the same route; a capturing new route would hide the old one.
  const captures = !route.includes('<') && (taken.leaf.pattern.regex || taken.leaf.pattern.route.includes('<'));
  if (captures && loc.file === urls && text !== undefined && listItemAtLine(text, 'urlpatterns', loc.line, true) !== undefined) {
    return { beforeLine: loc.line, shadows: `the new pattern is placed before ${what}, which would answer '/${example}' first; that path now reaches the new view` };
  }
  const where = captures ? `, an earlier pattern outside ${app.label}/urls.py` : '';
  throw new ScaffoldError(`'/${example}' is already answered by ${what}${where}: the new pattern would never be reached; choose another route`);
}

/** Whether a view of this kind needs a model. */
export const needsModel = (kind: string): boolean => NEEDS_MODEL.has(kind as ViewKind);

/** The route a new view gets when none is given, relative to its app's include. */
export function defaultRoute(kind: ViewKind, name: string, modelName: string | undefined): string {
  const m = modelName?.split('.').pop()?.toLowerCase();
  const base = (n: string) => n.replace(/View$/, '') || n;
  switch (kind) {
    case 'list': return `${m}s/`;
    case 'detail': return `${m}s/<int:pk>/`;
    case 'create': return `${m}s/new/`;
    case 'update': return `${m}s/<int:pk>/edit/`;
    case 'delete': return `${m}s/<int:pk>/delete/`;
    default: return `${kebab(kind === 'function' ? name : base(name))}/`;
  }
}

export function planNewView(project: DjangoProject, appName: string, name: string, o: NewViewOptions): Plan {
  checkViewName(project, appName, name, o.kind);
  const isClass = o.kind !== 'function';
  const app = ownApp(project, appName);
  const model = o.model ? findModel(project, app, o.model) : undefined;
  if (NEEDS_MODEL.has(o.kind) && !model) throw new ScaffoldError(`a ${o.kind} view needs --model`);
  const dir = app.dir;
  const viewsFile = path.join(dir, 'views.py');
  const viewsText = project.host.readFile(viewsFile);
  const edits: FileEdit[] = [];
  const notes: string[] = [];

  const { q, ind } = appStyle(project, app, viewsText);
  const s = (v: string) => pyString(v, q);
  const base = (n: string) => n.replace(/View$/, '') || n;
  const templateName = `${app.label}/${snake(isClass ? base(name) : name)}.html`;
  const urlName = kebab(isClass ? base(name) : name);
  const route = o.route || defaultRoute(o.kind, name, model?.name);

  const place = checkRoute(project, appName, route);

  // The view.
  let code: string;
  const imports: [string, string][] = [];
  if (o.kind === 'function') {
    imports.push(['django.shortcuts', 'render']);
    code = `def ${name}(request):\n${ind}return render(request, ${s(templateName)}, {})\n`;
  } else if (o.kind === 'class') {
    imports.push(['django.shortcuts', 'render'], ['django.views', 'View']);
    code = `class ${name}(View):\n${ind}def get(self, request, *args, **kwargs):\n${ind}${ind}return render(request, ${s(templateName)}, {})\n`;
  } else {
    const cls = GENERIC[o.kind]!;
    imports.push(['django.views.generic', cls]);
    const lines = [`template_name = ${s(templateName)}`];
    if (model) {
      imports.push([model.appLabel === app.label ? '.models' : `${model.module}`, model.name]);
      lines.unshift(`model = ${model.name}`);
    }
    if (o.kind === 'create' || o.kind === 'update') lines.push(`fields = ${s('__all__')}`);
    if (o.kind === 'create' || o.kind === 'update' || o.kind === 'delete' || o.kind === 'form') {
      // Back to the model's list when the app routes one, else the site's root.
      const list = model ? listUrlName(project, model) : undefined;
      if (list) imports.push(['django.urls', 'reverse_lazy']);
      lines.push(`success_url = ${list ? `reverse_lazy(${s(list)})` : s('/')}`);
    }
    if (o.kind === 'form') {
      imports.push(['django', 'forms']);
      lines.unshift(`form_class = ${base(name)}Form`);
    }
    const formCode = o.kind === 'form' ? `class ${base(name)}Form(forms.Form):\n${ind}pass\n\n\n` : '';
    code = `${formCode}class ${name}(${cls}):\n${lines.map((l) => `${ind}${l}`).join('\n')}\n`;
  }
  let views = viewsText ?? '';
  const firstParty = firstPartyOf(project);
  for (const [mod, n] of imports) views = ensureImport(views, mod, n, firstParty);
  views = `${views.replace(/\n*$/, '')}\n\n\n${code}`.replace(/^\n+/, '');
  edits.push(viewsText === undefined ? { file: viewsFile, after: views } : { file: viewsFile, before: viewsText, after: views });

  // The URL pattern, in the app's urls.py (made, and included, when missing).
  if (project.urlTree().leaves.some((l) => l.name === `${app.label}:${urlName}` || (l.name === urlName && l.pattern.loc.file === path.join(dir, 'urls.py')))) {
    throw new ScaffoldError(`a URL named '${urlName}' already exists in ${app.label}`);
  }
  addToAppUrls(project, app, {
    pattern: (uq) => `path(${pyString(route, uq)}, views.${name}${isClass ? '.as_view()' : ''}, name=${pyString(urlName, uq)})`,
    imports: [['.', 'views']],
    beforeLine: place.beforeLine,
  }, { q, ind }, edits, notes);
  if (place.shadows) notes.push(place.shadows);

  // The template, extending the project's base template.
  const tfile = path.join(dir, 'templates', templateName);
  if (project.host.stat(tfile) || project.templates().resolve(templateName)) throw new ScaffoldError(`a template '${templateName}' already exists`);
  const parent = project.templates().resolve('base.html') ? 'base.html' : undefined;
  const fill = { content: contentFor(o.kind, model) };
  if (!parent) notes.push('no base.html found: the new template stands alone with title and content blocks');
  edits.push({ file: tfile, after: templateText(project, parent, notes, fill) });
  return { edits, notes };
}

export interface AppUrlsAddition {
  /** The pattern, written with the urls.py's quote. */
  pattern: (q: '"' | "'") => string;
  /** Imports it needs besides `path`. */
  imports: [string, string][];
  /** Statements to put before `urlpatterns` (a router and its registrations), with the urls.py's quote. */
  before?: (q: '"' | "'") => string;
  /** Put the pattern before the list item starting on this line (0-based) instead of last. */
  beforeLine?: number;
}

/**
 * Appends a pattern to the app's urls.py with its imports (and `before` above its urlpatterns);
 * makes urls.py with `app_name` when missing (in the style given), and includes it from
 * ROOT_URLCONF when nothing reaches it yet.
 */
export function addToAppUrls(project: DjangoProject, app: AppInfo & { dir: string }, add: AppUrlsAddition, style: { q: '"' | "'"; ind: string }, edits: FileEdit[], notes: string[]): void {
  const urlsFile = path.join(app.dir, 'urls.py');
  const urlsText = project.host.readFile(urlsFile);
  const uq = quoteStyle(urlsText ?? style.q.repeat(2));
  const imports: [string, string][] = [['django.urls', 'path'], ...add.imports];
  const firstParty = firstPartyOf(project);
  const withImports = (text: string) => imports.reduce((t, [mod, n]) => ensureImport(t, mod, n, firstParty), text);
  if (urlsText === undefined) {
    const body = `app_name = ${pyString(app.label, uq)}\n\n${add.before?.(uq) ?? ''}urlpatterns = [\n${style.ind}${add.pattern(uq)},\n]\n`;
    edits.push({ file: urlsFile, after: `${withImports('')}\n${body}` });
    includeInRoot(project, `${app.label}/`, `${app.name}.urls`, edits, notes);
    return;
  }
  // `urlpatterns = [...]`, or the last `urlpatterns += [...]` (after `urlpatterns = format_suffix_patterns(...)`).
  if (!hasTopLevelList(urlsText, 'urlpatterns', true)) throw new ScaffoldError(`${urlsFile} has no urlpatterns list we can add to`);
  const index = add.beforeLine === undefined ? undefined : listItemAtLine(urlsText, 'urlpatterns', add.beforeLine, true);
  let after = (index === undefined ? appendToList(urlsText, 'urlpatterns', add.pattern(uq), true) : insertIntoList(urlsText, 'urlpatterns', add.pattern(uq), index, true))!;
  if (add.before) after = insertBeforeAssignment(after, 'urlpatterns', add.before(uq))!;
  edits.push({ file: urlsFile, before: urlsText, after: withImports(after) });
  const reaches = (e: UrlEntry): boolean => e.kind === 'resolver' && (e.moduleFile === urlsFile || e.children.some(reaches));
  if (!project.urlTree().entries.some(reaches)) includeInRoot(project, `${app.label}/`, `${app.name}.urls`, edits, notes);
}

/** The route prefix the root URLconf includes a URLconf file under (the first place), if it does. */
export function includePrefix(project: DjangoProject, file: string): string | undefined {
  const walk = (entries: UrlEntry[], prefix: string): string | undefined => {
    for (const e of entries) {
      if (e.kind !== 'resolver') continue;
      const p = prefix + (e.i18n ? e.route : e.route);
      if (e.moduleFile === file) return p;
      const inner = walk(e.children, p);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return walk(project.urlTree().entries, '');
}

/** The namespaced name of a ListView of this model the project routes, if any. */
function listUrlName(project: DjangoProject, model: ModelInfo): string | undefined {
  for (const l of project.urlTree().leaves) {
    const def = l.pattern.view?.def;
    if (!l.name || def?.kind !== 'class' || !project.mro(def).some((e) => e.qualname === 'ListView')) continue;
    const m = project.interp().classAttr(def, 'model');
    const f = m ? project.interp().force(m) : undefined;
    if (f?.k === 'def' && f === model.def) return l.name;
  }
  return undefined;
}

/** Starting markup for the content block of each kind of view. */
function contentFor(kind: ViewKind, model: ModelInfo | undefined): string {
  const m = model?.name.toLowerCase() ?? 'object';
  switch (kind) {
    case 'list': return `<ul>\n  {% for ${m} in object_list %}\n  <li>{{ ${m} }}</li>\n  {% empty %}\n  <li>No ${m}s yet.</li>\n  {% endfor %}\n</ul>\n`;
    case 'detail': return `<h1>{{ object }}</h1>\n`;
    case 'create': case 'update': case 'form': return `<form method="post">\n  {% csrf_token %}\n  {{ form.as_p }}\n  <button type="submit">Save</button>\n</form>\n`;
    case 'delete': return `<form method="post">\n  {% csrf_token %}\n  <p>Delete {{ object }}?</p>\n  <button type="submit">Delete</button>\n</form>\n`;
    default: return '';
  }
}
