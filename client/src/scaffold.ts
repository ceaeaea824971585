/**
 * "Django Atlas: New …" commands. The server asks the questions (djangoAtlas/scaffoldStep: the
 * next input with the project's choices), checks each answer while it is typed
 * (djangoAtlas/scaffoldCheck) and plans the edits (djangoAtlas/scaffoldPlan); this side shows the
 * questions, then applies the plan as one WorkspaceEdit the user confirms in the refactor preview:
 * nothing is written before that, a file that exists is never overwritten, and the whole scaffold
 * is one undoable step.
 */
import * as vscode from 'vscode';
import {
  ScaffoldCheckRequest, ScaffoldKindsRequest, ScaffoldPlanRequest, ScaffoldStepRequest,
  type ScaffoldKindInfo, type ScaffoldParams, type ScaffoldPlanResult, type ScaffoldQuestion,
} from '../../server/src/protocol';
import type { Ctx } from './ctx';

const BACK = Symbol('back');
type Answer = string | typeof BACK | undefined;

/**
 * Runs one scaffold: `kindId` picked when absent; `at` is the explorer selection the command was
 * run on (its app is taken without asking) or, from the palette, the active editor's file (its app
 * is proposed).
 */
export async function newScaffold(ctx: Ctx, kindId?: string, at?: vscode.Uri): Promise<void> {
  const kinds = await ctx.request('scaffold kinds', (c) => c.sendRequest(ScaffoldKindsRequest));
  if (!kinds) return notRunning(ctx);
  const kind = kindId ? kinds.find((k) => k.id === kindId) : await pickKind(kinds);
  if (!kind) return;
  const fromExplorer = at instanceof vscode.Uri;
  const atFile = fromExplorer ? at : vscode.window.activeTextEditor?.document.uri;
  const base: Omit<ScaffoldParams, 'values'> = { kind: kind.id, ...(atFile?.scheme === 'file' ? { at: atFile.fsPath } : {}) };
  const root = await pickProject(ctx, base.at);
  if (root === null) return;
  if (root) base.root = root;

  const values: Record<string, string> = {};
  const asked: string[] = [];
  for (;;) {
    const step = await ctx.request('scaffold step', (c) => c.sendRequest(ScaffoldStepRequest, { ...base, values }));
    if (!step) return notRunning(ctx);
    if (step.error) {
      void vscode.window.showErrorMessage(`Django Atlas: cannot create the ${kind.title.toLowerCase()}: ${step.error}`);
      return;
    }
    const q = step.question;
    if (!q) break;
    if (q.id === 'app' && fromExplorer && q.initial) {
      values.app = q.initial;
      continue;
    }
    const answer = await ask(ctx, kind, q, { ...base, values }, asked.length > 0);
    if (answer === undefined) return;
    if (answer === BACK) {
      delete values[asked.pop()!];
      continue;
    }
    values[q.id] = answer;
    asked.push(q.id);
  }

  const plan = await ctx.request('scaffold plan', (c) => c.sendRequest(ScaffoldPlanRequest, { ...base, values }));
  if (!plan) return notRunning(ctx);
  if (plan.error) {
    void vscode.window.showErrorMessage(`Django Atlas: cannot create the ${kind.title.toLowerCase()}: ${plan.error}. Nothing was changed.`);
    return;
  }
  await apply(kind, plan);
}

function notRunning(ctx: Ctx): void {
  void vscode.window.showWarningMessage('Django Atlas: the language server is not running.', 'Show Output').then((c) => {
    if (c) ctx.output.show(true);
  });
}

async function pickKind(kinds: ScaffoldKindInfo[]): Promise<ScaffoldKindInfo | undefined> {
  const picked = await vscode.window.showQuickPick(
    kinds.map((k) => ({ label: k.title, detail: k.description, scaffold: k })),
    { title: 'Django Atlas: New…', placeHolder: 'What to create', matchOnDetail: true },
  );
  return picked?.scaffold;
}

/** The project to scaffold in: undefined lets the server choose (one project, or the one holding `at`); null: cancelled. */
async function pickProject(ctx: Ctx, at: string | undefined): Promise<string | undefined | null> {
  const projects = (await ctx.status())?.projects ?? [];
  if (projects.length < 2) return undefined;
  if (at && projects.some((p) => at.startsWith(p.root))) return undefined;
  const picked = await vscode.window.showQuickPick(
    projects.map((p) => ({ label: vscode.workspace.asRelativePath(p.root), description: p.settingsModule ?? '', root: p.root })),
    { title: 'Django Atlas: New…', placeHolder: 'Which project' },
  );
  return picked ? picked.root : null;
}

/** Asks one question: a pick list when the project offers values, else an input box checked as it is typed. */
function ask(ctx: Ctx, kind: ScaffoldKindInfo, q: ScaffoldQuestion, params: ScaffoldParams, canGoBack: boolean): Promise<Answer> {
  const title = `Django Atlas: New ${kind.title} (${q.index + 1}/${q.count})`;
  return q.choices ? pick(title, q, canGoBack) : input(ctx, title, q, params, canGoBack);
}

interface ChoiceItem extends vscode.QuickPickItem {
  value: string;
}

function pick(title: string, q: ScaffoldQuestion, canGoBack: boolean): Promise<Answer> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<ChoiceItem>();
    const items: ChoiceItem[] = q.choices!.map((c) => ({ label: c.label, description: c.description, value: c.value }));
    if (q.optional && q.none) items.unshift({ label: `$(circle-slash) ${q.none}`, value: '' });
    qp.title = title;
    qp.placeholder = q.free ? `${q.prompt} (pick one or type another)` : q.prompt;
    qp.items = items;
    qp.matchOnDescription = true;
    const initial = items.find((i) => i.value === q.initial);
    if (initial) qp.activeItems = [initial];
    if (canGoBack) qp.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      resolve(a);
      qp.dispose();
    };
    qp.onDidTriggerButton(() => finish(BACK));
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      if (chosen) finish(chosen.value);
      else if (q.free && qp.value.trim()) finish(qp.value.trim());
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

function input(ctx: Ctx, title: string, q: ScaffoldQuestion, params: ScaffoldParams, canGoBack: boolean): Promise<Answer> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.prompt = q.optional ? `${q.prompt} (may be left empty)` : q.prompt;
    box.placeholder = q.placeholder;
    box.value = q.initial ?? '';
    if (canGoBack) box.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    let checking = 0;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      resolve(a);
      box.dispose();
    };
    /** The server's verdict on the value; the latest one typed wins. */
    const check = async (value: string): Promise<string | null | undefined> => {
      const n = ++checking;
      const message = await ctx.request('scaffold check', (c) => c.sendRequest(ScaffoldCheckRequest, { ...params, id: q.id, value }));
      if (n === checking && !done) box.validationMessage = message ?? undefined;
      return message;
    };
    box.onDidChangeValue((v) => void check(v));
    box.onDidTriggerButton(() => finish(BACK));
    box.onDidAccept(async () => {
      const value = box.value.trim();
      box.busy = true;
      const problem = await check(value);
      box.busy = false;
      if (!problem) finish(value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
    if (box.value) void check(box.value);
  });
}

/**
 * Applies the plan as one WorkspaceEdit needing confirmation (the refactor preview), after making
 * sure no file it edits changed since it was planned; then saves the files that were not dirty
 * before, shows the notes and puts the cursor on the new code.
 */
async function apply(kind: ScaffoldKindInfo, plan: ScaffoldPlanResult): Promise<void> {
  const label = `New ${kind.title.toLowerCase()}`;
  const metadata = (file: vscode.Uri, created: boolean): vscode.WorkspaceEditEntryMetadata => ({
    label: `${created ? 'Create' : 'Edit'} ${vscode.workspace.asRelativePath(file)}`,
    description: label,
    needsConfirmation: true,
  });
  const edit = new vscode.WorkspaceEdit();
  const wasClean = new Set<string>();
  for (const e of plan.edits) {
    const uri = vscode.Uri.parse(e.uri);
    if (e.created) {
      edit.createFile(uri, { overwrite: false, ignoreIfExists: false }, metadata(uri, true));
      if (e.text) edit.insert(uri, new vscode.Position(0, 0), e.text, metadata(uri, true));
      wasClean.add(uri.toString());
      continue;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.getText() !== e.before) {
      void vscode.window.showErrorMessage(`Django Atlas: ${vscode.workspace.asRelativePath(uri)} changed while the ${kind.title.toLowerCase()} was planned. Nothing was changed; run the command again.`);
      return;
    }
    if (!doc.isDirty) wasClean.add(uri.toString());
    for (const c of e.changes ?? []) {
      const range = new vscode.Range(c.range.start.line, c.range.start.character, c.range.end.line, c.range.end.character);
      edit.replace(uri, range, c.newText, metadata(uri, false));
    }
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) return;
  for (const doc of vscode.workspace.textDocuments) {
    if (wasClean.has(doc.uri.toString()) && doc.isDirty) await doc.save();
  }
  if (plan.focus) {
    const at = new vscode.Position(plan.focus.line, plan.focus.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(plan.focus.uri), { selection: new vscode.Range(at, at) });
  }
  const created = plan.edits.filter((e) => e.created).length;
  const edited = plan.edits.length - created;
  const summary = `Django Atlas: ${label} done: ${created} file${created === 1 ? '' : 's'} created, ${edited} edited.`;
  void vscode.window.showInformationMessage([summary, ...plan.notes.map((n) => `${n.charAt(0).toUpperCase()}${n.slice(1)}.`)].join(' '));
}
