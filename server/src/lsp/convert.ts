/**
 * The only place that converts between the core's types (file paths, 0-based `Loc`) and LSP's
 * (URIs, `Range`, `Location`, `Diagnostic`, ...).
 */
import { URI } from 'vscode-uri';
import {
  type Location, type Range, type Diagnostic as LspDiagnostic, DiagnosticSeverity, type CodeLens,
  type CompletionItem, CompletionItemKind, InsertTextFormat, type DocumentSymbol, SymbolKind, type SymbolInformation, MarkupKind, type Hover, type CodeAction, CodeActionKind,
} from 'vscode-languageserver';
import type { Loc } from '../core/python/values';
import type { Diagnostic } from '../core/checks';
import type { Lens, Completion, HoverResult } from '../features/presentation';
import { readableRoute } from '../features/presentation';
import type { TemplateSymbol } from '../features/templates';
import type { AtlasNode } from '../features/map';
import type { AtlasSymbol } from '../features/symbols';
import type { Flow, Step, RouteExample } from '../core/flow/types';
import type { MapNode, MapLocation, FlowResult, FlowStep, RouteSuggestion } from '../protocol';

export function uriToPath(uri: string): string | undefined {
  const u = URI.parse(uri);
  return u.scheme === 'file' ? u.fsPath : undefined;
}

export function pathToUri(file: string): string {
  return URI.file(file).toString();
}

export function toRange(loc: Loc): Range {
  return { start: { line: loc.line, character: loc.character }, end: { line: loc.endLine, character: loc.endCharacter } };
}

export function toLocation(loc: Loc): Location {
  return { uri: pathToUri(loc.file), range: toRange(loc) };
}

export function toDiagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: toRange(d.loc),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    message: d.message,
    code: d.code,
    source: 'django-atlas',
    data: d.fix,
  };
}

/** The quick fixes carried by our diagnostics (see `Diagnostic.fix`). */
export function toQuickFixes(uri: string, diagnostics: LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = d.data as { title?: string; newText?: string } | undefined;
    if (d.source !== 'django-atlas' || !fix?.title || fix.newText === undefined) continue;
    out.push({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: fix.newText }] } },
    });
  }
  return out;
}

export function toHover(h: HoverResult): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(h.loc) };
}

/**
 * A lens runs the client's `djangoAtlas.showLocations` (opens one target, peeks several), or for a
 * trace `djangoAtlas.traceUrl(path[, method])`.
 */
export function toCodeLens(l: Lens): CodeLens {
  const start = { line: l.loc.line, character: l.loc.character };
  if (l.action?.kind === 'trace') {
    return {
      range: toRange(l.loc),
      command: { title: l.title, command: 'djangoAtlas.traceUrl', arguments: l.action.method ? [l.action.path, l.action.method] : [l.action.path] },
    };
  }
  return {
    range: toRange(l.loc),
    command: {
      title: l.title,
      command: 'djangoAtlas.showLocations',
      arguments: [pathToUri(l.loc.file), start, l.targets.map(toLocation)],
    },
  };
}

const COMPLETION_KINDS: Record<NonNullable<Completion['kind']>, CompletionItemKind> = {
  url: CompletionItemKind.Reference, template: CompletionItemKind.File, block: CompletionItemKind.Module,
  tag: CompletionItemKind.Keyword, filter: CompletionItemKind.Function, library: CompletionItemKind.Module, static: CompletionItemKind.File,
  field: CompletionItemKind.Field,
};

export function toCompletion(c: Completion, index: number): CompletionItem {
  return {
    label: c.label,
    kind: COMPLETION_KINDS[c.kind ?? 'url'],
    detail: c.detail,
    documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
    textEdit: { range: toRange(c.replace), newText: c.snippet ?? c.label },
    ...(c.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
    sortText: String(index).padStart(6, '0'),
    filterText: c.label,
  };
}

export function toDocumentSymbol(sym: TemplateSymbol): DocumentSymbol {
  return {
    name: sym.name,
    detail: sym.detail,
    kind: sym.detail === 'block' ? SymbolKind.Namespace : SymbolKind.File,
    range: toRange(sym.range),
    selectionRange: toRange(sym.selection),
    children: sym.children.map(toDocumentSymbol),
  };
}

/** Where a map node, a flow step or a route is: its file as a URI and its start. */
export function toMapLocation(loc: Loc): MapLocation {
  return { uri: pathToUri(loc.file), line: loc.line, character: loc.character };
}

export function toMapNode(n: AtlasNode): MapNode {
  return {
    label: n.label, kind: n.kind,
    ...(n.description ? { description: n.description } : {}),
    ...(n.tooltip ? { tooltip: n.tooltip } : {}),
    ...(n.route ? { route: n.route } : {}),
    ...(n.example ? { example: n.example } : {}),
    ...(n.loc ? { location: toMapLocation(n.loc) } : {}),
    ...(n.children ? { children: n.children.map(toMapNode) } : {}),
    ...(n.lazy ? { lazy: true } : {}),
  };
}

const SYMBOL_KINDS: Record<AtlasSymbol['kind'], SymbolKind> = {
  url: SymbolKind.Key, view: SymbolKind.Function, model: SymbolKind.Class, template: SymbolKind.File, block: SymbolKind.Namespace,
};

export function toSymbolInformation(sym: AtlasSymbol): SymbolInformation {
  return { name: sym.name, kind: SYMBOL_KINDS[sym.kind], containerName: sym.container, location: toLocation(sym.loc) };
}

function toFlowStep(st: Step): FlowStep {
  return {
    kind: st.kind, label: st.label,
    ...(st.phase ? { phase: st.phase } : {}),
    ...(st.detail ? { detail: st.detail } : {}),
    ...(st.tooltip ? { tooltip: st.tooltip } : {}),
    ...(st.loc ? { location: toMapLocation(st.loc) } : {}),
    ...(st.children?.length ? { children: st.children.map(toFlowStep) } : {}),
    ...(st.canAnswer ? { canAnswer: st.canAnswer } : {}),
  };
}

/** The core's flow as the protocol's FlowResult (`root`: the project traced). */
export function toFlowResult(f: Flow, root: string): FlowResult {
  const view = f.match?.leaf.pattern.view;
  return {
    path: f.path, method: f.method, root,
    match: f.match ? {
      route: f.match.route, name: f.match.leaf.name, kwargs: f.match.kwargs,
      view: view ? { module: view.module, qualname: view.qualname, ...(view.loc ? { location: toMapLocation(view.loc) } : {}) } : null,
    } : null,
    redirect: f.redirect,
    ...(f.methodNotAllowed ? { methodNotAllowed: f.methodNotAllowed } : {}),
    ...(f.notFound ? {
      notFound: {
        reason: f.notFound.reason, stoppedAt: f.notFound.stoppedAt, ...(f.notFound.notKnown ? { notKnown: true } : {}),
        tried: f.notFound.tried.map((t) => ({ route: t.route, name: t.name, ...(t.loc ? { location: toMapLocation(t.loc) } : {}) })),
        nearest: f.notFound.nearest.map((n) => ({ route: n.route, name: n.name, example: n.example, ...(n.loc ? { location: toMapLocation(n.loc) } : {}) })),
      },
    } : {}),
    steps: f.steps.map(toFlowStep),
  };
}

/** A route of the Trace URL picker: its example path, route as shown (`/…`), name, view and pattern. */
export function toRouteSuggestion(r: RouteExample): RouteSuggestion {
  const v = r.leaf.pattern.view;
  return {
    example: r.example, route: readableRoute(r.leaf.route), name: r.leaf.name,
    view: v ? `${v.module}.${v.qualname}` : null,
    location: toMapLocation(r.leaf.pattern.loc),
    ...(r.leaf.pattern.origin === 'admin' || v?.external ? { library: true } : {}),
  };
}
