/**
 * The model oracle: for every fixture project, our `models` table equals Django's app registry
 * (test/oracle/django_models.py, Debian's python3-django 4.2): the models (concrete ones of every
 * installed app, the project's abstract ones), their app label, module, file and line, abstract/
 * proxy/swapped, and their fields (declared and inherited from abstract bases, in Django's order)
 * with type, related model, file and line. Live from Django when it is installed, else the
 * recorded expectations (then only the project's own models: library paths are the machine's).
 */
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture, FIXTURES, pythonHas, DEBIAN_PYTHON } from '../helpers';
import { modelTable, type ModelRow } from '../../server/src/core/models/table';

const EXPECTED = path.join(__dirname, 'expected');
const live = pythonHas('django', 'rest_framework');

const cases: { name: string; dir: string }[] = [
  { name: 'models_site', dir: 'models_site' },
  { name: 'demo', dir: 'demo' },
  { name: 'templates_site', dir: 'templates_site' },
  { name: 'split_src', dir: 'split_src' },
  { name: 'drf_i18n', dir: 'drf_i18n' },
  { name: 'monorepo.api', dir: 'monorepo/services/api' },
  { name: 'monorepo.web', dir: 'monorepo/services/web' },
];

type OracleRow = ModelRow & { swapped?: string };

function oracle(c: (typeof cases)[number]): OracleRow[] {
  if (live) {
    const out = execFileSync(DEBIAN_PYTHON, [path.join(__dirname, 'django_models.py'), path.join(FIXTURES, c.dir)], { encoding: 'utf8', timeout: 60000 });
    return JSON.parse(out).models;
  }
  return JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.models.json`), 'utf8')).models;
}

/** One line per model and per field, so a difference reads at once. */
function lines(rows: OracleRow[]): string[] {
  const out: string[] = [];
  for (const m of rows) {
    out.push(`${m.app_label}.${m.name} ${m.module} ${m.file}:${m.line}${m.abstract ? ' abstract' : ''}${m.proxy ? ' proxy' : ''}${m.swapped ? ` swapped=${m.swapped}` : ''}`);
    for (const f of m.fields) out.push(`  ${m.app_label}.${m.name}.${f.name} ${f.type} → ${f.related_model ?? '-'} ${f.file ?? ''}:${f.line}`);
  }
  return out;
}

const own = (m: OracleRow) => !path.isAbsolute(m.file);

describe(`model tables equal Django's app registry (${live ? 'live Django' : 'recorded expectations'})`, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const project = await openFixture(c.dir);
      const ours = modelTable(project).models.filter((m) => live || own(m));
      const django = oracle(c).filter((m) => live || own(m));
      expect(lines(ours)).toEqual(lines(django));
    });
  }

  test('the recorded expectations are current', () => {
    if (!live) return;
    for (const c of cases) {
      const recorded = JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.models.json`), 'utf8')).models as OracleRow[];
      expect(lines(recorded), c.name).toEqual(lines(oracle(c)));
    }
  });
});
