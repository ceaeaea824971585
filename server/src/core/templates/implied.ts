/**
 * The template a class-based generic view renders when it names none: Django's
 * `SingleObjectTemplateResponseMixin` / `MultipleObjectTemplateResponseMixin` build
 * `<app_label>/<model_name><template_name_suffix>.html` from the view's `model` (or its
 * `queryset`'s model): `_detail`, `_list`, `_form` (CreateView, UpdateView), `_confirm_delete`.
 */
import type { DjangoProject } from '../project';
import type { DefV, Loc } from '../python/values';
import { asString } from '../python/values';

export interface ImpliedTemplate {
  view: DefV;
  /** The implied name, or undefined when the model cannot be told statically. */
  name?: string;
  model?: DefV;
  suffix: string;
}

/** The suffix by the first generic class in the MRO (Django's own attribute values). */
const SUFFIXES: Record<string, string> = {
  CreateView: '_form', UpdateView: '_form', BaseCreateView: '_form', BaseUpdateView: '_form',
  DeleteView: '_confirm_delete', BaseDeleteView: '_confirm_delete',
  ListView: '_list', MultipleObjectTemplateResponseMixin: '_list',
  DetailView: '_detail', SingleObjectTemplateResponseMixin: '_detail',
};

function isDjangoGeneric(module: string): boolean {
  return module === 'django.views.generic' || module.startsWith('django.views.generic.');
}

/** The model class a view works on: `model`, else `queryset = Model.objects…`. */
function viewModel(project: DjangoProject, view: DefV): DefV | undefined {
  const model = project.classAttrValue(view, 'model');
  if (model?.k === 'def' && model.kind === 'class') return model;
  const qs = project.classAttrValue(view, 'queryset');
  if (qs?.k === 'unknown' && qs.origin) {
    const o = project.interp().force(qs.origin);
    if (o.k === 'def' && o.kind === 'class') return o;
  }
  return undefined;
}

/** Django's `Meta.app_label`, else the label of the app the model's module belongs to. */
export function modelAppLabel(project: DjangoProject, model: DefV): string | undefined {
  const meta = model.cls?.nested.get('Meta');
  const explicit = meta ? asString(project.classAttrValue(meta, 'app_label')) : undefined;
  if (explicit) return explicit;
  return project.appForModule(model.module)?.label;
}

export function impliedTemplate(project: DjangoProject, view: DefV): ImpliedTemplate | undefined {
  if (view.kind !== 'class') return undefined;
  const mro = project.mro(view);
  const generic = mro.find((e) => isDjangoGeneric(e.module) && e.qualname in SUFFIXES);
  if (!generic) return undefined;
  // A view that names its template, or computes it, implies nothing.
  const tn = project.classAttrValue(view, 'template_name');
  if (tn && tn.k !== 'none' && tn.k !== 'unknown') return undefined;
  if (tn?.k === 'unknown') return undefined;
  for (const e of mro) {
    if (isDjangoGeneric(e.module) || !e.def) break;
    if (e.def.cls?.methods.has('get_template_names')) return undefined;
  }
  const suffix = asString(project.classAttrValue(view, 'template_name_suffix')) ?? SUFFIXES[generic.qualname];
  const model = viewModel(project, view);
  if (!model) return { view, suffix };
  const label = modelAppLabel(project, model);
  const modelName = model.qualname.split('.').pop()!.toLowerCase();
  return { view, model, suffix, name: label ? `${label}/${modelName}${suffix}.html` : undefined };
}

/** Every class defined at the top level of a module file that implies a template. */
export function impliedTemplatesIn(project: DjangoProject, file: string): ImpliedTemplate[] {
  const mod = project.moduleForFile(file);
  if (!mod) return [];
  const env = project.getModule(mod);
  if (!env) return [];
  const out: ImpliedTemplate[] = [];
  for (const v of env.scope.values()) {
    if (v.k !== 'def' || v.kind !== 'class' || v.module !== mod || v.loc.file !== file) continue;
    try {
      const t = impliedTemplate(project, v);
      if (t) out.push(t);
    } catch (e) {
      project.log(`implied template of ${v.qualname}: ${(e as Error).message}`);
    }
  }
  return out;
}

export type { Loc };
