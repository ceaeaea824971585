/**
 * Every scaffold on a copy of every fixture project, one after another, as a user would make them
 * in one sitting: each plan is applied, the project is opened again and our index must see the new
 * part at once; at the end Django itself (`manage.py check`) must accept the whole project. No
 * fixture may refuse one (drf_i18n's `urlpatterns = format_suffix_patterns([...])` followed by
 * `urlpatterns += [...]` did, until the pattern went into the `+=` list).
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEBIAN_PYTHON, copyFixture, pythonHas } from '../helpers';
import { initPython } from '../../server/src/core/python/parser';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import type { DjangoProject } from '../../server/src/core/project';
import { applyPlan } from '../../server/src/core/scaffold/edits';
import { ownApps } from '../../server/src/core/scaffold/app';
import { scaffoldKind, type ScaffoldValues } from '../../server/src/core/scaffold/kinds';
import { managementCommands } from '../../server/src/core/management';
import { asString } from '../../server/src/core/python/values';
import { isLibraryFile } from '../../server/src/core/files';

const django = pythonHas('django', 'rest_framework');

/** The fixture folder (the project root inside it, the virtualenv's site-packages Django needs) of each case. */
const FIXTURE_CASES: { fixture: string; root?: string; sitePackages?: string }[] = [
  { fixture: 'demo' }, { fixture: 'split_src' }, { fixture: 'drf_i18n' }, { fixture: 'models_site' },
  { fixture: 'templates_site' }, { fixture: 'styled' }, { fixture: 'monorepo', root: 'services/web', sitePackages: '.venv/lib/python3.11/site-packages' },
];

async function open(dir: string): Promise<DjangoProject> {
  const ws = await Workspace.open(new DiskHost(), dir);
  if (!ws.projects.length) throw new Error(`no project in ${dir}`);
  return ws.projects[0];
}

/** The scaffolds to make, with inputs taken from the project as it is when each is made. */
function steps(p: DjangoProject): { kind: string; values: (p: DjangoProject) => ScaffoldValues; sees: (p: DjangoProject) => boolean }[] {
  const app = ownApps(p)[0].label;
  const model = () => p.models().models().find((m) => !m.abstract && m.def.loc && !isLibraryFile(m.def.loc.file) && m.appLabel === app)
    ?? p.models().models().find((m) => !m.abstract && m.def.loc && !isLibraryFile(m.def.loc.file))!;
  const drf = p.installedApps().some((a) => a.name === 'rest_framework');
  const list = [
    { kind: 'app', values: () => ({ name: 'atlas_matrix' }), sees: (q: DjangoProject) => q.installedApps().some((a) => a.label === 'atlas_matrix') },
    { kind: 'view', values: () => ({ app, kind: 'function', name: 'atlas_page', route: 'atlas-matrix/page/' }), sees: (q: DjangoProject) => q.urlTree().leaves.some((l) => l.name?.endsWith('atlas-page')) },
    { kind: 'model', values: () => ({ app, name: 'AtlasThing', fields: 'title:CharField,owner:ForeignKey(auth.User)', form: 'yes' }), sees: (q: DjangoProject) => !!q.models().byLabel(`${app}.AtlasThing`) },
    { kind: 'view', values: () => ({ app, kind: 'list', model: `${app}.AtlasThing`, name: 'AtlasThingListView', route: 'atlas-matrix/things/' }), sees: (q: DjangoProject) => q.urlTree().leaves.some((l) => l.name?.endsWith('atlas-thing-list')) },
    { kind: 'template', values: () => ({ name: `${app}/atlas_matrix.html` }), sees: (q: DjangoProject) => !!q.templates().resolve(`${app}/atlas_matrix.html`) },
    { kind: 'middleware', values: () => ({ app, name: 'AtlasMiddleware' }), sees: (q: DjangoProject) => {
      const mw = q.settingsValue('MIDDLEWARE');
      return mw.k === 'list' && mw.items.some((i) => asString(q.interp().force(i))?.endsWith('.middleware.AtlasMiddleware'));
    } },
    { kind: 'command', values: () => ({ app, name: 'atlas_matrix' }), sees: (q: DjangoProject) => managementCommands(q).some((c) => c.name === 'atlas_matrix') },
    { kind: 'tags', values: () => ({ app, name: 'atlas_matrix_tags' }), sees: (q: DjangoProject) => q.templates().loadable().has('atlas_matrix_tags') },
    { kind: 'signal', values: () => ({ app, signal: 'post_save', sender: model().label, name: 'atlas_saved' }), sees: (q: DjangoProject) => fs.readFileSync(path.join(ownApps(q).find((a) => a.label === app)!.dir, 'signals.py'), 'utf8').includes('def atlas_saved(') },
    ...(drf ? [{ kind: 'endpoint', values: () => ({ app, model: `${app}.AtlasThing`, prefix: 'atlas-things' }), sees: (q: DjangoProject) => q.urlTree().leaves.some((l) => l.route.includes('atlas-things')) }] : []),
  ];
  return list;
}

describe('every scaffold on every fixture, one after another: our index sees each part, Django accepts the project', () => {
  beforeAll(() => initPython());

  for (const c of FIXTURE_CASES) {
    test(c.fixture, async () => {
      const copy = copyFixture(c.fixture);
      const dir = c.root ? path.join(copy, c.root) : copy;
      try {
        const made: string[] = [];
        for (const step of steps(await open(dir))) {
          const project = await open(dir);
          const values = step.values(project);
          try {
            applyPlan(scaffoldKind(step.kind)!.plan(project, values));
          } catch (e) {
            throw new Error(`${c.fixture}: new ${step.kind} ${JSON.stringify(values)} refused: ${(e as Error).message}`);
          }
          expect(step.sees(await open(dir)), `${c.fixture}: our index sees the new ${step.kind}`).toBe(true);
          made.push(step.kind);
        }
        expect(made.length).toBeGreaterThanOrEqual(9);
        if (django) {
          const env = c.sitePackages ? { ...process.env, PYTHONPATH: path.join(dir, c.sitePackages) } : process.env;
          const check = spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000, env });
          expect(check.status, `${c.fixture}: manage.py check\n${check.stderr}`).toBe(0);
        }
      } finally {
        fs.rmSync(copy, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
