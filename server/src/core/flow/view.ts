/**
 * The view part of the request flow: how Django calls the view a URL resolved to, for one HTTP
 * method. A function: its decorators (as written above it, and the wrappers around it in the
 * URLconf), outermost first. A class: `as_view()` → `dispatch` along the real MRO (the mixins that
 * override `dispatch` act first, e.g. LoginRequiredMixin), then the handler for the method
 * (`http_method_names`, HEAD falling back to GET), or DRF's action for a viewset route, after DRF's
 * `initial()` (authentication, permission and throttle classes). Then what the view touches, read
 * from its class attributes and its source: models, forms, serializers, templates (with their
 * extends/include chain and the engine's context processors), and the signal receivers of the
 * models it saves or deletes.
 */
import path from 'node:path';
import type { DjangoProject, MroEntry } from '../project';
import type { DefV, Loc, Value } from '../python/values';
import { asString, fileStart } from '../python/values';
import { isLibraryFile } from '../files';
import { parsePython, type Node, type Tree } from '../python/parser';
import type { UrlLeaf } from '../urls/tree';
import { impliedTemplate } from '../templates/implied';
import { pythonTemplateUses } from '../templates/pyuses';
import { dictGet, forcedItems } from '../templates/engines';
import type { SignalReceiver } from '../signals';
import type { Step } from './types';

export interface ViewAnalysis {
  steps: Step[];
  methodNotAllowed?: { allowed: string[]; why: string };
  /** The view answers with a TemplateResponse (process_template_response hooks run). */
  templateResponse: boolean;
  response?: string;
  responseDetail?: string;
}

const DEFAULT_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

/** What Django's and DRF's decorators do, by dotted name. */
const DECORATORS: Record<string, { effect: string; methods?: string[] }> = {
  'django.contrib.auth.decorators.login_required': { effect: 'redirects anonymous users to LOGIN_URL' },
  'django.contrib.auth.decorators.permission_required': { effect: 'redirects to LOGIN_URL (or 403 with raise_exception) without the permission' },
  'django.contrib.auth.decorators.user_passes_test': { effect: 'redirects to LOGIN_URL when the test fails' },
  'django.contrib.admin.views.decorators.staff_member_required': { effect: 'redirects non-staff users to the admin login' },
  'django.views.decorators.http.require_GET': { effect: 'answers 405 to anything but GET', methods: ['GET'] },
  'django.views.decorators.http.require_POST': { effect: 'answers 405 to anything but POST', methods: ['POST'] },
  'django.views.decorators.http.require_safe': { effect: 'answers 405 to anything but GET and HEAD', methods: ['GET', 'HEAD'] },
  'django.views.decorators.http.require_http_methods': { effect: 'answers 405 to other methods' },
  'django.views.decorators.csrf.csrf_exempt': { effect: 'CsrfViewMiddleware does not check this view' },
  'django.views.decorators.csrf.csrf_protect': { effect: 'checks the CSRF token even without CsrfViewMiddleware' },
  'django.views.decorators.csrf.ensure_csrf_cookie': { effect: 'always sends the CSRF cookie' },
  'django.views.decorators.cache.cache_page': { effect: 'answers GET/HEAD from the cache when it can' },
  'django.views.decorators.cache.never_cache': { effect: 'adds headers so the response is never cached' },
  'django.views.decorators.http.condition': { effect: 'may answer 304 Not Modified (ETag/Last-Modified)' },
  'django.views.decorators.clickjacking.xframe_options_exempt': { effect: 'no X-Frame-Options header' },
  'django.db.transaction.atomic': { effect: 'runs the view in a database transaction' },
  'django.contrib.auth.decorators.login_not_required': { effect: 'LoginRequiredMiddleware lets anonymous users through' },
  'rest_framework.decorators.api_view': { effect: 'wraps the function in a DRF APIView (405 for other methods)' },
  'rest_framework.decorators.permission_classes': { effect: 'sets the APIView permission classes' },
  'rest_framework.decorators.authentication_classes': { effect: 'sets the APIView authentication classes' },
  'rest_framework.decorators.throttle_classes': { effect: 'sets the APIView throttle classes' },
};

/** A decorator we know by its name alone (as imported under its own name from elsewhere). */
function knownDecorator(name: string): [string, (typeof DECORATORS)[string]] | undefined {
  const key = Object.keys(DECORATORS).find((k) => k.endsWith(`.${name}`));
  return key ? [key, DECORATORS[key]] : undefined;
}

/** Mixins whose `dispatch` can answer before the handler runs. */
const DISPATCH_EFFECTS: Record<string, string> = {
  LoginRequiredMixin: 'redirects anonymous users to LOGIN_URL',
  PermissionRequiredMixin: 'redirects or answers 403 without the permissions',
  UserPassesTestMixin: 'redirects or answers 403 when test_func fails',
  AccessMixin: 'redirects or answers 403',
};

/** Hooks that run only for some methods (a GET never reaches perform_create). */
const HOOK_METHODS: Record<string, string[]> = {
  form_valid: ['POST', 'PUT'], form_invalid: ['POST', 'PUT'], get_success_url: ['POST', 'PUT', 'DELETE'],
  perform_create: ['POST'], perform_update: ['PUT', 'PATCH'], perform_destroy: ['DELETE'],
};

/** Methods of a class-based view that shape what the handler does (shown where the project overrides them). */
const HOOKS = [
  'setup', 'get_queryset', 'get_object', 'get_context_data', 'get_template_names', 'get_form_class', 'get_form',
  'get_form_kwargs', 'form_valid', 'form_invalid', 'get_success_url', 'test_func', 'has_permission',
  'handle_no_permission', 'get_serializer_class', 'get_serializer', 'perform_create', 'perform_update',
  'perform_destroy', 'get_permissions', 'get_authenticators', 'initial', 'get_redirect_url', 'render_to_response',
];

const valueLoc = (v: Value | undefined): Loc | undefined => (v && 'loc' in v ? (v.loc as Loc | undefined) : undefined);


export function analyzeView(project: DjangoProject, leaf: UrlLeaf, method: string, receivers: () => SignalReceiver[]): ViewAnalysis {
  const out: ViewAnalysis = { steps: [], templateResponse: false };
  const it = project.interp();
  // The URLconf's own wrapping: `login_required(v)`, `X.as_view(...)`, `cache_page(60)(v)`.
  let raw: Value | undefined = leaf.pattern.viewValue ? it.force(leaf.pattern.viewValue) : undefined;
  let actions: Record<string, string> | undefined = leaf.pattern.actions;
  let initkwargs: Map<string, Value> | undefined;
  const allowedBy: { methods: string[]; why: string }[] = [];
  for (let depth = 0; raw?.k === 'view' && depth < 20; depth++) {
    if (raw.wrapper) {
      let d = describeCallable(project, raw.wrapper);
      if (!d.fq) d = describeWritten(project, leaf.pattern.viewLoc, depth) ?? d;
      out.steps.push(decoratorStep(d, 'in the URLconf', leaf.pattern.viewLoc ?? leaf.pattern.loc));
      if (d.methods) allowedBy.push({ methods: d.methods, why: `${d.label} in the URLconf` });
    }
    if (raw.asView) {
      initkwargs = raw.initkwargs;
      const a = raw.actions ? it.force(raw.actions) : undefined;
      if (a?.k === 'dict') {
        actions = {};
        for (const [k, v] of a.entries) {
          const key = asString(it.force(k));
          const val = asString(it.force(v));
          if (key && val) actions[key] = val;
        }
      }
    }
    raw = it.force(raw.target);
  }
  const ref = leaf.pattern.view;
  const def = ref?.def;
  if (!ref || !def) {
    const detail = !ref ? 'the view cannot be read statically' : ref.loc ? 'library view (not analysed further)' : 'library view (source not available)';
    out.steps.push({ kind: 'view', label: ref ? `${ref.module}.${ref.qualname}` : 'unknown view', detail, loc: ref?.loc });
    return out;
  }
  const touched = new Touched();
  if (def.kind === 'function') functionView(project, def, method, out, allowedBy);
  else {
    // A wrapper in the URLconf (`require_POST(View.as_view())`) answers 405 before the class is reached.
    const refused = allowedBy.find((a) => !a.methods.includes(method));
    if (refused) {
      out.methodNotAllowed = { allowed: refused.methods, why: `${refused.why} allows ${refused.methods.join(', ')}` };
      out.steps.push({ kind: 'view', label: def.qualname, detail: `not reached: ${refused.why} answers 405`, loc: def.loc });
      return out;
    }
    classView(project, def, method, out, actions, initkwargs, touched);
  }
  if (!out.methodNotAllowed) {
    const defs = def.kind === 'function' ? [def] : project.mro(def).flatMap((e) => (e.def && !isLibraryFile(e.def.loc.file) ? [e.def] : []));
    for (const d of defs) useFacts(project, d, touched);
    touchedSteps(project, touched, receivers, out);
  }
  return out;
}

// ---- callables and decorators ---------------------------------------------------------------

interface Described {
  label: string;
  fq?: string;
  loc?: Loc;
  effect?: string;
  methods?: string[];
}

/** A decorator/wrapper value as a name, with what it does when we know it. */
function describeCallable(project: DjangoProject, v: Value, args?: Value[]): Described {
  const f = project.interp().force(v);
  let fq: string | undefined = v.k === 'lazy' ? `${v.module}.${v.name}` : undefined;
  let loc: Loc | undefined;
  let callArgs = args;
  // The name it was imported under says what it is (`require_POST` is a call result in Django's source).
  if (f.k === 'def') {
    fq ??= `${f.module}.${f.qualname}`;
    loc = f.loc;
  } else if (f.k === 'builtin') fq ??= f.name;
  else if (f.k === 'call') {
    fq ??= f.name;
    callArgs = f.args;
  } else if (f.k === 'unknown') fq ??= f.fq ?? (f.origin ? `${f.origin.module}.${f.origin.qualname}` : undefined);
  if (!loc && fq) {
    const where = project.lookupDotted(fq);
    if (where?.k === 'def') loc = where.loc;
  }
  const known = fq ? DECORATORS[fq] ?? knownDecorator(fq.split('.').pop()!)?.[1] : undefined;
  let methods = known?.methods;
  if (fq?.endsWith('require_http_methods') || fq?.endsWith('api_view')) {
    const list = callArgs?.[0] ? project.interp().force(callArgs[0]) : undefined;
    const names = list?.k === 'list' ? list.items.flatMap((i) => { const s = asString(project.interp().force(i)); return s ? [s.toUpperCase()] : []; }) : undefined;
    methods = names ?? (fq.endsWith('api_view') ? ['GET'] : undefined);
    if (methods && fq.endsWith('api_view')) methods = [...methods, 'OPTIONS'];
  }
  return { label: fq ? fq.split('.').pop()! : 'decorator', fq, loc, effect: known?.effect, methods };
}

/**
 * A wrapper in the URLconf whose value says nothing (`cache_page(60)(view)`: the call's result):
 * its name as written, the `depth`-th call head of the view argument's text.
 */
function describeWritten(project: DjangoProject, loc: Loc | undefined, depth: number): Described | undefined {
  if (!loc) return undefined;
  const line = project.host.readFile(loc.file)?.split('\n')[loc.line];
  const text = line?.slice(loc.character);
  const heads = text ? [...text.matchAll(/([A-Za-z_][\w.]*)\s*\(/g)].map((m) => m[1]) : [];
  const head = heads[depth];
  if (!head || head.endsWith('as_view')) return undefined;
  const last = head.split('.').pop()!;
  const [fq, known] = knownDecorator(last) ?? [];
  return { label: last, fq, effect: known?.effect, methods: known?.methods };
}

function decoratorStep(d: Described, where: string, fallback?: Loc): Step {
  // What it does goes in one place: `canAnswer` when it can end the request, else the detail.
  const answers = d.effect && /redirect|405|403|304|cache/.test(d.effect) ? d.effect : undefined;
  return {
    kind: 'decorator', label: `@${d.label}`, detail: answers ? where : d.effect ?? where, tooltip: d.fq ? `${d.fq} (${where})` : where,
    loc: d.loc ?? fallback, canAnswer: answers,
  };
}

/** The function_definition / class_definition node starting at a def's row. */
function defNode(tree: Tree | undefined, def: DefV): Node | undefined {
  if (!tree || !def.span) return undefined;
  const want = def.kind === 'function' ? 'function_definition' : 'class_definition';
  let found: Node | undefined;
  const visit = (n: Node): void => {
    if (found || n.startPosition.row > def.span!.start || n.endPosition.row < def.span!.start) return;
    if (n.type === want && n.startPosition.row === def.span!.start) {
      found = n;
      return;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(tree.rootNode);
  return found;
}

/** Decorators written above a def, outermost first, described through the module's names. */
function writtenDecorators(project: DjangoProject, def: DefV): { d: Described; loc: Loc }[] {
  const env = project.getModule(def.module);
  const out: { d: Described; loc: Loc }[] = [];
  for (const dec of factsOf(project, def)?.decorators ?? []) {
    const parts = dec.head.split('.');
    let v: Value | undefined = env?.scope.get(parts[0]);
    for (const p of parts.slice(1)) {
      const f = v ? project.interp(env).force(v) : undefined;
      v = f?.k === 'module' ? project.getModule(f.name)?.scope.get(p) : f?.k === 'def' && f.cls ? project.interp().classAttr(f, p) : undefined;
    }
    let d: Described = v ? describeCallable(project, v) : { label: dec.head };
    if (!v) d = { ...d, ...(knownDecorator(parts[parts.length - 1])?.[1] ?? {}), label: dec.head };
    // The arguments as written decide require_http_methods / api_view.
    const api = d.fq?.endsWith('api_view') || dec.head.endsWith('api_view');
    if (dec.call && (api || d.fq?.endsWith('require_http_methods') || dec.head.endsWith('require_http_methods'))) {
      const methods = dec.methods ?? (api ? ['GET'] : undefined);
      d = { ...d, methods: methods && api ? [...methods, 'OPTIONS'] : methods };
    }
    out.push({ d, loc: d.loc ?? dec.loc });
  }
  return out;
}

// ---- what the source says (cached per def) ------------------------------------------------

interface DecoratorText {
  /** The decorator's callee as written (`login_required`, `transaction.atomic`). */
  head: string;
  call: boolean;
  /** The strings of its first list/tuple argument, upper-cased (`require_http_methods(["GET"])`). */
  methods?: string[];
  loc: Loc;
}

interface Facts {
  decorators: DecoratorText[];
  /** Identifiers used in the body (looked up in the module's names when traced). */
  names: string[];
  saves: boolean;
  deletes: boolean;
  json: boolean;
  redirect: boolean;
  templates: { name: string; via: string; loc: Loc }[];
}

const SAVING = new Set(['save', 'create', 'get_or_create', 'update_or_create', 'bulk_create']);

/** A def's decorators and body facts, read once from its source (a new DefV comes with every re-evaluation). */
const factsMemo = new WeakMap<DefV, Facts | null>();

function factsOf(project: DjangoProject, def: DefV): Facts | undefined {
  const hit = factsMemo.get(def);
  if (hit !== undefined) return hit ?? undefined;
  let facts: Facts | null = null;
  const text = project.host.readFile(def.loc.file);
  const tree = text !== undefined ? parsePython(text) : undefined;
  try {
    const node = defNode(tree, def);
    if (tree && node) facts = readFacts(tree, node, def.loc.file);
  } catch (e) {
    project.log(`request flow: could not read ${def.qualname} in ${def.loc.file}: ${(e as Error).message}`);
  } finally {
    tree?.delete();
  }
  factsMemo.set(def, facts);
  return facts ?? undefined;
}

function readFacts(tree: Tree, node: Node, file: string): Facts {
  const facts: Facts = { decorators: [], names: [], saves: false, deletes: false, json: false, redirect: false, templates: [] };
  const parent = node.parent;
  if (parent?.type === 'decorated_definition') {
    for (const dec of parent.namedChildren) {
      if (dec?.type !== 'decorator') continue;
      const expr = dec.namedChildren[0];
      if (!expr) continue;
      const head = expr.type === 'call' ? expr.childForFieldName('function') : expr;
      const first = expr.type === 'call' ? expr.childForFieldName('arguments')?.namedChildren.find((c) => c?.type === 'list' || c?.type === 'tuple') : undefined;
      facts.decorators.push({
        head: head?.text ?? dec.text.slice(1), call: expr.type === 'call',
        methods: first ? [...first.namedChildren].flatMap((c) => (c?.type === 'string' ? [c.text.replace(/^[rbuRBU]*['"]|['"]$/g, '').toUpperCase()] : [])) : undefined,
        loc: { file, line: dec.startPosition.row, character: dec.startPosition.column, endLine: dec.endPosition.row, endCharacter: dec.endPosition.column },
      });
    }
  }
  const names = new Set<string>();
  const visit = (n: Node): void => {
    if (n.type === 'identifier') names.add(n.text);
    else if (n.type === 'attribute') {
      const attr = n.childForFieldName('attribute')?.text ?? '';
      if (SAVING.has(attr)) facts.saves = true;
      if (attr === 'delete') facts.deletes = true;
    } else if (n.type === 'call') {
      const fn = n.childForFieldName('function')?.text ?? '';
      if (/(^|\.)JsonResponse$/.test(fn)) facts.json = true;
      if (/(^|\.)(redirect|HttpResponseRedirect)$/.test(fn)) facts.redirect = true;
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(node);
  facts.names = [...names];
  for (const u of pythonTemplateUses(tree, file)) {
    if (u.loc.line >= node.startPosition.row && u.loc.line <= node.endPosition.row) facts.templates.push({ name: u.name, via: u.via, loc: u.loc });
  }
  return facts;
}

/** What a def's source adds to what the view touches: the module's classes it names, templates, saves. */
function useFacts(project: DjangoProject, def: DefV, t: Touched): void {
  const facts = factsOf(project, def);
  if (!facts) return;
  const env = project.getModule(def.module);
  for (const n of facts.names) {
    const v = env?.scope.get(n);
    if (v) t.addValue(project, v, 'used in the code');
  }
  t.saves ||= facts.saves;
  t.deletes ||= facts.deletes;
  t.json ||= facts.json;
  t.redirect ||= facts.redirect;
  for (const u of facts.templates) if (!t.templates.has(u.name)) t.templates.set(u.name, { via: u.via, loc: u.loc });
}

// ---- function views -----------------------------------------------------------------------

function functionView(project: DjangoProject, def: DefV, method: string, out: ViewAnalysis, allowedBy: { methods: string[]; why: string }[]): void {
  const decorators = writtenDecorators(project, def);
  for (const { d, loc } of decorators) {
    out.steps.push({ ...decoratorStep(d, `on ${def.qualname}`), loc });
    if (d.methods) allowedBy.push({ methods: d.methods, why: `@${d.label} on ${def.qualname}` });
  }
  const api = decorators.some(({ d }) => d.fq?.endsWith('api_view') || d.label.endsWith('api_view'));
  for (const a of allowedBy) {
    if (!a.methods.includes(method) && !(api && method === 'OPTIONS')) {
      out.methodNotAllowed = { allowed: a.methods, why: `${a.why} allows ${a.methods.join(', ')}` };
      break;
    }
  }
  out.steps.push({ kind: 'view', label: def.qualname, detail: api ? 'DRF function view (api_view)' : 'function view', loc: def.loc, tooltip: `${def.module}.${def.qualname}` });
  out.response = api ? 'Response (DRF)' : undefined;
}

// ---- class-based views --------------------------------------------------------------------

function classView(
  project: DjangoProject, def: DefV, method: string, out: ViewAnalysis, routed: Record<string, string> | undefined,
  initkwargs: Map<string, Value> | undefined, t: Touched,
): void {
  const mro = project.mro(def);
  // `as_view(x=...)` sets an instance attribute: it wins over the class's.
  const attrOf = (name: string): Value | undefined => {
    const given = initkwargs?.get(name);
    return given ? project.interp().force(given) : project.classAttrValue(def, name);
  };
  const has = (q: string, modulePrefix: string) => mro.some((e) => e.qualname === q && (e.module.startsWith(modulePrefix) || !!e.fq));
  const drf = has('APIView', 'rest_framework');
  const viewset = has('ViewSetMixin', 'rest_framework');
  const lower = method.toLowerCase();
  const methodsOf = (e: MroEntry) => e.def?.cls?.methods;
  const defining = (name: string) => mro.find((e) => methodsOf(e)?.has(name));
  // dispatch: the first class in the MRO that defines it is what runs; mixins before View act there.
  const dispatchers = mro.filter((e) => methodsOf(e)?.has('dispatch'));
  for (const e of dispatchers) {
    if (e.def === def) continue;
    const effect = DISPATCH_EFFECTS[e.qualname];
    const external = e.def ? isLibraryFile(e.def.loc.file) : true;
    if (!effect && external && (e.qualname === 'View' || e.qualname === 'APIView' || e.qualname === 'ViewSetMixin')) continue;
    out.steps.push({
      kind: 'mixin', label: `${e.qualname}.dispatch`, detail: effect ?? (external ? e.module : 'overrides dispatch'),
      loc: methodsOf(e)?.get('dispatch')?.loc ?? e.def?.loc, canAnswer: effect,
    });
  }
  if (def.cls?.methods.has('dispatch')) {
    out.steps.push({ kind: 'mixin', label: `${def.qualname}.dispatch`, detail: 'overrides dispatch', loc: def.cls.methods.get('dispatch')!.loc });
  }
  if (drf) out.steps.push(...drfPolicySteps(project, def));
  // The handler for the method.
  let handler: string | undefined;
  let allowed: string[] = [];
  let why = '';
  if (viewset) {
    const actions = { ...(routed ?? {}) };
    if (actions.get && !actions.head) actions.head = actions.get;
    allowed = [...Object.keys(actions).map((m) => m.toUpperCase()), 'OPTIONS'];
    handler = actions[lower] ?? (lower === 'options' ? 'options' : undefined);
    why = routed ? `the route maps ${Object.entries(routed).map(([m, a]) => `${m.toUpperCase()}→${a}`).join(', ')}` : 'the route maps no methods';
  } else {
    const namesV = attrOf('http_method_names');
    const names = namesV?.k === 'list' ? namesV.items.flatMap((i) => { const s = asString(project.interp().force(i)); return s ? [s] : []; }) : DEFAULT_METHODS;
    const handles = (m: string) => !!defining(m) || (m === 'head' && !!defining('get')) || (m === 'options' && (drf || mro.some((e) => e.qualname === 'View')));
    allowed = names.filter(handles).map((m) => m.toUpperCase());
    if (names.includes(lower) && handles(lower)) handler = lower === 'head' && !defining('head') ? 'get' : lower;
    // http_method_names matters when the project (or the as_view() call) narrows it.
    const narrowedBy = initkwargs?.has('http_method_names') ? 'as_view()' : mro.find((e) => e.def?.cls?.attrs.has('http_method_names') && !isLibraryFile(e.def.loc.file))?.qualname;
    why = narrowedBy && !names.includes(lower)
      ? `http_method_names = [${names.map((n) => `'${n}'`).join(', ')}] (${narrowedBy})`
      : `${def.qualname} has handlers for ${allowed.join(', ')} only`;
  }
  if (!handler) {
    out.methodNotAllowed = { allowed, why };
    out.steps.push({ kind: 'view', label: `${def.qualname}.http_method_not_allowed`, detail: `405: ${method} is not handled`, loc: def.loc, tooltip: why, children: mroSteps(mro) });
    return;
  }
  const owner = defining(handler);
  const own = owner?.def === def;
  const label = `${def.qualname}.${handler}`;
  out.steps.push({
    kind: 'view', label, detail: own || !owner ? (viewset ? `action for ${method}` : `handler for ${method}`) : `inherited from ${owner.qualname}`,
    loc: owner ? methodsOf(owner)?.get(handler)?.loc : def.loc, tooltip: `${def.module}.${def.qualname} — MRO: ${mro.map((e) => e.qualname).join(' → ')}`,
    children: mroSteps(mro),
  });
  // Hooks the project overrides, as the handler reaches them.
  for (const e of mro) {
    if (!e.def || isLibraryFile(e.def.loc.file)) continue;
    for (const h of HOOKS) {
      const m = e.def.cls?.methods.get(h);
      if (!m || defining(h) !== e || (HOOK_METHODS[h] && !HOOK_METHODS[h].includes(method))) continue;
      out.steps.push({ kind: 'mixin', label: `${e.qualname}.${h}`, detail: e.def === def ? 'overridden here' : `from ${e.qualname}`, loc: m.loc });
    }
  }
  // Class attributes that name what the view works with.
  for (const attr of ['model', 'queryset', 'form_class', 'serializer_class']) {
    const v = initkwargs?.get(attr) ?? project.interp().classAttr(def, attr);
    if (v) t.addValue(project, v, attr);
  }
  const tn = attrOf('template_name');
  const tname = asString(tn);
  const generic = mro.some((e) => e.qualname === 'TemplateResponseMixin');
  if (tname) t.templates.set(tname, { via: initkwargs?.has('template_name') ? 'as_view(template_name=…)' : 'template_name', loc: valueLoc(initkwargs?.get('template_name') ?? project.interp().classAttr(def, 'template_name')) });
  else if (generic) {
    const implied = impliedTemplate(project, def);
    const generic = mro.find((e) => /^django\.views\.generic/.test(e.module))?.qualname;
    if (implied?.name) t.templates.set(implied.name, { via: `implied by ${generic ?? 'the generic view'} (suffix '${implied.suffix}')` });
  }
  if (mro.some((e) => ['ModelFormMixin', 'CreateModelMixin', 'UpdateModelMixin'].includes(e.qualname)) && ['POST', 'PUT', 'PATCH'].includes(method)) t.saves = true;
  if (mro.some((e) => ['DeletionMixin', 'DestroyModelMixin', 'BaseDeleteView'].includes(e.qualname)) && (method === 'DELETE' || (method === 'POST' && mro.some((e) => e.qualname === 'BaseDeleteView')))) t.deletes = true;
  if (generic) {
    out.templateResponse = true;
    out.response = 'TemplateResponse';
  }
  if (mro.some((e) => e.qualname === 'RedirectView')) {
    const permanent = attrOf('permanent');
    out.response = permanent?.k === 'bool' ? `${permanent.v ? '301' : '302'} redirect (RedirectView)` : '302/301 redirect (RedirectView)';
  }
  if (drf) out.response = 'Response (DRF)';
  if (viewset || drf) {
    const renderers = drfRenderers(project, def, owner ? methodsOf(owner)?.get(handler)?.decorators : undefined);
    const defaults = forcedItems(project, dictGet(project, project.settingsValue('REST_FRAMEWORK'), 'DEFAULT_RENDERER_CLASSES'))
      .map((i) => (i.k === 'str' ? i.v.split('.').pop()! : i.k === 'def' ? i.qualname : '?'));
    out.responseDetail = renderers
      ? `rendered by ${renderers}`
      : `content negotiation between ${defaults.length ? defaults.join(', ') : 'JSONRenderer, BrowsableAPIRenderer'}`;
    if (renderers) out.response = 'Response (DRF)';
  }
  if (mro.some((e) => e.qualname === 'ProcessFormView') && method === 'POST') out.responseDetail = 'a redirect to get_success_url() when the form is valid, else the form again';
}

/** The renderer classes an `@action(renderer_classes=[...])` or the project's view class sets, as names. */
function drfRenderers(project: DjangoProject, def: DefV, decorators: Value[] | undefined): string | undefined {
  const names = (v: Value | undefined) => {
    const items = forcedItems(project, v ? project.interp().force(v) : undefined);
    const out = items.map((i) => (i.k === 'def' ? i.qualname : i.k === 'unknown' && i.fq ? i.fq.split('.').pop()! : undefined));
    return out.length && out.every(Boolean) ? out.join(', ') : undefined;
  };
  for (const d of decorators ?? []) {
    const f = project.interp().force(d);
    if (f.k === 'call' && f.name.endsWith('action') && f.kwargs.has('renderer_classes')) return names(f.kwargs.get('renderer_classes'));
  }
  const own = project.mro(def).find((e) => e.def?.cls?.attrs.has('renderer_classes'));
  return own?.def && !isLibraryFile(own.def.loc.file) ? names(project.interp().classAttr(def, 'renderer_classes')) : undefined;
}

function mroSteps(mro: MroEntry[]): Step[] {
  // Two classes of one name (a project's PermissionRequiredMixin over Django's) are told apart by module.
  const count = new Map<string, number>();
  for (const e of mro) count.set(e.qualname, (count.get(e.qualname) ?? 0) + 1);
  return mro.map((e) => ({
    kind: 'mixin' as const, label: (count.get(e.qualname) ?? 0) > 1 ? `${e.module}.${e.qualname}` : e.qualname,
    detail: e.fq ?? e.module, loc: e.def?.loc,
  }));
}

/** DRF's `initial()`: authentication, permissions, throttles (class attributes, else REST_FRAMEWORK defaults). */
function drfPolicySteps(project: DjangoProject, def: DefV): Step[] {
  const out: Step[] = [];
  const rf = project.settingsValue('REST_FRAMEWORK');
  const policies: [string, string, string][] = [
    ['authentication_classes', 'DEFAULT_AUTHENTICATION_CLASSES', 'identifies request.user'],
    ['permission_classes', 'DEFAULT_PERMISSION_CLASSES', 'answers 401/403 when denied'],
    ['throttle_classes', 'DEFAULT_THROTTLE_CLASSES', 'answers 429 when throttled'],
  ];
  for (const [attr, setting, effect] of policies) {
    let v = project.interp().classAttr(def, attr);
    let from = 'the view';
    const forced = v ? project.interp().force(v) : undefined;
    // DRF's own APIView default is `api_settings.X`: the REST_FRAMEWORK setting decides.
    const own = forced?.k === 'list';
    if (!own) {
      v = dictGet(project, rf, setting);
      from = 'REST_FRAMEWORK';
    }
    const items = forcedItems(project, v ? project.interp().force(v) : undefined);
    const names = items.map((i) => (i.k === 'def' ? i.qualname : i.k === 'str' ? i.v.split('.').pop()! : i.k === 'unknown' && i.fq ? i.fq.split('.').pop()! : '?'));
    if (!own && !names.length && attr !== 'authentication_classes' && attr !== 'permission_classes') continue;
    const defaults = attr === 'authentication_classes' ? 'SessionAuthentication, BasicAuthentication' : attr === 'permission_classes' ? 'AllowAny' : '';
    const first = items.find((i) => i.k === 'def') as DefV | undefined;
    out.push({
      kind: 'mixin', label: `${attr}: ${names.length ? names.join(', ') : defaults || '(none)'}`,
      detail: names.length ? `from ${from}` : 'DRF defaults', tooltip: effect,
      // Where the project sets it (the view's attribute or the setting), else the first class.
      loc: (own ? valueLoc(project.interp().classAttr(def, attr)) : names.length ? project.settingLoc('REST_FRAMEWORK') : undefined) ?? first?.loc,
      canAnswer: attr === 'authentication_classes' ? undefined : effect,
    });
  }
  return out;
}

// ---- what the view touches ----------------------------------------------------------------

type Kind = 'model' | 'form' | 'serializer';

class Touched {
  readonly classes = new Map<DefV, { kind: Kind; via: string }>();
  readonly templates = new Map<string, { via: string; loc?: Loc }>();
  saves = false;
  deletes = false;
  json = false;
  redirect = false;

  addValue(project: DjangoProject, v: Value, via: string): void {
    const f = project.interp().force(v);
    const def = f.k === 'def' ? f : f.k === 'unknown' && f.origin ? f.origin : undefined;
    if (def?.kind !== 'class') return;
    const kind = classKind(project, def);
    if (kind && !this.classes.has(def)) this.classes.set(def, { kind, via });
  }
}

function classKind(project: DjangoProject, def: DefV): Kind | undefined {
  if (project.models().byDef(def)) return 'model';
  for (const e of project.mro(def)) {
    if (e.qualname === 'BaseForm' && (e.module.startsWith('django.forms') || e.fq)) return 'form';
    if (e.qualname === 'BaseSerializer' && (e.module.startsWith('rest_framework') || e.fq)) return 'serializer';
  }
  return undefined;
}

function touchedSteps(project: DjangoProject, t: Touched, receivers: () => SignalReceiver[], out: ViewAnalysis): void {
  const models: DefV[] = [];
  for (const kind of ['model', 'form', 'serializer'] as const) {
    for (const [def, info] of t.classes) {
      if (info.kind !== kind) continue;
      const model = kind === 'model' ? project.models().byDef(def) : undefined;
      if (model) models.push(def);
      out.steps.push({ kind, label: model ? model.label : def.qualname, detail: info.via, loc: def.loc, tooltip: `${def.module}.${def.qualname}` });
    }
  }
  const catalog = t.templates.size ? project.templates() : undefined;
  for (const [name, info] of t.templates) {
    const c = catalog!.resolve(name);
    out.steps.push({
      kind: 'template', label: name, detail: c ? `${info.via} · ${path.basename(path.dirname(c.file))}/${path.basename(c.file)}` : `${info.via} · not found`,
      loc: c ? fileStart(c.file) : info.loc,
      children: c ? templateChain(project, c.file, new Set([c.file]), 0) : undefined,
      canAnswer: c ? undefined : 'TemplateDoesNotExist (500)',
    });
    if (!out.response) out.response = 'HttpResponse (rendered template)';
  }
  if (t.templates.size) out.steps.push(...contextProcessorSteps(project));
  if (t.json && !out.response) out.response = 'JsonResponse';
  if (t.redirect && !out.response) out.response = 'HttpResponseRedirect';
  // Signals of the models the view saves or deletes.
  const fired: string[] = [];
  if (t.saves) fired.push('pre_save', 'post_save', 'm2m_changed');
  if (t.deletes) fired.push('pre_delete', 'post_delete');
  if (fired.length && models.length) {
    const names = new Set(models.map((d) => d.qualname.split('.').pop()!));
    const labels = new Set(models.map((d) => project.models().byDef(d)!.label));
    for (const r of receivers()) {
      const signal = r.signal.split('.').pop()!;
      if (!fired.includes(signal)) continue;
      const sender = r.sender?.replace(/^['"]|['"]$/g, '');
      if (sender && !names.has(sender.split('.').pop()!) && !labels.has(sender)) continue;
      out.steps.push({ kind: 'signal', label: `${signal} → ${r.receiver}`, detail: sender ? `sender ${sender}` : 'any sender', loc: r.loc });
    }
  }
}

/** A template's extends chain and includes, a few levels deep. */
function templateChain(project: DjangoProject, file: string, seen: Set<string>, depth: number): Step[] {
  const catalog = project.templates();
  const out: Step[] = [];
  if (depth > 4) return out;
  const parent = catalog.extendsName(file);
  if (parent) {
    const c = catalog.resolveExtends(file, parent);
    const fresh = c && !seen.has(c.file);
    if (c) seen.add(c.file);
    out.push({
      kind: 'template', label: `extends ${parent}`, loc: c ? fileStart(c.file) : undefined,
      children: fresh ? templateChain(project, c.file, seen, depth + 1) : undefined, detail: c ? undefined : 'not found',
    });
  }
  for (const inc of catalog.includeNames(file)) {
    const c = catalog.resolveFrom(file, inc);
    const fresh = c && !seen.has(c.file);
    if (c) seen.add(c.file);
    out.push({
      kind: 'template', label: `include ${inc}`, loc: c ? fileStart(c.file) : undefined,
      children: fresh ? templateChain(project, c.file, seen, depth + 1) : undefined, detail: c ? undefined : 'not found',
    });
  }
  return out;
}

function contextProcessorSteps(project: DjangoProject): Step[] {
  const engine = project.templates().djangoEngine();
  if (!engine) return [];
  const templates = forcedItems(project, project.settingsValue('TEMPLATES'));
  const conf = templates[engine.index];
  const options = conf ? dictGet(project, conf, 'OPTIONS') : undefined;
  const cps = forcedItems(project, options ? dictGet(project, options, 'context_processors') : undefined);
  const out: Step[] = [];
  for (const cp of cps) {
    const dotted = asString(cp);
    if (!dotted) continue;
    const v = project.lookupDotted(dotted);
    out.push({ kind: 'context_processor', label: dotted, loc: v?.k === 'def' ? v.loc : undefined });
  }
  return out;
}
