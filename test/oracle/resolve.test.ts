/**
 * The resolve oracle: for every path of a fixture (hand-written test/oracle/paths/<fixture>.txt and
 * the generated paths/<case>.gen.txt from gen_paths.py), our `resolve()` gives what Django's does:
 * the normalized path, the leaf route, the namespaced name, the converted kwargs and the view, or
 * no match and the APPEND_SLASH redirect. Django's answers come live from django_urls.py
 * --resolve-file when Debian's python3 has Django and DRF, else from the recorded
 * expected/<case>.resolve.json. Paths are given to our resolver as written (full URLs included).
 */
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture, FIXTURES, DEBIAN_PYTHON, rootRelative } from '../helpers';
import { cases, live, type Case } from './cases';
import { Resolver } from '../../server/src/core/urls/resolve';
import { viewJson } from '../../server/src/core/urls/table';
import type { DjangoProject } from '../../server/src/core/project';

const EXPECTED = path.join(__dirname, 'expected');
const PATHS = path.join(__dirname, 'paths');

/**
 * Paths where our resolver is known to disagree with Django, as `<case> <path>` → why. Each is an
 * open bug in server/src/core/urls/resolve.ts (see /tmp/resolve-disagreements.md when it was
 * found): remove the entry when it is fixed (the test fails while a listed path agrees).
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

/**
 * The path lists of a case, in order: the fixture's hand-written list (paths/<fixture>.txt, named
 * by the case's first part), then the generated list of every case on the same fixture folder
 * (split_src's DEBUG paths are asked under prod settings too). regenerate.sh passes the same.
 */
function pathFiles(c: Case): string[] {
  const hand = path.join(PATHS, `${c.name.split('.')[0]}.txt`);
  const generated = cases.filter((o) => o.dir === c.dir).map((o) => path.join(PATHS, `${o.name}.gen.txt`));
  return [hand, ...generated].filter((f) => fs.existsSync(f));
}

/** The paths django_urls.py --resolve-file reads from those files: no blank or `#` lines, each once. */
function pathsOf(c: Case): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of pathFiles(c)) {
    for (const raw of fs.readFileSync(f, 'utf8').split('\n')) {
      const p = raw.replace(/[\r\n]+$/, '');
      if (!p.trim() || p.trimStart().startsWith('#') || seen.has(p)) continue;
      seen.add(p);
      out.push(p);
    }
  }
  return out;
}

interface Answer {
  path: string;
  match: { route: string; name: string | null; kwargs: Record<string, unknown>; view: { module: string; qualname: string; file: string | null; line: number | null } | null } | null;
  redirect: string | null;
}

const liveAnswers = new Map<string, Answer[]>();

/** Django's answers: live when Django is installed (once per case), else the recorded ones. */
function djangoAnswers(c: Case): Answer[] {
  if (!live) return recorded(c);
  let hit = liveAnswers.get(c.name);
  if (!hit) {
    const args = [
      path.join(__dirname, 'django_urls.py'), path.join(FIXTURES, c.dir),
      ...(c.settings ? ['--settings', c.settings] : []),
      ...pathFiles(c).flatMap((f) => ['--resolve-file', f]),
    ];
    hit = JSON.parse(execFileSync(DEBIAN_PYTHON, args, { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 })) as Answer[];
    liveAnswers.set(c.name, hit);
  }
  return hit;
}

function recorded(c: Case): Answer[] {
  return JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.resolve.json`), 'utf8')) as Answer[];
}


function ourAnswer(project: DjangoProject, resolver: Resolver, input: string): Answer {
  const r = resolver.resolve(input);
  return {
    path: r.path,
    match: r.match
      ? { route: r.match.route, name: r.match.leaf.name, kwargs: rootRelative(project, r.match.kwargs), view: viewJson(project.root, r.match.leaf.pattern.view) }
      : null,
    redirect: r.redirect,
  };
}

/**
 * One answer as compared. Without live Django the machine may not have Django's sources, so the
 * file and line of a library view (an absolute path) are left out; the module and qualname stay.
 */
function show(a: Answer): string {
  const view = a.match?.view;
  const drop = !live && view?.file != null && path.isAbsolute(view.file);
  const m = a.match && { ...a.match, view: view && drop ? { module: view.module, qualname: view.qualname } : view };
  return JSON.stringify({ path: a.path, match: m, redirect: a.redirect });
}

describe(`resolve() equals Django's (${live ? 'live Django' : 'recorded expectations'})`, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const project = await openFixture(c.dir, c.settings);
      const resolver = new Resolver(project);
      const paths = pathsOf(c);
      const django = djangoAnswers(c);
      expect(django.length, `${c.name}: one answer per path (stale expected file? run regenerate.sh)`).toBe(paths.length);
      const differ: string[] = [];
      const fixed: string[] = [];
      paths.forEach((p, i) => {
        const ours = show(ourAnswer(project, resolver, p));
        const theirs = show(django[i]);
        const known = KNOWN_DISAGREEMENTS[`${c.name} ${p}`];
        if (known !== undefined) {
          if (ours === theirs) fixed.push(`${c.name} ${p}`);
        } else if (ours !== theirs) {
          differ.push(`${JSON.stringify(p)}\n  ours:   ${ours}\n  django: ${theirs}`);
        }
      });
      expect(differ.join('\n')).toBe('');
      expect(fixed, 'these now agree with Django: remove them from KNOWN_DISAGREEMENTS').toEqual([]);
    });
  }

  test('the recorded expectations are current', () => {
    if (!live) return;
    for (const c of cases) {
      const file = path.join(EXPECTED, `${c.name}.resolve.json`);
      expect(fs.existsSync(file), `${file} missing: run test/oracle/regenerate.sh`).toBe(true);
      expect(recorded(c), `${c.name}: run test/oracle/regenerate.sh`).toEqual(djangoAnswers(c));
    }
  });
});
