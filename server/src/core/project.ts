/**
 * One Django project: its root, settings module and Python search path, and the demand-driven
 * evaluation of its modules (settings → ROOT_URLCONF → included URLconfs → views). Evaluated
 * modules are memoized with their import dependencies; `invalidateFile` drops a module and
 * everything that imported it (a settings change drops everything). Derived facts (apps, URL tree)
 * are cached until the next invalidation.
 */
import path from 'node:path';
import type { Host } from './host';
import { ModuleResolver } from './python/modules';
import { Interpreter, type EvalContext, type ModuleEnv } from './python/evaluator';
import { parsePython, type Tree } from './python/parser';
import { type Value, type Loc, type DefV, UNKNOWN, str, asString } from './python/values';
import type { ProjectInfo } from './discovery';
import { buildUrlTree, type UrlTree } from './urls/tree';
import { stampOf, type CachedModule } from './cache';
import { TemplateCatalog } from './templates/catalog';
import { ModelIndex } from './models/index';

export interface AdminRegistration {
  model: Value;
  admin: Value | undefined;
  loc: Loc;
  /** `admin.site.unregister(Model)`. */
  unregister?: boolean;
}

export interface AppInfo {
  /** The INSTALLED_APPS entry as written. */
  entry: string;
  /** AppConfig.name: the app's module. */
  name: string;
  label: string;
  /** The AppConfig class, when there is one in source. */
  config?: DefV;
  /** Folder of the app package, when it can be found. */
  dir?: string;
  conditional: boolean;
  loc?: Loc;
}

interface ModuleRecord {
  env: ModuleEnv;
  admin: AdminRegistration[];
  converters: { name: string; converter: Value; loc: Loc }[];
}

/** Django's global_settings defaults for the settings we read. */
const DJANGO_DEFAULTS: Record<string, Value> = {
  DEBUG: { k: 'bool', v: false },
  APPEND_SLASH: { k: 'bool', v: true },
  LANGUAGE_CODE: str('en-us'),
  USE_I18N: { k: 'bool', v: true },
  MEDIA_URL: str(''),
  STATIC_URL: { k: 'none' },
  INSTALLED_APPS: { k: 'list', items: [] },
  MIDDLEWARE: { k: 'list', items: [] },
  TEMPLATES: { k: 'list', items: [] },
  STATICFILES_DIRS: { k: 'list', items: [] },
  AUTH_USER_MODEL: str('auth.User'),
};

export class DjangoProject implements EvalContext {
  readonly resolver: ModuleResolver;
  private readonly records = new Map<string, ModuleRecord>();
  private readonly inProgress = new Set<string>();
  private readonly stack: string[] = [];
  /** module → modules that imported it while being evaluated. */
  private readonly importedBy = new Map<string, Set<string>>();
  private idCounter = 0;
  /** MROs by class; a class whose module (or a base's) is re-evaluated is a new DefV. */
  private readonly mroMemo = new WeakMap<DefV, MroEntry[]>();
  private appsMemo: Memo<AppInfo[]> | undefined;
  private appsByName: Map<string, AppInfo> | undefined;
  private appsByNameFor: AppInfo[] | undefined;
  private treeCache: UrlTree | undefined;
  private templateCatalog: TemplateCatalog | undefined;
  private modelIndex: ModelIndex | undefined;
  /** The memoized computations running now (innermost last), collecting what they read. */
  private readonly trackers: MemoDeps[] = [];
  /**
   * Bumped whenever a memo may have gone stale: module records dropped, module resolution
   * changed. A memo checked at the current epoch is fresh without looking at its dependencies.
   */
  private epoch = 0;
  /**
   * Bumped when module resolution may have changed (files created or deleted). Memos read the
   * resolver directly too (a package's folder, an optional `apps` module), so they all go stale.
   */
  private resolverGen = 0;
  /** Files that were read for this project's analysis, mapped to their module names. */
  private readonly fileModules = new Map<string, string>();
  /** Evaluated modules from the on-disk cache (warm start), used while their stamps hold. */
  private cached: Map<string, CachedModule> | undefined;
  private readonly cacheValid = new Map<string, boolean>();

  /**
   * The parse tree the editor keeps for an open file, when its text is `text` (set by the language
   * server; the tree stays owned by the server).
   */
  openTree?: (file: string, text: string) => Tree | undefined;

  constructor(
    readonly host: Host,
    readonly info: ProjectInfo,
  ) {
    this.resolver = new ModuleResolver(host, info.pythonPaths, info.sitePackages);
  }

  get root(): string {
    return this.info.root;
  }

  /** Changes whenever analysed modules were dropped (an edit, a new file): cached derived values re-check. */
  get generation(): number {
    return this.epoch;
  }

  get settingsModule(): string | null {
    return this.info.settingsModule;
  }

  log(message: string): void {
    this.host.log(message);
  }

  // ---- EvalContext ---------------------------------------------------------------------------

  moduleExists(name: string): boolean {
    return this.resolver.resolve(name) !== undefined;
  }

  isEvaluated(name: string): boolean {
    return this.records.has(name);
  }

  getModule(name: string): ModuleEnv | undefined {
    const current = this.stack[this.stack.length - 1];
    if (current && current !== name) {
      let set = this.importedBy.get(name);
      if (!set) this.importedBy.set(name, (set = new Set()));
      set.add(current);
    }
    const hit = this.records.get(name);
    const tracker = this.trackers[this.trackers.length - 1];
    if (hit) {
      tracker?.modules.set(name, hit);
      return hit.env;
    }
    const mod = this.resolver.resolve(name);
    if (!mod) {
      tracker?.modules.set(name, undefined);
      return undefined;
    }
    const warm = this.fromCache(name);
    if (warm) {
      this.records.set(name, warm);
      tracker?.modules.set(name, warm);
      if (mod.file) this.fileModules.set(path.normalize(mod.file), name);
      return warm.env;
    }
    const env: ModuleEnv = {
      name, file: mod.file, isPackage: mod.dir !== undefined, external: mod.external,
      scope: new Map(), setAt: new Map(), done: false, problems: [],
    };
    const record: ModuleRecord = { env, admin: [], converters: [] };
    this.records.set(name, record);
    tracker?.modules.set(name, record);
    if (!mod.file) {
      env.done = true;
      return env;
    }
    this.fileModules.set(path.normalize(mod.file), name);
    const text = this.host.readFile(mod.file);
    if (text === undefined) {
      env.problems.push({ message: `cannot read ${mod.file}` });
      this.log(`cannot read ${mod.file} (missing, binary or too large)`);
      env.done = true;
      return env;
    }
    if (this.inProgress.size > 200) {
      env.problems.push({ message: 'import chain too deep' });
      env.done = true;
      return env;
    }
    this.inProgress.add(name);
    this.stack.push(name);
    // An open editor buffer already has an incrementally re-parsed tree for this text: use it.
    const open = this.openTree?.(mod.file, text);
    let tree;
    try {
      tree = open ?? parsePython(text);
      if (tree.rootNode.hasError && !mod.external) this.log(`syntax errors in ${mod.file}; reading what parses`);
      new Interpreter(this, env).run(tree);
    } catch (e) {
      env.problems.push({ message: `evaluation failed: ${(e as Error).message}` });
      this.log(`evaluation of ${name} failed: ${(e as Error).message}`);
    } finally {
      if (!open) tree?.delete();
      this.stack.pop();
      this.inProgress.delete(name);
      env.done = true;
    }
    for (const p of env.problems) if (!mod.external) this.log(`${name}: ${p.message}${p.loc ? ` (line ${p.loc.line + 1})` : ''}`);
    return env;
  }

  private currentRecord(): ModuleRecord | undefined {
    const name = this.stack[this.stack.length - 1];
    return name ? this.records.get(name) : undefined;
  }

  onAdminRegister(models: Value[], admin: Value | undefined, loc: Loc, unregister = false): void {
    const rec = this.currentRecord();
    if (!rec) return;
    for (const m of models) {
      // A list/tuple of models is spread; a lazy name stays lazy (admin.ts reads it cheaply).
      const forced = m.k === 'lazy' ? m : this.interp().force(m);
      const list = forced.k === 'list' ? forced.items : [forced];
      for (const model of list) rec.admin.push({ model, admin, loc, unregister });
    }
  }

  /** `package.module.attr` (a dotted path as settings and old URLconfs write them): the value it names. */
  lookupDotted(dotted: string): Value | undefined {
    const dot = dotted.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const env = this.getModule(dotted.slice(0, dot));
    const v = env?.scope.get(dotted.slice(dot + 1));
    return env && v ? this.interp(env).force(v) : undefined;
  }

  /** The model class an `app_label.ModelName` string names (AUTH_USER_MODEL, get_user_model()). */
  modelByLabel(label: string): Value | undefined {
    const [appLabel, name] = label.split('.');
    const app = this.installedApps().find((a) => a.label === appLabel);
    if (!app || !name) return undefined;
    const env = this.getModule(`${app.name}.models`);
    const v = env?.scope.get(name);
    return v ? this.interp(env).force(v) : undefined;
  }

  onRegisterConverter(converter: Value, name: string, loc: Loc): void {
    this.currentRecord()?.converters.push({ name, converter, loc });
  }

  nextId(): number {
    return ++this.idCounter;
  }

  /** An interpreter with no module of its own, for forcing lazy values outside evaluation. */
  interp(env?: ModuleEnv): Interpreter {
    return new Interpreter(this, env ?? { name: '__atlas__', file: undefined, isPackage: false, external: false, scope: new Map(), setAt: new Map(), done: true, problems: [] });
  }

  // ---- memoized derived facts ---------------------------------------------------------------

  /**
   * Runs `compute` while recording every module it reads (with the record it saw), so the result
   * can be reused for as long as those modules are not invalidated.
   */
  tracked<T>(compute: () => T): Memo<T> {
    const deps: MemoDeps = { modules: new Map(), nested: new Set() };
    const epoch = this.epoch;
    this.trackers.push(deps);
    let value: T;
    try {
      value = compute();
    } finally {
      this.trackers.pop();
    }
    // Computed at an older epoch if something was invalidated meanwhile: checked again on use.
    const memo: Memo<T> = { value, deps, gen: this.resolverGen, checkedAt: epoch === this.epoch ? epoch : -1 };
    this.trackers[this.trackers.length - 1]?.nested.add(memo);
    return memo;
  }

  /**
   * Whether every module a memo read is still the record it saw (and so for the memos it used);
   * a fresh memo counts as read by the memo being computed around it.
   */
  isFresh(m: Memo<unknown>): boolean {
    if (!this.check(m)) return false;
    this.trackers[this.trackers.length - 1]?.nested.add(m);
    return true;
  }

  private check(m: Memo<unknown>): boolean {
    if (m.checkedAt === this.epoch) return true;
    if (m.gen !== this.resolverGen) return false;
    for (const [name, rec] of m.deps.modules) if (this.records.get(name) !== rec) return false;
    for (const n of m.deps.nested) if (!this.check(n)) return false;
    m.checkedAt = this.epoch;
    return true;
  }

  // ---- on-disk cache -------------------------------------------------------------------------

  /** Uses a loaded cache for modules not evaluated yet (see cache.ts). */
  useCache(cached: Map<string, CachedModule> | undefined): void {
    this.cached = cached;
    this.cacheValid.clear();
  }

  private stampNow(name: string): string | undefined {
    const mod = this.resolver.resolve(name);
    if (!mod) return undefined;
    return mod.file ? stampOf(this.host.stat(mod.file)) : '';
  }

  /** Whether a cached module is still what evaluating it now would give (its file and its reads unchanged). */
  private cacheHolds(name: string, depth = 0): boolean {
    const known = this.cacheValid.get(name);
    if (known !== undefined) return known;
    const c = this.cached?.get(name);
    this.cacheValid.set(name, false); // cycles: assume stale while checking
    let ok = !!c && depth < 100 && this.stampNow(name) === c.stamp;
    if (ok) {
      for (const [dep, stamp] of c!.deps) {
        if (this.stampNow(dep) !== stamp || (this.cached?.has(dep) && !this.cacheHolds(dep, depth + 1))) {
          ok = false;
          break;
        }
      }
    }
    this.cacheValid.set(name, ok);
    return ok;
  }

  private fromCache(name: string): ModuleRecord | undefined {
    if (!this.cached?.has(name) || !this.cacheHolds(name)) return undefined;
    const c = this.cached.get(name)!;
    for (const [dep] of c.deps) {
      let set = this.importedBy.get(dep);
      if (!set) this.importedBy.set(dep, (set = new Set()));
      set.add(name);
    }
    return c.record as ModuleRecord;
  }

  /** The evaluated modules as cache entries (what `saveCache` writes). */
  cacheEntries(): CachedModule[] {
    const deps = new Map<string, Set<string>>();
    for (const [dep, importers] of this.importedBy) {
      for (const imp of importers) {
        let set = deps.get(imp);
        if (!set) deps.set(imp, (set = new Set()));
        set.add(dep);
      }
    }
    const out: CachedModule[] = [];
    for (const [name, record] of this.records) {
      if (!record.env.done) continue;
      const stamp = this.stampNow(name);
      if (stamp === undefined || (record.env.file && this.host.stat(record.env.file)?.mtimeMs === undefined)) continue;
      const d: [string, string][] = [];
      for (const dep of deps.get(name) ?? []) d.push([dep, this.stampNow(dep) ?? '-']);
      out.push({ name, stamp, deps: d, record });
    }
    return out;
  }

  // ---- settings ------------------------------------------------------------------------------

  settingsEnv(): ModuleEnv | undefined {
    return this.info.settingsModule ? this.getModule(this.info.settingsModule) : undefined;
  }

  settingsValue(name: string): Value {
    const env = this.settingsEnv();
    const v = env?.scope.get(name);
    if (v) return this.interp(env).force(v);
    return DJANGO_DEFAULTS[name] ?? UNKNOWN;
  }

  /** Where a setting was last assigned (file and line), when it is set in source. */
  settingLoc(name: string): Loc | undefined {
    return this.settingsEnv()?.setAt.get(name);
  }

  rootUrlconf(): string | undefined {
    return asString(this.settingsValue('ROOT_URLCONF'));
  }

  installedApps(): AppInfo[] {
    if (this.appsMemo && this.isFresh(this.appsMemo)) return this.appsMemo.value;
    this.appsMemo = this.tracked(() => this.computeInstalledApps());
    return this.appsMemo.value;
  }

  private computeInstalledApps(): AppInfo[] {
    const apps: AppInfo[] = [];
    const list = this.settingsValue('INSTALLED_APPS');
    if (list.k === 'list') {
      for (const item of list.items) {
        const v = this.interp().force(item);
        if (v.k !== 'str') continue;
        apps.push(this.appInfo(v.v, !!(v.cond || list.cond), v.loc));
      }
    }
    return apps;
  }

  private appInfo(entry: string, conditional: boolean, loc: Loc | undefined): AppInfo {
    const base: AppInfo = { entry, name: entry, label: entry.split('.').pop()!, conditional, loc };
    const mod = this.resolver.resolve(entry);
    if (mod) {
      base.dir = mod.dir ?? (mod.file ? path.dirname(mod.file) : undefined);
      // Django ≥ 3.2 picks the AppConfig subclass of <app>.apps automatically: the only one, or
      // the one with `default = True`.
      // Only an `apps.py` that sets `label` or `default` can change the defaults; others need not
      // be evaluated (a big project has hundreds). `name` must equal the entry for such apps.
      const appsMod = this.resolver.resolve(`${entry}.apps`);
      const appsText = appsMod?.file ? this.host.readFile(appsMod.file) : undefined;
      const matters = appsText !== undefined && /\b(label|default)\s*=/.test(appsText);
      const apps = matters ? this.getModule(`${entry}.apps`) : undefined;
      if (apps) {
        const configs = [...apps.scope.values()].filter(
          (v): v is DefV => v.k === 'def' && v.kind === 'class' && v.module === apps.name && this.isAppConfig(v),
        );
        const defaults = configs.filter((c) => this.classAttrValue(c, 'default')?.k === 'bool' && (this.classAttrValue(c, 'default') as { v: boolean }).v);
        const chosen = defaults.length === 1 ? defaults[0] : configs.length === 1 ? configs[0] : undefined;
        if (chosen && !(this.classAttrValue(chosen, 'default')?.k === 'bool' && !(this.classAttrValue(chosen, 'default') as { v: boolean }).v)) {
          return this.fromConfig(base, chosen);
        }
      }
      return base;
    }
    // A dotted path to an AppConfig class.
    const dot = entry.lastIndexOf('.');
    if (dot > 0) {
      const env = this.getModule(entry.slice(0, dot));
      const cls = env?.scope.get(entry.slice(dot + 1));
      const forced = cls ? this.interp(env).force(cls) : undefined;
      if (forced?.k === 'def' && forced.kind === 'class') return this.fromConfig(base, forced);
    }
    return base;
  }

  private fromConfig(base: AppInfo, config: DefV): AppInfo {
    const name = asString(this.classAttrValue(config, 'name')) ?? base.name;
    const label = asString(this.classAttrValue(config, 'label')) ?? name.split('.').pop()!;
    const mod = this.resolver.resolve(name);
    const dir = mod ? (mod.dir ?? (mod.file ? path.dirname(mod.file) : undefined)) : base.dir;
    return { ...base, name, label, config, dir };
  }

  classAttrValue(def: DefV, name: string): Value | undefined {
    const v = this.interp().classAttr(def, name);
    return v ? this.interp().force(v) : undefined;
  }

  private isAppConfig(def: DefV): boolean {
    return this.mro(def).some((c) => c.qualname === 'AppConfig' || c.fq === 'django.apps.AppConfig' || c.fq === 'django.apps.config.AppConfig');
  }

  /**
   * The class's method resolution order (C3 linearization) over the bases we can read; a base we
   * cannot read (no site-packages) appears as its dotted name.
   */
  mro(def: DefV): MroEntry[] {
    const memo = this.mroMemo;
    const linearize = (d: DefV, depth: number): MroEntry[] => {
      const hit = memo.get(d);
      if (hit) return hit;
      if (depth > 50) return [{ def: d, qualname: d.qualname, module: d.module }];
      memo.set(d, [{ def: d, qualname: d.qualname, module: d.module }]);
      const seqs: MroEntry[][] = [];
      const direct: MroEntry[] = [];
      for (const b of d.cls?.bases ?? []) {
        const v = this.interp().force(b);
        if (v.k === 'def' && v.kind === 'class') {
          seqs.push(linearize(v, depth + 1));
          direct.push({ def: v, qualname: v.qualname, module: v.module });
        } else if ((v.k === 'unknown' && v.fq) || v.k === 'builtin') {
          const fq = v.k === 'builtin' ? v.name : v.fq!;
          const e: MroEntry = { qualname: fq.split('.').pop()!, module: fq.split('.').slice(0, -1).join('.'), fq };
          seqs.push([e]);
          direct.push(e);
        }
      }
      seqs.push(direct);
      const out: MroEntry[] = [{ def: d, qualname: d.qualname, module: d.module }];
      const key = (e: MroEntry) => e.def ?? e.fq;
      const lists = seqs.map((s) => [...s]).filter((s) => s.length);
      while (lists.length) {
        let head: MroEntry | undefined;
        for (const l of lists) {
          const cand = l[0];
          if (!lists.some((o) => o.slice(1).some((x) => key(x) === key(cand)))) {
            head = cand;
            break;
          }
        }
        if (!head) {
          // Inconsistent hierarchy (Python would raise): fall back to depth-first order.
          head = lists[0][0];
        }
        out.push(head);
        for (const l of lists) if (l.length && key(l[0]) === key(head)) l.shift();
        for (let i = lists.length - 1; i >= 0; i--) if (!lists[i].length) lists.splice(i, 1);
      }
      memo.set(d, out);
      return out;
    };
    return linearize(def, 0);
  }

  /** The app (by longest module-name prefix) a module belongs to. */
  appForModule(module: string): AppInfo | undefined {
    const apps = this.installedApps();
    if (this.appsByNameFor !== apps) {
      this.appsByName = new Map();
      for (const app of apps) if (!this.appsByName.has(app.name)) this.appsByName.set(app.name, app);
      this.appsByNameFor = apps;
    }
    // The longest dotted prefix of the module that is an app's name.
    for (let m = module; ; ) {
      const hit = this.appsByName!.get(m);
      if (hit) return hit;
      const dot = m.lastIndexOf('.');
      if (dot < 0) return undefined;
      m = m.slice(0, dot);
    }
  }

  /**
   * Admin registrations in the order Django makes them: autodiscover imports each installed app's
   * `admin` module in INSTALLED_APPS order, and an admin module that imports another one (say
   * `django.contrib.auth.admin`) runs that one first.
   */
  adminRegistrations(): AdminRegistration[] {
    const out: AdminRegistration[] = [];
    const seen = new Set<string>();
    const visit = (mod: string, depth: number) => {
      if (seen.has(mod) || depth > 20) return;
      seen.add(mod);
      const env = this.getModule(mod);
      if (!env) return;
      for (const imp of env.imports ?? []) {
        if (imp.endsWith('.admin') || imp.includes('.admin.')) visit(imp, depth + 1);
      }
      const rec = this.records.get(mod);
      if (rec) out.push(...rec.admin);
    };
    for (const app of this.installedApps()) {
      const name = `${app.name}.admin`;
      if (this.resolver.resolve(name)) visit(name, 0);
    }
    return out;
  }

  /** Which Django REST framework router a project class derives from, if any. */
  routerKind(cls: DefV): string | undefined {
    for (const e of this.mro(cls).slice(1)) {
      const fq = e.fq ?? `${e.module}.${e.qualname}`;
      if (fq === 'rest_framework.routers.DefaultRouter') return fq;
      if (fq === 'rest_framework.routers.SimpleRouter') return fq;
    }
    return undefined;
  }

  /** A Django model field class (`CharField`, `ForeignKey`, a project subclass): by its bases. */
  isFieldClass(cls: DefV): boolean {
    return this.mro(cls).some((e) => e.qualname === 'Field' && (e.fq ?? e.module).startsWith('django.db.models') || e.qualname === 'GenericForeignKey');
  }

  /** A library's version as its package says (`django.VERSION`, `rest_framework.__version__`). */
  libraryVersion(pkg: 'django' | 'rest_framework'): number[] | undefined {
    const env = this.getModule(pkg);
    if (!env) return undefined;
    const v = env.scope.get(pkg === 'django' ? 'VERSION' : '__version__');
    if (v?.k === 'list') return v.items.flatMap((i) => (i.k === 'num' ? [i.v] : []));
    if (v?.k === 'str') return v.v.split('.').map((x) => parseInt(x, 10)).filter((n) => !Number.isNaN(n));
    return undefined;
  }

  converters(): Map<string, { converter: Value; loc: Loc }> {
    const out = new Map<string, { converter: Value; loc: Loc }>();
    for (const rec of this.records.values()) for (const c of rec.converters) out.set(c.name, c);
    return out;
  }

  // ---- URLs ----------------------------------------------------------------------------------

  urlTree(): UrlTree {
    this.treeCache ??= buildUrlTree(this);
    return this.treeCache;
  }

  // ---- templates -----------------------------------------------------------------------------

  /** The project's templates as Django's loaders see them (built lazily, kept current by invalidateFile). */
  templates(): TemplateCatalog {
    this.templateCatalog ??= new TemplateCatalog(this);
    return this.templateCatalog;
  }

  /** The project's models as Django's app registry builds them (memoized on the modules read). */
  models(): ModelIndex {
    this.modelIndex ??= new ModelIndex(this);
    return this.modelIndex;
  }

  // ---- invalidation --------------------------------------------------------------------------

  /** The module name a file was read as, if it was read for this project. */
  moduleForFile(file: string): string | undefined {
    return this.fileModules.get(path.normalize(file)) ?? this.resolver.moduleNameForFile(file);
  }

  /**
   * A file's text changed (or it was created/deleted). Returns true when the project's derived
   * state was affected.
   */
  invalidateFile(file: string, created = false): boolean {
    this.cacheValid.clear();
    this.templateCatalog?.invalidateFile(file, created ? 'created' : 'changed');
    if (created) {
      this.resolver.clear();
      this.resolverGen++;
      this.epoch++;
    }
    const name = this.moduleForFile(file);
    if (!name) return false;
    // A settings module is invalidated like any other: everything that read it during evaluation
    // (importedBy edges) and every memo that read it goes stale; library modules that never
    // looked at the settings stay evaluated.
    const settingsChanged = name === this.info.settingsModule || this.isSettingsDependency(name);
    const dirty = new Set<string>();
    const walk = (n: string) => {
      if (dirty.has(n)) return;
      dirty.add(n);
      for (const dep of this.importedBy.get(n) ?? []) walk(dep);
    };
    walk(name);
    // Modules not evaluated yet still matter when created/deleted (an include may now resolve).
    let affected = created;
    for (const n of dirty) {
      if (this.records.delete(n)) affected = true;
    }
    // apps.py is often read as text only (installedApps' fast path), without a module record.
    if ([...dirty].some((n) => n.endsWith('.apps'))) {
      this.appsMemo = undefined;
      affected = true;
    }
    if (settingsChanged) {
      this.appsMemo = undefined;
      affected = true;
    }
    if (affected) this.epoch++;
    if (affected || dirty.size) this.treeCache = undefined;
    return affected;
  }

  private isSettingsDependency(name: string): boolean {
    const settings = this.info.settingsModule;
    if (!settings) return false;
    const seen = new Set<string>();
    const walk = (n: string): boolean => {
      if (n === settings) return true;
      if (seen.has(n)) return false;
      seen.add(n);
      for (const dep of this.importedBy.get(n) ?? []) if (walk(dep)) return true;
      return false;
    };
    return walk(name);
  }

  invalidateAll(): void {
    this.cacheValid.clear();
    this.epoch++;
    this.resolverGen++;
    this.records.clear();
    this.importedBy.clear();
    this.resolver.clear();
    this.treeCache = undefined;
    this.appsMemo = undefined;
    this.templateCatalog = undefined;
    this.modelIndex = undefined;
  }

  /** Modules evaluated so far (for the status report and tests). */
  evaluatedModules(): string[] {
    return [...this.records.keys()];
  }

  moduleEnv(name: string): ModuleEnv | undefined {
    return this.records.get(name)?.env;
  }
}

/** What a memoized computation read: modules (with the record it saw, none when unresolvable) and other memos. */
export interface MemoDeps {
  modules: Map<string, unknown>;
  nested: Set<Memo<unknown>>;
}

/** A computed value and what it was computed from. */
export interface Memo<T> {
  value: T;
  deps: MemoDeps;
  /** The resolver generation it was computed in. */
  gen: number;
  /** The epoch at which it was last known fresh. */
  checkedAt: number;
}

export interface MroEntry {
  def?: DefV;
  qualname: string;
  module: string;
  /** Dotted name of a base we could not read. */
  fq?: string;
}
