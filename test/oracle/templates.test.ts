/**
 * The template oracle: for every fixture project, our `templates` table equals what Django's own
 * template engines say (test/oracle/django_templates.py, Debian's python3-django 4.2 + Jinja2):
 * the loadable names, the file each loads, its literal parent, its blocks in source order and the
 * files it shadows; and the `{% load %}` library map. Live from Django when it is installed, else
 * the recorded expectations (then only the project's own files: library paths are the machine's).
 */
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture, FIXTURES, pythonHas, DEBIAN_PYTHON } from '../helpers';
import { templateTable, type TemplateRow } from '../../server/src/core/templates/table';

const EXPECTED = path.join(__dirname, 'expected');
const PY = DEBIAN_PYTHON;

const live = pythonHas('django', 'jinja2');

const cases: { name: string; dir: string; settings?: string }[] = [
  { name: 'templates_site', dir: 'templates_site' },
  { name: 'demo', dir: 'demo' },
  { name: 'split_src', dir: 'split_src' },
  { name: 'drf_i18n', dir: 'drf_i18n' },
  { name: 'monorepo.api', dir: 'monorepo/services/api' },
  { name: 'monorepo.web', dir: 'monorepo/services/web' },
  { name: 'models_site', dir: 'models_site' },
];

interface Oracle {
  templates: (TemplateRow & { error?: string })[];
  libraries: Record<string, string>;
}

function oracle(c: (typeof cases)[number]): Oracle {
  if (live) {
    const args = [path.join(__dirname, 'django_templates.py'), path.join(FIXTURES, c.dir), ...(c.settings ? ['--settings', c.settings] : [])];
    return JSON.parse(execFileSync(PY, args, { encoding: 'utf8', timeout: 60000 }));
  }
  return JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.templates.json`), 'utf8'));
}

const key = (r: TemplateRow) => JSON.stringify([r.name, r.file, r.extends, r.blocks, r.shadows, r.engine]);
const own = (r: TemplateRow) => !path.isAbsolute(r.file);

describe(`template tables equal Django's loaders (${live ? 'live Django' : 'recorded expectations'})`, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const project = await openFixture(c.dir, c.settings);
      const django = oracle(c);
      const ours = templateTable(project).templates.filter((r) => live || own(r)).map(key);
      const theirs = django.templates.filter((r) => live || own(r)).map(key);
      expect(ours).toEqual(theirs);
      // The {% load %} names Django registers for the first Django engine.
      const engine = project.templates().djangoEngine();
      if (engine) {
        const libs = Object.fromEntries([...project.templates().loadable(engine)].sort(([a], [b]) => (a < b ? -1 : 1)));
        const expected = Object.fromEntries(Object.entries(django.libraries).filter(([, m]) => live || !m.startsWith('django.')));
        expect(Object.fromEntries(Object.entries(libs).filter(([, m]) => live || !m.startsWith('django.')))).toEqual(expected);
      }
    });
  }

  test('the recorded expectations are current', () => {
    if (!live) return;
    for (const c of cases) {
      const recorded = JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.templates.json`), 'utf8')) as Oracle;
      expect(recorded.templates.map(key), c.name).toEqual(oracle(c).templates.map(key));
    }
  });
});
