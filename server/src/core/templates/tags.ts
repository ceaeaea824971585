/**
 * Which tags and filters a template can use at a point: its engine's builtins (Django's
 * defaulttags/defaultfilters/loader_tags and `OPTIONS.builtins`), plus every library `{% load %}`ed
 * before that point (all of it, or the names of `{% load a b from lib %}`); a later load wins, as
 * in Django's parser.
 */
import type { TemplateCatalog, TemplateEngine } from './catalog';
import type { TagDef } from './libraries';
import { FALLBACK_BUILTIN_TAGS, FALLBACK_BUILTIN_FILTERS } from './libraries';
import type { ParsedTemplate } from './parse';
import { BUILTIN_BLOCK_TAGS } from './parse';

export interface ScopedDef extends TagDef {
  /** The library module it comes from, and the `{% load %}` name (none for builtins). */
  module?: string;
  loadName?: string;
}

export interface TagScope {
  tags: Map<string, ScopedDef>;
  filters: Map<string, ScopedDef>;
  /** End and intermediate tags of the block tags in scope. */
  inner: Set<string>;
  /** False when a loaded library could not be read: unknown names then prove nothing. */
  complete: boolean;
}

function addLib(scope: TagScope, defs: Iterable<TagDef>, module: string | undefined, loadName: string | undefined, only?: Set<string>) {
  for (const d of defs) {
    if (only && !only.has(d.name)) continue;
    (d.kind === 'tag' ? scope.tags : scope.filters).set(d.name, { ...d, module, loadName });
    for (const i of d.inner ?? []) scope.inner.add(i);
  }
}

const builtinCache = new WeakMap<TemplateCatalog, Map<TemplateEngine, { gen: unknown; scope: TagScope }>>();

/** The builtins of an engine (cached per catalog until a Python file changes). */
export function builtinScope(cat: TemplateCatalog, engine: TemplateEngine | undefined): TagScope {
  let perCat = builtinCache.get(cat);
  if (!perCat) builtinCache.set(cat, (perCat = new Map()));
  const key = engine ?? ({} as TemplateEngine);
  const hit = engine ? perCat.get(engine) : undefined;
  if (hit && hit.gen === cat.libraryGeneration) return hit.scope;
  const scope: TagScope = { tags: new Map(), filters: new Map(), inner: new Set(), complete: true };
  const mods = engine?.builtins ?? ['django.template.defaulttags', 'django.template.defaultfilters', 'django.template.loader_tags'];
  let djangoRead = false;
  for (const m of mods) {
    const lib = cat.library(m);
    if (!lib) {
      if (!m.startsWith('django.template.')) scope.complete = false;
      continue;
    }
    if (m.startsWith('django.template.')) djangoRead = true;
    if (lib.opaque) scope.complete = false;
    addLib(scope, [...lib.tags.values(), ...lib.filters.values()], m, undefined);
  }
  if (!djangoRead) {
    // Django's source is not readable (no virtualenv found): its builtins by name.
    for (const t of FALLBACK_BUILTIN_TAGS) if (!scope.tags.has(t)) scope.tags.set(t, { name: t, kind: 'tag', via: 'tag' });
    for (const f of FALLBACK_BUILTIN_FILTERS) if (!scope.filters.has(f)) scope.filters.set(f, { name: f, kind: 'filter', via: 'filter' });
  }
  for (const [t, inner] of Object.entries(BUILTIN_BLOCK_TAGS)) {
    scope.inner.add(`end${t}`);
    for (const i of inner) scope.inner.add(i);
  }
  if (engine) perCat.set(key, { gen: cat.libraryGeneration, scope });
  return scope;
}

/** The scope at `offset` of a parsed template (`Infinity` for the end of the file). */
export function scopeAt(cat: TemplateCatalog, file: string, parsed: ParsedTemplate, offset: number): TagScope {
  const engine = cat.namesOf(file)[0]?.engine ?? cat.djangoEngine();
  const base = builtinScope(cat, engine);
  const scope: TagScope = { tags: new Map(base.tags), filters: new Map(base.filters), inner: new Set(base.inner), complete: base.complete };
  const loadable = cat.loadable(engine);
  for (const l of parsed.loads) {
    if (l.start >= offset) break;
    const module = loadable.get(l.lib);
    const lib = module ? cat.library(module) : undefined;
    if (!lib) {
      scope.complete = false;
      continue;
    }
    if (lib.opaque) scope.complete = false;
    addLib(scope, [...lib.tags.values(), ...lib.filters.values()], module, l.lib, l.names ? new Set(l.names.map((n) => n.name)) : undefined);
  }
  return scope;
}
