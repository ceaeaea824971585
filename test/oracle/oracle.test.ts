/**
 * The oracle test: for every fixture project, our URL table equals the one Django's own resolver
 * produced (test/oracle/expected/*.json, made by django_urls.py with Debian's python3-django 4.2 +
 * DRF 3.14): same leaves in the same order, same route, namespaced name, view module + qualname,
 * and the view's file and line. Where Django is installed, the expectations are first re-made from
 * Django live, so a stale expected file cannot hide a difference.
 */
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture, FIXTURES, DEBIAN_PYTHON } from '../helpers';
import { cases, live, type Case } from './cases';
import { urlTable } from '../../server/src/core/urls/table';
import { diffTables, type Row } from './compare';

const EXPECTED = path.join(__dirname, 'expected');
const PY = DEBIAN_PYTHON;

/** Django's table: live from Django when it is installed, else the committed expectation. */
function djangoTable(c: Case): Row[] {
  if (live) {
    const args = [path.join(__dirname, 'django_urls.py'), path.join(FIXTURES, c.dir), ...(c.settings ? ['--settings', c.settings] : [])];
    return JSON.parse(execFileSync(PY, args, { encoding: 'utf8', timeout: 60000 })).urls;
  }
  return JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.json`), 'utf8')).urls;
}

describe(`URL tables equal Django's resolver (${live ? 'live Django' : 'recorded expectations'})`, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const project = await openFixture(c.dir, c.settings);
      const ours = urlTable(project).urls;
      const django = djangoTable(c);
      expect(django.length).toBeGreaterThan(0);
      expect(diffTables(ours, django).join('\n')).toBe('');
    });
  }

  test('the recorded expectations are current', () => {
    if (!live) return;
    for (const c of cases) {
      const recorded = JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.json`), 'utf8')).urls as Row[];
      expect(diffTables(recorded, djangoTable(c)), c.name).toEqual([]);
    }
  });
});
