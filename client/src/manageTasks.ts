/**
 * The `django` tasks as plain data (no `vscode` import, so it is unit-tested on its own): which
 * tasks a workspace gets — Django's everyday commands and the project's own management commands
 * (from the server's index) — and how each one runs: `<interpreter> manage.py <command> [args]` in
 * the folder holding manage.py, with the problem matchers package.json contributes. tasks.ts turns
 * a `TaskSpec` into a `vscode.Task`.
 */
import path from 'node:path';

export const TASK_TYPE = 'django';

/** A task's identity, as tasks.json writes it (`contributes.taskDefinitions` in package.json). */
export interface DjangoTaskDefinition {
  type: typeof TASK_TYPE;
  /** The manage.py command. */
  command: string;
  args?: string[];
  /** The folder holding manage.py, relative to the workspace folder (or absolute); absent: the folder itself or its only project. */
  project?: string;
}

/** Django's commands every project gets a task for, in the picker's order. */
export const BUILTIN_COMMANDS: readonly string[] = ['runserver', 'migrate', 'makemigrations', 'test', 'check', 'shell', 'createsuperuser'];

const DETAILS: Record<string, string> = {
  runserver: 'Start the development server (stays running; reloads on changes)',
  migrate: 'Apply the migrations to the database',
  makemigrations: 'Write migrations for the model changes',
  test: 'Run the tests; failures go to the Problems view',
  check: "Run Django's system checks; problems go to the Problems view",
  shell: 'A Python shell with the project loaded',
  createsuperuser: 'Create an admin user (asks in the terminal)',
};

/**
 * Commands whose system-check problems the extension places itself: it runs them (a
 * CustomExecution), reads the problems from their output (parseCheckOutput) and asks the server
 * where each object is (`djangoAtlas/locateCheckProblems`), so `blog.Tag.name: (fields.E120)` lands
 * on the field instead of on manage.py's first line, as a problem matcher must put it.
 */
export const LOCATED_CHECKS = new Set(['check']);

/** Commands that read from the terminal: their task takes the focus. */
const INTERACTIVE = new Set(['shell', 'createsuperuser', 'dbshell', 'changepassword']);

/**
 * The problem matchers (package.json `contributes.problemMatchers`) of each command: system check
 * lines, and the last frame of a Python traceback (with and without the `^^^` line Python 3.11+
 * prints under the failing expression). `django-runserver` is the check matcher with the
 * background patterns that tell VS Code the server has started.
 */
const TRACEBACK = ['$django-traceback', '$django-traceback-ranges'];
export const PROBLEM_MATCHERS: Record<string, string[]> = {
  // The check task's own problems are placed by the server (LOCATED_CHECKS), not by a matcher.
  check: TRACEBACK,
  test: ['$django-check', ...TRACEBACK],
  runserver: ['$django-runserver', ...TRACEBACK],
};

/** One Django project as the tasks see it. */
export interface ProjectInfo {
  /** The folder holding manage.py: the tasks' working directory. */
  root: string;
  /** The workspace folder it belongs to (the tasks' scope), when known. */
  folder?: string;
  /** Its own management commands (the server's `djangoAtlas/managementCommands`). */
  commands: { name: string; app: string }[];
}

/** Everything a `vscode.Task` needs. */
export interface TaskSpec {
  definition: DjangoTaskDefinition;
  label: string;
  detail: string;
  /** The working directory: the folder holding manage.py. */
  cwd: string;
  /** The workspace folder, for the task's scope. */
  folder?: string;
  /** The process and its arguments (a ProcessExecution: no shell, no quoting). */
  process: string;
  args: string[];
  group?: 'test';
  isBackground: boolean;
  problemMatchers: string[];
  /** Reads from the terminal: focus it. */
  interactive: boolean;
  /** Its system-check problems are located by the server (LOCATED_CHECKS). */
  locatesChecks: boolean;
}

/** One problem of Django's system checks, as printed (`OBJECT: (ID) MESSAGE`, then `\tHINT: …`). */
export interface CheckOutputProblem {
  object: string;
  id: string;
  message: string;
  hint?: string;
  severity: 'error' | 'warning' | 'info';
}

const CHECK_LINE = /^(.*?): \(([^()\s]+)\) (.*)$/;
const CHECK_SECTIONS: Record<string, CheckOutputProblem['severity']> = { CRITICALS: 'error', ERRORS: 'error', WARNINGS: 'warning', INFOS: 'info', DEBUGS: 'info' };

/**
 * The problems in the output of `manage.py check` (or of any command that runs the checks):
 * Django prints them under ERRORS:/WARNINGS:/… headers, one per line, a hint on the next line. The
 * severity comes from the id's letter (`fields.E120`), else from the header it is under.
 */
export function parseCheckOutput(output: string): CheckOutputProblem[] {
  const out: CheckOutputProblem[] = [];
  let section: CheckOutputProblem['severity'] = 'warning';
  /** The problem the next indented lines belong to (until a blank line). */
  let continued: CheckOutputProblem | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const header = /^([A-Z]+):$/.exec(raw.trim());
    if (header && CHECK_SECTIONS[header[1]]) {
      section = CHECK_SECTIONS[header[1]];
      continue;
    }
    if (!raw.trim()) {
      continued = undefined;
      continue;
    }
    const last = continued;
    const hint = /^\s+HINT: ?(.*)$/.exec(raw);
    if (hint && last) {
      last.hint = hint[1].trim();
      continue;
    }
    const m = CHECK_LINE.exec(raw);
    // An indented line under a problem continues its hint (or its message): wagtailadmin.W001's hint is 4 lines.
    if (!m && last && /^\s+\S/.test(raw)) {
      if (last.hint !== undefined) last.hint = [last.hint, raw.trim()].filter(Boolean).join('\n');
      else last.message = `${last.message}\n${raw.trim()}`;
      continue;
    }
    if (!m) {
      continued = undefined;
      continue;
    }
    const letter = /(?:^|\.)([CEWID])\d+$/.exec(m[2])?.[1];
    const severity = letter === 'C' || letter === 'E' ? 'error' : letter === 'W' ? 'warning' : letter ? 'info' : section;
    continued = { object: m[1], id: m[2], message: m[3].trim(), severity };
    out.push(continued);
  }
  return out;
}

/** What the Python extension told about the selected interpreter (either API), if anything. */
export interface PythonDetails {
  /** `environments.resolveEnvironment(…).executable.uri.fsPath` (current API). */
  executable?: string;
  /** `settings.getExecutionDetails(…).execCommand` (older API): the interpreter, maybe behind a launcher (`conda run …`). */
  execCommand?: string[];
}

/**
 * The interpreter command: the Python extension's selection when it gave one, else `python3`
 * (`python` on Windows, where `python3` is often the Store stub).
 */
export function interpreterCommand(details: PythonDetails | undefined, platform: string = process.platform): string[] {
  const exe = details?.executable?.trim();
  if (exe) return [exe];
  const cmd = (details?.execCommand ?? []).filter((p) => typeof p === 'string' && p.trim() !== '');
  if (cmd.length > 0) return cmd;
  return [platform === 'win32' ? 'python' : 'python3'];
}

/**
 * A short, distinct name per project root for labels: the folder's name, with as many parent
 * folders as it takes to tell equal names apart (`web`, or `a/web` and `b/web`).
 */
export function projectNames(roots: readonly string[]): Map<string, string> {
  const parts = roots.map((r) => path.resolve(r).split(/[\\/]+/).filter(Boolean));
  const depth = roots.map(() => 1);
  const name = (i: number) => parts[i].slice(-depth[i]).join('/') || roots[i];
  for (let round = 0; round < 64; round++) {
    const byName = new Map<string, number[]>();
    roots.forEach((_, i) => byName.set(name(i), [...(byName.get(name(i)) ?? []), i]));
    let grew = false;
    for (const same of byName.values()) {
      if (same.length < 2) continue;
      for (const i of same) {
        if (depth[i] < parts[i].length) {
          depth[i]++;
          grew = true;
        }
      }
    }
    if (!grew) break;
  }
  return new Map(roots.map((r, i) => [r, name(i)]));
}

/** The `project` property for a root: relative to its workspace folder (posix), absent when it is the folder. */
export function projectProperty(root: string, folder: string | undefined): string | undefined {
  if (!folder) return path.resolve(root);
  const rel = path.relative(folder, root);
  if (rel === '') return undefined;
  if (rel.startsWith('..') || path.isAbsolute(rel)) return path.resolve(root);
  return rel.split(path.sep).join('/');
}

/**
 * The project a definition names: its `project` resolved against the workspace folder, else the
 * project at the folder's root, else the folder's only (or first) project. A `project` that is no
 * known project still gives one (manage.py may be there before the index has it).
 */
export function projectFor(def: Pick<DjangoTaskDefinition, 'project'>, projects: readonly ProjectInfo[], folder?: string): ProjectInfo | undefined {
  const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);
  if (def.project) {
    const root = path.resolve(folder ?? '', def.project);
    return projects.find((p) => same(p.root, root)) ?? { root, folder, commands: [] };
  }
  if (!folder) return projects[0];
  const inFolder = projects.filter((p) => {
    const rel = path.relative(folder, p.root);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  });
  return inFolder.find((p) => same(p.root, folder)) ?? inFolder[0];
}

/** The spec of one task; `name` (the project's, when there are several) ends the label. */
export function taskSpec(def: DjangoTaskDefinition, project: ProjectInfo, interpreter: readonly string[], name?: string): TaskSpec {
  const args = (def.args ?? []).map(String);
  const own = project.commands.find((c) => c.name === def.command);
  const label = `manage.py ${[def.command, ...args].join(' ')}${name ? ` (${name})` : ''}`;
  return {
    definition: def,
    label,
    detail: DETAILS[def.command] ?? (own ? `${own.app} · a command of the project` : `manage.py ${def.command}`),
    cwd: project.root,
    ...(project.folder ? { folder: project.folder } : {}),
    process: interpreter[0],
    args: [...interpreter.slice(1), 'manage.py', def.command, ...args],
    ...(def.command === 'test' ? { group: 'test' as const } : {}),
    isBackground: def.command === 'runserver',
    problemMatchers: PROBLEM_MATCHERS[def.command] ?? [],
    interactive: INTERACTIVE.has(def.command),
    locatesChecks: LOCATED_CHECKS.has(def.command),
  };
}

/**
 * Every task of the workspace: per project, Django's commands then the project's own (a project
 * command named like one of Django's replaces it in manage.py, so it is not listed twice). The
 * labels name the project when there are several.
 */
export function djangoTasks(projects: readonly ProjectInfo[], interpreterOf: (project: ProjectInfo) => readonly string[]): TaskSpec[] {
  const names = projects.length > 1 ? projectNames(projects.map((p) => p.root)) : undefined;
  const out: TaskSpec[] = [];
  for (const p of projects) {
    const interpreter = interpreterOf(p);
    const project = projectProperty(p.root, p.folder);
    const own = [...new Set(p.commands.map((c) => c.name))].filter((c) => !BUILTIN_COMMANDS.includes(c));
    for (const command of [...BUILTIN_COMMANDS, ...own]) {
      const def: DjangoTaskDefinition = { type: TASK_TYPE, command, ...(project !== undefined ? { project } : {}) };
      out.push(taskSpec(def, p, interpreter, names?.get(p.root)));
    }
  }
  return out;
}

/** Whether a definition (from tasks.json or a running task) is usable. */
export function isDjangoDefinition(def: unknown): def is DjangoTaskDefinition {
  const d = def as Partial<DjangoTaskDefinition> | undefined;
  return !!d && d.type === TASK_TYPE && typeof d.command === 'string' && d.command.trim() !== ''
    && (d.args === undefined || (Array.isArray(d.args) && d.args.every((a) => typeof a === 'string')))
    && (d.project === undefined || typeof d.project === 'string');
}
