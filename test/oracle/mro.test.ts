/**
 * The MRO oracle: for every class-based view routed by a fixture's URLs, our `project.mro()` equals
 * Python's own `__mro__` (test/oracle/django_mro.py): the same classes, `module.qualname`, in the
 * same order. Live when Debian's python3 has Django and DRF, else the recorded
 * expected/<case>.mro.json.
 *
 * Normalized: Python's MRO ends with `builtins.object`; ours may end with `object` (a builtin name)
 * or leave it out, so a trailing `object` is dropped from both sides. With live Django nothing else
 * is: Django's and DRF's sources are readable then, and a base we could not read (shown as its
 * dotted name) fails the comparison. With the recorded expectations the machine may have no Django
 * sources, so our MRO is compared up to its first unread base (the same classes in the same order
 * up to there).
 */
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture, FIXTURES, DEBIAN_PYTHON } from '../helpers';
import { cases, live, type Case } from './cases';
import type { DjangoProject } from '../../server/src/core/project';

const EXPECTED = path.join(__dirname, 'expected');

/**
 * View classes whose MRO we are known to get wrong, as `<case> <module.qualname>` → why; each is an
 * open bug: remove the entry when it is fixed (the test fails while a listed class agrees).
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

type Mros = Record<string, string[]>;

const liveMros = new Map<string, Mros>();

function djangoMros(c: Case): Mros {
  if (!live) return recorded(c);
  let hit = liveMros.get(c.name);
  if (!hit) {
    const args = [path.join(__dirname, 'django_mro.py'), path.join(FIXTURES, c.dir), ...(c.settings ? ['--settings', c.settings] : [])];
    hit = JSON.parse(execFileSync(DEBIAN_PYTHON, args, { encoding: 'utf8', timeout: 60000 })).views as Mros;
    liveMros.set(c.name, hit);
  }
  return hit;
}

function recorded(c: Case): Mros {
  return JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.mro.json`), 'utf8')).views as Mros;
}

const isObject = (fq: string) => fq === 'object' || fq === 'builtins.object';

function withoutObject(mro: string[]): string[] {
  return mro.length && isObject(mro[mro.length - 1]) ? mro.slice(0, -1) : mro;
}

/** Our MRO of every class view of the URL tree, keyed like django_mro.py, and how many leading entries we could read. */
function ourMros(project: DjangoProject): Record<string, { mro: string[]; read: number }> {
  const out: Record<string, { mro: string[]; read: number }> = {};
  for (const leaf of project.urlTree().leaves) {
    const v = leaf.pattern.view;
    if (!v || v.kind !== 'class' || !v.def) continue;
    const entries = project.mro(v.def);
    const unread = entries.findIndex((e) => !e.def);
    out[`${v.module}.${v.qualname}`] = {
      mro: entries.map((e) => (e.module ? `${e.module}.${e.qualname}` : e.qualname)),
      read: unread < 0 ? entries.length : unread,
    };
  }
  return out;
}

describe(`MROs of class-based views equal Python's (${live ? 'live Django' : 'recorded expectations'})`, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const project = await openFixture(c.dir, c.settings);
      const django = djangoMros(c);
      const ours = ourMros(project);
      const differ: string[] = [];
      const fixed: string[] = [];
      for (const [cls, mro] of Object.entries(django)) {
        const our = ours[cls];
        // Recorded mode: up to our first unread base (when `object` is the unread one, all of it).
        const cut = !live && our && our.read < withoutObject(our.mro).length ? our.read : undefined;
        const theirs = withoutObject(mro).slice(0, cut).join(' → ');
        const mine = our ? withoutObject(our.mro).slice(0, cut).join(' → ') : '(not a class view for us)';
        const known = KNOWN_DISAGREEMENTS[`${c.name} ${cls}`];
        if (known !== undefined) {
          if (mine === theirs) fixed.push(`${c.name} ${cls}`);
        } else if (mine !== theirs) {
          differ.push(`${cls}\n  ours:   ${mine}\n  python: ${theirs}`);
        }
      }
      expect(differ.join('\n')).toBe('');
      expect(fixed, 'these now agree with Python: remove them from KNOWN_DISAGREEMENTS').toEqual([]);
    });
  }

  test('every fixture with class-based views is covered', () => {
    // Guards against a silently empty comparison (e.g. django_mro.py finding no view class).
    const total = cases.reduce((n, c) => n + Object.keys(djangoMros(c)).length, 0);
    expect(total).toBeGreaterThan(10);
  });

  test('the recorded expectations are current', () => {
    if (!live) return;
    for (const c of cases) {
      const file = path.join(EXPECTED, `${c.name}.mro.json`);
      expect(fs.existsSync(file), `${file} missing: run test/oracle/regenerate.sh`).toBe(true);
      expect(recorded(c), `${c.name}: run test/oracle/regenerate.sh`).toEqual(djangoMros(c));
    }
  });
});
