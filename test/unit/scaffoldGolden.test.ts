/**
 * Golden files: each scaffold planned on `test/fixtures/styled` — settings and URLconfs written in
 * an unusual but valid style (single quotes, two-space indents, comments inside lists, no trailing
 * commas, `urlpatterns = [...] + static(...)`, unsorted imports) — must give exactly the files in
 * `test/golden/scaffold/<case>/`: the new code in the project's style, every other byte kept.
 * `UPDATE_GOLDEN=1` rewrites them (then read the diff before committing).
 * Applied one after another through the CLI, Django itself must accept the result.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, DEBIAN_PYTHON, pythonHas } from '../helpers';
import { initPython } from '../../server/src/core/python/parser';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { scaffoldKind, type ScaffoldValues } from '../../server/src/core/scaffold/kinds';
import { textChanges } from '../../server/src/core/scaffold/edits';

const STYLED = path.join(FIXTURES, 'styled');
const GOLDEN = path.resolve(__dirname, '../golden/scaffold');
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const django = pythonHas('django');

/** Each case: the scaffold, its inputs, and the CLI arguments that make the same thing (ROOT: the project). */
const ROOT = 'ROOT';
const CASES: { name: string; kind: string; values: ScaffoldValues; cli: string[] }[] = [
  { name: 'app', kind: 'app', values: { name: 'journal' }, cli: ['app', 'journal', ROOT] },
  { name: 'view-function', kind: 'view', values: { app: 'notes', kind: 'function', name: 'recent' }, cli: ['view', 'notes', 'recent', ROOT, '--kind', 'function'] },
  { name: 'view-list', kind: 'view', values: { app: 'notes', kind: 'list', model: 'notes.Note', name: 'NoteListView' }, cli: ['view', 'notes', 'NoteListView', ROOT, '--kind', 'list', '--model', 'notes.Note'] },
  { name: 'model', kind: 'model', values: { app: 'notes', name: 'Tag', fields: 'label:CharField, note:ForeignKey(notes.Note), owner:ForeignKey(auth.User)' }, cli: ['model', 'notes', 'Tag', ROOT, '--fields', 'label:CharField,note:ForeignKey(notes.Note),owner:ForeignKey(auth.User)'] },
  { name: 'middleware', kind: 'middleware', values: { app: 'notes', name: 'TimingMiddleware', position: '1' }, cli: ['middleware', 'notes', 'TimingMiddleware', ROOT, '--position', '1'] },
  { name: 'middleware-end', kind: 'middleware', values: { app: 'notes', name: 'AuditMiddleware' }, cli: ['middleware', 'notes', 'AuditMiddleware', ROOT] },
  { name: 'command', kind: 'command', values: { app: 'notes', name: 'prune_notes' }, cli: ['command', 'notes', 'prune_notes', ROOT] },
  { name: 'template', kind: 'template', values: { name: 'notes/archive.html' }, cli: ['template', 'notes/archive.html', ROOT] },
];

describe('scaffolds keep the project\'s style and every unrelated byte (golden files on the styled fixture)', () => {
  beforeAll(() => initPython());

  for (const c of CASES) {
    test(c.name, async () => {
      const project = (await Workspace.open(new DiskHost(), STYLED)).projects[0];
      const plan = scaffoldKind(c.kind)!.plan(project, c.values);
      const dir = path.join(GOLDEN, c.name);
      const got = new Map(plan.edits.map((e) => [path.relative(STYLED, e.file).split(path.sep).join('/'), e]));
      if (process.env.UPDATE_GOLDEN) {
        fs.rmSync(dir, { recursive: true, force: true });
        for (const [rel, e] of got) {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), e.after);
        }
      }
      const expected = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join('/'));
      expect([...got.keys()].sort()).toEqual(expected.sort());
      for (const [rel, e] of got) {
        expect(e.after, rel).toBe(fs.readFileSync(path.join(dir, rel), 'utf8'));
        if (e.before === undefined) continue;
        // An edit only adds: every line that was there is still there, and no line is merely re-indented or re-quoted.
        const changes = textChanges(e.before, e.after);
        for (const ch of changes) {
          const removed = e.before.slice(ch.start, ch.end);
          // The only lines replaced are an import gaining a name or a list's last item gaining its comma.
          for (const line of removed.split('\n').filter(Boolean)) {
            const kept = ch.text.split('\n').find((l) => l.startsWith(line.replace(/\s*(#.*)?$/, '')));
            expect(kept, `${rel}: '${line}' was rewritten`).toBeDefined();
          }
        }
      }
    });
  }

  test.skipIf(!django)('applied one after another by the CLI, Django accepts the project: check, resolve, templates', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-styled-'));
    fs.cpSync(STYLED, dir, { recursive: true });
    for (const c of CASES) {
      const r = spawnSync('node', [CLI, 'new', ...c.cli.map((a) => (a === ROOT ? dir : a))], { encoding: 'utf8', timeout: 60000 });
      expect(r.status, `${c.name}: ${r.stderr}`).toBe(0);
    }
    const check = spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 });
    expect(check.status, check.stderr).toBe(0);
    const resolved = JSON.parse(execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_urls.py'), dir, '--resolve', '/notes/recent/', '/notes/notes/', '/journal/', '/media/x.png'], { encoding: 'utf8', timeout: 120000 })) as { match: { view: { qualname: string } } | null }[];
    expect(resolved.map((r) => r.match?.view.qualname ?? null)).toEqual(['recent', 'NoteListView', null, 'serve']);
    const settings = JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c', [
      'import json, os, sys, django', 'sys.path.insert(0, ".")', 'os.environ["DJANGO_SETTINGS_MODULE"] = "styled.settings"', 'django.setup()',
      'from django.conf import settings', 'from django.apps import apps', 'from django.template.loader import render_to_string',
      'print(json.dumps({"middleware": settings.MIDDLEWARE, "apps": [a.label for a in apps.get_app_configs()], "tag": [f.name for f in apps.get_model("notes", "Tag")._meta.get_fields()],',
      '  "archive": render_to_string("notes/archive.html")}))',
    ].join('\n')], { cwd: dir, encoding: 'utf8', timeout: 120000 })) as { middleware: string[]; apps: string[]; tag: string[]; archive: string };
    expect(settings.middleware[1]).toBe('notes.middleware.TimingMiddleware');
    expect(settings.middleware[settings.middleware.length - 1]).toBe('notes.middleware.AuditMiddleware');
    expect(settings.apps).toContain('journal');
    expect(settings.tag).toEqual(expect.arrayContaining(['label', 'note', 'owner']));
    // The new template renders as its parent until edited: no block of base.html is blanked.
    expect(settings.archive).toContain('<title>Notes</title>');
    expect(settings.archive).toContain('<footer>styled</footer>');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
