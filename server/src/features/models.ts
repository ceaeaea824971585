/**
 * Editor features over models: `'app.Model'` strings (relations, AUTH_USER_MODEL,
 * `apps.get_model`), `get_user_model()`, and ORM lookups (`filter(author__name__icontains=...)`,
 * `order_by("-created")`, `Q(...)`, `F("...")`) → the model or field; hovers showing a model's
 * fields or a field's type, options, related model and reverse accessors; completion of lookup
 * parts. (The unknown-field warning is `core/models/checks.ts`.)
 */
import type { Node } from '../core/python/parser';
import { stringLiteral, stringContentLoc, locOf } from '../core/python/evaluator';
import type { Loc } from '../core/python/values';
import type { ModelInfo, FieldInfo } from '../core/models/index';
import { lookupUses, lookupAt, type LookupUse, receiverModel, modelNamed, modelNamedText as coreModelNamedText } from '../core/models/orm';
import { resolveLookup, namesOf, LOOKUPS, DATE_TRANSFORMS, type NameAtLevel } from '../core/models/lookups';
import type { Doc, ProjectSession } from './session';
import { calleeName } from './locate';

export type ModelTarget =
  /** `declaration`: the model's own class name (hover only; Pylance owns its definition). */
  | { kind: 'model'; model: ModelInfo; loc: Loc; declaration?: boolean }
  | { kind: 'lookup'; use: LookupUse; part: number; name?: NameAtLevel; model?: ModelInfo; loc: Loc };

const RELATION_CALLS = new Set(['ForeignKey', 'OneToOneField', 'ManyToManyField', 'ParentalKey', 'ParentalManyToManyField']);

/** Lookup uses of a document, computed once per tree. */
const usesCache = new WeakMap<object, LookupUse[]>();
function usesOf(s: ProjectSession, doc: Doc): LookupUse[] {
  if (!doc.tree) return [];
  const hit = usesCache.get(doc.tree);
  if (hit) return hit;
  let uses: LookupUse[] = [];
  try {
    uses = lookupUses(s.project, doc.tree, doc.file);
  } catch (e) {
    s.project.log(`ORM lookups of ${doc.file}: ${(e as Error).message}`);
  }
  usesCache.set(doc.tree, uses);
  return uses;
}

/** A model named by a string: `"app.Model"`, `"Model"` (the file's app), `"self"` (the class around). */
function modelFromString(s: ProjectSession, doc: Doc, value: string, at: Node): ModelInfo | undefined {
  const index = s.project.models();
  if (value.includes('.')) return index.byLabel(value);
  if (value === 'self') {
    for (let p: Node | null = at.parent; p; p = p.parent) {
      if (p.type === 'class_definition') return modelNamed(s.project, doc.file, p.childForFieldName('name')!);
    }
    return undefined;
  }
  const mod = s.project.moduleForFile(doc.file);
  const app = mod ? s.project.appForModule(mod) : undefined;
  return app ? index.byLabel(`${app.label}.${value}`) : undefined;
}

export function modelTargetAt(s: ProjectSession, doc: Doc, offset: number): ModelTarget | undefined {
  if (doc.kind !== 'python' || !doc.tree) return undefined;
  const node = doc.tree.rootNode.descendantForIndex(Math.max(0, offset));
  if (!node) return undefined;
  // A lookup in an ORM call.
  const use = lookupAt(usesOf(s, doc), offset);
  if (use) {
    const r = resolveLookup(s.project.models(), use.model, use.path, { annotations: use.annotations });
    const rel = offset - use.start;
    const i = r.steps.findIndex((st) => rel >= st.start && rel <= st.start + st.part.length);
    const step = r.steps[i];
    if (step) {
      const loc = { ...use.loc, character: use.loc.character + step.start, endCharacter: use.loc.character + step.start + step.part.length, endLine: use.loc.line };
      return { kind: 'lookup', use, part: i, name: step.name, model: step.model, loc };
    }
  }
  // A model's class name, or a field's name where the model declares it (hover only).
  if (node.type === 'identifier') {
    const p = node.parent;
    if (p?.type === 'class_definition' && p.childForFieldName('name')?.id === node.id) {
      const model = modelNamed(s.project, doc.file, node);
      return model ? { kind: 'model', model, loc: locOf(doc.file, node), declaration: true } : undefined;
    }
    if (p?.type === 'assignment' && p.childForFieldName('left')?.id === node.id && p.parent?.type === 'expression_statement') {
      const cls = p.parent.parent?.parent;
      const clsName = cls?.type === 'class_definition' ? cls.childForFieldName('name') : undefined;
      const model = clsName ? modelNamed(s.project, doc.file, clsName) : undefined;
      const name = model ? namesOf(s.project.models(), model).find((n) => n.name === node.text && n.field) : undefined;
      if (model && name) {
        const loc = locOf(doc.file, node);
        const use: LookupUse = { model, path: node.text, loc, start: node.startIndex, kind: 'keyword', method: 'declaration', annotations: new Set() };
        return { kind: 'lookup', use, part: 0, name, model, loc };
      }
    }
  }
  // get_user_model()
  if (node.type === 'identifier' && node.text === 'get_user_model' && node.parent?.type === 'call') {
    const m = s.project.models().userModel();
    return m ? { kind: 'model', model: m, loc: locOf(doc.file, node) } : undefined;
  }
  let str: Node | null = node;
  while (str && str.type !== 'string') {
    if (!['string_content', 'string_start', 'string_end'].includes(str.type)) return undefined;
    str = str.parent;
  }
  if (!str) return undefined;
  const value = stringLiteral(str);
  if (!value || !/^[-^=@]?[\w.]+$/.test(value)) return undefined;
  const parent = str.parent;
  const loc = stringContentLoc(doc.file, str);
  let isModelRef = false;
  if (parent?.type === 'argument_list') {
    const fn = calleeName(parent.parent);
    const first = parent.namedChildren.find((c) => c && c.type !== 'comment');
    isModelRef = (!!fn && RELATION_CALLS.has(fn) && first?.id === str.id) || (fn === 'get_model' && value.includes('.'));
  } else if (parent?.type === 'keyword_argument') {
    const k = parent.childForFieldName('name')?.text;
    const fn = calleeName(parent.parent?.parent);
    isModelRef = (k === 'to' || k === 'through') && !!fn && RELATION_CALLS.has(fn);
  } else if (parent?.type === 'assignment' && parent.childForFieldName('left')?.text === 'AUTH_USER_MODEL') {
    isModelRef = true;
  }
  if (!isModelRef) {
    // A name in a field list (`list_display = ("title", ...)`, `Meta.ordering`, `Meta.fields`).
    const ctx = (parent?.type === 'list' || parent?.type === 'tuple' || parent?.type === 'assignment') ? fieldListModel(s, doc, str.startPosition.row) : undefined;
    if (!ctx) return undefined;
    const dash = /^[-^=@]/.test(value) ? 1 : 0;
    const path = value.slice(dash);
    const r = resolveLookup(s.project.models(), ctx.model, path);
    const rel = offset - (str.startIndex + 1 + dash);
    const step = r.steps.find((st) => rel >= st.start && rel <= st.start + st.part.length);
    if (!step?.name) return undefined;
    const at = { ...loc, character: loc.character + dash + step.start, endCharacter: loc.character + dash + step.start + step.part.length, endLine: loc.line };
    const use: LookupUse = { model: ctx.model, path, loc: at, start: str.startIndex + 1 + dash, kind: 'string', method: ctx.attr, annotations: new Set() };
    return { kind: 'lookup', use, part: r.steps.indexOf(step), name: step.name, model: step.model, loc: at };
  }
  const model = modelFromString(s, doc, value, str);
  return model ? { kind: 'model', model, loc } : undefined;
}

/**
 * The call whose `(` is still open at the end of `text` (`Post.objects.filter(a=1).exclude(x`):
 * its method name and the receiver text before `.method`. A linear scan from the end.
 */
function openCallBefore(text: string): { method: string; receiver?: string } | undefined {
  let depth = 0;
  let i = text.length - 1;
  for (; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) break;
      depth--;
    }
  }
  if (i < 0) return undefined;
  let j = i;
  while (j > 0 && /\w/.test(text[j - 1])) j--;
  const method = text.slice(j, i);
  if (!method) return undefined;
  if (text[j - 1] !== '.') return { method };
  // The receiver: back over names, dots and balanced (...) groups.
  let k = j - 1;
  depth = 0;
  while (k > 0) {
    const c = text[k - 1];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && !/[\w.]/.test(c)) break;
    k--;
  }
  return { method, receiver: text.slice(k, j - 1) };
}

/** A model named by a (dotted) name in a document's module. */
function modelNamedText(s: ProjectSession, doc: Doc, name: string): ModelInfo | undefined {
  return coreModelNamedText(s.project, doc.file, name);
}

export function modelDefinition(s: ProjectSession, doc: Doc, offset: number): Loc[] {
  const t = modelTargetAt(s, doc, offset);
  if (!t || (t.kind === 'lookup' && t.use.method === 'declaration')) return [];
  if (t.kind === 'model') return t.declaration ? [] : [t.model.def.loc];
  return t.name?.loc ? [t.name.loc] : [];
}

function fieldMarkdown(f: FieldInfo, model: ModelInfo | undefined, s: ProjectSession): string {
  const opts = [...f.options.entries()].flatMap(([k, v]) => {
    const val = s.project.interp().force(v);
    const shown = val.k === 'str' ? JSON.stringify(val.v) : val.k === 'num' || val.k === 'bool' ? String(val.v) : val.k === 'none' ? 'None' : undefined;
    return shown !== undefined && k !== 'to' ? [`${k}=${shown}`] : [];
  });
  const lines = [`**${model ? `${model.label}.` : ''}${f.name}** — \`${f.type}\`${f.relatedModel ? ` → \`${f.relatedModel}\`` : ''}`];
  if (opts.length) lines.push('', `\`${opts.join(', ')}\``);
  if (f.relatedModel && f.relation !== 'GenericForeignKey') {
    const mdl = model?.name.toLowerCase() ?? '';
    const many = f.relation !== 'OneToOneField';
    lines.push('', `reverse accessor on \`${f.relatedModel}\`: \`${f.relatedName ?? (many ? `${mdl}_set` : mdl)}\` (lookups: \`${f.relatedQueryName ?? f.relatedName ?? mdl}\`)`);
  }
  return lines.join('\n');
}

function modelMarkdown(m: ModelInfo, s: ProjectSession): string {
  const tags = [m.abstract ? 'abstract' : '', m.proxy ? 'proxy' : '', m.swappedBy ? `swapped for ${m.swappedBy}` : ''].filter(Boolean).join(', ');
  const lines = [`**Model** \`${m.label}\`${tags ? ` (${tags})` : ''} — \`${m.module}\``, ''];
  for (const f of m.fields.slice(0, 25)) lines.push(`- \`${f.name}\`: ${f.type}${f.relatedModel ? ` → ${f.relatedModel}` : ''}`);
  if (m.fields.length > 25) lines.push(`- … ${m.fields.length - 25} more`);
  const rev = s.project.models().reverse(m.label);
  if (rev.length) lines.push('', `reverse: ${rev.slice(0, 12).map((r) => `\`${r.accessor}\` (${r.from})`).join(', ')}${rev.length > 12 ? ', …' : ''}`);
  return lines.join('\n');
}

export function modelHover(s: ProjectSession, doc: Doc, offset: number): { markdown: string; loc: Loc } | undefined {
  const t = modelTargetAt(s, doc, offset);
  if (!t) return undefined;
  if (t.kind === 'model') return { markdown: modelMarkdown(t.model, s), loc: t.loc };
  const n = t.name;
  if (n?.field) return { markdown: fieldMarkdown(n.field, t.model, s), loc: t.loc };
  if (n) return { markdown: `**${t.model?.label ?? ''}.${n.name}** — ${n.detail}`, loc: t.loc };
  return undefined;
}

const ADMIN_ATTRS = new Set([
  'list_display', 'list_display_links', 'list_filter', 'list_editable', 'list_select_related', 'search_fields', 'readonly_fields',
  'fields', 'exclude', 'ordering', 'raw_id_fields', 'autocomplete_fields', 'date_hierarchy', 'sortable_by', 'filter_horizontal', 'filter_vertical',
]);
const META_FIELD_ATTRS = new Set(['fields', 'exclude', 'read_only_fields', 'ordering', 'unique_together', 'index_together']);

/** The classes around a line, innermost first, read from the indentation (half-typed code too). */
function classesAround(lines: string[], line: number): { name: string; line: number; indent: number }[] {
  const out: { name: string; line: number; indent: number }[] = [];
  let limit = (/^\s*/.exec(lines[line] ?? '')![0]).length;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const m = /^(\s*)class\s+(\w+)/.exec(lines[i]);
    const text = lines[i];
    if (!text.trim()) continue;
    const indent = /^\s*/.exec(text)![0].length;
    if (indent >= limit) continue;
    if (m) out.push({ name: m[2], line: i, indent });
    limit = indent;
  }
  return out;
}

/**
 * A field-name list of a model's companion: `Meta.ordering` of a model, a ModelAdmin's
 * `list_display`/`search_fields`/`list_filter`/…, `Meta.fields` of a ModelForm or a DRF
 * ModelSerializer (`model = X` in that Meta). Returns the model, when the line is in one.
 */
export function fieldListModel(s: ProjectSession, doc: Doc, line: number): { model: ModelInfo; attr: string } | undefined {
  if (doc.kind !== 'python') return undefined;
  const lines = doc.text.split('\n');
  // The attribute the list belongs to: on this line or on the line that opened the list.
  let attr: string | undefined;
  for (let i = line; i >= 0 && i > line - 30; i--) {
    const m = /^\s*(\w+)\s*=/.exec(lines[i]);
    if (m) {
      attr = m[1];
      break;
    }
  }
  if (!attr) return undefined;
  const classes = classesAround(lines, line);
  const inner = classes[0];
  if (!inner) return undefined;
  if (inner.name === 'Meta' && META_FIELD_ATTRS.has(attr)) {
    // `model = X` in this Meta: a ModelForm/ModelSerializer; else the model the Meta is in.
    for (let i = inner.line + 1; i < lines.length; i++) {
      const text = lines[i];
      if (text.trim() && /^\s*/.exec(text)![0].length <= inner.indent) break;
      const m = /^\s*model\s*=\s*([\w.]+)/.exec(text);
      if (m) {
        const model = modelNamedText(s, doc, m[1]);
        return model ? { model, attr } : undefined;
      }
    }
    const outer = classes[1];
    const model = outer && attr === 'ordering' ? modelNamedText(s, doc, outer.name) : undefined;
    return model ? { model, attr } : undefined;
  }
  if (ADMIN_ATTRS.has(attr)) {
    // @admin.register(Model) above the class, or admin.site.register(Model, ThisAdmin).
    for (let i = inner.line - 1; i >= 0 && /^\s*@/.test(lines[i]); i--) {
      const m = /register\(\s*([\w.]+)/.exec(lines[i]);
      if (m) {
        const model = modelNamedText(s, doc, m[1]);
        if (model) return { model, attr };
      }
    }
    const reg = s.project.adminRegistrations().find((r) => r.admin?.k === 'def' && r.admin.qualname === inner.name && r.admin.loc.file === doc.file);
    const model = reg?.model.k === 'def' ? s.project.models().byDef(reg.model) : undefined;
    return model ? { model, attr } : undefined;
  }
  return undefined;
}

/** Names for a field-name list: fields (and, for search/ordering/list_filter, paths across relations). */
function fieldListCompletions(s: ProjectSession, doc: Doc, line: number, character: number, typedPath: string): LookupCompletion[] {
  const ctx = fieldListModel(s, doc, line);
  if (!ctx) return [];
  const index = s.project.models();
  const path = typedPath.replace(/^[-^=@]/, '');
  const parts = path.split('__');
  const last = parts.pop()!;
  let level: ModelInfo | undefined = ctx.model;
  if (parts.length) {
    const r = resolveLookup(index, ctx.model, parts.join('__'));
    if (r.unknown) return [];
    level = r.lastModel;
  }
  const replace: Loc = { file: doc.file, line, character: character - last.length, endLine: line, endCharacter: character };
  return level ? namesOf(index, level).filter((n) => n.kind !== 'attname').map((n) => ({ label: n.name, detail: n.detail, documentation: '', replace, kind: 'field' as const })) : [];
}

export interface LookupCompletion {
  label: string;
  detail: string;
  documentation: string;
  replace: Loc;
  kind: 'field';
}

/**
 * Completion of a lookup part being typed: a keyword in `filter(`/`Q(` (`author__na|`) or a string
 * in `order_by("`/`values("`/`F("`. The text typed so far is read from the line, the model from the
 * call's receiver in the (error-tolerant) tree.
 */
export function lookupCompletions(s: ProjectSession, doc: Doc, line: number, character: number, offset: number): LookupCompletion[] {
  if (doc.kind !== 'python' || !doc.tree) return [];
  const lineText = doc.text.split('\n')[line] ?? '';
  const before = lineText.slice(0, character);
  const m = /([\w]*)$/.exec(before)!;
  const typed = m[1];
  const quote = /(['"])[-^=@]?([\w]*)$/.exec(before);
  // The call the cursor is in: the innermost argument_list around the offset, or (half-typed
  // code the parser could not close) the text of the line before the cursor.
  let node: Node | null = doc.tree.rootNode.descendantForIndex(Math.max(0, offset - 1));
  while (node && node.type !== 'argument_list') node = node.parent;
  const call = node?.parent?.type === 'call' ? node.parent : undefined;
  const fnNode = call?.childForFieldName('function');
  let method = fnNode?.type === 'attribute' ? fnNode.childForFieldName('attribute')?.text : fnNode?.text;
  let receiverText: string | undefined;
  if (quote) {
    const list = fieldListCompletions(s, doc, line, character, quote[0].slice(1));
    if (list.length) return list;
  }
  if (!call) {
    const open = openCallBefore(before);
    if (!open) return [];
    receiverText = open.receiver;
    method = open.method;
  }
  if (!method) return [];
  const kwMethods = ['filter', 'exclude', 'get', 'create', 'update', 'get_or_create', 'update_or_create', 'Q', 'get_object_or_404', 'get_list_or_404'];
  const strMethods = ['order_by', 'values', 'values_list', 'select_related', 'prefetch_related', 'only', 'defer', 'distinct', 'latest', 'earliest', 'F'];
  const inString = !!quote;
  if (inString ? !strMethods.includes(method) : !kwMethods.includes(method)) return [];
  // Keyword position only: not after `=` of a keyword already being given a value.
  if (!inString && /=\s*[\w.]*$/.test(before)) return [];
  let model: ModelInfo | undefined;
  const annotations = new Set<string>();
  if (method === 'get_object_or_404' || method === 'get_list_or_404') {
    // The model is the first argument: `get_object_or_404(Post, slug=...)`.
    const args = call ? call.childForFieldName('arguments')?.text.slice(1) : before.slice(before.lastIndexOf(`${method}(`) + method.length + 1);
    const first = /^\s*([\w.]+)\s*,/.exec(args ?? '')?.[1];
    model = first ? modelNamedText(s, doc, first) : undefined;
  } else if (receiverText !== undefined) {
    // `Post.objects.filter(x=1).exclude(` → the model named at the start of the chain.
    const parts = receiverText.split('(')[0].split('.');
    for (let n = parts.length - 1; n >= 1 && !model; n--) model = modelNamedText(s, doc, parts.slice(0, n).join('.'));
  } else if (method === 'Q' || method === 'F') {
    for (let p: Node | null = call!.parent; p && !model; p = p.parent) {
      if (p.type !== 'call') continue;
      const f = p.childForFieldName('function');
      if (f?.type === 'attribute') model = receiverModel(s.project, doc.file, f.childForFieldName('object') ?? undefined, annotations);
    }
  } else if (fnNode?.type === 'attribute') {
    model = receiverModel(s.project, doc.file, fnNode.childForFieldName('object') ?? undefined, annotations);
  }
  if (!model) return [];
  const index = s.project.models();
  const path = inString ? quote![2] : typed;
  const parts = path.split('__');
  const last = parts.pop()!;
  let level: ModelInfo | undefined = model;
  let afterField = false;
  if (parts.length) {
    const r = resolveLookup(index, model, parts.join('__'), { annotations });
    if (r.unknown) return [];
    level = r.lastModel;
    afterField = true;
  }
  const replace: Loc = { file: doc.file, line, character: character - last.length, endLine: line, endCharacter: character };
  const out: LookupCompletion[] = [];
  if (level) for (const n of namesOf(index, level)) out.push({ label: n.name, detail: n.detail, documentation: '', replace, kind: 'field' });
  if (!parts.length) for (const a of annotations) if (a !== '*') out.push({ label: a, detail: 'annotation', documentation: '', replace, kind: 'field' });
  if (afterField && !inString && (method !== 'create' && method !== 'update')) {
    for (const l of [...LOOKUPS, ...DATE_TRANSFORMS]) out.push({ label: l, detail: 'lookup', documentation: '', replace, kind: 'field' });
  }
  return out;
}

