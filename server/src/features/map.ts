/**
 * The project map: the whole project in one tree — apps, URLs (nested as included), views,
 * models (fields, relations), templates (the extends tree), admin registrations, signal
 * receivers, management commands, template tag libraries, middleware (in order), settings (value
 * and where it is set), DRF routes. Every node that has a source carries its location. Shared by
 * the sidebar (through `djangoAtlas/projectMap`) and `django-atlas map`.
 */
import path from 'node:path';
import { fileStart, type Loc } from '../core/python/values';
import type { MapNodeKind } from '../protocol';
import type { UrlEntry, UrlPatternEntry } from '../core/urls/tree';
import { routeExamples } from '../core/flow/flow';
import type { RouteExample } from '../core/flow/types';
import type { ProjectSession } from './session';
import { resolveDotted } from './navigation';
import { displayRoute, formatSuffixBases, readableRoute } from './presentation';
import { forcedItems } from '../core/templates/engines';
import { managementCommands } from '../core/management';

export interface AtlasNode {
  label: string;
  description?: string;
  tooltip?: string;
  kind: MapNodeKind;
  loc?: Loc;
  route?: string;
  /** For URL nodes: a path that resolves to it (the map's "Trace" action). */
  example?: string;
  children?: AtlasNode[];
  /** A group not built yet: its children come with a request for it. */
  lazy?: boolean;
}


function group(label: string, children: AtlasNode[]): AtlasNode {
  return { label, description: String(children.length), kind: 'group', children };
}

function rel(s: ProjectSession, file: string): string {
  const r = path.relative(s.project.root, file);
  return r.startsWith('..') || path.isAbsolute(r) ? file : r.split(path.sep).join('/');
}

function isOwn(s: ProjectSession, file: string): boolean {
  const r = path.relative(s.project.root, file);
  return !r.startsWith('..') && !path.isAbsolute(r) && !/(^|[\\/])(site|dist)-packages([\\/]|$)/.test(r);
}

/** Runs one part of the map; a part that fails shows as an empty group and a log line. */
function buildGroup(s: ProjectSession, label: string, build: () => AtlasNode[], wanted = true): AtlasNode {
  if (!wanted) return { label, kind: 'group', lazy: true };
  try {
    return group(label, build());
  } catch (e) {
    s.project.log(`project map: ${label}: ${(e as Error).message}`);
    return { label, description: 'could not be read', kind: 'group', children: [] };
  }
}

function urlNodes(entries: UrlEntry[], prefix: string, depth: number, examples: Map<UrlPatternEntry, RouteExample[]>): AtlasNode[] {
  if (depth > 12) return [];
  return entries.map((e) => {
    if (e.kind === 'pattern') {
      const full = prefix + e.route;
      const example = examples.get(e)?.find((x) => x.leaf.route === full)?.example;
      return {
        ...urlNode(full, [e.name, e.view ? `${e.view.qualname}` : undefined].filter(Boolean).join(' · '), e.loc, e.view ? `${e.view.module}.${e.view.qualname}` : undefined),
        ...(example ? { example } : {}),
      } satisfies AtlasNode;
    }
    const full = prefix + e.route;
    return {
      ...urlNode(full, [e.module, e.namespace ? `namespace ${e.namespace}` : undefined].filter(Boolean).join(' · '), e.loc),
      kind: 'include', children: urlNodes(e.children, full, depth + 1, examples),
    } satisfies AtlasNode;
  }).filter(notSuffixVariant);
}

/** A URL node: labelled with the readable route; the route as Django has it in the tooltip (and to copy). */
function urlNode(full: string, description: string | undefined, loc: Loc | undefined, tooltip?: string): AtlasNode {
  const raw = displayRoute(full);
  const label = readableRoute(full);
  const tip = [label !== raw ? raw : undefined, tooltip].filter(Boolean).join('\n');
  return { label, ...(description ? { description } : {}), kind: 'url', loc, route: raw, ...(tip ? { tooltip: tip } : {}) };
}

/**
 * A filter for sibling nodes that drops the format-suffix variants DRF adds next to a pattern
 * (`/api/users.<format>` beside `/api/users/`, from the same source line) and notes them on it.
 */
function notSuffixVariant(n: AtlasNode, _i: number, all: AtlasNode[]): boolean {
  if (n.kind !== 'url' || !n.route) return true;
  const bases = formatSuffixBases(n.route.slice(1)).map((b) => `/${b}`);
  const base = bases.length ? all.find((b) => b.kind === 'url' && b.route && bases.includes(b.route) && sameLine(b.loc, n.loc)) : undefined;
  if (!base) return true;
  if (!base.description?.endsWith('+ .format')) base.description = [base.description, '+ .format'].filter(Boolean).join(' · ');
  return false;
}

function sameLine(a: Loc | undefined, b: Loc | undefined): boolean {
  return !!a && !!b && a.file === b.file && a.line === b.line;
}

/** Each pattern's example paths (one per place it is included), for the map's "Trace" action. */
function examplesByPattern(s: ProjectSession): Map<UrlPatternEntry, RouteExample[]> {
  const out = new Map<UrlPatternEntry, RouteExample[]>();
  for (const r of routeExamples(s.project)) {
    const list = out.get(r.leaf.pattern);
    if (list) list.push(r);
    else out.set(r.leaf.pattern, [r]);
  }
  return out;
}

/**
 * The map of a project. `want(i)` says which groups to build (default: all); the others come as
 * lazy headers, so the sidebar gets the top level at once and each group when it is opened.
 */
export function projectMap(s: ProjectSession, want: (group: number) => boolean = () => true): AtlasNode {
  const p = s.project;
  const tree = p.urlTree();
  const children: AtlasNode[] = [];
  let next = 0;
  const safely = (_s: ProjectSession, label: string, build: () => AtlasNode[]) => buildGroup(s, label, build, want(next++));
  children.push(safely(s, 'Apps', () => p.installedApps().map((a) => {
    const init = a.dir ? [path.join(a.dir, 'apps.py'), path.join(a.dir, '__init__.py')].find((f) => p.host.stat(f)?.isFile) : undefined;
    return { label: a.label, description: a.name + (a.conditional ? ' (conditional)' : ''), kind: 'app' as const, loc: a.config?.loc ?? (init ? fileStart(init) : undefined) };
  })));
  children.push(safely(s, 'URLs', () => urlNodes(tree.entries, '', 0, examplesByPattern(s))));
  children.push(safely(s, 'Views', () => {
    const byView = new Map<string, AtlasNode>();
    for (const l of tree.leaves) {
      const v = l.pattern.view;
      if (!v || l.pattern.origin === 'admin') continue;
      const key = `${v.module}.${v.qualname}`;
      let n = byView.get(key);
      if (!n) byView.set(key, (n = { label: v.qualname, description: v.module, kind: 'view', loc: v.loc, children: [] }));
      n.children!.push(urlNode(l.route, l.name ?? undefined, l.pattern.loc));
    }
    for (const n of byView.values()) n.children = n.children!.filter(notSuffixVariant);
    return [...byView.values()].filter((n) => !n.loc || isOwn(s, n.loc.file));
  }));
  children.push(safely(s, 'Models', () => {
    const byApp = new Map<string, AtlasNode[]>();
    for (const m of p.models().models()) {
      if (!isOwn(s, m.def.loc.file)) continue;
      const tags = [m.abstract ? 'abstract' : '', m.proxy ? 'proxy' : ''].filter(Boolean).join(', ');
      const fields = m.fields.map((f) => ({
        label: f.name, description: `${f.type}${f.relatedModel ? ` → ${f.relatedModel}` : ''}`, kind: 'field' as const, loc: f.loc,
      }));
      const list = byApp.get(m.appLabel) ?? [];
      list.push({ label: m.name, description: tags || m.module, kind: 'model', loc: m.def.loc, children: fields });
      byApp.set(m.appLabel, list);
    }
    return [...byApp].map(([app, models]) => ({ label: app, description: String(models.length), kind: 'app' as const, children: models }));
  }));
  children.push(safely(s, 'Templates', () => {
    const cat = p.templates();
    const own = new Set<string>();
    for (const cands of cat.names().values()) if (isOwn(s, cands[0].file)) own.add(cands[0].file);
    const node = (file: string, depth: number, seen: Set<string>): AtlasNode => {
      const kids = depth < 8 ? cat.children(file).filter((c) => own.has(c) && !seen.has(c)) : [];
      const next = new Set([...seen, file]);
      return {
        label: cat.namesOf(file)[0]?.name ?? rel(s, file), description: rel(s, file), kind: 'template', loc: fileStart(file),
        ...(kids.length ? { children: kids.map((k) => node(k, depth + 1, next)) } : {}),
      };
    };
    const roots = [...own].filter((f) => {
      const parent = cat.ancestors(f)[0];
      return !parent || !own.has(parent.file);
    });
    return roots.sort().map((f) => node(f, 0, new Set()));
  }));
  children.push(safely(s, 'Admin', () => p.adminRegistrations().filter((r) => !r.unregister && isOwn(s, r.loc.file)).map((r) => {
    const it = p.interp();
    const model = it.force(r.model);
    const admin = r.admin ? it.force(r.admin) : undefined;
    const label = model.k === 'def' ? p.models().byDef(model)?.label ?? model.qualname : model.k === 'unknown' && model.fq ? model.fq : 'a model';
    return { label, description: admin?.k === 'def' ? admin.qualname : 'ModelAdmin', kind: 'admin' as const, loc: admin?.k === 'def' ? admin.loc : r.loc };
  })));
  children.push(safely(s, 'Signals', () => s.usages.signals().filter((r) => isOwn(s, r.loc.file)).map((r) => ({
    label: r.receiver, description: `← ${r.signal}${r.sender ? ` (sender ${r.sender})` : ''}`, kind: 'signal' as const, loc: r.loc,
  }))));
  children.push(safely(s, 'Management commands', () => managementCommands(p).map((c) => ({
    label: c.name, description: c.app, kind: 'command' as const, loc: fileStart(c.file),
  }))));
  children.push(safely(s, 'Template tag libraries', () => {
    const cat = p.templates();
    return [...cat.loadable()].map(([name, module]) => {
      const file = p.resolver.resolve(module)?.file;
      return { label: name, description: module, kind: 'library' as const, loc: file ? fileStart(file) : undefined };
    }).filter((n) => !n.loc || isOwn(s, n.loc.file));
  }));
  children.push(safely(s, 'Middleware', () => forcedItems(p, p.settingsValue('MIDDLEWARE')).flatMap((v, i) => {
    if (v.k !== 'str') return [];
    return [{ label: v.v, description: `#${i + 1}${v.cond ? ' (conditional)' : ''}`, kind: 'middleware' as const, loc: resolveDotted(p, v.v) }];
  })));
  children.push(safely(s, 'Settings', () => {
    const env = p.settingsEnv();
    if (!env) return [];
    return [...env.setAt.entries()].filter(([k]) => /^[A-Z][A-Z0-9_]*$/.test(k)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, loc]) => ({
      label: k, description: preview(p.settingsValue(k)), kind: 'setting' as const, loc,
    }));
  }));
  children.push(safely(s, 'DRF', () => {
    const byView = new Map<string, AtlasNode>();
    for (const l of tree.leaves) {
      if (l.pattern.origin !== 'router') continue;
      const v = l.pattern.view;
      const key = v ? `${v.module}.${v.qualname}` : l.route;
      let n = byView.get(key);
      if (!n) byView.set(key, (n = { label: v?.qualname ?? l.route, description: v ? `viewset · ${v.module}` : 'router', kind: 'drf', loc: v?.loc, children: [] }));
      n.children!.push(urlNode(l.route, l.name ?? undefined, l.pattern.loc));
    }
    for (const n of byView.values()) n.children = n.children!.filter(notSuffixVariant);
    // Serializers of the project's apps (`<app>.serializers`), with the model they serialize.
    const serializers: AtlasNode[] = [];
    for (const a of p.installedApps()) {
      if (!a.dir || !isOwn(s, a.dir) || !p.resolver.resolve(`${a.name}.serializers`)) continue;
      const env = p.getModule(`${a.name}.serializers`);
      for (const v of env?.scope.values() ?? []) {
        if (v.k !== 'def' || v.kind !== 'class' || v.module !== env!.name) continue;
        if (!p.mro(v).some((e) => (e.fq ?? e.module).startsWith('rest_framework.serializers') || e.module === 'rest_framework.serializers')) continue;
        const meta = v.cls?.nested.get('Meta');
        const model = meta ? p.classAttrValue(meta, 'model') : undefined;
        const label = model?.k === 'def' ? p.models().byDef(model)?.label : undefined;
        serializers.push({ label: v.qualname, description: label ? `serializer · ${label}` : 'serializer', kind: 'drf', loc: v.loc });
      }
    }
    return [...byView.values(), ...serializers];
  }));
  return { label: path.basename(p.root), description: p.settingsModule ?? 'no settings module', kind: 'project', loc: undefined, children };
}

function preview(v: ReturnType<ProjectSession['project']['settingsValue']>): string {
  switch (v.k) {
    case 'str': return JSON.stringify(v.v).slice(0, 60);
    case 'num': case 'bool': return String(v.v);
    case 'none': return 'None';
    case 'path': return v.v;
    case 'list': return `[${v.items.length} item${v.items.length === 1 ? '' : 's'}]`;
    case 'dict': return `{${v.entries.length} key${v.entries.length === 1 ? '' : 's'}}`;
    default: return '…';
  }
}

/** The nodes matching a filter (label or description contains it), with their ancestors. */
export function filterMap(node: AtlasNode, filter: string): AtlasNode | undefined {
  const f = filter.toLowerCase();
  const self = node.label.toLowerCase().includes(f) || !!node.description?.toLowerCase().includes(f);
  const kids = (node.children ?? []).map((c) => filterMap(c, filter)).filter((c): c is AtlasNode => !!c);
  if (!self && !kids.length) return undefined;
  return { ...node, children: self && !kids.length ? node.children : kids };
}

/** The map as indented text (`django-atlas map`). */
export function mapText(s: ProjectSession, node: AtlasNode, depth = 0, out: string[] = []): string[] {
  const where = node.loc ? `  ${rel(s, node.loc.file)}:${node.loc.line + 1}` : '';
  out.push(`${'  '.repeat(depth)}${node.label}${node.description ? `  (${node.description})` : ''}${node.kind === 'group' ? '' : where}`);
  for (const c of node.children ?? []) mapText(s, c, depth + 1, out);
  return out;
}
