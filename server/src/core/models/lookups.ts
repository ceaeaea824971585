/**
 * ORM lookup paths (`author__profile__name__icontains`, `-created`, `tags__name`) resolved the
 * way Django's query machinery does: each part a field of the current model (a forward field, its
 * `_id` column for a foreign key, `pk`, a multi-table parent's field, or a reverse relation's query
 * name), relations moving to the related model; after the last field, transforms and lookups.
 */
import type { Loc } from '../python/values';
import type { FieldInfo, ModelIndex, ModelInfo } from './index';

/** Django's built-in lookups and transforms (fields may register more). */
export const LOOKUPS = [
  'exact', 'iexact', 'contains', 'icontains', 'in', 'gt', 'gte', 'lt', 'lte', 'startswith', 'istartswith',
  'endswith', 'iendswith', 'range', 'isnull', 'regex', 'iregex',
];
export const DATE_TRANSFORMS = ['date', 'year', 'iso_year', 'month', 'day', 'week', 'week_day', 'iso_week_day', 'quarter', 'time', 'hour', 'minute', 'second'];

export interface NameAtLevel {
  name: string;
  kind: 'field' | 'attname' | 'pk' | 'reverse' | 'parent';
  field?: FieldInfo;
  /** The model a relation leads to. */
  target?: string;
  loc?: Loc;
  detail: string;
}

export interface LookupStep {
  part: string;
  /** Offset of the part in the path string. */
  start: number;
  kind: 'field' | 'lookup' | 'annotation' | 'unknown';
  name?: NameAtLevel;
  /** The model this part was looked up on. */
  model?: ModelInfo;
}

export interface ResolvedLookup {
  steps: LookupStep[];
  /** The first part that is neither a field of its model nor a lookup after a field. */
  unknown?: LookupStep;
  /** The model the path ends on (for completion of the next part). */
  lastModel?: ModelInfo;
}

/** Names per model; a ModelInfo is rebuilt (a new object) whenever the model index is. */
const namesCache = new WeakMap<ModelInfo, NameAtLevel[]>();

/** Every name a lookup may use on a model, with what it is. */
export function namesOf(index: ModelIndex, model: ModelInfo): NameAtLevel[] {
  const hit = namesCache.get(model);
  if (hit && index.byDef(model.def) === model) return hit;
  const names = computeNames(index, model);
  namesCache.set(model, names);
  return names;
}

function computeNames(index: ModelIndex, model: ModelInfo): NameAtLevel[] {
  const out: NameAtLevel[] = [];
  const seen = new Set<string>();
  const add = (n: NameAtLevel) => {
    if (seen.has(n.name)) return;
    seen.add(n.name);
    out.push(n);
  };
  const visit = (m: ModelInfo, depth: number, inherited: boolean) => {
    for (const f of m.fields) {
      if (f.relation === 'GenericForeignKey') continue;
      const detail = `${f.type}${f.relatedModel ? ` → ${f.relatedModel}` : ''}${inherited ? ` (from ${m.label})` : ''}`;
      add({ name: f.name, kind: inherited ? 'parent' : 'field', field: f, target: f.relatedModel ?? undefined, loc: f.loc, detail });
      if (f.relation === 'ForeignKey' || f.relation === 'OneToOneField') add({ name: `${f.name}_id`, kind: 'attname', field: f, loc: f.loc, detail: `the ${f.name} column` });
    }
    if (!m.fields.some((f) => f.options.has('primary_key'))) add({ name: 'id', kind: 'field', detail: 'AutoField (implicit)' });
    for (const r of index.reverse(m.label)) add({ name: r.queryName, kind: 'reverse', target: r.from.split('.').slice(0, 2).join('.'), loc: r.field.loc, detail: `reverse of ${r.from}` });
    if (m.parent && depth < 10) {
      const p = index.byLabel(m.parent);
      if (p) {
        add({ name: `${p.name.toLowerCase()}_ptr`, kind: 'field', target: p.label, detail: `OneToOneField → ${p.label} (parent link)` });
        visit(p, depth + 1, true);
      }
    }
  };
  visit(model, 0, false);
  add({ name: 'pk', kind: 'pk', detail: 'the primary key' });
  return out;
}

/** The model a proxy or a multi-table child finally stands on, for relations to it. */
function relatedModel(index: ModelIndex, n: NameAtLevel): ModelInfo | undefined {
  return n.target ? index.byLabel(n.target) : undefined;
}

/**
 * Resolves `path` (the part after any `-` of order_by) on `model`. `annotations` are names added
 * by annotate()/alias() earlier in the chain.
 */
export function resolveLookup(index: ModelIndex, model: ModelInfo, path: string, opts: { annotations?: Set<string> } = {}): ResolvedLookup {
  const steps: LookupStep[] = [];
  let current: ModelInfo | undefined = model;
  let offset = 0;
  let afterField = false;
  const parts = path.split('__');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const step: LookupStep = { part, start: offset, kind: 'unknown', model: current };
    offset += part.length + 2;
    if (i === 0 && opts.annotations?.has(part)) {
      steps.push({ ...step, kind: 'annotation' });
      current = undefined;
      afterField = true;
      continue;
    }
    const name = current ? namesOf(index, current).find((n) => n.name === part) : undefined;
    // A custom queryset method earlier in the chain may have annotated names we cannot read.
    if (!name && i === 0 && opts.annotations?.has('*')) {
      steps.push({ ...step, kind: 'annotation' });
      current = undefined;
      afterField = true;
      continue;
    }
    if (name) {
      steps.push({ ...step, kind: 'field', name });
      afterField = true;
      current = relatedModel(index, name);
      continue;
    }
    // After a relation, a part is a field of the related model or one of Django's lookups; after
    // any other field, transforms and lookups (fields register their own): not ours to judge.
    const builtin = LOOKUPS.includes(part) || DATE_TRANSFORMS.includes(part);
    if (afterField && (!current || builtin)) {
      steps.push({ ...step, kind: 'lookup' });
      current = undefined;
      continue;
    }
    steps.push(step);
    return { steps, unknown: step, lastModel: current };
  }
  return { steps, lastModel: current };
}
