/**
 * The project's models as Django's app registry builds them, read statically: each installed
 * app's `models` module (and what it imports) is evaluated, and every class deriving from
 * `django.db.models.Model` becomes a model with its app label (`Meta.app_label`, else the app whose
 * package contains its module), `Meta` (abstract, proxy, ordering), its fields — those declared on
 * the class and those inherited from abstract bases, in Django's creation order — with their
 * options and related models (`"self"`, `"Model"`, `"app_label.Model"`, a class,
 * `settings.AUTH_USER_MODEL`), its managers, and the reverse accessors other models give it.
 */
import type { DjangoProject, Memo } from '../project';
import type { DefV, Loc, Value } from '../python/values';
import { asString } from '../python/values';

export type RelationKind = 'ForeignKey' | 'OneToOneField' | 'ManyToManyField' | 'GenericForeignKey' | 'GenericRelation';

export interface FieldInfo {
  name: string;
  /** The field class's name (`CharField`, `ForeignKey`, a custom subclass's own name). */
  type: string;
  /** What kind of relation it is, through the field class's bases. */
  relation?: RelationKind;
  /** The related model as `app_label.Model`, when it can be told. */
  relatedModel: string | null;
  relatedName?: string;
  relatedQueryName?: string;
  through?: string;
  /** The name in `name = models.X(...)`. */
  loc: Loc;
  /** The class whose body declares it (an abstract base for inherited fields). */
  declaredIn: DefV;
  /** The keyword options as written (`max_length`, `null`, ...). */
  options: Map<string, Value>;
}

export interface ManagerInfo {
  name: string;
  /** The manager or queryset class, when it is one of the project's. */
  cls?: DefV;
  loc?: Loc;
}

export interface ModelInfo {
  def: DefV;
  name: string;
  appLabel: string;
  /** `app_label.Model`. */
  label: string;
  module: string;
  abstract: boolean;
  proxy: boolean;
  /** For `auth.User` when AUTH_USER_MODEL names another model. */
  swappedBy?: string;
  fields: FieldInfo[];
  managers: ManagerInfo[];
  ordering: string[];
  /** The concrete model a multi-table child or a proxy stands on. */
  parent?: string;
}

export interface ReverseRelation {
  /** The model the accessor is on. */
  model: string;
  /** `post_set`, or the related_name. */
  accessor: string;
  /** The name used in lookups (`post`, or related_query_name / related_name). */
  queryName: string;
  /** The model and field that point here. */
  from: string;
  field: FieldInfo;
  many: boolean;
}

const MODEL_BASES = new Set(['django.db.models.base.Model', 'django.db.models.Model']);
const RELATIONS: Record<string, RelationKind> = {
  ForeignKey: 'ForeignKey', OneToOneField: 'OneToOneField', ManyToManyField: 'ManyToManyField',
  GenericForeignKey: 'GenericForeignKey', GenericRelation: 'GenericRelation', ParentalKey: 'ForeignKey', ParentalManyToManyField: 'ManyToManyField',
};

function fqOf(e: { fq?: string; module: string; qualname: string }): string {
  return e.fq ?? `${e.module}.${e.qualname}`;
}

export class ModelIndex {
  private memo: Memo<ModelInfo[]> | undefined;
  private byLabelFor: ModelInfo[] | undefined;
  private byLabelMap = new Map<string, ModelInfo>();
  private reverseFor: ModelInfo[] | undefined;
  private reverseMap = new Map<string, ReverseRelation[]>();

  constructor(private readonly project: DjangoProject) {}

  /** Every model (concrete ones of every installed app, and abstract ones), in INSTALLED_APPS order. */
  models(): ModelInfo[] {
    if (this.memo && this.project.isFresh(this.memo)) return this.memo.value;
    this.memo = this.project.tracked(() => this.compute());
    return this.memo.value;
  }

  /** A model by `app_label.Model` (case-insensitive, as Django's `get_model`). */
  byLabel(label: string): ModelInfo | undefined {
    const models = this.models();
    if (this.byLabelFor !== models) {
      this.byLabelMap = new Map();
      for (const m of models) if (!m.abstract && !this.byLabelMap.has(m.label.toLowerCase())) this.byLabelMap.set(m.label.toLowerCase(), m);
      this.byLabelFor = models;
    }
    return this.byLabelMap.get(label.toLowerCase());
  }

  byDef(def: DefV): ModelInfo | undefined {
    return this.models().find((m) => m.def === def || (m.def.loc.file === def.loc.file && m.def.loc.line === def.loc.line));
  }

  /**
   * Whether every base of a model could be read (a base from an unreadable library may bring
   * fields we cannot see): only then is a name that is not one of its fields an error.
   */
  isComplete(model: ModelInfo, depth = 0): boolean {
    const ok = this.project.mro(model.def).every((e) => e.def || e.fq?.startsWith('django.') || e.module === 'builtins' || e.qualname === 'object');
    if (!ok) return false;
    const parent = model.parent ? this.byLabel(model.parent) : undefined;
    return !parent || depth > 10 || this.isComplete(parent, depth + 1);
  }

  /** The model AUTH_USER_MODEL names. */
  userModel(): ModelInfo | undefined {
    return this.byLabel(asString(this.project.settingsValue('AUTH_USER_MODEL')) ?? 'auth.User');
  }

  /** The reverse accessors on a model (`post_set`, related names), from every relation to it. */
  reverse(label: string): ReverseRelation[] {
    const models = this.models();
    if (this.reverseFor !== models) {
      this.reverseMap = new Map();
      for (const m of models) {
        if (m.abstract) continue;
        for (const f of m.fields) {
          if (!f.relatedModel || f.relation === 'GenericForeignKey' || f.relatedName?.endsWith('+')) continue;
          const target = this.byLabel(f.relatedModel)?.label ?? f.relatedModel;
          const modelName = m.name.toLowerCase();
          const many = f.relation !== 'OneToOneField';
          const accessor = f.relatedName ?? (many ? `${modelName}_set` : modelName);
          const queryName = f.relatedQueryName ?? f.relatedName ?? modelName;
          let list = this.reverseMap.get(target.toLowerCase());
          if (!list) this.reverseMap.set(target.toLowerCase(), (list = []));
          list.push({ model: target, accessor, queryName, from: `${m.label}.${f.name}`, field: f, many });
        }
      }
      this.reverseFor = models;
    }
    return this.reverseMap.get(label.toLowerCase()) ?? [];
  }

  // ---- building ----------------------------------------------------------------------------------

  private isModel(def: DefV): boolean {
    return this.project.mro(def).slice(1).some((e) => MODEL_BASES.has(fqOf(e)));
  }

  private compute(): ModelInfo[] {
    const seen = new Set<DefV>();
    const found: DefV[] = [];
    const visit = (env: ReturnType<DjangoProject['getModule']>) => {
      if (!env) return;
      for (const v of env.scope.values()) {
        const d = v.k === 'lazy' ? this.project.interp(env).force(v) : v;
        if (d.k !== 'def' || d.kind !== 'class' || seen.has(d)) continue;
        seen.add(d);
        if (this.isModel(d)) found.push(d);
      }
    };
    for (const app of this.project.installedApps()) {
      const name = `${app.name}.models`;
      if (!this.project.resolver.resolve(name)) continue;
      try {
        visit(this.project.getModule(name));
      } catch (e) {
        this.project.log(`models of ${app.name}: ${(e as Error).message}`);
      }
    }
    const infos: ModelInfo[] = [];
    for (const def of found) {
      try {
        const info = this.describe(def);
        // Only the project's abstract models are listed (a library's are bases, not models).
        if (info && (!info.abstract || !this.isExternal(def))) infos.push(info);
      } catch (e) {
        this.project.log(`model ${def.qualname}: ${(e as Error).message}`);
      }
    }
    // Django matches model names case-insensitively: labels as the models spell them.
    const labels = new Map(infos.filter((m) => !m.abstract).map((m) => [m.label.toLowerCase(), m.label]));
    for (const m of infos) {
      for (const f of m.fields) {
        if (f.relatedModel) f.relatedModel = labels.get(f.relatedModel.toLowerCase()) ?? f.relatedModel;
        if (f.through) f.through = labels.get(f.through.toLowerCase()) ?? f.through;
      }
    }
    const user = asString(this.project.settingsValue('AUTH_USER_MODEL')) ?? 'auth.User';
    for (const m of infos) if (m.label === 'auth.User' && user.toLowerCase() !== 'auth.user') m.swappedBy = user;
    return infos;
  }

  /** Whether evaluating module `a` imported module `b` (directly or through its imports). */
  private imports(a: string, b: string, depth = 0, seen = new Set<string>()): boolean {
    if (depth > 8 || seen.has(a)) return false;
    seen.add(a);
    const imps = this.project.moduleEnv(a)?.imports ?? [];
    return imps.some((m) => m === b || this.imports(m, b, depth + 1, seen));
  }

  private isExternal(def: DefV): boolean {
    const rel = def.loc.file.startsWith(this.project.root) ? def.loc.file.slice(this.project.root.length) : undefined;
    return rel === undefined || /[\\/](site|dist)-packages[\\/]/.test(rel);
  }

  private meta(def: DefV, name: string): Value | undefined {
    const meta = def.cls?.nested.get('Meta');
    return meta ? this.project.classAttrValue(meta, name) : undefined;
  }

  private appLabelOf(def: DefV): string | undefined {
    const explicit = asString(this.meta(def, 'app_label'));
    if (explicit) return explicit;
    return this.project.appForModule(def.module)?.label;
  }

  /**
   * `Meta.abstract` as written in the class's own Meta body: Django resets it to False in a Meta
   * inherited from an abstract base (`class Meta(AbstractUser.Meta)` is not abstract).
   */
  private isAbstract(def: DefV): boolean {
    const v = def.cls?.nested.get('Meta')?.cls?.attrs.get('abstract')?.value;
    const f = v ? this.project.interp().force(v) : undefined;
    return f?.k === 'bool' && f.v;
  }

  private describe(def: DefV): ModelInfo | undefined {
    const abstract = this.isAbstract(def);
    const appLabel = this.appLabelOf(def);
    if (!appLabel) return undefined;
    const proxyV = this.meta(def, 'proxy');
    const proxy = proxyV?.k === 'bool' && proxyV.v;
    const name = def.qualname.split('.').pop()!;
    const info: ModelInfo = {
      def, name, appLabel, label: `${appLabel}.${name}`, module: def.module, abstract, proxy, fields: [], managers: [], ordering: [],
    };
    const ordering = this.meta(def, 'ordering');
    if (ordering?.k === 'list') info.ordering = ordering.items.flatMap((i) => (i.k === 'str' ? [i.v] : []));

    // The classes whose fields this model has: itself and its abstract bases (Django copies
    // those); a concrete base's fields stay on the base (multi-table inheritance).
    const mro = this.project.mro(def);
    const declaring: DefV[] = [];
    for (const e of mro) {
      if (!e.def || MODEL_BASES.has(fqOf(e))) continue;
      if (e.def === def) {
        declaring.push(def);
        continue;
      }
      if (this.isAbstract(e.def)) declaring.push(e.def);
      else if (this.isModel(e.def) && !info.parent) info.parent = `${this.appLabelOf(e.def) ?? '?'}.${e.def.qualname.split('.').pop()}`;
    }
    // Django orders fields by creation: a base is defined (its fields created) before the classes
    // deriving from it, a module's classes in source order, an imported module's before.
    const key = (d: { module: string; qualname: string }) => `${d.module}.${d.qualname}`;
    const before = (a: DefV, b: DefV): boolean => {
      if (this.project.mro(b).slice(1).some((e) => key(e) === key(a))) return true;
      if (this.project.mro(a).slice(1).some((e) => key(e) === key(b))) return false;
      if (a.module === b.module) return a.loc.line < b.loc.line;
      return this.imports(b.module, a.module);
    };
    const ordered: DefV[] = [];
    const rest = [...declaring];
    while (rest.length) {
      const i = rest.findIndex((c) => !rest.some((o) => o !== c && before(o, c)));
      ordered.push(...rest.splice(i < 0 ? 0 : i, 1));
    }
    declaring.splice(0, declaring.length, ...ordered);
    if (proxy) declaring.length = 0;
    const byName = new Map<string, FieldInfo>();
    const managers: ManagerInfo[] = [];
    for (const d of declaring) {
      for (const [attr, { value, loc }] of d.cls?.attrs ?? []) {
        const v = this.project.interp().force(value);
        const field = this.fieldOf(attr, v, loc, d, info);
        if (field) {
          // A redefinition in a subclass replaces the inherited field, keeping its place.
          byName.set(attr, field);
          continue;
        }
        const mgr = this.managerOf(attr, v, loc);
        if (mgr && !managers.some((x) => x.name === attr)) managers.push(mgr);
      }
    }
    const fields = [...byName.values()];
    // Django: concrete fields, then many-to-many, then private ones (GenericForeignKey).
    const rank = (f: FieldInfo) => (f.relation === 'GenericForeignKey' || f.relation === 'GenericRelation' ? 2 : f.relation === 'ManyToManyField' ? 1 : 0);
    info.fields = fields.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);
    info.managers = managers.length ? managers : abstract ? [] : [{ name: 'objects' }];
    return info;
  }

  /** The field class's name and relation kind, through its bases (custom subclasses included). */
  private fieldClass(v: Value): { type: string; relation?: RelationKind } | undefined {
    if (v.k === 'unknown' && v.instance && v.origin?.kind === 'class') {
      const mro = this.project.mro(v.origin);
      let isField = false;
      let relation: RelationKind | undefined;
      for (const e of mro) {
        const fq = fqOf(e);
        if (/^django\.db\.models\.fields(\.|$)/.test(e.module) && e.qualname === 'Field') isField = true;
        if (fq === 'django.db.models.Field' || fq === 'django.db.models.fields.Field') isField = true;
        if (e.qualname === 'GenericForeignKey') {
          isField = true;
          relation ??= 'GenericForeignKey';
        }
        if (!relation && RELATIONS[e.qualname] && (e.module.startsWith('django.') || e.module.startsWith('modelcluster.'))) relation = RELATIONS[e.qualname];
      }
      return isField ? { type: v.origin.qualname.split('.').pop()!, relation } : undefined;
    }
    // Django's source is not readable: go by the dotted name.
    if (v.k === 'call' && /^django\.(db\.models|contrib\.contenttypes\.fields)\./.test(v.name)) {
      const type = v.name.split('.').pop()!;
      if (/Field$|ForeignKey$/.test(type)) return { type, relation: RELATIONS[type] };
    }
    return undefined;
  }

  private fieldOf(name: string, v: Value, loc: Loc, declaredIn: DefV, model: ModelInfo): FieldInfo | undefined {
    const cls = this.fieldClass(v);
    if (!cls) return undefined;
    const args = v.k === 'unknown' ? v.args ?? [] : v.k === 'call' ? v.args : [];
    const kwargs = v.k === 'unknown' ? v.kwargs ?? new Map<string, Value>() : v.k === 'call' ? v.kwargs : new Map<string, Value>();
    const field: FieldInfo = { name, type: cls.type, relation: cls.relation, relatedModel: null, loc, declaredIn, options: kwargs };
    if (cls.relation === 'GenericRelation') {
      const to = kwargs.get('to') ?? args[0];
      field.relatedModel = to ? this.relatedLabel(this.project.interp().force(to), model) : null;
      const rq = asString(kwargs.get('related_query_name') && this.project.interp().force(kwargs.get('related_query_name')!));
      // Django: a GenericRelation's related name is its related_query_name, else hidden.
      field.relatedName = rq ?? '+';
      if (rq) field.relatedQueryName = rq;
    } else if (cls.relation && cls.relation !== 'GenericForeignKey') {
      const to = kwargs.get('to') ?? args[0];
      field.relatedModel = to ? this.relatedLabel(this.project.interp().force(to), model) : null;
      const interpolate = (s: string) => s.replace(/%\(app_label\)s/g, model.appLabel.toLowerCase()).replace(/%\(class\)s/g, model.name.toLowerCase());
      const rn = asString(kwargs.get('related_name') && this.project.interp().force(kwargs.get('related_name')!));
      if (rn !== undefined) field.relatedName = interpolate(rn);
      const rq = asString(kwargs.get('related_query_name') && this.project.interp().force(kwargs.get('related_query_name')!));
      if (rq !== undefined) field.relatedQueryName = interpolate(rq);
      const through = kwargs.get('through');
      if (through) field.through = this.relatedLabel(this.project.interp().force(through), model) ?? undefined;
    }
    return field;
  }

  /** `"self"`, `"Model"`, `"app.Model"`, a class, or a setting's value, as `app_label.Model`. */
  private relatedLabel(v: Value, model: ModelInfo): string | null {
    // On an abstract model a string target stays as written (Django resolves it per subclass).
    if (v.k === 'str' && model.abstract) return v.v;
    if (v.k === 'str') {
      if (v.v === 'self') return model.label;
      if (v.v.includes('.')) {
        const [app, m] = [v.v.slice(0, v.v.lastIndexOf('.')), v.v.slice(v.v.lastIndexOf('.') + 1)];
        const hit = this.byLabelLoose(`${app}.${m}`);
        return hit ?? `${app}.${m}`;
      }
      // "Model": in the app of the model the field ends up on.
      return this.byLabelLoose(`${model.appLabel}.${v.v}`) ?? `${model.appLabel}.${v.v}`;
    }
    if (v.k === 'def' && v.kind === 'class') {
      const app = this.appLabelOf(v);
      return app ? `${app}.${v.qualname.split('.').pop()}` : null;
    }
    return null;
  }

  /** While the index is being built, labels are matched by spelling (Django is case-insensitive). */
  private byLabelLoose(label: string): string | undefined {
    const [app, name] = label.split('.');
    for (const a of this.project.installedApps()) {
      if (a.label.toLowerCase() === app.toLowerCase()) return `${a.label}.${name}`;
    }
    return undefined;
  }

  private managerOf(name: string, v: Value, loc: Loc): ManagerInfo | undefined {
    const cls = v.k === 'unknown' ? v.origin : undefined;
    if (!cls || cls.kind !== 'class') return undefined;
    const isManager = this.project.mro(cls).some((e) => ['BaseManager', 'Manager', 'QuerySet'].includes(e.qualname) && fqOf(e).startsWith('django.db.models'));
    return isManager ? { name, cls, loc } : undefined;
  }
}
