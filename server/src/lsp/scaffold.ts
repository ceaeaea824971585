/**
 * The scaffold requests (`djangoAtlas/scaffold*`) over the core's table of scaffolds
 * (core/scaffold/kinds.ts): the next question with the project's choices, a check of one answer,
 * and the plan as minimal text edits for the client's WorkspaceEdit. Nothing here writes a file:
 * the client applies the edits after the user confirms them, so they are undoable.
 */
import path from 'node:path';
import type { DjangoProject } from '../core/project';
import { planDiff, ScaffoldError, textChanges, type FileEdit } from '../core/scaffold/edits';
import { appAt, checkInput, nextInput, SCAFFOLDS, scaffoldKind, type ScaffoldKind, type ScaffoldValues } from '../core/scaffold/kinds';
import type { ScaffoldFileEdit, ScaffoldKindInfo, ScaffoldParams, ScaffoldPlanResult, ScaffoldStepResult } from '../protocol';
import { pathToUri } from './convert';

export function scaffoldKinds(): ScaffoldKindInfo[] {
  return SCAFFOLDS.map((k) => ({ id: k.id, title: k.title, description: k.description }));
}

function kindOf(params: ScaffoldParams): ScaffoldKind {
  const kind = scaffoldKind(params.kind);
  if (!kind) throw new ScaffoldError(`unknown scaffold '${params.kind}'`);
  return kind;
}

/** The next question, its choices and proposed value computed from the project and the answers so far. */
export function scaffoldStep(project: DjangoProject, params: ScaffoldParams): ScaffoldStepResult {
  const kind = kindOf(params);
  const values: ScaffoldValues = { ...params.values };
  const next = nextInput(kind, values, project);
  if (!next) return { root: project.root };
  const { input, index, count } = next;
  const choices = input.choices?.(project, values);
  const initial = (input.id === 'app' ? appAt(project, params.at) : undefined) ?? input.initial?.(project, values);
  return {
    root: project.root,
    question: {
      id: input.id, prompt: input.prompt, index, count,
      ...(input.placeholder ? { placeholder: input.placeholder } : {}),
      ...(input.optional ? { optional: true } : {}),
      ...(input.none ? { none: input.none } : {}),
      ...(choices ? { choices, ...(input.free ? { free: true } : {}) } : {}),
      ...(initial !== undefined ? { initial } : {}),
    },
  };
}

export function scaffoldCheck(project: DjangoProject, params: ScaffoldParams & { id: string; value: string }): string | null {
  return checkInput(project, kindOf(params), params.id, params.value, params.values) ?? null;
}

/** The scaffold's edits, or why it cannot be made. */
export function scaffoldPlan(project: DjangoProject, params: ScaffoldParams): ScaffoldPlanResult {
  const kind = kindOf(params);
  for (const [id, value] of Object.entries(params.values)) {
    const problem = checkInput(project, kind, id, value, params.values);
    if (problem) return { root: project.root, error: problem, edits: [], notes: [] };
  }
  const plan = kind.plan(project, params.values);
  return { root: project.root, edits: plan.edits.map(toFileEdit), notes: plan.notes, focus: focusOf(plan.edits), diff: planDiff(project.root, plan) };
}

function toFileEdit(e: FileEdit): ScaffoldFileEdit {
  const uri = pathToUri(e.file);
  if (e.before === undefined) return { uri, created: true, text: e.after };
  const before = e.before;
  return {
    uri, created: false, before,
    changes: textChanges(before, e.after).map((c) => ({ range: { start: position(before, c.start), end: position(before, c.end) }, newText: c.text })),
  };
}

function position(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

/**
 * Where the new code is: in the first file that is not a package marker, the start of the last
 * thing added (imports come first, the new class or function last), in the text after the edit.
 */
function focusOf(edits: FileEdit[]): ScaffoldPlanResult['focus'] {
  const main = edits.find((e) => !['__init__.py', '.gitkeep'].includes(path.basename(e.file)));
  if (!main) return undefined;
  // A new module: its first class or function (past imports and decorators); a template: its top.
  if (main.before === undefined) return { uri: pathToUri(main.file), line: Math.max(0, main.after.split('\n').findIndex((l) => /^(class|def|async def) /.test(l))), character: 0 };
  const changes = textChanges(main.before, main.after);
  const last = changes[changes.length - 1];
  if (!last) return { uri: pathToUri(main.file), line: 0, character: 0 };
  // The offset of the last change in the new text: earlier changes shifted it.
  const shift = changes.slice(0, -1).reduce((n, c) => n + c.text.length - (c.end - c.start), 0);
  const lead = /^\n*/.exec(last.text)![0].length;
  return { uri: pathToUri(main.file), ...position(main.after, last.start + shift + lead) };
}
