/**
 * The analyzer's side of the real-project flow measurement (measure_flow.sh), over the core as the
 * CLI opens a project. Not part of the product: measure_flow.sh bundles it with esbuild into a
 * temporary folder and runs it with the repository as working directory (the tree-sitter wasm
 * files are found in dist/ from there).
 *
 *   examples ROOT [--settings M]
 *       {settings, root_urlconf, leaves, examples: [{index, example, route, name, view}],
 *        unfillable: [{index, route, name, view}]}
 *       every leaf of the URL tree, in resolution order, with the example path routeExamples()
 *       gives it (the one "Trace" and the Trace URL picker use), or listed as unfillable.
 *   resolve ROOT [--settings M] --paths-file F
 *       one answer per path of F (one a line, `#` comments, each once), in the shape of
 *       test/oracle/django_urls.py --resolve: {path, match: {route, name, kwargs, view} | null,
 *       redirect, not_known?, stopped_at?}; the core's Resolver, which `flow` uses for its match.
 *       not_known: no match because matching reached an include whose patterns cannot be read
 *       (where `flow` says "not known"); stopped_at: that include's route.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import type { DjangoProject } from '../../server/src/core/project';
import { rootRelative } from '../helpers';
import { routeExamples, resolverFor } from '../../server/src/core/flow/flow';
import { viewJson } from '../../server/src/core/urls/table';

async function open(root: string, settings: string | undefined): Promise<DjangoProject> {
  const abs = path.resolve(root);
  const host = new DiskHost(() => {});
  const ws = await Workspace.open(host, abs, settings ? { settingsModule: settings } : {});
  const p = ws.projects.find((x) => !settings || x.settingsModule === settings) ?? ws.projects[0];
  if (!p) throw new Error(`${root}: no Django project found`);
  return p;
}

function view(project: DjangoProject, v: Parameters<typeof viewJson>[1]) {
  const j = viewJson(project.root, v);
  return j && { module: j.module, qualname: j.qualname };
}


async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { settings: { type: 'string' }, 'paths-file': { type: 'string' } },
  });
  const [command, root] = positionals;
  if (!root || !['examples', 'resolve'].includes(command)) {
    throw new Error('usage: examples.js examples|resolve ROOT [--settings M] [--paths-file F]');
  }
  const project = await open(root, values.settings);
  const tree = project.urlTree();
  if (command === 'examples') {
    const leaves = tree.leaves;
    const byLeaf = new Map(routeExamples(project).map((r) => [r.leaf, r.example]));
    const examples: unknown[] = [];
    const unfillable: unknown[] = [];
    leaves.forEach((leaf, index) => {
      const row = { index, route: leaf.route, name: leaf.name, view: view(project, leaf.pattern.view) };
      const example = byLeaf.get(leaf);
      if (example !== undefined) examples.push({ ...row, example });
      else unfillable.push(row);
    });
    const out = { settings: project.settingsModule, root_urlconf: tree.rootUrlconf, leaves: leaves.length, examples, unfillable };
    process.stdout.write(JSON.stringify(out, null, 1) + '\n');
    return;
  }
  const file = values['paths-file'];
  if (!file) throw new Error('resolve: --paths-file F is required');
  const seen = new Set<string>();
  const paths: string[] = [];
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const p = raw.replace(/\r$/, '');
    if (!p.trim() || p.trimStart().startsWith('#') || seen.has(p)) continue;
    seen.add(p);
    paths.push(p);
  }
  const resolver = resolverFor(project);
  const out = paths.map((p) => {
    const r = resolver.resolve(p);
    return {
      path: r.path,
      match: r.match
        ? { route: r.match.route, name: r.match.leaf.name, kwargs: rootRelative(project, r.match.kwargs), view: view(project, r.match.leaf.pattern.view) }
        : null,
      redirect: r.redirect,
      // Matching reached an include we cannot read: `flow` answers "not known" there.
      ...(!r.match && r.stop?.opaque ? { not_known: true, stopped_at: r.stop.prefix } : {}),
    };
  });
  process.stdout.write(`[\n${out.map((o) => JSON.stringify(o)).join(',\n')}\n]\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`examples.js: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
