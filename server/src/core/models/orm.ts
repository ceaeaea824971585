/**
 * Where Python code names model fields in ORM calls: keywords of `filter/exclude/get/create/
 * update/get_or_create/update_or_create/get_object_or_404`, strings of `order_by/values/
 * values_list/select_related/prefetch_related/only/defer/distinct/latest/earliest`, and
 * `Q(...)`/`F("...")` inside them. The model comes from the receiver chain
 * (`Post.objects.filter(...).exclude(...)`, a custom manager, `get_object_or_404(Post, ...)`);
 * names added by `annotate()`/`alias()` earlier in the chain count as fields.
 */
import type { Node, Tree } from '../python/parser';
import { stringLiteral, stringContentLoc, locOf } from '../python/evaluator';
import type { DjangoProject } from '../project';
import type { Loc } from '../python/values';
import type { ModelInfo } from './index';

export interface LookupUse {
  model: ModelInfo;
  /** The lookup path as written (`author__name__icontains`, `-created` without its `-`). */
  path: string;
  /** The path's text (keyword name, or string content without a leading `-`). */
  loc: Loc;
  /** Offset of the path's first character in the file. */
  start: number;
  kind: 'keyword' | 'string';
  method: string;
  annotations: Set<string>;
}

const KW_METHODS = new Set(['filter', 'exclude', 'get', 'create', 'update', 'get_or_create', 'update_or_create', 'get_object_or_404', 'get_list_or_404']);
const STR_METHODS = new Set(['order_by', 'values', 'values_list', 'select_related', 'prefetch_related', 'only', 'defer', 'distinct', 'latest', 'earliest']);
/** Keywords of those methods that are not lookups. */
const NOT_LOOKUPS = new Set(['defaults', 'create_defaults', 'flat', 'named', 'using']);

function attrCall(call: Node): { object?: Node; method?: string } {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'attribute') return { object: fn.childForFieldName('object') ?? undefined, method: fn.childForFieldName('attribute')?.text };
  if (fn?.type === 'identifier') return { method: fn.text };
  return {};
}

/** Django's QuerySet (and Manager) methods: any other method in a chain is the project's own. */
const QUERYSET_METHODS = new Set([
  'all', 'filter', 'exclude', 'annotate', 'alias', 'order_by', 'reverse', 'distinct', 'values', 'values_list', 'dates',
  'datetimes', 'none', 'union', 'intersection', 'difference', 'select_related', 'prefetch_related', 'extra', 'defer',
  'only', 'using', 'select_for_update', 'raw', 'get_queryset', 'complex_filter',
]);

/** Names a wildcard in `annotations` stands for: names a custom queryset method may have added. */
export const ANY_ANNOTATION = '*';

/**
 * The names a custom QuerySet/Manager method annotates (`def with_custom(self): return
 * self.annotate(custom=...)`), read from the method's source; ANY_ANNOTATION when the method
 * cannot be found or builds names we cannot read (`**kwargs`, `extra()`).
 */
function customMethodAnnotations(project: DjangoProject, model: ModelInfo, method: string): string[] {
  for (const m of model.managers) {
    if (!m.cls) continue;
    for (const e of project.mro(m.cls)) {
      const meth = e.def?.cls?.methods.get(method);
      if (!meth) continue;
      const text = project.host.readFile(meth.loc.file);
      if (text === undefined) return [ANY_ANNOTATION];
      const lines = text.split('\n');
      const defLine = lines[meth.loc.line] ?? '';
      const indent = defLine.length - defLine.trimStart().length;
      const body: string[] = [];
      for (let i = meth.loc.line + 1; i < lines.length; i++) {
        const l = lines[i];
        if (l.trim() && l.length - l.trimStart().length <= indent) break;
        body.push(l);
      }
      const src = body.join('\n');
      if (/\.extra\(/.test(src)) return [ANY_ANNOTATION];
      const names: string[] = [];
      for (const mm of src.matchAll(/\.(annotate|alias)\(/g)) {
        // The call's top-level arguments: `name=` is an annotation, `**x` is unknown names.
        let depth = 0;
        let part = '';
        const parts: string[] = [];
        for (let i = mm.index! + mm[0].length; i < src.length; i++) {
          const c = src[i];
          if ('([{'.includes(c)) depth++;
          if (')]}'.includes(c)) {
            if (depth === 0) break;
            depth--;
          }
          if (c === ',' && depth === 0) {
            parts.push(part);
            part = '';
          } else part += c;
        }
        parts.push(part);
        for (const a of parts) {
          if (/^\s*\*\*/.test(a)) return [ANY_ANNOTATION];
          const kw = /^\s*(\w+)\s*=(?!=)/.exec(a);
          if (kw) names.push(kw[1]);
        }
      }
      return names;
    }
  }
  return [ANY_ANNOTATION];
}

/** Resolves the receiver of a queryset call to a model, collecting annotate() names on the way. */
function receiverModel(project: DjangoProject, file: string, expr: Node | undefined, annotations: Set<string>, depth = 0): ModelInfo | undefined {
  if (!expr || depth > 30) return undefined;
  if (expr.type === 'call') {
    const { object, method } = attrCall(expr);
    if (!object) return undefined;
    if (method === 'annotate' || method === 'alias') {
      for (const a of expr.childForFieldName('arguments')?.namedChildren ?? []) {
        if (a?.type === 'keyword_argument') {
          const n = a.childForFieldName('name')?.text;
          if (n) annotations.add(n);
        }
      }
    }
    const model = receiverModel(project, file, object, annotations, depth + 1);
    // A custom queryset method (`Ticket.objects.with_custom()`) may annotate names of its own.
    if (model && method && !QUERYSET_METHODS.has(method)) for (const n of customMethodAnnotations(project, model, method)) annotations.add(n);
    return model;
  }
  if (expr.type === 'attribute') {
    // `Post.objects`, `Post.published`, `Post._default_manager`
    const obj = expr.childForFieldName('object');
    return obj ? modelNamed(project, file, obj) : undefined;
  }
  return undefined;
}

/** A name (or dotted name) in a module that is a model class. */
export function modelNamed(project: DjangoProject, file: string, node: Node): ModelInfo | undefined {
  return node.type === 'identifier' || node.type === 'attribute' ? modelNamedText(project, file, node.text) : undefined;
}

/** A dotted name (`Post`, `models.Post`) as the module of `file` sees it, when it is a model class. */
export function modelNamedText(project: DjangoProject, file: string, dotted: string): ModelInfo | undefined {
  if (!/^[\w.]+$/.test(dotted)) return undefined;
  const mod = project.moduleForFile(file);
  const env = mod ? project.getModule(mod) : undefined;
  if (!env) return undefined;
  const parts = dotted.split('.');
  let v = env.scope.get(parts[0]);
  if (!v) return undefined;
  const it = project.interp(env);
  v = it.force(v);
  for (const p of parts.slice(1)) v = it.force(it.getAttr(v, p));
  return v.k === 'def' && v.kind === 'class' ? project.models().byDef(v) : undefined;
}

/** The model of the queryset call a node (a Q/F call, an argument) sits in. */
function enclosingQuery(project: DjangoProject, file: string, node: Node): { model: ModelInfo; method: string; annotations: Set<string> } | undefined {
  for (let p: Node | null = node.parent; p; p = p.parent) {
    if (p.type !== 'call') continue;
    const { object, method } = attrCall(p);
    if (!method) continue;
    if (KW_METHODS.has(method) || STR_METHODS.has(method) || method === 'annotate' || method === 'aggregate' || method === 'alias') {
      const annotations = new Set<string>();
      const model = method === 'get_object_or_404' || method === 'get_list_or_404'
        ? firstArgModel(project, file, p)
        : receiverModel(project, file, object, annotations);
      if (model) return { model, method, annotations };
    }
  }
  return undefined;
}

function firstArgModel(project: DjangoProject, file: string, call: Node): ModelInfo | undefined {
  const first = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
  if (!first) return undefined;
  if (first.type === 'identifier' || first.type === 'attribute') return modelNamed(project, file, first);
  const annotations = new Set<string>();
  return first.type === 'call' ? receiverModel(project, file, first, annotations) : undefined;
}

function kwUse(file: string, kw: Node, model: ModelInfo, method: string, annotations: Set<string>): LookupUse | undefined {
  const name = kw.childForFieldName('name');
  if (!name || NOT_LOOKUPS.has(name.text)) return undefined;
  return { model, path: name.text, loc: locOf(file, name), start: name.startIndex, kind: 'keyword', method, annotations };
}

function strUse(file: string, s: Node, model: ModelInfo, method: string, annotations: Set<string>): LookupUse | undefined {
  const v = stringLiteral(s);
  if (v === undefined || v === '?' || v === '' || /[^\w-]/.test(v)) return undefined;
  const loc = stringContentLoc(file, s);
  const dash = v.startsWith('-') ? 1 : 0;
  return {
    model, path: v.slice(dash), loc: { ...loc, character: loc.character + dash }, start: s.startIndex + 1 + dash,
    kind: 'string', method, annotations,
  };
}

/** Every lookup use in a Python file whose model can be told. */
export function lookupUses(project: DjangoProject, tree: Tree, file: string): LookupUse[] {
  const out: LookupUse[] = [];
  for (const call of tree.rootNode.descendantsOfType('call')) {
    if (!call) continue;
    const { method } = attrCall(call);
    if (!method) continue;
    const isQ = method === 'Q';
    const isF = method === 'F';
    if (!KW_METHODS.has(method) && !STR_METHODS.has(method) && !isQ && !isF) continue;
    const ctx = isQ || isF
      ? enclosingQuery(project, file, call)
      : (() => {
          const annotations = new Set<string>();
          const model = method === 'get_object_or_404' || method === 'get_list_or_404'
            ? firstArgModel(project, file, call)
            : receiverModel(project, file, attrCall(call).object, annotations);
          return model ? { model, method, annotations } : undefined;
        })();
    if (!ctx) continue;
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
      if (!a) continue;
      if (a.type === 'keyword_argument' && (isQ || KW_METHODS.has(method))) {
        const u = kwUse(file, a, ctx.model, method, ctx.annotations);
        if (u) out.push(u);
      } else if (a.type === 'string' && (isF || STR_METHODS.has(method))) {
        const u = strUse(file, a, ctx.model, method, ctx.annotations);
        if (u) out.push(u);
      }
    }
  }
  return out;
}

/** The lookup use at an offset, if any (for definition and hover). */
export function lookupAt(uses: LookupUse[], offset: number): LookupUse | undefined {
  return uses.find((u) => offset >= u.start && offset <= u.start + u.path.length);
}

export { receiverModel };
