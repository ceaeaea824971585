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
import { asString, NONE } from '../python/values';

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
  /** Made by Django next to the field at `loc`, just before it (django-money's currency field). */
  createdBefore?: boolean;
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
  private byDefFor: ModelInfo[] | undefined;
  private byDefMap = new Map<string, ModelInfo>();
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
    const models = this.models();
    if (this.byDefFor !== models) {
      this.byDefMap = new Map();
      for (const m of models) this.byDefMap.set(`${m.def.loc.file}:${m.def.loc.line}`, m);
      this.byDefFor = models;
    }
    return this.byDefMap.get(`${def.loc.file}:${def.loc.line}`);
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
    this.moduleOrder = undefined;
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
      // An AppConfig that overrides import_models() decides at run time whether the models module
      // is imported at all (django-debug-toolbar: only with its DatabaseStore); Django's default
      // is not what happens, so its models are not listed.
      if (this.overridesImportModels(app.name)) continue;
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
    this.addSearchIndexRelations(infos);
    return infos;
  }

  private overridesImportModels(app: string): boolean {
    const mod = this.project.resolver.resolve(`${app}.apps`);
    const text = mod?.file ? this.project.host.readFile(mod.file) : undefined;
    return !!text && /^\s+def import_models\(/m.test(text);
  }

  /**
   * What AppConfig.ready() adds: the app of django-modelsearch (Wagtail's `wagtail.search`) gives
   * every concrete indexed model (a subclass of `Indexed` whose `search_fields` are not empty) an
   * `index_entries` GenericRelation to its IndexEntry model, after every other field.
   */
  private addSearchIndexRelations(infos: ModelInfo[]): void {
    for (const app of this.project.installedApps()) {
      if (!app.config || !this.project.mro(app.config).some((e) => e.qualname === 'ModelSearchAppConfig' && e.module.startsWith('modelsearch.'))) continue;
      const entry = infos.find((m) => m.appLabel === app.label && m.name === 'IndexEntry' && !m.abstract);
      if (!entry) continue;
      for (const m of infos) {
        if (m.abstract || m.fields.some((f) => f.name === 'index_entries')) continue;
        if (!this.project.mro(m.def).some((e) => e.qualname === 'Indexed' && e.module.startsWith('modelsearch.'))) continue;
        const sf = this.project.classAttrValue(m.def, 'search_fields');
        if (sf?.k === 'list' && sf.items.length === 0) continue;
        m.fields.push({
          name: 'index_entries', type: 'TextIDGenericRelation', relation: 'GenericRelation', relatedModel: entry.label,
          relatedName: '+', loc: entry.def.loc, declaredIn: entry.def, options: new Map(),
        });
      }
    }
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
    // `cls.__module__` (a class body or a later `Cls.__module__ = "..."` may set it).
    const ownModule = def.cls?.attrs.get('__module__')?.value;
    const module = (ownModule && asString(this.project.interp().force(ownModule))) ?? def.module;
    const info: ModelInfo = {
      def, name, appLabel, label: `${appLabel}.${name}`, module, abstract, proxy, fields: [], managers: [], ordering: [],
    };
    const ordering = this.meta(def, 'ordering');
    if (ordering?.k === 'list') info.ordering = ordering.items.flatMap((i) => (i.k === 'str' ? [i.v] : []));

    // A concrete model base is a multi-table parent: its fields stay on it.
    for (const e of this.project.mro(def).slice(1)) {
      if (!e.def || MODEL_BASES.has(fqOf(e))) continue;
      if (!this.isAbstract(e.def) && this.isModel(e.def)) {
        info.parent = `${this.appLabelOf(e.def) ?? '?'}.${e.def.qualname.split('.').pop()}`;
        break;
      }
    }
    const managers: ManagerInfo[] = [];
    const { fields, privates } = proxy ? { fields: [], privates: [] } : this.collect(def, info, managers, 0);
    // Django: local fields by creation counter, then many-to-many by creation counter (a field
    // keeps its counter when copied from an abstract base, and a redefinition in a subclass is a
    // new field, created later), then private fields (GenericForeignKey, GenericRelation) in the
    // order they were added.
    const byCreation = (a: FieldInfo, b: FieldInfo) => {
      const ka = this.creationKey(a);
      const kb = this.creationKey(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
      return 0;
    };
    const local = fields.filter((f) => f.relation !== 'ManyToManyField').sort(byCreation);
    const m2m = fields.filter((f) => f.relation === 'ManyToManyField').sort(byCreation);
    info.fields = [...local, ...m2m, ...privates];
    info.managers = managers.length ? managers : abstract ? [] : [{ name: 'objects' }];
    return info;
  }

  /**
   * The fields a model class has as Django's ModelBase builds them: those of its own body (an
   * attribute that is not a field, `None` or a method included, hides an inherited field of that
   * name), then, for each direct base that is an abstract model, in MRO order, that base's own
   * fields (recursively) unless the name is already taken or defined by a non-parent class met
   * earlier in the MRO (`inherited_attributes`). A concrete base is a multi-table parent and gives
   * nothing; neither do the abstract bases behind it. Private fields keep Django's add order.
   */
  private collect(def: DefV, model: ModelInfo, managers: ManagerInfo[], depth: number): { fields: FieldInfo[]; privates: FieldInfo[] } {
    const fields: FieldInfo[] = [];
    const privates: FieldInfo[] = [];
    const taken = new Set<string>();
    const add = (f: FieldInfo) => {
      if (taken.has(f.name)) return;
      taken.add(f.name);
      (f.relation === 'GenericForeignKey' || f.relation === 'GenericRelation' ? privates : fields).push(f);
    };
    for (const [attr, { value, loc }] of def.cls?.attrs ?? []) {
      const v = this.project.interp().force(value);
      const made = this.fieldsOf(attr, v, loc, def, model);
      if (made.length) {
        made.forEach(add);
        continue;
      }
      taken.add(attr);
      const mgr = this.managerOf(attr, v, loc);
      if (mgr && !managers.some((x) => x.name === attr)) managers.push(mgr);
    }
    for (const name of def.cls?.methods.keys() ?? []) taken.add(name);
    for (const name of def.cls?.nested.keys() ?? []) if (name !== 'Meta') taken.add(name);
    if (depth > 20) return { fields, privates };
    const parents = new Set<DefV>();
    for (const b of def.cls?.bases ?? []) {
      const v = this.project.interp().force(b);
      if (v.k === 'def' && v.kind === 'class') parents.add(v);
    }
    const inherited = new Set<string>();
    for (const e of this.project.mro(def).slice(1)) {
      if (!e.def || MODEL_BASES.has(fqOf(e))) continue;
      const isModel = this.isModel(e.def);
      if (!parents.has(e.def) || !isModel) {
        for (const n of [...(e.def.cls?.attrs.keys() ?? []), ...(e.def.cls?.methods.keys() ?? [])]) inherited.add(n);
        continue;
      }
      if (!this.isAbstract(e.def)) continue;
      const sub = this.collect(e.def, model, managers, depth + 1);
      for (const f of [...sub.fields, ...sub.privates]) if (!inherited.has(f.name)) add(f);
    }
    return { fields, privates };
  }

  /** Python's import order: modules by the time they finish executing (see creationKey). */
  private moduleOrder: Map<string, number> | undefined;
  private inProgress = new Set<string>();

  private visitModule(name: string, depth = 0): void {
    const order = this.moduleOrder!;
    if (order.has(name) || this.inProgress.has(name) || depth > 200) return;
    // `import a.b.c` runs a, then a.b, then a.b.c.
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) this.visitModule(parts.slice(0, i).join('.'), depth + 1);
    if (order.has(name)) return;
    this.inProgress.add(name);
    for (const imp of this.project.moduleEnv(name)?.imports ?? []) this.visitModule(imp, depth + 1);
    this.inProgress.delete(name);
    order.set(name, order.size);
  }

  private moduleRank(module: string): number {
    if (!this.moduleOrder) {
      // django.setup(): every app's package and AppConfig module, then every app's models module,
      // in INSTALLED_APPS order; a module's imports run before the rest of its body.
      this.moduleOrder = new Map();
      const apps = this.project.installedApps();
      for (const app of apps) {
        this.visitModule(app.name);
        if (app.config) this.visitModule(app.config.module);
      }
      for (const app of apps) this.visitModule(`${app.name}.models`);
    }
    if (!this.moduleOrder.has(module)) this.visitModule(module);
    return this.moduleOrder.get(module) ?? Number.MAX_SAFE_INTEGER;
  }

  /**
   * When Django created the field (its creation counter): class bodies run in import order, a
   * module's imports before its own classes, a body from top to bottom. A field Django creates
   * next to another (django-money's currency field, just before its amount) sorts with it.
   */
  private creationKey(f: FieldInfo): number[] {
    return [this.moduleRank(f.declaredIn.module), f.loc.line, f.loc.character, f.createdBefore ? -1 : 0];
  }

  /** The field class's name and relation kind, through its bases (custom subclasses included). */
  private fieldClass(v: Value): { type: string; relation?: RelationKind; lib?: 'taggit' | 'djmoney' } | undefined {
    if (v.k === 'unknown' && v.instance && v.origin?.kind === 'class') {
      const mro = this.project.mro(v.origin);
      let isField = false;
      let relation: RelationKind | undefined;
      let lib: 'taggit' | 'djmoney' | undefined;
      for (const e of mro) {
        const fq = fqOf(e);
        if (/^django\.db\.models\.fields(\.|$)/.test(e.module) && e.qualname === 'Field') isField = true;
        if (fq === 'django.db.models.Field' || fq === 'django.db.models.fields.Field') isField = true;
        if (e.qualname === 'GenericForeignKey') {
          isField = true;
          relation ??= 'GenericForeignKey';
        }
        if (!relation && RELATIONS[e.qualname] && (e.module.startsWith('django.') || e.module.startsWith('modelcluster.'))) relation = RELATIONS[e.qualname];
        // django-taggit's manager is a many-to-many to the tag model through its `through` model.
        if (!relation && e.qualname === 'TaggableManager' && e.module.startsWith('taggit.')) {
          relation = 'ManyToManyField';
          lib = 'taggit';
        }
        if (e.qualname === 'MoneyField' && e.module.startsWith('djmoney.')) lib ??= 'djmoney';
      }
      return isField ? { type: v.origin.qualname.split('.').pop()!, relation, lib } : undefined;
    }
    // Django's source is not readable: go by the dotted name.
    if (v.k === 'call' && /^django\.(db\.models|contrib\.contenttypes\.fields)\./.test(v.name)) {
      const type = v.name.split('.').pop()!;
      if (/Field$|ForeignKey$/.test(type)) return { type, relation: RELATIONS[type] };
    }
    return undefined;
  }

  /**
   * The field a class attribute is, with the fields its `contribute_to_class` adds next to it:
   * django-money's `<name>_currency` CurrencyField (created just before the amount), and
   * django-taggit's `tagged_items` GenericRelation to a generic `through` model (on concrete
   * models only).
   */
  private fieldsOf(name: string, v: Value, loc: Loc, declaredIn: DefV, model: ModelInfo): FieldInfo[] {
    const field = this.fieldOf(name, v, loc, declaredIn, model);
    if (!field) return [];
    const lib = this.fieldClass(v)?.lib;
    const kwargs = v.k === 'unknown' ? v.kwargs ?? new Map<string, Value>() : new Map<string, Value>();
    const it = this.project.interp();
    if (lib === 'djmoney') {
      const custom = asString(kwargs.get('currency_field_name') && it.force(kwargs.get('currency_field_name')!));
      const currency: FieldInfo = {
        name: custom ?? `${name}_currency`, type: 'CurrencyField', relatedModel: null, loc, declaredIn, options: new Map(), createdBefore: true,
      };
      return [currency, field];
    }
    if (lib === 'taggit') {
      const throughV = kwargs.get('through') ? it.force(kwargs.get('through')!) : NONE;
      const throughDef = throughV.k === 'def' && throughV.kind === 'class' ? throughV : undefined;
      if (!kwargs.get('to')) {
        // taggit: the tag model is the `tag` foreign key's target on the through model.
        const tagField = throughDef ? this.project.interp().classAttr(throughDef, 'tag') : undefined;
        const tf = tagField ? it.force(tagField) : undefined;
        const to = tf?.k === 'unknown' ? (tf.kwargs?.get('to') ?? tf.args?.[0]) : undefined;
        field.relatedModel = throughV.k === 'none' ? 'taggit.Tag' : to ? this.relatedLabel(it.force(to), model) : null;
      }
      field.through = throughV.k === 'none' ? 'taggit.TaggedItem' : throughDef ? this.relatedLabel(throughDef, model) ?? undefined : undefined;
      const generic = throughV.k === 'none' || (throughDef && this.project.mro(throughDef).some((e) => e.qualname === 'CommonGenericTaggedItemBase' && e.module.startsWith('taggit.')));
      if (generic && !model.abstract) {
        const tagged: FieldInfo = {
          name: 'tagged_items', type: 'GenericRelation', relation: 'GenericRelation', relatedModel: field.through ?? null,
          relatedName: '+', loc, declaredIn, options: new Map(),
        };
        return [field, tagged];
      }
    }
    return [field];
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
