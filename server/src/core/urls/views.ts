/**
 * Views as the URL table names them: where the view's code is defined. A function is itself; a
 * class-based view (`X.as_view()`) and a DRF viewset are their class; a wrapped view
 * (`login_required(f)`, `cache_page(60)(f)`, `@decorator def f`) is the wrapped function, as
 * `functools.wraps` makes Django report it. A library view we cannot read keeps its dotted name.
 */
import type { DjangoProject } from '../project';
import type { Value, DefV, Loc } from '../python/values';
import { isLibraryFile } from '../files';

export interface ViewRef {
  module: string;
  qualname: string;
  kind: 'function' | 'class' | 'unknown';
  /** The name after def/class; absent for a library view we cannot read. */
  loc?: Loc;
  /** Defined in site-packages (or unknown library code). */
  external: boolean;
  def?: DefV;
}

/** Where some often-used library names really live (their `__module__`), for when site-packages is absent. */
const LIBRARY_HOMES: Record<string, string> = {
  'django.views.generic.View': 'django.views.generic.base',
  'django.views.generic.TemplateView': 'django.views.generic.base',
  'django.views.generic.RedirectView': 'django.views.generic.base',
  'django.views.generic.ListView': 'django.views.generic.list',
  'django.views.generic.DetailView': 'django.views.generic.detail',
  'django.views.generic.CreateView': 'django.views.generic.edit',
  'django.views.generic.UpdateView': 'django.views.generic.edit',
  'django.views.generic.DeleteView': 'django.views.generic.edit',
  'django.views.generic.FormView': 'django.views.generic.edit',
  'django.views.generic.ArchiveIndexView': 'django.views.generic.dates',
  'django.contrib.auth.views.LoginView': 'django.contrib.auth.views',
  'django.contrib.auth.views.LogoutView': 'django.contrib.auth.views',
  'django.views.static.serve': 'django.views.static',
  'django.contrib.sitemaps.views.sitemap': 'django.contrib.sitemaps.views',
  'django.views.i18n.JavaScriptCatalog': 'django.views.i18n',
  'django.views.i18n.set_language': 'django.views.i18n',
};

export function defToViewRef(def: DefV): ViewRef {
  return {
    module: def.module,
    qualname: def.qualname,
    kind: def.kind,
    loc: def.loc,
    external: isLibraryFile(def.loc.file),
    def,
  };
}


export function externalViewRef(fq: string): ViewRef {
  const dot = fq.lastIndexOf('.');
  const qualname = fq.slice(dot + 1);
  const module = LIBRARY_HOMES[fq] ?? fq.slice(0, dot);
  return { module, qualname, kind: 'unknown', external: true };
}

export function viewRefOf(project: DjangoProject, value: Value, depth = 0): ViewRef | null {
  if (depth > 20) return null;
  const v = project.interp().force(value);
  switch (v.k) {
    case 'def':
      return defToViewRef(v);
    case 'view':
      return viewRefOf(project, v.target, depth + 1);
    case 'unknown':
      if (v.fq) return externalViewRef(v.fq);
      // A callable instance (`LatestEntriesFeed()`): its class holds the code.
      if (v.instance && v.origin?.kind === 'class') return defToViewRef(v.origin);
      return null;
    case 'call':
      for (const a of v.args) {
        const r = viewRefOf(project, a, depth + 1);
        if (r) return r;
      }
      return null;
    case 'builtin':
      return externalViewRef(v.name);
    case 'str':
      return dottedViewRef(project, v.v);
    default:
      return null;
  }
}

/** A view given as a dotted string (`"app.views.index"`, pre-2.0 code): the def it names. */
export function dottedViewRef(project: DjangoProject, dotted: string): ViewRef | null {
  const v = project.lookupDotted(dotted);
  return v?.k === 'def' ? defToViewRef(v) : null;
}
