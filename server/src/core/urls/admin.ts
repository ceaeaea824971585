/**
 * `admin.site.urls`, expanded as Django 4.2's `AdminSite.get_urls()` and `ModelAdmin.get_urls()`
 * do: the site-wide views, then per registered model (in autodiscover order) its changelist/add/
 * history/delete/change views, the app index regex and the catch-all. Registrations come from
 * `admin.site.register(...)` and `@admin.register(...)` in each installed app's `admin` module.
 */
import type { DjangoProject } from '../project';
import type { DefV, Loc, Value } from '../python/values';
import type { UrlEntry, UrlPatternEntry, UrlResolverEntry } from './tree';
import { defToViewRef, externalViewRef, type ViewRef } from './views';

const SITE_VIEWS: [string, string, string | null][] = [
  ['', 'index', 'index'],
  ['login/', 'login', 'login'],
  ['logout/', 'logout', 'logout'],
  ['password_change/', 'password_change', 'password_change'],
  ['password_change/done/', 'password_change_done', 'password_change_done'],
  ['autocomplete/', 'autocomplete_view', 'autocomplete'],
  ['jsi18n/', 'i18n_javascript', 'jsi18n'],
];

/** Contrib apps' registrations, for when Django's source is not readable. */
const CONTRIB_ADMIN: Record<string, [string, string, string][]> = {
  'django.contrib.auth': [['auth', 'Group', 'GroupAdmin'], ['auth', 'User', 'UserAdmin']],
  'django.contrib.sites': [['sites', 'Site', 'SiteAdmin']],
  'django.contrib.redirects': [['redirects', 'Redirect', 'RedirectAdmin']],
  'django.contrib.flatpages': [['flatpages', 'FlatPage', 'FlatPageAdmin']],
};

interface Registered {
  appLabel: string;
  modelName: string;
  admin: DefV | undefined;
  adminFq?: string;
}

export function adminPatterns(project: DjangoProject, loc: Loc, cond: boolean): UrlEntry[] {
  const site = classDef(project, 'django.contrib.admin.sites', 'AdminSite');
  const siteView = (method: string): ViewRef => methodRef(project, site, method, 'django.contrib.admin.sites.AdminSite');
  const pat = (route: string, view: ViewRef | null, name: string | null): UrlPatternEntry => ({
    kind: 'pattern', route, regex: false, name, view, loc, conditional: cond, origin: 'admin',
  });
  const out: UrlEntry[] = SITE_VIEWS.map(([route, method, name]) => pat(route, siteView(method), name));
  const shortcut = project.getModule('django.contrib.contenttypes.views')?.scope.get('shortcut');
  // Django 5.2 (#35903) accepts non-integer ContentType pks here.
  const dj = project.libraryVersion('django');
  const ct = dj && (dj[0] > 5 || (dj[0] === 5 && dj[1] >= 2)) ? 'path' : 'int';
  out.push(pat(`r/<${ct}:content_type_id>/<path:object_id>/`, shortcut?.k === 'def' ? defToViewRef(shortcut) : externalViewRef('django.contrib.contenttypes.views.shortcut'), 'view_on_site'));

  const labels: string[] = [];
  for (const reg of registered(project)) {
    const info = `${reg.appLabel}_${reg.modelName}`;
    const ma = (method: string) => methodRef(project, reg.admin, method, reg.adminFq ?? 'django.contrib.admin.options.ModelAdmin');
    const children: UrlPatternEntry[] = [];
    if (isUserAdmin(project, reg)) {
      children.push(pat('<id>/password/', ma('user_change_password'), 'auth_user_password_change'));
    }
    children.push(
      pat('', ma('changelist_view'), `${info}_changelist`),
      pat('add/', ma('add_view'), `${info}_add`),
      pat('<path:object_id>/history/', ma('history_view'), `${info}_history`),
      pat('<path:object_id>/delete/', ma('delete_view'), `${info}_delete`),
      pat('<path:object_id>/change/', ma('change_view'), `${info}_change`),
      pat('<path:object_id>/', redirectView(project), null),
    );
    const resolver: UrlResolverEntry = {
      kind: 'resolver', route: `${reg.appLabel}/${reg.modelName}/`, regex: false, namespace: null, appName: null,
      module: null, children, loc, conditional: cond,
    };
    out.push(resolver);
    if (!labels.includes(reg.appLabel)) labels.push(reg.appLabel);
  }
  if (labels.length) {
    out.push({ ...pat(`^(?P<app_label>${labels.join('|')})/$`, siteView('app_index'), 'app_list'), regex: true });
  }
  out.push({ ...pat('(?P<url>.*)$', siteView('catch_all_view'), null), regex: true });
  return out;
}

function classDef(project: DjangoProject, module: string, name: string): DefV | undefined {
  const v = project.getModule(module)?.scope.get(name);
  const forced = v ? project.interp().force(v) : undefined;
  return forced?.k === 'def' && forced.kind === 'class' ? forced : undefined;
}

/** The method as `self.method` finds it: the first class in the MRO that defines it. */
function methodRef(project: DjangoProject, cls: DefV | undefined, method: string, fallbackClass: string): ViewRef {
  if (cls) {
    for (const entry of project.mro(cls)) {
      const m = entry.def?.cls?.methods.get(method);
      if (m && entry.def) {
        return { module: entry.def.module, qualname: `${entry.def.qualname}.${method}`, kind: 'function', loc: m.loc, external: defToViewRef(entry.def).external };
      }
    }
  }
  const dot = fallbackClass.lastIndexOf('.');
  const fallback = classDef(project, fallbackClass.slice(0, dot), fallbackClass.slice(dot + 1));
  if (fallback && fallback !== cls) return methodRef(project, fallback, method, fallbackClass);
  return { module: fallbackClass.slice(0, dot), qualname: `${fallbackClass.slice(dot + 1)}.${method}`, kind: 'function', external: true };
}

function redirectView(project: DjangoProject): ViewRef {
  const def = classDef(project, 'django.views.generic.base', 'RedirectView');
  return def ? defToViewRef(def) : externalViewRef('django.views.generic.base.RedirectView');
}

function isUserAdmin(project: DjangoProject, reg: Registered): boolean {
  if (reg.adminFq === 'django.contrib.auth.admin.UserAdmin') return true;
  if (!reg.admin) return false;
  return project.mro(reg.admin).some((e) => e.qualname === 'UserAdmin' && e.module === 'django.contrib.auth.admin');
}

function modelIdentity(project: DjangoProject, model: Value): { appLabel: string; modelName: string } | undefined {
  if (model.k === 'lazy' && !project.isEvaluated(model.module)) {
    // `from .models import Post`: the app and the class name say it without reading models.py
    // (only a Meta.app_label would say otherwise, and it is rare enough to read on demand).
    const app = project.appForModule(model.module);
    if (app) return { appLabel: app.label, modelName: model.name.toLowerCase() };
  }
  const v = project.interp().force(model);
  if (v.k !== 'def' || v.kind !== 'class') {
    if (v.k === 'unknown' && v.fq) {
      const parts = v.fq.split('.');
      const name = parts.pop()!;
      const app = project.appForModule(parts.join('.'));
      return { appLabel: app?.label ?? parts[parts.length - 2] ?? '', modelName: name.toLowerCase() };
    }
    return undefined;
  }
  const meta = v.cls?.nested.get('Meta');
  const explicit = meta ? project.classAttrValue(meta, 'app_label') : undefined;
  const appLabel = explicit?.k === 'str' ? explicit.v : project.appForModule(v.module)?.label ?? v.module.split('.').slice(-2, -1)[0] ?? '';
  return { appLabel, modelName: v.qualname.split('.').pop()!.toLowerCase() };
}

/** The admin registry as Django builds it: registration order, `unregister` removing a model. */
function registered(project: DjangoProject): Registered[] {
  const registry = new Map<string, Registered>();
  const haveDjango = project.moduleExists('django.contrib.admin');
  // AdminSite.register ignores a swapped model (auth.User when AUTH_USER_MODEL names another).
  const userModel = (project.settingsValue('AUTH_USER_MODEL') as { v?: string }).v?.toLowerCase() ?? 'auth.user';
  const swapped = (key: string) => key === 'auth.user' && userModel !== 'auth.user';
  if (!haveDjango) {
    for (const app of project.installedApps()) {
      for (const [appLabel, model, admin] of CONTRIB_ADMIN[app.name] ?? []) {
        const key = `${appLabel}.${model.toLowerCase()}`;
        if (!swapped(key)) registry.set(key, { appLabel, modelName: model.toLowerCase(), admin: undefined, adminFq: `${app.name}.admin.${admin}` });
      }
    }
  }
  for (const reg of project.adminRegistrations()) {
    const id = modelIdentity(project, reg.model);
    if (!id) continue;
    const key = `${id.appLabel}.${id.modelName}`;
    if (reg.unregister) {
      registry.delete(key);
      continue;
    }
    // Django raises AlreadyRegistered for a second registration: the first one stands.
    if (registry.has(key) || swapped(key)) continue;
    const adminV = reg.admin ? project.interp().force(reg.admin) : undefined;
    registry.set(key, { ...id, admin: adminV?.k === 'def' && adminV.kind === 'class' ? adminV : undefined });
  }
  return [...registry.values()];
}
