/**
 * "New DRF endpoint" for a model, as Django REST framework's tutorial builds one: a
 * ModelSerializer in the app's serializers.py, a ModelViewSet (in views.py, or in api.py /
 * viewsets.py when the project keeps its viewsets there) and its registration on a router. The
 * router is the project's own when it has one (the one in the app's urls.py, else one already
 * holding the app's viewsets, else a DefaultRouter); otherwise a DefaultRouter in the app's
 * urls.py, under `api/`. The serializer is shared with "new model --serializer".
 */
import path from 'node:path';
import type { DjangoProject, AppInfo } from '../project';
import type { ModelInfo } from '../models/index';
import type { RouterV } from '../python/values';
import { isLibraryFile } from '../files';
import { entryExample } from '../urls/example';
import { resolverFor } from '../flow/flow';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { assignedName, ensureImport, moduleReference, pyString, registerOnRouter } from './pyedit';
import { addToModule, appStyle, checkFreeName, firstPartyOf, modelImport, ownApp, ownApps } from './app';
import { addToAppUrls, findModel, includePrefix } from './view';

type App = AppInfo & { dir: string };

/** Refuses when Django REST framework is not in INSTALLED_APPS. */
export function hasDrf(project: DjangoProject): boolean {
  return project.installedApps().some((a) => a.name === 'rest_framework');
}

export function requireDrf(project: DjangoProject, what: string): void {
  if (!hasDrf(project)) {
    throw new ScaffoldError(`${what} needs Django REST framework: 'rest_framework' is not in INSTALLED_APPS`);
  }
}

/**
 * A ModelSerializer for the model in the app's serializers.py (made, or appended to), its fields
 * listed (`__all__` when not given); its class name.
 */
export function addSerializer(project: DjangoProject, app: App, model: Pick<ModelInfo, 'name' | 'appLabel' | 'module'>, fields: string[] | undefined, edits: FileEdit[]): string {
  requireDrf(project, 'a serializer');
  const name = `${model.name}Serializer`;
  checkFreeName(project, app, 'serializers', name);
  addToModule(project, app, 'serializers', [['rest_framework', 'serializers'], modelImport(app, model)], ({ ind, s }) => [
    `class ${name}(serializers.ModelSerializer):`,
    `${ind}class Meta:`,
    `${ind}${ind}model = ${model.name}`,
    `${ind}${ind}fields = ${fields ? `[${fields.map(s).join(', ')}]` : s('__all__')}`,
    '',
  ].join('\n'), edits);
  return name;
}

/** The fields a serializer of an existing model lists: its primary key and its concrete fields (undefined: `__all__`). */
function serializerFields(model: ModelInfo): string[] | undefined {
  if (model.parent) return undefined;
  const fields = model.fields.filter((f) => f.relation !== 'GenericForeignKey' && f.relation !== 'GenericRelation');
  const pk = fields.some((f) => { const v = f.options.get('primary_key'); return v?.k === 'bool' && v.v; });
  return [...(pk ? [] : ['id']), ...fields.map((f) => f.name)];
}

/** The module the app's viewsets go in: the one holding its viewsets, else the project's habit, else views. */
function viewsetModule(project: DjangoProject, app: App): string {
  const holds = (dir: string, stem: string) => project.host.readFile(path.join(dir, `${stem}.py`))?.includes('ViewSet');
  const habits = ['api', 'viewsets'];
  const own = habits.find((h) => holds(app.dir, h));
  if (own) return own;
  const habit = habits.find((h) => ownApps(project).some((a) => holds(a.dir, h)));
  if (habit) return habit;
  return project.host.stat(path.join(app.dir, 'views'))?.isDirectory ? 'api' : 'views';
}

interface FoundRouter {
  router: RouterV;
  /** Its variable in the file that makes it. */
  name: string;
  file: string;
  text: string;
}

/** DRF routers the URLconfs read by the URL tree reach, made by a top-level `name = …Router()`. */
function projectRouters(project: DjangoProject): FoundRouter[] {
  const tree = project.urlTree();
  const modules = new Set<string>(tree.rootUrlconf ? [tree.rootUrlconf] : []);
  const walk = (entries: typeof tree.entries) => entries.forEach((e) => { if (e.kind === 'resolver') { if (e.module) modules.add(e.module); walk(e.children); } });
  walk(tree.entries);
  const out = new Map<number, FoundRouter>();
  for (const m of modules) {
    const env = project.getModule(m);
    if (!env || env.external) continue;
    for (const v of env.scope.values()) {
      const r = v.k === 'lazy' || v.k === 'router' ? project.interp(env).force(v) : v;
      if (r.k !== 'router' || r.kind === 'wagtail' || out.has(r.id) || isLibraryFile(r.loc.file)) continue;
      const text = project.host.readFile(r.loc.file);
      const name = text === undefined ? undefined : assignedName(text, r.loc.line, r.loc.character);
      if (name) out.set(r.id, { router: r, name, file: r.loc.file, text: text! });
    }
  }
  return [...out.values()];
}

/**
 * The router a new registration goes on: the app's own urls.py's, one with the app's viewsets, a
 * DefaultRouter, the fullest. Another app's router serving only that app is not one to share.
 */
function chooseRouter(project: DjangoProject, app: App, routers: FoundRouter[]): FoundRouter | undefined {
  const appOf = (module: string) => ownApps(project).find((a) => module === a.name || module.startsWith(`${a.name}.`));
  const servedApps = (r: FoundRouter) => new Set(r.router.registry.map((reg) => {
    const v = project.interp().force(reg.viewset);
    return v.k === 'def' ? appOf(v.module)?.name : undefined;
  }));
  const score = (r: FoundRouter) => [Number(r.file === path.join(app.dir, 'urls.py')), Number(servedApps(r).has(app.name)), Number(r.router.kind === 'default'), r.router.registry.length];
  return routers
    .filter((r) => {
      const home = appOf(project.moduleForFile(r.file) ?? '');
      return !home || home.name === app.name || [...servedApps(r)].some((a) => a !== home.name);
    })
    .sort((a, b) => {
      const [x, y] = [score(a), score(b)];
      const i = x.findIndex((n, k) => n !== y[k]);
      return i < 0 ? 0 : y[i] - x[i];
    })[0];
}

const sameLoc = (a: { file: string; line: number; character: number }, b: typeof a) => a.file === b.file && a.line === b.line && a.character === b.character;

/**
 * Where a router's URLs land: an example path of its include (`api/`; undefined when it makes no
 * route yet) and the URL names already used in its namespace.
 */
function routerPlace(project: DjangoProject, router: RouterV): { mount?: string; names: Set<string | null> } {
  const leaves = project.urlTree().leaves;
  const leaf = leaves.find((l) => l.pattern.origin === 'router' && (sameLoc(l.pattern.loc, router.loc) || router.registry.some((r) => sameLoc(r.loc, l.pattern.loc))));
  if (!leaf) return { names: new Set() };
  const parts = leaf.chain.map((r) => entryExample(r));
  const ns = leaf.namespaces.join(':');
  return {
    mount: parts.every((p) => p !== undefined) ? parts.join('') : undefined,
    names: new Set(leaves.filter((l) => l.namespaces.join(':') === ns).map((l) => l.pattern.name)),
  };
}

/** Refuses a route prefix that is not plain path segments. */
export function checkPrefix(prefix: string): void {
  if (prefix.startsWith('/') || prefix.endsWith('/')) throw new ScaffoldError(`a router prefix has no leading or trailing '/' ('${prefix.replace(/^\/+|\/+$/g, '')}')`);
  if (!/^[\w-]+(\/[\w-]+)*$/.test(prefix)) throw new ScaffoldError(`'${prefix}' is not a router prefix like 'posts' or 'blog/posts' (letters, digits, '_', '-', '/')`);
}

export const defaultPrefix = (model: string): string => `${model.split('.').pop()!.toLowerCase()}s`;

/** Refuses a model that is abstract or missing, or when DRF is not installed or the names are taken. */
export function checkEndpointModel(project: DjangoProject, appName: string, modelName: string): ModelInfo {
  requireDrf(project, 'an API endpoint');
  const app = ownApp(project, appName);
  const model = findModel(project, app, modelName);
  checkFreeName(project, app, 'serializers', `${model.name}Serializer`);
  checkFreeName(project, app, viewsetModule(project, app), `${model.name}ViewSet`);
  return model;
}

/**
 * Where the endpoint is routed, refusing a prefix its router already registers or whose list and
 * detail URLs an earlier pattern already answers (a new pattern comes last).
 */
export function endpointPlace(project: DjangoProject, appName: string, model: ModelInfo, prefix: string) {
  checkPrefix(prefix);
  const app = ownApp(project, appName);
  const found = chooseRouter(project, app, projectRouters(project));
  const taken = found?.router.registry.find((r) => r.prefix === prefix);
  if (taken) throw new ScaffoldError(`'${prefix}' is already registered on ${found!.name} (${path.relative(project.root, taken.loc.file)}:${taken.loc.line + 1}): choose another prefix`);
  const urlsFile = path.join(app.dir, 'urls.py');
  const { mount, names } = found ? routerPlace(project, found.router) : {
    mount: `${includePrefix(project, urlsFile) ?? `${app.label}/`}api/`,
    names: new Set(project.urlTree().leaves.filter((l) => l.pattern.loc.file === urlsFile).map((l) => l.pattern.name)),
  };
  const slash = found && !found.router.trailingSlash ? '' : '/';
  for (const url of mount === undefined ? [] : [`/${mount}${prefix}${slash}`, `/${mount}${prefix}/1${slash}`]) {
    const answered = resolverFor(project).resolve(url).match;
    if (answered) throw new ScaffoldError(`'${url}' is already answered by ${answered.leaf.name ?? answered.leaf.route}: choose another prefix`);
  }
  return { app, found, urlsFile, mount, names };
}

export function planNewEndpoint(project: DjangoProject, appName: string, modelName: string, prefixGiven: string | undefined): Plan {
  const model = checkEndpointModel(project, appName, modelName);
  const prefix = prefixGiven ?? defaultPrefix(model.name);
  const edits: FileEdit[] = [];
  const notes: string[] = [];

  // Where it is routed, checked before anything is written.
  const { app, found, urlsFile, names } = endpointPlace(project, appName, model, prefix);
  // DRF names the routes `<basename>-list`…: another basename when those names are taken (the app's HTML `post-list`).
  const base = model.name.toLowerCase();
  const basename = names.has(`${base}-list`) || names.has(`${base}-detail`) ? `${base}-api` : undefined;

  // The serializer and the viewset.
  const serializer = addSerializer(project, app, model, serializerFields(model), edits);
  const stem = viewsetModule(project, app);
  const viewset = `${model.name}ViewSet`;
  const manager = model.managers.some((m) => m.name === 'objects') ? 'objects' : model.managers[0]?.name ?? 'objects';
  addToModule(project, app, stem, [['rest_framework', 'viewsets'], modelImport(app, model), ['.serializers', serializer]], ({ ind, s }) => [
    `class ${viewset}(viewsets.ModelViewSet):`,
    `${ind}queryset = ${model.name}.${manager}.${model.ordering.length ? 'all()' : `order_by(${s('pk')})`}`,
    `${ind}serializer_class = ${serializer}`,
    '',
  ].join('\n'), edits);

  // Its registration.
  const viewsetModuleName = `${app.name}.${stem}`;
  if (found) {
    const pkg = project.moduleForFile(found.file)?.split('.').slice(0, path.basename(found.file) === '__init__.py' ? undefined : -1).join('.') ?? '';
    const ref = moduleReference(found.text, pkg, viewsetModuleName);
    let text = registerOnRouter(found.text, found.name, prefix, ref ? `${ref}.${viewset}` : viewset, basename)!;
    if (!ref) text = ensureImport(text, path.dirname(found.file) === app.dir ? `.${stem}` : viewsetModuleName, viewset, firstPartyOf(project));
    edits.push({ file: found.file, before: found.text, after: text });
    return { edits, notes };
  }
  const inViews = stem === 'views';
  addToAppUrls(project, app, {
    pattern: (q) => `path(${pyString('api/', q)}, include(router.urls))`,
    imports: [['django.urls', 'include'], ['rest_framework.routers', 'DefaultRouter'], inViews ? ['.', 'views'] : [`.${stem}`, viewset]],
    before: (q) => `router = DefaultRouter()\nrouter.register(${[pyString(prefix, q), `${inViews ? 'views.' : ''}${viewset}`, ...(basename ? [`basename=${pyString(basename, q)}`] : [])].join(', ')})\n\n`,
  }, appStyle(project, app), edits, notes);
  return { edits, notes };
}
