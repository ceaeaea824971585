/**
 * Scaffolds as lists of file edits: every scaffold computes its edits first (nothing touches the
 * disk), the CLI prints or applies them, the editor turns them into one WorkspaceEdit the user
 * confirms. Applying refuses, changing nothing, when a file to create exists or a file to edit
 * changed since the plan was made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch, diffLines } from 'diff';

export interface FileEdit {
  file: string;
  /** The text before (undefined: the file is created). */
  before?: string;
  after: string;
}

export interface Plan {
  edits: FileEdit[];
  /** What the user should know (e.g. "add it to INSTALLED_APPS by hand: it is computed"). */
  notes: string[];
}

export class ScaffoldError extends Error {}

/** A unified diff of the whole plan, paths relative to root. */
export function planDiff(root: string, plan: Plan): string {
  return plan.edits.map((e) => {
    const rel = path.relative(root, e.file).split(path.sep).join('/');
    return createTwoFilesPatch(e.before === undefined ? '/dev/null' : `a/${rel}`, `b/${rel}`, e.before ?? '', e.after, undefined, undefined, { context: 3 });
  }).join('');
}

/** Writes the plan, or changes nothing and throws when a created file exists or an edited one changed. */
export function applyPlan(plan: Plan): void {
  for (const e of plan.edits) {
    const exists = fs.existsSync(e.file);
    if (e.before === undefined && exists) throw new ScaffoldError(`${e.file} already exists`);
    if (e.before !== undefined && (!exists || fs.readFileSync(e.file, 'utf8') !== e.before)) throw new ScaffoldError(`${e.file} changed since the scaffold was planned`);
  }
  for (const e of plan.edits) {
    fs.mkdirSync(path.dirname(e.file), { recursive: true });
    fs.writeFileSync(e.file, e.after);
  }
}

/** A change of `before` as offsets into it, the way an editor applies it. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/**
 * The smallest line-wise changes turning `before` into `after` (ascending, not overlapping, all
 * against `before`): an editor applying them keeps its cursors, folds and undo steps in the lines
 * the scaffold does not touch.
 */
export function textChanges(before: string, after: string): TextChange[] {
  const out: TextChange[] = [];
  let offset = 0;
  for (const part of diffLines(before, after)) {
    const last = out[out.length - 1];
    if (part.added) {
      if (last && last.end === offset) last.text += part.value;
      else out.push({ start: offset, end: offset, text: part.value });
    } else if (part.removed) {
      if (last && last.end === offset) last.end += part.value.length;
      else out.push({ start: offset, end: offset + part.value.length, text: '' });
      offset += part.value.length;
    } else {
      offset += part.value.length;
    }
  }
  return out;
}
