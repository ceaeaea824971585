/**
 * The request-flow diagram as one HTML page (no `vscode` import: unit-tested on its own). Lanes
 * from left to right — request-phase middleware, URL resolver, view, models/forms/signals,
 * templates, response-phase middleware — with one box per step in Django's order: the request
 * goes down the left lane, across through the view, and back up the right lane, each
 * response-phase middleware level with its request phase. Boxes are HTML (CSS ellipsis does the
 * truncation), arrows an SVG underneath. Colors come from the theme's CSS variables; the page
 * loads nothing but its own stylesheet and script (strict CSP, nonce).
 */
import type { FlowResult, FlowStep, MapLocation } from '../../server/src/protocol';
import { headline, headlineDetail, outcomeOf, shownSteps, shortName, routeAndName } from './flowModel';

export type LaneId = 'request' | 'resolver' | 'view' | 'data' | 'template' | 'response';

export const LANES: { id: LaneId; title: string }[] = [
  { id: 'request', title: 'Middleware ↓ request' },
  { id: 'resolver', title: 'URL resolver' },
  { id: 'view', title: 'View' },
  { id: 'data', title: 'Models · forms · signals' },
  { id: 'template', title: 'Templates' },
  { id: 'response', title: 'Middleware ↑ response' },
];

export const LANE_W = 240;
export const BOX_W = 216;
const HEAD_H = 34;
const ROW_GAP = 22;
const LINE_H = 17;
const PAD = 7;
const MAX_CHILDREN = 4;

/** The lane a step is drawn in (a problem, or the response a view or the resolver gives, stays in the lane of the step before it). */
export function laneOf(step: FlowStep, previous: LaneId | undefined): LaneId {
  switch (step.kind) {
    case 'entry': case 'settings': return 'request';
    case 'middleware': return step.phase === 'response' ? 'response' : 'request';
    case 'resolver': return 'resolver';
    case 'decorator': case 'mixin': case 'view': return 'view';
    case 'form': case 'serializer': case 'model': case 'signal': return 'data';
    case 'template': case 'context_processor': return 'template';
    default: return previous ?? 'resolver';
  }
}

export interface Box {
  step: FlowStep;
  /** The step's index in `FlowResult.steps`. */
  index: number;
  lane: LaneId;
  row: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** The children drawn inside the box (the rest are counted). */
  shownChildren: FlowStep[];
}

export interface Layout {
  lanes: { id: LaneId; title: string; x: number }[];
  boxes: Box[];
  /** Arrows between consecutive steps, as SVG path data. */
  edges: { from: number; to: number; d: string; up: boolean }[];
  width: number;
  height: number;
}

/** The kinds a lane is named after need no tag in their boxes; the others (a mixin in the view lane, a model, …) are tagged. */
const UNTAGGED = new Set<FlowStep['kind']>(['middleware', 'resolver', 'view', 'template']);
const TAG_H = 12;

function boxHeight(s: FlowStep): number {
  const kids = Math.min(s.children?.length ?? 0, MAX_CHILDREN) + ((s.children?.length ?? 0) > MAX_CHILDREN ? 1 : 0);
  return PAD * 2 + (UNTAGGED.has(s.kind) ? 0 : TAG_H) + LINE_H + (s.detail ? LINE_H - 2 : 0) + (s.canAnswer ? LINE_H - 2 : 0) + kids * (LINE_H - 2);
}

/**
 * Rows: each request-side step (entry, settings, request middleware, resolver, view and what it
 * touches) takes the next row; a response-phase middleware takes the row of its request phase
 * (same label), else the row above the previous response step, else a new row.
 */
export function layoutFlow(r: FlowResult): Layout {
  const placed: { step: FlowStep; index: number; lane: LaneId; row: number }[] = [];
  const occupied = new Set<string>();
  const take = (lane: LaneId, row: number) => occupied.add(`${lane}:${row}`);
  const free = (lane: LaneId, row: number) => row >= 0 && !occupied.has(`${lane}:${row}`);
  let next = 0;
  let lastResponseRow: number | undefined;
  let prevLane: LaneId | undefined;
  const requestRow = new Map<string, number>();
  shownSteps(r).forEach((step, index) => {
    const lane = laneOf(step, prevLane);
    let row: number;
    if (lane === 'response') {
      const same = step.kind === 'middleware' ? requestRow.get(step.label) : undefined;
      if (same !== undefined && free(lane, same)) row = same;
      else if (lastResponseRow !== undefined && free(lane, lastResponseRow - 1)) row = lastResponseRow - 1;
      else row = next++;
      lastResponseRow = row;
    } else {
      row = next++;
      if (step.kind === 'middleware' && !requestRow.has(step.label)) requestRow.set(step.label, row);
    }
    take(lane, row);
    placed.push({ step, index, lane, row });
    prevLane = lane;
  });

  const used = new Set(placed.map((p) => p.lane));
  const lanes = LANES.filter((l) => used.has(l.id)).map((l, i) => ({ ...l, x: i * LANE_W }));
  const laneX = new Map(lanes.map((l) => [l.id, l.x]));
  const rows = Math.max(0, ...placed.map((p) => p.row + 1));
  const rowH = Array.from({ length: rows }, (_, row) => Math.max(0, ...placed.filter((p) => p.row === row).map((p) => boxHeight(p.step))));
  const rowY: number[] = [];
  let y = HEAD_H + 12;
  for (let i = 0; i < rows; i++) {
    rowY.push(y);
    y += rowH[i] + ROW_GAP;
  }
  const boxes: Box[] = placed.map((p) => ({
    ...p,
    x: laneX.get(p.lane)! + (LANE_W - BOX_W) / 2,
    y: rowY[p.row],
    w: BOX_W,
    h: boxHeight(p.step),
    shownChildren: (p.step.children ?? []).slice(0, MAX_CHILDREN),
  }));
  const edges: Layout['edges'] = [];
  for (let i = 0; i + 1 < boxes.length; i++) {
    const a = boxes[i];
    const b = boxes[i + 1];
    edges.push({ from: a.index, to: b.index, d: edgePath(a, b), up: b.row < a.row });
  }
  return { lanes, boxes, edges, width: lanes.length * LANE_W, height: y + 8 };
}

/** A straight arrow within a lane, an S-curve from one lane to another. */
function edgePath(a: Box, b: Box): string {
  const cx = (x: Box) => x.x + x.w / 2;
  if (a.lane === b.lane) {
    if (b.row > a.row) return `M ${cx(a)} ${a.y + a.h} L ${cx(b)} ${b.y}`;
    return `M ${cx(a)} ${a.y} L ${cx(b)} ${b.y + b.h}`;
  }
  const right = b.x > a.x;
  const x1 = right ? a.x + a.w : a.x;
  const x2 = right ? b.x : b.x + b.w;
  const y1 = a.y + Math.min(a.h / 2, 18);
  const y2 = b.y + Math.min(b.h / 2, 18);
  const dx = Math.max(18, Math.abs(x2 - x1) / 2) * (right ? 1 : -1);
  return `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}


function openAttr(loc: MapLocation | undefined): string {
  return loc ? ` data-open="${escapeHtml(JSON.stringify(loc))}" tabindex="0" role="button"` : '';
}

function traceAttr(path: string, method: string): string {
  return ` data-trace="${escapeHtml(JSON.stringify({ path, method }))}" tabindex="0" role="button"`;
}

function tooltip(s: FlowStep): string {
  return [s.label, s.detail, s.tooltip, s.canAnswer ? `May answer early: ${s.canAnswer}` : undefined,
    s.location ? 'Click to open the source.' : undefined].filter(Boolean).join('\n');
}

function boxHtml(b: Box): string {
  const s = b.step;
  const kids = s.children ?? [];
  const lines = [
    UNTAGGED.has(s.kind) ? '' : `<div class="tag">${escapeHtml(s.kind.replace('_', ' '))}</div>`,
    `<div class="label">${escapeHtml(shortName(s.label, 26, false))}</div>`,
    s.detail ? `<div class="detail">${escapeHtml(s.detail)}</div>` : '',
    s.canAnswer ? `<div class="answer">⤶ ${escapeHtml(s.canAnswer)}</div>` : '',
    ...b.shownChildren.map((c) => `<div class="child"${openAttr(c.location)} title="${escapeHtml(tooltip(c))}">${escapeHtml(c.label)}${c.detail ? ` <span class="detail">${escapeHtml(c.detail)}</span>` : ''}</div>`),
    kids.length > MAX_CHILDREN ? `<div class="child more">+ ${kids.length - MAX_CHILDREN} more</div>` : '',
  ].join('');
  const cls = ['box', `kind-${s.kind}`, s.phase ? `phase-${s.phase}` : '', s.canAnswer ? 'can-answer' : '', s.location ? 'link' : ''].filter(Boolean).join(' ');
  return `<div class="${cls}" id="b${b.index}" data-step="${b.index}"${openAttr(s.location)} title="${escapeHtml(tooltip(s))}">${lines}</div>`;
}

/** What explains a 404 / 405 / redirect, above the diagram. */
function outcomeHtml(r: FlowResult): string {
  const parts: string[] = [];
  if (r.methodNotAllowed) {
    parts.push(`<section class="why"><h2>405: ${escapeHtml(r.method)} is not allowed</h2><p>${escapeHtml(r.methodNotAllowed.why)}</p>` +
      `<p>Allowed: ${r.methodNotAllowed.allowed.map((m) => `<a class="chip"${traceAttr(r.path, m)}>${escapeHtml(m)}</a>`).join(' ') || 'none'}</p></section>`);
  }
  if (r.redirect) {
    parts.push(`<section class="why"><h2>301: APPEND_SLASH redirect</h2><p>Nothing matches <code>${escapeHtml(r.path)}</code>, ` +
      `but <a class="chip"${traceAttr(r.redirect, r.method)}>${escapeHtml(r.redirect)}</a> does: CommonMiddleware redirects there.</p></section>`);
  }
  const nf = r.notFound;
  if (nf?.notKnown) {
    parts.push(`<section class="why"><h2>Not known</h2><p>${escapeHtml(nf.reason)}</p></section>`);
  } else if (nf && !r.redirect) {
    const where = nf.stoppedAt ? `/${nf.stoppedAt.replace(/^\//, '')}` : 'ROOT_URLCONF';
    parts.push(`<section class="why"><h2>404: ${escapeHtml(nf.reason)}</h2>` +
      `<div class="cols"><div><h3>Tried in ${escapeHtml(where)} (${nf.tried.length})</h3><ol>` +
      nf.tried.map((t) => `<li><span class="route"${openAttr(t.location)}>${escapeHtml(t.route || '(empty)')}</span>${t.name ? ` <span class="muted">${escapeHtml(t.name)}</span>` : ''}</li>`).join('') +
      `</ol></div>` +
      (nf.nearest.length
        ? `<div><h3>Did you mean</h3><ul>` + nf.nearest.map((n) => `<li><a class="chip"${traceAttr(n.example, r.method)}>${escapeHtml(n.example)}</a> <span class="muted">${escapeHtml(routeAndName(n.example, n.route, n.name))}</span></li>`).join('') + `</ul></div>`
        : '') +
      `</div></section>`);
  }
  return parts.join('');
}

function diagramHtml(l: Layout): string {
  const lanes = l.lanes.map((lane, i) =>
    `<rect class="lane${i % 2 ? ' odd' : ''}" x="${lane.x}" y="0" width="${LANE_W}" height="${l.height}"/>` +
    `<text class="lane-title" x="${lane.x + LANE_W / 2}" y="22" text-anchor="middle">${escapeHtml(lane.title)}</text>`).join('');
  const edges = l.edges.map((e) => `<path class="edge${e.up ? ' up' : ''}" data-from="${e.from}" data-to="${e.to}" d="${e.d}" marker-end="url(#arrow)"/>`).join('');
  const svg = `<svg class="wires" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" aria-hidden="true">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>` +
    `${lanes}${edges}</svg>`;
  return `<div class="viewport"><div class="diagram" data-width="${l.width}" data-height="${l.height}">${svg}${l.boxes.map(boxHtml).join('')}</div></div>`;
}

/**
 * Where each box goes, as one stylesheet: the CSP admits a `<style>` with the page's nonce, never
 * `style="…"` attributes.
 */
function positionsCss(l: Layout): string {
  return [`.diagram{width:${l.width}px;height:${l.height}px}`,
    ...l.boxes.map((b) => `#b${b.index}{left:${b.x}px;top:${b.y}px;width:${b.w}px;height:${b.h}px}`)].join('\n');
}

export interface PageOptions {
  nonce: string;
  /** `webview.cspSource`. */
  cspSource: string;
  styleUri: string;
  scriptUri: string;
}

function csp(o: PageOptions): string {
  return `default-src 'none'; style-src ${o.cspSource} 'nonce-${o.nonce}'; script-src 'nonce-${o.nonce}'; img-src ${o.cspSource};`;
}

/** The page before anything was traced (a diagram restored after a reload in a workspace that traced nothing). */
export function emptyDiagramHtml(o: PageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(o)}">
<link rel="stylesheet" nonce="${o.nonce}" href="${escapeHtml(o.styleUri)}">
<title>Request Flow</title>
</head>
<body>
<header><h1>Request Flow</h1><span class="muted">Nothing traced yet.</span>
  <nav><button data-command="djangoAtlas.traceUrl" title="Trace a URL">Trace URL…</button></nav>
</header>
<script nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}

/** The whole page for one flow. */
export function flowDiagramHtml(r: FlowResult, o: PageOptions): string {
  const layout = layoutFlow(r);
  const outcome = outcomeOf(r);
  const detail = headlineDetail(r);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(o)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${o.nonce}" href="${escapeHtml(o.styleUri)}">
<style nonce="${o.nonce}">
${positionsCss(layout)}
</style>
<title>${escapeHtml(headline(r))}</title>
</head>
<body>
<header>
  <h1 class="outcome-${outcome}"${openAttr(r.match?.view?.location)}>${escapeHtml(headline(r))}</h1>
  ${detail ? `<span class="muted">${escapeHtml(detail)}</span>` : ''}
  <nav>
    <button data-zoom title="Fit the diagram to the panel, or show it at 100 %">100 %</button>
    <button data-command="djangoAtlas.flow.rerun" title="Trace ${escapeHtml(`${r.method} ${r.path}`)} again">Re-run</button>
    <button data-command="djangoAtlas.traceUrl" title="Trace another URL">Trace URL…</button>
  </nav>
</header>
${outcomeHtml(r)}
${r.steps.length ? diagramHtml(layout) : '<p class="muted">No steps.</p>'}
<script nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}
