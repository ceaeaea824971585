/**
 * The resolve oracle: for every path in test/oracle/paths/<fixture>.txt, our `resolve()` gives what
 * Django's (test/oracle/expected/<fixture>.resolve.json, made by django_urls.py --resolve-file):
 * the leaf route, the namespaced name, the converted kwargs and the view, or no match and the
 * APPEND_SLASH redirect.
 */
import { describe, test, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openFixture } from '../helpers';
import { Resolver } from '../../server/src/core/urls/resolve';
import { viewJson } from '../../server/src/core/urls/table';

const EXPECTED = path.join(__dirname, 'expected');

const cases: { name: string; dir: string; settings?: string; paths: string }[] = [
  { name: 'demo', dir: 'demo', paths: 'demo' },
  { name: 'split_src', dir: 'split_src', paths: 'split_src' },
  { name: 'split_src.prod', dir: 'split_src', settings: 'config.settings.prod', paths: 'split_src' },
  { name: 'drf_i18n', dir: 'drf_i18n', paths: 'drf_i18n' },
];

interface Expected {
  path: string;
  match: { route: string; name: string | null; kwargs: Record<string, unknown>; view: unknown } | null;
  redirect: string | null;
}

describe("resolve() equals Django's", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const project = await openFixture(c.dir, c.settings);
      const resolver = new Resolver(project);
      const expected = JSON.parse(fs.readFileSync(path.join(EXPECTED, `${c.name}.resolve.json`), 'utf8')) as Expected[];
      const show = (e: Expected) => JSON.stringify(e);
      const ours = expected.map((e) => {
        const r = resolver.resolve(e.path);
        return show({
          path: e.path,
          match: r.match ? { route: r.match.route, name: r.match.leaf.name, kwargs: r.match.kwargs, view: viewJson(project.root, r.match.leaf.pattern.view) } : null,
          redirect: r.redirect,
        });
      });
      expect(ours).toEqual(expected.map(show));
    });
  }
});
