/**
 * "Django Atlas: New …" commands. The server asks the questions (djangoAtlas/scaffoldStep: the
 * next input with the project's choices), checks each answer while it is typed
 * (djangoAtlas/scaffoldCheck) and plans the edits (djangoAtlas/scaffoldPlan); this side shows the
 * questions, lists what the plan creates and changes (with its diff on request) and applies it,
 * once confirmed, as one WorkspaceEdit: nothing is written before that, and a file that exists is
 * never overwritten. "Undo" (the message's button, or *Undo Last Scaffold*) takes the whole
 * scaffold back, created files and folders included, while nothing in it changed since. (The
 * refactor preview was tried: it shows entries that need confirmation unticked, so Apply wrote
 * nothing, and the editor's undo left created files behind.)
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

  /** Answers taken back with ← (or to be changed after a refusal): proposed again when their question comes back. */
  let earlier: Record<string, string> = {};
  for (;;) {
    const values = await answers(ctx, kind, base, fromExplorer, earlier);
    if (!values) return;
    const plan = await ctx.request('scaffold plan', (c) => c.sendRequest(ScaffoldPlanRequest, { ...base, values }));
    if (!plan) return notRunning(ctx);
    if (!plan.error) {
      if (await confirm(kind, plan)) await apply(ctx, kind, plan);
      return;
    }
    const again = await vscode.window.showErrorMessage(`Django Atlas: cannot create the ${noun(kind.title)}: ${plan.error}. Nothing was changed.`, 'Change Answers');
    if (!again) return;
    earlier = values;
  }
}

/** Asks the scaffold's questions one after another; undefined when the user cancels. */
async function answers(ctx: Ctx, kind: ScaffoldKindInfo, base: Omit<ScaffoldParams, 'values'>, fromExplorer: boolean, earlier: Record<string, string>): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = {};
  const asked: string[] = [];
  for (;;) {
    const step = await ctx.request('scaffold step', (c) => c.sendRequest(ScaffoldStepRequest, { ...base, values }));
    if (!step) {
      notRunning(ctx);
      return undefined;
    }
    if (step.error) {
      void vscode.window.showErrorMessage(`Django Atlas: cannot create the ${noun(kind.title)}: ${step.error}`);
      return undefined;
    }
    const q = step.question;
    if (!q) return values;
    if (q.id === 'app' && fromExplorer && q.initial) {
      values.app = q.initial;
      continue;
    }
    if (earlier[q.id] !== undefined) q.initial = earlier[q.id];
    const answer = await ask(ctx, kind, q, { ...base, values }, asked.length > 0);
    if (answer === undefined) return undefined;
    if (answer === BACK) {
      const id = asked.pop()!;
      earlier[id] = values[id];
      delete values[id];
      continue;
    }
    values[q.id] = answer;
    asked.push(q.id);
  }
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
  // The app already chosen (or taken from the explorer) stays in sight.
  const app = params.values.app && q.id !== 'app' ? ` in ${params.values.app}` : '';
  const title = `Django Atlas: New ${kind.title}${app} (${q.index + 1}/${q.count})`;
  const check = (value: string) => ctx.request('scaffold check', (c) => c.sendRequest(ScaffoldCheckRequest, { ...params, id: q.id, value }));
  return q.choices ? pick(title, q, canGoBack, check) : input(title, q, canGoBack, check);
}

interface ChoiceItem extends vscode.QuickPickItem {
  value: string;
}

type Check = (value: string) => Promise<string | null | undefined>;

function pick(title: string, q: ScaffoldQuestion, canGoBack: boolean, check: Check): Promise<Answer> {
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
    qp.onDidAccept(async () => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      const value = chosen ? chosen.value : q.free ? qp.value.trim() : undefined;
      if (value === undefined || (!chosen && !value)) return;
      // A typed value, or "none", can still be wrong for this scaffold: say why in the title and stay.
      qp.busy = true;
      const problem = await check(value);
      qp.busy = false;
      if (problem) qp.title = `${title}: ${problem}`;
      else finish(value);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

function input(title: string, q: ScaffoldQuestion, canGoBack: boolean, check: Check): Promise<Answer> {
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
    const verdict = async (value: string): Promise<string | null | undefined> => {
      const n = ++checking;
      const message = await check(value);
      if (n === checking && !done) box.validationMessage = message ?? undefined;
      return message;
    };
    box.onDidChangeValue((v) => void verdict(v));
    box.onDidTriggerButton(() => finish(BACK));
    box.onDidAccept(async () => {
      const value = box.value.trim();
      box.busy = true;
      const problem = await verdict(value);
      box.busy = false;
      if (!problem) finish(value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
    if (box.value) void verdict(box.value);
  });
}

/** What the last scaffold changed, so that "Undo" can take it back while nothing touched it since. */
interface Applied {
  label: string;
  created: { uri: vscode.Uri; text: string }[];
  edited: { uri: vscode.Uri; before: string; after: string }[];
  /** Folders the scaffold made (deepest first): removed by Undo when they hold nothing else. */
  folders: vscode.Uri[];
  undone?: boolean;
}
/** The scaffolds applied in this window, the last one last. */
const applied: Applied[] = [];

const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri);
/** A title inside a sentence: "REST Endpoint" → "REST endpoint", "New View" → "new view". */
const noun = (title: string) => title.split(' ').map((w) => (/^[A-Z]{2,}$/.test(w) ? w : w.toLowerCase())).join(' ');
const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;
/** A note for a message: capitalised, `code` in quotes (messages show no Markdown), a full stop. */
const sentence = (n: string) => `${n.charAt(0).toUpperCase()}${n.slice(1).replace(/`([^`]*)`/g, '\u2018$1\u2019')}.`;

/**
 * Shows what the plan creates and changes and asks before writing: "Create" applies it,
 * "Show Changes" opens the whole plan as a diff first.
 */
async function confirm(kind: ScaffoldKindInfo, plan: ScaffoldPlanResult): Promise<boolean> {
  const created = plan.edits.filter((e) => e.created).map((e) => `  + ${rel(vscode.Uri.parse(e.uri))}`);
  const edited = plan.edits.filter((e) => !e.created).map((e) => {
    const added = (e.changes ?? []).reduce((n, c) => n + c.newText.split('\n').length - 1, 0);
    return `  ~ ${rel(vscode.Uri.parse(e.uri))} (+${lines(added)})`;
  });
  const detail = [...(created.length ? ['Creates:', ...created] : []), ...(edited.length ? ['Changes:', ...edited] : []), ...plan.notes.map(sentence)].join('\n');
  const question = `Django Atlas: create the new ${noun(kind.title)}?`;
  const answer = await vscode.window.showInformationMessage(question, { modal: true, detail }, 'Create', 'Show Changes');
  if (answer !== 'Show Changes') return answer === 'Create';
  // A read-only document (closing it asks nothing), beside the editor when there is one; then a
  // question that stays up while the diff is read (a notification would hide itself).
  const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/New ${kind.title}.diff`, query: String(++planCount) });
  planTexts.set(uri.toString(), plan.diff ?? '');
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'diff');
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preview: true });
  const picked = await vscode.window.showQuickPick([
    { label: '$(check) Create', create: true },
    { label: '$(close) Cancel', create: false },
  ], { title: question, placeHolder: 'The changes are in the editor', ignoreFocusOut: true });
  return picked?.create === true;
}

/** The plans shown by "Show Changes", as read-only documents. */
const PLAN_SCHEME = 'django-atlas-plan';
const planTexts = new Map<string, string>();
let planCount = 0;

/** Serves the plans' diffs (registered once by the command table). */
export function registerPlanDocuments(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, { provideTextDocumentContent: (uri) => planTexts.get(uri.toString()) ?? '' });
}

/**
 * Applies the plan as one WorkspaceEdit after the user confirmed it and after making sure no file
 * it edits changed since it was planned and no file it creates exists; then saves the files that
 * had no unsaved changes, puts the cursor on the new code and offers Undo.
 */
async function apply(ctx: Ctx, kind: ScaffoldKindInfo, plan: ScaffoldPlanResult): Promise<void> {
  const label = `New ${noun(kind.title)}`;
  const record: Applied = { label, created: [], edited: [], folders: [] };
  const edit = new vscode.WorkspaceEdit();
  const wasClean = new Set<string>();
  const stale = (what: string) =>
    void vscode.window.showErrorMessage(`Django Atlas: ${what} since the ${noun(kind.title)} was planned. Nothing was changed; run the command again.`);
  for (const e of plan.edits) {
    const uri = vscode.Uri.parse(e.uri);
    if (e.created) {
      if (await exists(uri)) return stale(`${rel(uri)} was created`);
      edit.createFile(uri, { overwrite: false, ignoreIfExists: false });
      if (e.text) edit.insert(uri, new vscode.Position(0, 0), e.text);
      record.created.push({ uri, text: e.text ?? '' });
      for (let dir = vscode.Uri.joinPath(uri, '..'); !(await exists(dir)) && !record.folders.some((f) => f.toString() === dir.toString()); dir = vscode.Uri.joinPath(dir, '..')) {
        record.folders.push(dir);
      }
      continue;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.getText() !== e.before) return stale(`${rel(uri)} changed`);
    if (!doc.isDirty) wasClean.add(uri.toString());
    for (const c of e.changes ?? []) {
      edit.replace(uri, new vscode.Range(c.range.start.line, c.range.start.character, c.range.end.line, c.range.end.character), c.newText);
    }
    record.edited.push({ uri, before: e.before!, after: '' });
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Django Atlas: the editor refused the ${noun(kind.title)}'s changes; nothing was changed.`);
    return;
  }
  // Save what had no unsaved changes (created files too), all at once: the editor opens a tab for
  // each edited file still unsaved after a moment, which one save after another took long enough
  // to trigger (seen in code-server: seven tabs after New App). Then remember the texts as saved
  // (format-on-save may have touched them), for Undo to compare with.
  const unsaved: string[] = [];
  const all = [...record.created, ...record.edited];
  const docs = await Promise.all(all.map((r) => vscode.workspace.openTextDocument(r.uri)));
  await Promise.all(docs.map((doc, i) => {
    if (!doc.isDirty) return undefined;
    if ('text' in all[i] || wasClean.has(doc.uri.toString())) return doc.save();
    unsaved.push(rel(doc.uri));
    return undefined;
  }));
  all.forEach((r, i) => {
    if ('text' in r) r.text = docs[i].getText();
    else r.after = docs[i].getText();
  });
  record.folders.sort((a, b) => b.path.length - a.path.length);
  applied.push(record);
  if (plan.focus) {
    const at = new vscode.Position(plan.focus.line, plan.focus.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(plan.focus.uri), { selection: new vscode.Range(at, at) });
  }
  const summary = [
    record.created.length ? `created ${record.created.map((r) => rel(r.uri)).join(', ')}` : '',
    record.edited.length ? `changed ${record.edited.map((r) => rel(r.uri)).join(', ')}` : '',
  ].filter(Boolean).join('; ');
  ctx.output.appendLine(`[client] ${label}: ${summary}`);
  const message = [`Django Atlas: ${label}: ${summary}.`, ...(unsaved.length ? [`${unsaved.join(', ')} had unsaved changes and ${unsaved.length === 1 ? 'is' : 'are'} left unsaved.`] : []), ...plan.notes.map(sentence)].join(' ');
  // This message's Undo is for this scaffold, however many come after it.
  if ((await vscode.window.showInformationMessage(message, 'Undo')) === 'Undo') await undoScaffold(ctx, record);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the last scaffold back: its created files (and the folders it made) deleted, its edited
 * files back to their text before — only when none of them changed since, else nothing is done.
 */
export async function undoLastScaffold(ctx: Ctx): Promise<void> {
  const last = [...applied].reverse().find((a) => !a.undone);
  if (!last) {
    void vscode.window.showInformationMessage('Django Atlas: no scaffold to undo in this window.');
    return;
  }
  await undoScaffold(ctx, last);
}

/**
 * Takes one scaffold back (an older one too: a later scaffold that changed the same files makes
 * them "changed since", and then nothing is done).
 */
async function undoScaffold(ctx: Ctx, last: Applied): Promise<void> {
  if (last.undone) {
    void vscode.window.showInformationMessage(`Django Atlas: the ${noun(last.label)} was already undone.`);
    return;
  }
  const changed: string[] = [];
  const textOf = async (uri: vscode.Uri) => {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  };
  for (const c of last.created) if ((await textOf(c.uri)) !== c.text) changed.push(rel(c.uri));
  for (const e of last.edited) if ((await textOf(e.uri)) !== e.after) changed.push(rel(e.uri));
  for (const f of last.folders) {
    const mine = new Set([...last.created.map((c) => c.uri.toString()), ...last.folders.map((x) => x.toString())]);
    const entries = await vscode.workspace.fs.readDirectory(f).then((x) => x, () => []);
    // Python's bytecode cache appears as soon as the new code runs: it goes with the folder.
    if (entries.some(([name]) => name !== '__pycache__' && !mine.has(vscode.Uri.joinPath(f, name).toString()))) changed.push(`${rel(f)}/`);
  }
  if (changed.length) {
    void vscode.window.showWarningMessage(`Django Atlas: cannot undo the ${noun(last.label)}: ${changed.join(', ')} changed since. Nothing was undone.`);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of last.edited) {
    const doc = await vscode.workspace.openTextDocument(e.uri);
    edit.replace(e.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), e.before);
  }
  for (const c of last.created) edit.deleteFile(c.uri, { ignoreIfNotExists: true });
  for (const f of last.folders) edit.deleteFile(f, { recursive: true, ignoreIfNotExists: true });
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Django Atlas: the editor refused to undo the ${noun(last.label)}.`);
    return;
  }
  for (const e of last.edited) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === e.uri.toString());
    if (doc?.isDirty) await doc.save();
  }
  last.undone = true;
  ctx.output.appendLine(`[client] ${last.label} undone`);
  void vscode.window.showInformationMessage(`Django Atlas: ${noun(last.label)} undone.`);
}
