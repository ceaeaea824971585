/**
 * The request flow as the CLI prints it (shared/cli-contract.md `flow`): the match as Django's
 * `resolve()` gives it, the APPEND_SLASH redirect, and the steps with project-relative files and
 * 1-based lines; plus, where they apply, why nothing matched and the 405.
 */
import type { DjangoProject } from '../project';
import type { Loc } from '../python/values';
import { displayPath, viewJson } from '../urls/table';
import type { Flow, Step } from './types';

export interface StepJson {
  kind: Step['kind'];
  phase?: 'request' | 'response';
  label: string;
  detail?: string;
  file?: string;
  line?: number;
  can_answer?: string;
  children?: StepJson[];
}

export interface FlowJson {
  path: string;
  method: string;
  match: { route: string; name: string | null; kwargs: Record<string, unknown>; view: ReturnType<typeof viewJson> } | null;
  redirect: string | null;
  method_not_allowed?: { allowed: string[]; why: string };
  not_found?: {
    reason: string;
    stopped_at: string;
    not_known?: boolean;
    tried: { route: string; name: string | null; file?: string; line?: number }[];
    nearest: { route: string; name: string | null; example: string; file?: string; line?: number }[];
  };
  steps: StepJson[];
}

function where(root: string, loc: Loc | undefined): { file?: string; line?: number } {
  return loc?.file ? { file: displayPath(root, loc.file), line: loc.line + 1 } : {};
}

function stepJson(root: string, s: Step): StepJson {
  return {
    kind: s.kind, ...(s.phase ? { phase: s.phase } : {}), label: s.label, ...(s.detail ? { detail: s.detail } : {}),
    ...where(root, s.loc), ...(s.canAnswer ? { can_answer: s.canAnswer } : {}),
    ...(s.children?.length ? { children: s.children.map((c) => stepJson(root, c)) } : {}),
  };
}

export function flowJson(project: DjangoProject, flow: Flow): FlowJson {
  const root = project.root;
  const out: FlowJson = {
    path: flow.path, method: flow.method,
    match: flow.match ? { route: flow.match.route, name: flow.match.leaf.name, kwargs: flow.match.kwargs, view: viewJson(root, flow.match.leaf.pattern.view) } : null,
    redirect: flow.redirect,
    steps: flow.steps.map((s) => stepJson(root, s)),
  };
  if (flow.methodNotAllowed) out.method_not_allowed = flow.methodNotAllowed;
  if (flow.notFound) {
    out.not_found = {
      reason: flow.notFound.reason, stopped_at: flow.notFound.stoppedAt, ...(flow.notFound.notKnown ? { not_known: true } : {}),
      tried: flow.notFound.tried.map((t) => ({ route: t.route, name: t.name, ...where(root, t.loc) })),
      nearest: flow.notFound.nearest.map((t) => ({ route: t.route, name: t.name, example: t.example, ...where(root, t.loc) })),
    };
  }
  return out;
}

const ARROWS: Partial<Record<Step['kind'], string>> = { entry: '●', middleware: '↓', resolver: '→', decorator: ' ', mixin: '·', view: '▶', response: '◀' };

/** The flow as indented text lines (the CLI without --json). */
export function flowText(j: FlowJson): string[] {
  const lines: string[] = [];
  const head = j.match
    ? `${j.method} ${j.path} → ${j.match.view ? `${j.match.view.module}.${j.match.view.qualname}` : '?'}${j.match.name ? ` (${j.match.name})` : ''}`
    : `${j.method} ${j.path} → ${j.redirect ? `redirect to ${j.redirect}` : j.not_found?.not_known ? 'not known (patterns that cannot be read)' : 'no match (404)'}`;
  lines.push(head);
  if (j.match && Object.keys(j.match.kwargs).length) lines.push(`  kwargs: ${JSON.stringify(j.match.kwargs)}`);
  if (j.method_not_allowed) lines.push(`  405 Method Not Allowed: ${j.method_not_allowed.why}`);
  lines.push('');
  const walk = (s: StepJson, depth: number) => {
    const arrow = s.kind === 'middleware' && s.phase === 'response' ? '↑' : ARROWS[s.kind] ?? ' ';
    const kind = depth === 0 ? s.kind.padEnd(17) : ''.padEnd(17);
    const at = s.file ? `  ${s.file}:${s.line}` : '';
    lines.push(`${'  '.repeat(depth)}${kind} ${arrow} ${s.label}${s.detail ? `  — ${s.detail}` : ''}${at}`);
    for (const c of s.children ?? []) walk(c, depth + 1);
  };
  for (const s of j.steps) {
    // The MRO under the view step is long: the CLI shows it on one line.
    if (s.kind === 'view' && s.children?.every((c) => c.kind === 'mixin')) {
      walk({ ...s, children: undefined }, 0);
      lines.push(`${''.padEnd(20)}MRO: ${s.children.map((c) => c.label).join(' → ')}`);
      continue;
    }
    walk(s, 0);
  }
  if (j.not_found) {
    lines.push('', `Why: ${j.not_found.reason}`);
  }
  return lines;
}
