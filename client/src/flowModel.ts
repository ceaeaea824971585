/**
 * What the "Request Flow" view and diagram show for a `FlowResult`, as plain data (no `vscode`
 * import, so it is unit-tested on its own): the headline ("GET /blog/… → PostDetailView", "404 …"),
 * the outcome's explanation (why nothing matched, the patterns tried, the nearest candidates, the
 * APPEND_SLASH redirect, the methods a 405 allows) and one node per step with its icon.
 */
import type { FlowResult, FlowStep, FlowStepKind, MapLocation } from '../../server/src/protocol';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface FlowNode {
  /** Stable among re-runs of the same trace (VS Code keeps expansion by id). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id. */
  icon: string;
  /** A theme color id for the icon. */
  color?: string;
  location?: MapLocation;
  /** Clicking traces this request instead of opening `location`. */
  trace?: { path: string; method: string };
  children?: FlowNode[];
  expanded?: boolean;
}

/** The codicon of each step kind (middleware: by phase). */
export function stepIcon(step: Pick<FlowStep, 'kind' | 'phase'>): string {
  if (step.kind === 'middleware') return step.phase === 'response' ? 'arrow-up' : 'arrow-down';
  return KIND_ICONS[step.kind] ?? 'circle-outline';
}

const KIND_ICONS: Record<FlowStepKind, string> = {
  entry: 'debug-start', settings: 'settings-gear', middleware: 'layers', resolver: 'symbol-namespace',
  decorator: 'symbol-event', mixin: 'symbol-interface', view: 'symbol-method', form: 'checklist',
  serializer: 'json', model: 'database', template: 'file-code', context_processor: 'symbol-variable',
  signal: 'zap', response: 'reply', problem: 'warning',
};

/** The outcome in one word: what Django would answer. */
export type Outcome = 'match' | 'redirect' | 'not-found' | 'not-known' | 'not-allowed' | 'error';

export function outcomeOf(r: FlowResult): Outcome {
  if (r.methodNotAllowed) return 'not-allowed';
  if (r.match) return 'match';
  if (r.redirect) return 'redirect';
  if (r.notFound?.notKnown) return 'not-known';
  if (r.notFound) return 'not-found';
  return 'error';
}

/** The view's short name: its qualname (`PostDetailView`), or the route when the view is unknown. */
export function viewName(r: FlowResult): string {
  return r.match?.view?.qualname ?? r.match?.route ?? '?';
}

/** The headline: `GET /blog/2024/x/ → PostDetailView`, `404 GET /nope/`, `301 GET /blog → /blog/`. */
export function headline(r: FlowResult): string {
  const req = `${r.method} ${r.path}`;
  switch (outcomeOf(r)) {
    case 'match': return `${req} → ${viewName(r)}`;
    case 'not-allowed': return `405 ${req} → ${viewName(r)}`;
    case 'redirect': return `301 ${req} → ${r.redirect}`;
    case 'not-found': return `404 ${req}`;
    case 'not-known': return `? ${req}`;
    default: return req;
  }
}

/** The short second text of the headline. */
export function headlineDetail(r: FlowResult): string | undefined {
  switch (outcomeOf(r)) {
    case 'match': return [r.match!.name, r.match!.view?.module].filter(Boolean).join(' · ') || undefined;
    case 'not-allowed': return `allows ${r.methodNotAllowed!.allowed.join(', ') || 'nothing'}`;
    case 'redirect': return 'APPEND_SLASH';
    case 'not-found': return r.notFound!.tried.length ? `no pattern matches (${r.notFound!.tried.length} tried)` : 'no pattern matches';
    case 'not-known': return 'not known: patterns that cannot be read statically';
    default: return r.steps.find((s) => s.kind === 'problem')?.label;
  }
}

const OUTCOME_ICON: Record<Outcome, { icon: string; color?: string }> = {
  'match': { icon: 'pass', color: 'testing.iconPassed' },
  'redirect': { icon: 'arrow-swap', color: 'charts.blue' },
  'not-found': { icon: 'error', color: 'testing.iconFailed' },
  'not-known': { icon: 'question', color: 'charts.yellow' },
  'not-allowed': { icon: 'circle-slash', color: 'testing.iconFailed' },
  'error': { icon: 'warning', color: 'charts.yellow' },
};

export function outcomeIcon(r: FlowResult): { icon: string; color?: string } {
  return OUTCOME_ICON[outcomeOf(r)];
}

function kwargsText(kwargs: Record<string, unknown>): string {
  return Object.entries(kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}

/**
 * The steps as shown: a 404's answer keeps its label and detail but not its children (the patterns
 * tried, the nearest routes), which the outcome part shows with its own actions.
 */
export function shownSteps(r: FlowResult): FlowStep[] {
  if (!r.notFound) return r.steps;
  return r.steps.map((s) => (s.kind === 'response' && s.children ? { ...s, children: undefined } : s));
}

/** The tree: one root (the headline, expanded) holding the outcome's explanation, then the steps. */
export function flowNodes(r: FlowResult): FlowNode[] {
  const head = outcomeIcon(r);
  const children: FlowNode[] = [...outcomeNodes(r), ...shownSteps(r).map((s, i) => stepNode(s, `s${i}`))];
  const tooltip = [headline(r), headlineDetail(r), r.match ? `route /${r.match.route.replace(/^\//, '')}` : undefined,
    r.match && Object.keys(r.match.kwargs).length ? `kwargs ${kwargsText(r.match.kwargs)}` : undefined].filter(Boolean).join('\n');
  return [{
    id: 'flow', label: headline(r), description: headlineDetail(r), tooltip, icon: head.icon, color: head.color,
    location: r.match?.view?.location, children, expanded: true,
  }];
}

/** What explains the outcome: the match's kwargs; a 404's reason, patterns tried and nearest; a redirect; a 405. */
function outcomeNodes(r: FlowResult): FlowNode[] {
  const out: FlowNode[] = [];
  if (r.methodNotAllowed) {
    out.push({
      id: 'not-allowed', icon: 'circle-slash', color: 'testing.iconFailed',
      label: `${r.method} is not allowed`, description: r.methodNotAllowed.why, tooltip: `405 Method Not Allowed: ${r.methodNotAllowed.why}`,
      expanded: true,
      children: r.methodNotAllowed.allowed.map((m) => ({
        id: `allowed:${m}`, icon: 'debug-rerun', label: `${m} ${r.path}`, description: 'allowed: trace it',
        tooltip: `Trace ${m} ${r.path}`, trace: { path: r.path, method: m },
      })),
    });
  }
  if (r.redirect) {
    out.push({
      id: 'redirect', icon: 'arrow-swap', color: 'charts.blue', label: `APPEND_SLASH → ${r.redirect}`,
      description: 'CommonMiddleware redirects (301)',
      tooltip: `Nothing matches ${r.path}, but ${r.redirect} does: with APPEND_SLASH on, CommonMiddleware answers with a redirect there.\nClick to trace ${r.redirect}.`,
      trace: { path: r.redirect, method: r.method },
    });
  }
  const nf = r.notFound;
  if (nf) {
    out.push({ id: 'reason', icon: nf.notKnown ? 'question' : 'info', label: nf.reason, tooltip: nf.reason });
    if (nf.notKnown) return out;
    const where = nf.stoppedAt ? `/${nf.stoppedAt.replace(/^\//, '')}` : 'ROOT_URLCONF';
    out.push({
      id: 'tried', icon: 'list-ordered', label: `Tried in ${where}`, description: `${nf.tried.length} pattern${nf.tried.length === 1 ? '' : 's'}`,
      tooltip: `The patterns Django tried, in order, at the level where matching stopped (${where}).`,
      expanded: nf.tried.length <= 12,
      children: nf.tried.map((t, i) => ({
        id: `tried:${i}:${t.route}`, icon: 'symbol-string', label: t.route || '(empty route)', description: t.name ?? undefined,
        tooltip: `${t.route}${t.name ? ` — ${t.name}` : ''}`, location: t.location,
      })),
    });
    if (nf.nearest.length) {
      out.push({
        id: 'nearest', icon: 'lightbulb', color: 'charts.yellow', label: 'Did you mean', description: `${nf.nearest.length} nearest`,
        tooltip: 'The routes closest to the path: click one to trace its example path.', expanded: true,
        children: nf.nearest.map((n, i) => ({
          id: `nearest:${i}:${n.example}`, icon: 'debug-rerun', label: n.example, description: routeAndName(n.example, n.route, n.name) || undefined,
          tooltip: `Trace ${r.method} ${n.example}\n(route ${n.route}${n.name ? `, ${n.name}` : ''})`, trace: { path: n.example, method: r.method },
        })),
      });
    }
  }
  return out;
}

/**
 * A long dotted name as a narrow view shows it: a class by its name
 * (`django.middleware.security.SecurityMiddleware` → `SecurityMiddleware`), a function with its
 * module (`django.template.context_processors.debug` → `context_processors.debug`). Short names,
 * and labels that are not dotted names, stay as they are.
 */
export function shortName(label: string, max = 28, functionModule = true): string {
  if (label.length <= max || !/^[\w.]+$/.test(label) || !label.includes('.')) return label;
  const parts = label.split('.');
  const last = parts[parts.length - 1];
  return /^[A-Z]/.test(last) || !functionModule ? last : parts.slice(-2).join('.');
}

/** A candidate route's second text: its route when the example does not already show it, and its name. */
export function routeAndName(example: string, route: string, name: string | null): string {
  const shown = `/${route.replace(/^\//, '')}` === example ? undefined : route;
  return [shown, name].filter(Boolean).join(' · ');
}

function stepNode(s: FlowStep, id: string): FlowNode {
  const tip = [s.label, s.detail, s.tooltip, s.canAnswer ? `May answer early: ${s.canAnswer}` : undefined].filter(Boolean);
  const kids = (s.children ?? []).map((c, i) => stepNode(c, `${id}.${i}`));
  return {
    id: `${id}:${s.kind}:${s.phase ?? ''}:${s.label}`,
    label: shortName(s.label),
    description: [s.detail, s.canAnswer ? `⤶ ${s.canAnswer}` : undefined].filter(Boolean).join(' · ') || undefined,
    tooltip: [...new Set(tip)].join('\n'),
    icon: stepIcon(s),
    color: s.kind === 'problem' ? 'charts.yellow' : s.canAnswer ? 'charts.orange' : undefined,
    location: s.location,
    children: kids.length ? kids : undefined,
    expanded: kids.length > 0 && s.kind === 'resolver',
  };
}

/**
 * What the user typed as a path: a full URL keeps its path only (scheme, host, query and fragment
 * dropped), a bare path gets its leading `/`. The server does the same; this is for display.
 */
export function normalizeInput(text: string): string {
  let t = text.trim();
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
  if (m) t = t.slice(m[0].length);
  t = t.replace(/[?#].*$/, '');
  return t.startsWith('/') ? t : `/${t}`;
}
