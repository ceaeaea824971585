/**
 * The manage.py tasks (client/src/manageTasks.ts): the task list, labels, command lines and the
 * interpreter choice; and the problem matchers package.json contributes, run the way VS Code runs
 * them (a small emulation of its line buffer and multi-line patterns) over output Django 4.2
 * really prints — `manage.py check`, `manage.py test` and `manage.py runserver` on a copy of the
 * demo with a broken model and failing tests when Debian's python3-django is there, and over
 * transcripts recorded from it otherwise.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, DEBIAN_PYTHON, pythonHas, openFixture } from '../helpers';
import {
  djangoTasks, taskSpec, projectFor, projectNames, projectProperty, interpreterCommand, isDjangoDefinition,
  BUILTIN_COMMANDS, PROBLEM_MATCHERS, type ProjectInfo,
} from '../../client/src/manageTasks';
import { managementCommands } from '../../server/src/core/management';

const django = pythonHas('django');
const PACKAGE = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));

// ---- the task list ---------------------------------------------------------------------------

describe('tasks', () => {
  const site: ProjectInfo = { root: '/w/site', folder: '/w/site', commands: [{ name: 'publish_all', app: 'blog' }] };

  test("one project: Django's commands then its own, labelled `manage.py <command>`, run in the folder holding manage.py", () => {
    const tasks = djangoTasks([site], () => ['/venv/bin/python']);
    expect(tasks.map((t) => t.label)).toEqual([...BUILTIN_COMMANDS.map((c) => `manage.py ${c}`), 'manage.py publish_all']);
    const run = tasks[0];
    expect(run).toMatchObject({
      definition: { type: 'django', command: 'runserver' }, cwd: '/w/site', folder: '/w/site',
      process: '/venv/bin/python', args: ['manage.py', 'runserver'], isBackground: true, problemMatchers: PROBLEM_MATCHERS.runserver,
    });
    // manage.py is in the workspace folder: the definition has no `project`.
    expect(run.definition).toEqual({ type: 'django', command: 'runserver' });
    const byCommand = new Map(tasks.map((t) => [t.definition.command, t]));
    expect(byCommand.get('test')).toMatchObject({ group: 'test', isBackground: false, problemMatchers: ['$django-check', '$django-traceback', '$django-traceback-ranges'] });
    // The check task's problems are placed by the server (checkTask.ts), tracebacks by the matchers.
    expect(byCommand.get('check')).toMatchObject({ problemMatchers: ['$django-traceback', '$django-traceback-ranges'], locatesChecks: true });
    expect(byCommand.get('test')!.locatesChecks).toBe(false);
    for (const c of ['migrate', 'makemigrations', 'shell', 'createsuperuser', 'publish_all']) {
      expect(byCommand.get(c)!.group, c).toBeUndefined();
      expect(byCommand.get(c)!.isBackground, c).toBe(false);
      expect(byCommand.get(c)!.problemMatchers, c).toEqual([]);
    }
    expect(byCommand.get('shell')!.interactive).toBe(true);
    expect(byCommand.get('createsuperuser')!.interactive).toBe(true);
    expect(byCommand.get('migrate')!.interactive).toBe(false);
    expect(byCommand.get('publish_all')!.detail).toBe('blog · a command of the project');
  });

  test('several projects: the labels name each project; `project` is relative to the workspace folder', () => {
    const a: ProjectInfo = { root: '/w/services/api', folder: '/w', commands: [] };
    const b: ProjectInfo = { root: '/w/services/web', folder: '/w', commands: [{ name: 'sync', app: 'pages' }] };
    const tasks = djangoTasks([a, b], (p) => (p === a ? ['python3'] : ['/w/services/web/.venv/bin/python']));
    expect(tasks.filter((t) => t.definition.command === 'runserver').map((t) => [t.label, t.definition.project, t.cwd, t.process])).toEqual([
      ['manage.py runserver (api)', 'services/api', '/w/services/api', 'python3'],
      ['manage.py runserver (web)', 'services/web', '/w/services/web', '/w/services/web/.venv/bin/python'],
    ]);
    expect(tasks.filter((t) => t.cwd === '/w/services/web').map((t) => t.definition.command)).toEqual([...BUILTIN_COMMANDS, 'sync']);
    expect(tasks.filter((t) => t.cwd === '/w/services/api')).toHaveLength(BUILTIN_COMMANDS.length);
  });

  test("a project command named like one of Django's is listed once; an empty workspace has no tasks", () => {
    const p: ProjectInfo = { root: '/w', folder: '/w', commands: [{ name: 'runserver', app: 'core' }, { name: 'seed', app: 'core' }, { name: 'seed', app: 'other' }] };
    expect(djangoTasks([p], () => ['python3']).map((t) => t.definition.command)).toEqual([...BUILTIN_COMMANDS, 'seed']);
    expect(djangoTasks([], () => ['python3'])).toEqual([]);
  });

  test('project names: the folder name, with parents only where two would read the same', () => {
    expect([...projectNames(['/a/web', '/b/api']).values()]).toEqual(['web', 'api']);
    expect([...projectNames(['/x/a/web', '/x/b/web', '/x/api']).values()]).toEqual(['a/web', 'b/web', 'api']);
    expect([...projectNames(['/p/a/web', '/q/a/web']).values()]).toEqual(['p/a/web', 'q/a/web']);
  });

  test('tasks.json definitions: args in the command line and the label; `project` resolved against the folder', () => {
    const projects: ProjectInfo[] = [
      { root: '/w/services/api', folder: '/w', commands: [] },
      { root: '/w/services/web', folder: '/w', commands: [] },
    ];
    const def = { type: 'django' as const, command: 'runserver', args: ['0.0.0.0:8001'], project: 'services/web' };
    const project = projectFor(def, projects, '/w')!;
    expect(project.root).toBe('/w/services/web');
    const spec = taskSpec(def, project, ['conda', 'run', '-n', 'site', 'python']);
    expect([spec.process, ...spec.args]).toEqual(['conda', 'run', '-n', 'site', 'python', 'manage.py', 'runserver', '0.0.0.0:8001']);
    expect(spec.label).toBe('manage.py runserver 0.0.0.0:8001');
    expect(spec.definition).toBe(def);
    // No `project`: the project at the folder's root, else the folder's first; a project the index does not know still runs there.
    expect(projectFor({}, projects, '/w')?.root).toBe('/w/services/api');
    expect(projectFor({}, [...projects, { root: '/w', folder: '/w', commands: [] }], '/w')?.root).toBe('/w');
    expect(projectFor({}, projects, '/elsewhere')).toBeUndefined();
    expect(projectFor({ project: 'later' }, projects, '/w')).toEqual({ root: '/w/later', folder: '/w', commands: [] });
    expect(projectFor({ project: '/abs/site' }, projects, '/w')?.root).toBe('/abs/site');
    expect(projectProperty('/w/services/web', '/w')).toBe('services/web');
    expect(projectProperty('/w', '/w')).toBeUndefined();
    expect(projectProperty('/other/site', '/w')).toBe('/other/site');
    expect(projectProperty('/other/site', undefined)).toBe('/other/site');
  });

  test('definitions from tasks.json are checked before use', () => {
    expect(isDjangoDefinition({ type: 'django', command: 'migrate' })).toBe(true);
    expect(isDjangoDefinition({ type: 'django', command: 'test', args: ['blog'], project: 'src' })).toBe(true);
    for (const bad of [undefined, {}, { type: 'npm', command: 'x' }, { type: 'django' }, { type: 'django', command: ' ' }, { type: 'django', command: 'test', args: 'blog' }, { type: 'django', command: 'test', args: [1] }]) {
      expect(isDjangoDefinition(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  test("the interpreter: the Python extension's selection, else python3 (python on Windows)", () => {
    expect(interpreterCommand({ executable: '/p/.venv/bin/python' }, 'linux')).toEqual(['/p/.venv/bin/python']);
    expect(interpreterCommand({ executable: '/p/.venv/bin/python', execCommand: ['other'] }, 'linux')).toEqual(['/p/.venv/bin/python']);
    expect(interpreterCommand({ execCommand: ['conda', 'run', '-n', 'x', 'python'] }, 'linux')).toEqual(['conda', 'run', '-n', 'x', 'python']);
    expect(interpreterCommand({ executable: '  ', execCommand: [] }, 'linux')).toEqual(['python3']);
    expect(interpreterCommand(undefined, 'linux')).toEqual(['python3']);
    expect(interpreterCommand(undefined, 'darwin')).toEqual(['python3']);
    expect(interpreterCommand(undefined, 'win32')).toEqual(['python']);
    expect(interpreterCommand({ execCommand: ['C:\\Py\\python.exe'] }, 'win32')).toEqual(['C:\\Py\\python.exe']);
  });

  test("the project's own commands come from its apps' management/commands, not Django's or site-packages'", async () => {
    const p = await openFixture('models_site');
    expect(managementCommands(p).map((c) => [c.name, c.app, path.relative(p.root, c.file)])).toEqual([
      ['publish_scheduled', 'blog', 'blog/management/commands/publish_scheduled.py'],
    ]);
  });
});

// ---- the problem matchers, the way VS Code runs them ----------------------------------------

interface Pattern {
  regexp: RegExp;
  kind?: string;
  file?: number;
  line?: number;
  message?: number;
  severity?: number;
  code?: number;
  loop?: boolean;
}
interface Matcher {
  name: string;
  fileLocation: string[];
  patterns: Pattern[];
  background?: { begin: RegExp; end: RegExp };
}
interface Problem {
  file: string;
  /** 1-based; absent for a problem on the whole file (`kind: "file"`). */
  line?: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
  code?: string;
}

/** A contributed matcher by `$name`, its pattern(s) resolved through `problemPatterns`. */
function matcher(ref: string): Matcher {
  const name = ref.replace(/^\$/, '');
  const m = PACKAGE.contributes.problemMatchers.find((x: { name: string }) => x.name === name);
  if (!m) throw new Error(`no problem matcher ${ref} in package.json`);
  const named = (p: unknown) => (typeof p === 'string' ? PACKAGE.contributes.problemPatterns.find((x: { name: string }) => `$${x.name}` === p) : p);
  let raw = named(m.pattern);
  raw = Array.isArray(raw) ? raw : raw?.patterns ?? [raw];
  const patterns = (raw as (Omit<Pattern, 'regexp'> & { regexp: string })[]).map((p) => ({ ...p, regexp: new RegExp(p.regexp) }));
  expect(patterns.some((p) => p.loop), `${ref}: the emulation below does not do loops`).toBe(false);
  return {
    name, fileLocation: Array.isArray(m.fileLocation) ? m.fileLocation : [m.fileLocation], patterns,
    ...(m.background ? { background: { begin: new RegExp(m.background.beginsPattern), end: new RegExp(m.background.endsPattern) } } : {}),
  };
}

/** VS Code's getResource: absolute, relative to a prefix, or autoDetect (relative when that file exists). */
function resource(file: string, m: Matcher, workspaceFolder: string): string {
  const [kind, prefix] = m.fileLocation;
  const relative = () => path.join(prefix.replace('${workspaceFolder}', workspaceFolder), file);
  if (kind === 'absolute') return path.normalize(file);
  if (kind === 'relative') return relative();
  if (kind === 'autoDetect') return fs.existsSync(relative()) ? relative() : path.normalize(file);
  throw new Error(`fileLocation ${kind} not emulated`);
}

function severity(value: string | undefined): Problem['severity'] {
  const v = value?.toLowerCase();
  if (v === 'w' || v === 'warning' || v === 'warn') return 'warning';
  if (v === 'i' || v === 'info') return 'info';
  return 'error';
}

/**
 * The problems VS Code's StartStop/Watching collectors find in `output`: each new line goes into a
 * buffer as long as the longest matcher; every matcher is tried on the lines ending with the new
 * one (longest first), each of its patterns on consecutive lines; a match empties the buffer.
 * Background begin/end lines are noted and not matched further (VS Code's WatchingProblemCollector).
 */
function runMatchers(output: string, refs: string[], workspaceFolder: string): { problems: Problem[]; events: string[] } {
  const matchers = refs.map(matcher);
  const bufferLength = Math.max(1, ...matchers.map((m) => m.patterns.length));
  let buffer: string[] = [];
  const problems: Problem[] = [];
  const events: string[] = [];
  // A background matcher with activeOnStart is busy from the start; a begin line while busy, or an
  // end line while idle, is an ordinary line.
  const busy = new Set(matchers.filter((m) => m.background));
  for (const line of output.split(/\r?\n/)) {
    const begins = matchers.find((m) => m.background?.begin.test(line) && !busy.has(m));
    const ends = begins ? undefined : matchers.find((m) => m.background?.end.test(line) && busy.has(m));
    if (begins || ends) {
      if (begins) busy.add(begins);
      else busy.delete(ends!);
      events.push(begins ? 'begins' : 'ends');
      continue;
    }
    buffer = [...buffer, line].slice(-bufferLength);
    found: for (let start = 0; start < buffer.length; start++) {
      for (const m of matchers.filter((x) => x.patterns.length === buffer.length - start)) {
        const data: Record<string, string> = {};
        const ok = m.patterns.every((p, i) => {
          const match = p.regexp.exec(buffer[start + i]);
          if (!match) return false;
          for (const prop of ['file', 'line', 'severity', 'code'] as const) {
            if (p[prop] !== undefined && data[prop] === undefined && match[p[prop]!] !== undefined) data[prop] = match[p[prop]!].trim();
          }
          if (p.message !== undefined && match[p.message] !== undefined) data.message = data.message === undefined ? match[p.message].trim() : `${data.message}\n${match[p.message].trim()}`;
          return true;
        });
        const wholeFile = m.patterns[0].kind === 'file';
        if (ok && data.file && data.message && (wholeFile || data.line)) {
          problems.push({
            file: resource(data.file, m, workspaceFolder), ...(wholeFile ? {} : { line: Number(data.line) }), message: data.message,
            severity: severity(data.severity), ...(data.code !== undefined ? { code: data.code } : {}),
          });
          buffer = [];
          break found;
        }
      }
    }
  }
  return { problems, events };
}

// Recorded from Django 4.2.21 on Python 3.11 (the demo with `title = models.CharField()` and the
// tests below), so the matchers are checked even where python3-django is not installed.
const RECORDED_CHECK = `SystemCheckError: System check identified some issues:

ERRORS:
blog.Post.title: (fields.E120) CharFields must define a 'max_length' attribute.

WARNINGS:
?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.
?: (security.W008) Your SECURE_SSL_REDIRECT setting is not set to True. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting True or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.
?: (security.W009) Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django. Please generate a long and random value, otherwise many of Django's security-critical features will be vulnerable to attack.
?: (security.W012) SESSION_COOKIE_SECURE is not set to True. Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions.
?: (security.W016) You have 'django.middleware.csrf.CsrfViewMiddleware' in your MIDDLEWARE, but you have not set CSRF_COOKIE_SECURE to True. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.
?: (security.W018) You should not have DEBUG set to True in deployment.
?: (security.W020) ALLOWED_HOSTS must not be empty in deployment.

System check identified 8 issues (0 silenced).
`;
const RECORDED_TEST = `Found 6 test(s).
System check identified no issues (0 silenced).
EF.EFE
======================================================================
ERROR: test_boom (blog.tests.PostTests.test_boom)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/djx/blog/tests.py", line 20, in test_boom
    {}["missing"]
    ~~^^^^^^^^^^^
KeyError: 'missing'

======================================================================
ERROR: test_reverse (blog.tests.PostTests.test_reverse)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/djx/blog/tests.py", line 26, in test_reverse
    reverse("no-such-name")
  File "/usr/lib/python3/dist-packages/django/urls/base.py", line 88, in reverse
    return resolver._reverse_with_prefix(view, prefix, *args, **kwargs)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/django/urls/resolvers.py", line 828, in _reverse_with_prefix
    raise NoReverseMatch(msg)
django.urls.exceptions.NoReverseMatch: Reverse for 'no-such-name' not found. 'no-such-name' is not a valid view function or pattern name.

======================================================================
ERROR: test_zero (blog.tests.PostTests.test_zero)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/djx/blog/tests.py", line 23, in test_zero
    x = 1 + 1 // 0
            ~~^^~~
ZeroDivisionError: integer division or modulo by zero

======================================================================
FAIL: test_helper (blog.tests.PostTests.test_helper)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/djx/blog/tests.py", line 17, in test_helper
    helper(3)
  File "/tmp/djx/blog/tests.py", line 6, in helper
    assert x == 2, "x should be 2"
           ^^^^^^
AssertionError: x should be 2

======================================================================
FAIL: test_title (blog.tests.PostTests.test_title)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/tmp/djx/blog/tests.py", line 14, in test_title
    self.assertEqual("draft", "published")
AssertionError: 'draft' != 'published'
- draft
+ published


----------------------------------------------------------------------
Ran 6 tests in 0.006s

FAILED (failures=2, errors=3)
`;
const RECORDED_RUNSERVER = `Watching for file changes with StatReloader
Performing system checks...

System check identified no issues (0 silenced).
November 26, 2026 - 16:52:20
Django version 4.2.21, using settings 'mysite.settings'
Starting development server at http://127.0.0.1:8765/
Quit the server with CONTROL-C.
/tmp/djx/blog/models.py changed, reloading.
Watching for file changes with StatReloader
Performing system checks...
`;

const TESTS_PY = `from django.test import SimpleTestCase
from django.urls import reverse


def helper(x):
    assert x == 2, "x should be 2"


class PostTests(SimpleTestCase):
    def test_ok(self):
        self.assertEqual(1, 1)

    def test_title(self):
        self.assertEqual("draft", "published")

    def test_helper(self):
        helper(3)

    def test_boom(self):
        {}["missing"]

    def test_zero(self):
        x = 1 + 1 // 0

    def test_reverse(self):
        reverse("no-such-name")
`;
/** 1-based line of the first line of TESTS_PY containing `needle`. */
const testLine = (needle: string) => TESTS_PY.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** What the matchers must find in `manage.py test` output on TESTS_PY (in the order Django prints). */
function expectedTestProblems(testsPy: string): Problem[] {
  return [
    { file: testsPy, line: testLine('{}["missing"]'), message: "KeyError: 'missing'", severity: 'error' },
    // test_reverse: the exception is raised in Django's code, so no problem (frames of installed packages are skipped).
    { file: testsPy, line: testLine('1 // 0'), message: 'ZeroDivisionError: integer division or modulo by zero', severity: 'error' },
    { file: testsPy, line: testLine('assert x == 2'), message: 'AssertionError: x should be 2', severity: 'error' },
    { file: testsPy, line: testLine('self.assertEqual("draft"'), message: "AssertionError: 'draft' != 'published'", severity: 'error' },
  ];
}

/** The matchers of a system-check run where nothing places its problems (tasks.json's own, `test`, `runserver`). */
const CHECK_MATCHERS = ['$django-check', ...PROBLEM_MATCHERS.check];

/** The problems of `manage.py check --deploy` on the demo with `title = models.CharField()`: the error, then the deployment warnings. */
function expectCheckProblems(problems: Problem[], manage: string): void {
  expect(problems[0]).toEqual({ file: manage, message: "blog.Post.title: (fields.E120) CharFields must define a 'max_length' attribute.", severity: 'error', code: 'fields.E120' });
  const warnings = problems.slice(1);
  expect(warnings.map((p) => p.code)).toEqual(expect.arrayContaining(['security.W004', 'security.W018']));
  for (const p of warnings) {
    expect(p).toMatchObject({ file: manage, severity: 'warning', code: expect.stringMatching(/^security\.W\d+$/) });
    expect(p.message).toMatch(/^\?: \(security\.W\d+\) \S/);
  }
  expect(problems.find((p) => p.code === 'security.W018')?.message).toBe('?: (security.W018) You should not have DEBUG set to True in deployment.');
}

describe('problem matchers on recorded Django 4.2 output', () => {
  test('manage.py check: each check line a problem on manage.py (the output names no file), its severity from the id', () => {
    const { problems } = runMatchers(RECORDED_CHECK, CHECK_MATCHERS, '/tmp/djx');
    expect(problems).toHaveLength(8);
    expectCheckProblems(problems, '/tmp/djx/manage.py');
  });

  test("manage.py test: each failure at its last frame in the project's code, with the exception line", () => {
    const { problems } = runMatchers(RECORDED_TEST, PROBLEM_MATCHERS.test, '/tmp/djx');
    expect(problems).toEqual(expectedTestProblems('/tmp/djx/blog/tests.py'));
  });

  test('manage.py runserver: started at "Starting development server", busy again on a reload', () => {
    const { problems, events } = runMatchers(RECORDED_RUNSERVER, PROBLEM_MATCHERS.runserver, '/tmp/djx');
    expect(events).toEqual(['ends', 'begins']);
    expect(problems).toEqual([]);
  });

  test('a SyntaxError traceback (no "in <function>", the caret line) and a traceback ending in the standard library', () => {
    const out = `Traceback (most recent call last):
  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import
  File "/srv/site/blog/models.py", line 9
    title = models.CharField(max_length=200
                            ^
SyntaxError: '(' was never closed
`;
    expect(runMatchers(out, CHECK_MATCHERS, '/srv/site').problems).toEqual([
      { file: '/srv/site/blog/models.py', line: 9, message: "SyntaxError: '(' was never closed", severity: 'error' },
    ]);
    const stdlib = `Traceback (most recent call last):\n  File "/usr/lib/python3.11/json/decoder.py", line 355, in raw_decode\n    raise JSONDecodeError("Expecting value", s, err.value) from None\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n`;
    expect(runMatchers(stdlib, PROBLEM_MATCHERS.test, '/srv/site').problems).toEqual([]);
  });

  test('every matcher a task names is contributed, with an owner and a file location', () => {
    for (const ref of new Set(Object.values(PROBLEM_MATCHERS).flat())) {
      const m = PACKAGE.contributes.problemMatchers.find((x: { name: string }) => `$${x.name}` === ref);
      expect(m, ref).toBeDefined();
      expect(m.owner, ref).toBe('django');
      expect(matcher(ref).patterns.length, ref).toBeGreaterThan(0);
    }
    expect(PACKAGE.contributes.taskDefinitions[0]).toMatchObject({ type: 'django', required: ['command'] });
    expect(Object.keys(PACKAGE.contributes.taskDefinitions[0].properties)).toEqual(['command', 'args', 'project']);
  });
});

// ---- the same on output Django prints now -----------------------------------------------------

/** Runs `manage.py ARGS` in `dir`, stdout and stderr into one stream as in a terminal. */
function manage(dir: string, ...args: string[]): { status: number | null; output: string } {
  const file = path.join(dir, '.output.txt');
  const fd = fs.openSync(file, 'w');
  try {
    const r = spawnSync(DEBIAN_PYTHON, ['manage.py', ...args], { cwd: dir, stdio: ['ignore', fd, fd], timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    return { status: r.status, output: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.closeSync(fd);
  }
}

describe.skipIf(!django)('problem matchers on the output of Django 4.2 (live)', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-tasks-')));
    fs.cpSync(path.join(FIXTURES, 'demo'), dir, { recursive: true });
  });

  test('manage.py check --deploy on a model without max_length: the error and the warnings', () => {
    const models = path.join(dir, 'blog/models.py');
    const good = fs.readFileSync(models, 'utf8');
    expect(good).toContain('title = models.CharField(max_length=200)');
    fs.writeFileSync(models, good.replace('title = models.CharField(max_length=200)', 'title = models.CharField()'));
    try {
      const r = manage(dir, 'check', '--deploy');
      expect(r.status, r.output).toBe(1);
      const { problems } = runMatchers(r.output, CHECK_MATCHERS, dir);
      expect(problems.length).toBeGreaterThan(2);
      expectCheckProblems(problems, path.join(dir, 'manage.py'));
    } finally {
      fs.writeFileSync(models, good);
    }
  });

  test('manage.py test with failing tests: file, line and exception of each failure raised in the project', () => {
    const testsPy = path.join(dir, 'blog/tests.py');
    fs.writeFileSync(testsPy, TESTS_PY);
    const r = manage(dir, 'test', 'blog');
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain('FAILED (failures=2, errors=3)');
    expect(runMatchers(r.output, PROBLEM_MATCHERS.test, dir).problems).toEqual(expectedTestProblems(testsPy));
  });

  test('manage.py runserver: the background matcher sees it start', async () => {
    const port = await freePort();
    const child = spawn(DEBIAN_PYTHON, ['manage.py', 'runserver', '--noreload', String(port)], { cwd: dir, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`runserver did not start:\n${output}`)), 60_000);
        const onData = (d: Buffer) => {
          output += String(d);
          if (/Quit the server with /.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`runserver exited:\n${output}`)));
      });
    } finally {
      child.kill();
    }
    const { problems, events } = runMatchers(output, PROBLEM_MATCHERS.runserver, dir);
    expect(events).toEqual(['ends']);
    expect(problems).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
