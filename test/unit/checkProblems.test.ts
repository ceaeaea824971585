/**
 * The check task's problems at their place (client/src/manageTasks.ts parseCheckOutput, then
 * server/src/features/checkObjects.ts): Django's system-check output names objects, not files —
 * a field, a ModelAdmin, `?` for the settings — and each is found in the source. On recorded
 * output, and on what Django 4.2 prints for a broken copy of the demo when python3-django is there.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, DEBIAN_PYTHON, pythonHas } from '../helpers';
import { parseCheckOutput } from '../../client/src/manageTasks';
import { locateCheckProblem } from '../../server/src/features/checkObjects';
import { initPython } from '../../server/src/core/python/parser';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import type { DjangoProject } from '../../server/src/core/project';

const django = pythonHas('django');

const OUTPUT = `SystemCheckError: System check identified some issues:

ERRORS:
<class 'blog.admin.PostAdmin'>: (admin.E108) The value of 'list_display[1]' refers to 'nope', which is not a callable, an attribute of 'PostAdmin', or an attribute or method on 'blog.Post'.
blog.Tag.name: (fields.E120) CharFields must define a 'max_length' attribute.
auth.User.groups: (fields.E304) Reverse accessor 'Group.user_set' for 'auth.User.groups' clashes with reverse accessor for 'shop.Customer.groups'.
\tHINT: Add or change a related_name argument to the definition for 'auth.User.groups' or 'shop.Customer.groups'.

WARNINGS:
?: (security.W008) Your SECURE_SSL_REDIRECT setting is not set to True. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting True or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.
?: (security.W009) Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django.
?: (security.W018) You should not have DEBUG set to True in deployment.
blog.Post: (models.W042) Auto-created primary key used when not defining a primary key type, by default 'django.db.models.AutoField'.
\tHINT: Configure the DEFAULT_AUTO_FIELD setting or the BlogConfig.default_auto_field attribute to point to a subclass of AutoField, e.g. 'django.db.models.BigAutoField'.

System check identified 7 issues (0 silenced).
`;

/** 0-based line of the first line of `rel` (in `root`) containing `needle`. */
function lineIn(root: string, rel: string, needle: string): number {
  const i = fs.readFileSync(path.join(root, rel), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  expect(i, `${needle} in ${rel}`).toBeGreaterThanOrEqual(0);
  return i;
}

async function open(dir: string): Promise<DjangoProject> {
  await initPython();
  return (await Workspace.open(new DiskHost(), dir)).projects[0];
}

/** Where each problem of `output` is, as `file:line` relative to the project (or null). */
function places(project: DjangoProject, output: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const p of parseCheckOutput(output)) {
    const loc = locateCheckProblem(project, p);
    out[`${p.object} ${p.id}`] = loc ? `${path.relative(project.root, loc.file)}:${loc.line}` : null;
  }
  return out;
}

describe('parseCheckOutput', () => {
  test('one problem per check line: object, id, message, the hint below it, the severity from the id', () => {
    const problems = parseCheckOutput(OUTPUT);
    expect(problems.map((p) => [p.object, p.id, p.severity])).toEqual([
      ["<class 'blog.admin.PostAdmin'>", 'admin.E108', 'error'],
      ['blog.Tag.name', 'fields.E120', 'error'],
      ['auth.User.groups', 'fields.E304', 'error'],
      ['?', 'security.W008', 'warning'],
      ['?', 'security.W009', 'warning'],
      ['?', 'security.W018', 'warning'],
      ['blog.Post', 'models.W042', 'warning'],
    ]);
    expect(problems[1].message).toBe("CharFields must define a 'max_length' attribute.");
    expect(problems[2].hint).toBe("Add or change a related_name argument to the definition for 'auth.User.groups' or 'shop.Customer.groups'.");
    expect(problems[6].hint).toMatch(/^Configure the DEFAULT_AUTO_FIELD setting/);
    expect(problems[1].hint).toBeUndefined();
  });

  test('ids without a level letter take the header they are under; other lines are not problems', () => {
    const out = 'Traceback (most recent call last):\nValueError: bad (thing) here\nWARNINGS:\nmyapp.Thing: (myapp.custom) Something odd.\nERRORS:\n?: (E1) Bad.\n';
    expect(parseCheckOutput(out).map((p) => [p.object, p.id, p.severity])).toEqual([['myapp.Thing', 'myapp.custom', 'warning'], ['?', 'E1', 'error']]);
    expect(parseCheckOutput('System check identified no issues (0 silenced).\n')).toEqual([]);
  });

  test('a hint over several indented lines is kept whole; a traceback after a problem is not taken into it', () => {
    const out = 'WARNINGS:\n?: (wagtailadmin.W001) CSS for the Wagtail admin is missing\n\tHINT: \n\t\tMost likely you are running a development (non-packaged) copy of\n\t\tWagtail and have not built the static assets.\n\t\tFile not found: /x/core.css\n'
      + 'blog.Post: (models.W042) Auto-created primary key used.\nTraceback (most recent call last):\n  File "/x/manage.py", line 3, in <module>\n';
    const [w, p] = parseCheckOutput(out);
    expect(w.hint).toBe('Most likely you are running a development (non-packaged) copy of\nWagtail and have not built the static assets.\nFile not found: /x/core.css');
    expect(p.message).toBe('Auto-created primary key used.');
    expect(p.hint).toBeUndefined();
  });
});

describe('locateCheckProblem on the demo', () => {
  test('a field, a ModelAdmin attribute, a model, the settings a message names; a library model is not placed', async () => {
    const root = path.join(FIXTURES, 'demo');
    const project = await open(root);
    expect(places(project, OUTPUT)).toEqual({
      "<class 'blog.admin.PostAdmin'> admin.E108": `blog/admin.py:${lineIn(root, 'blog/admin.py', 'list_display =')}`,
      'blog.Tag.name fields.E120': `blog/models.py:${lineIn(root, 'blog/models.py', 'name = models.CharField(max_length=50')}`,
      'auth.User.groups fields.E304': null,
      // SECURE_SSL_REDIRECT is not set: the settings module.
      '? security.W008': 'mysite/settings.py:0',
      '? security.W009': `mysite/settings.py:${lineIn(root, 'mysite/settings.py', 'SECRET_KEY =')}`,
      '? security.W018': `mysite/settings.py:${lineIn(root, 'mysite/settings.py', 'DEBUG =')}`,
      'blog.Post models.W042': `blog/models.py:${lineIn(root, 'blog/models.py', 'class Post(')}`,
    });
    // The setting a deployment check is about, not the first one its message names; any ALL_CAPS setting name.
    const at = (id: string, message: string) => locateCheckProblem(project, { object: '?', id, message })?.line;
    expect(at('security.W020', 'You have MIDDLEWARE, but ALLOWED_HOSTS must not be empty in deployment.')).toBe(lineIn(root, 'mysite/settings.py', 'ALLOWED_HOSTS ='));
    expect(at('x.E1', 'Your ROOT_URLCONF is odd.')).toBe(lineIn(root, 'mysite/settings.py', 'ROOT_URLCONF ='));
    expect(at('x.E2', 'Your INSTALLED_APPS setting is odd.')).toBe(lineIn(root, 'mysite/settings.py', 'INSTALLED_APPS ='));
  });

  test("a field the project's model inherits from a library class (AbstractUser.groups): the model", async () => {
    const root = path.join(FIXTURES, 'models_site');
    const project = await open(root);
    const loc = locateCheckProblem(project, { object: 'accounts.User.groups', id: 'fields.E304', message: "Reverse accessor 'Group.user_set' clashes." });
    expect(loc && `${path.relative(root, loc.file)}:${loc.line}`).toBe(`accounts/models.py:${lineIn(root, 'accounts/models.py', 'class User(AbstractUser)')}`);
  });

  test('objects that are not there, odd objects: not placed, never a throw', async () => {
    const project = await open(path.join(FIXTURES, 'demo'));
    for (const object of ['blog.Nope', 'blog.Post.nope', '<function view at 0x7f3a>', "<class 'nowhere.Thing'>", 'just words', '']) {
      expect(() => locateCheckProblem(project, { object, id: 'x.E1', message: 'm' })).not.toThrow();
    }
    // A field that is not there: its model.
    expect(locateCheckProblem(project, { object: 'blog.Post.nope', id: 'x.E1', message: 'm' })?.line).toBe(lineIn(project.root, 'blog/models.py', 'class Post('));
    expect(locateCheckProblem(project, { object: 'nowhere.Thing', id: 'x.E1', message: 'm' })).toBeUndefined();
  });
});

describe.skipIf(!django)('on what Django 4.2 prints (live)', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-check-')));
    fs.cpSync(path.join(FIXTURES, 'demo'), dir, { recursive: true });
    const edit = (rel: string, from: string, to: string) => {
      const file = path.join(dir, rel);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain(from);
      fs.writeFileSync(file, text.replace(from, to));
    };
    edit('blog/models.py', 'name = models.CharField(max_length=50, unique=True)', 'name = models.CharField(unique=True)');
    edit('blog/admin.py', 'list_display = ["title", "author", "published", "created"]', 'list_display = ["title", "nope"]');
  });

  test('manage.py check --deploy on a broken demo: every problem Django prints is placed at its object', async () => {
    const r = spawnSync(DEBIAN_PYTHON, ['manage.py', 'check', '--deploy'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(r.status, r.stderr).toBe(1);
    const project = await open(dir);
    const got = places(project, r.stderr + r.stdout);
    expect(got).toMatchObject({
      "<class 'blog.admin.PostAdmin'> admin.E108": `blog/admin.py:${lineIn(dir, 'blog/admin.py', 'list_display =')}`,
      'blog.Tag.name fields.E120': `blog/models.py:${lineIn(dir, 'blog/models.py', 'name = models.CharField(unique=True)')}`,
      '? security.W018': `mysite/settings.py:${lineIn(dir, 'mysite/settings.py', 'DEBUG =')}`,
      '? security.W020': `mysite/settings.py:${lineIn(dir, 'mysite/settings.py', 'ALLOWED_HOSTS =')}`,
    });
    // Every problem Django printed is placed somewhere in the project.
    expect(Object.entries(got).filter(([, at]) => at === null)).toEqual([]);
  });
});
