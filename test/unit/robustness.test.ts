/**
 * Half-typed code never crashes the core: every Python file and template of the fixtures, cut at
 * many points and with characters dropped, goes through evaluation and every editor feature at
 * many cursor positions. Deterministic (a seeded generator), so a failure can be replayed.
 */
import { test, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { OverlayHost, DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { PythonDocument } from '../../server/src/core/python/parser';
import { listProjectFiles } from '../../server/src/core/files';
import { ProjectSession, type Doc } from '../../server/src/features/session';
import { definition, references } from '../../server/src/features/navigation';
import { hover, codeLenses, completions } from '../../server/src/features/presentation';
import { projectDiagnostics } from '../../server/src/core/checks';
import { FIXTURES } from '../helpers';

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const FIXTURE_NAMES = process.env.ATLAS_FIXTURE ? [process.env.ATLAS_FIXTURE] : ['demo', 'split_src', 'drf_i18n', 'broken'];

test.each(FIXTURE_NAMES)('mutilated sources of %s: evaluation and features answer or say "don\'t know", never throw', async (name) => {
  const root = path.join(FIXTURES, name);
  const host = new OverlayHost(new DiskHost());
  const project = (await Workspace.open(host, root)).projects[0];
  const session = new ProjectSession(project);
  const whole = project.urlTree().leaves.length;
  const files = listProjectFiles(host, [root]);
  const random = rng(Number(process.env.ATLAS_SEED ?? 42));
  let checks = 0;
  for (const file of [...files.python, ...files.templates]) {
    const original = fs.readFileSync(file, 'utf8');
    for (let round = 0; round < 6; round++) {
      let text = original;
      if (round % 2 === 0) text = text.slice(0, Math.floor(random() * text.length)); // typed so far
      else {
        const at = Math.floor(random() * text.length);
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5)); // characters dropped
      }
      host.setBuffer(file, text);
      project.invalidateFile(file);
      session.usages.update(file);
      const doc: Doc = file.endsWith('.py')
        ? { file, text, kind: 'python', tree: new PythonDocument(text).tree }
        : { file, text, kind: 'template' };
      expect(() => project.urlTree()).not.toThrow();
      for (let k = 0; k < 8; k++) {
        const offset = Math.floor(random() * (text.length + 1));
        const before = text.slice(0, offset).split('\n');
        const line = before.length - 1;
        const character = before[before.length - 1].length;
        expect(() => {
          definition(session, doc, offset);
          references(session, doc, offset, true);
          hover(session, doc, offset);
          completions(session, doc, line, character);
        }, `${path.relative(root, file)} round ${round} offset ${offset}`).not.toThrow();
        checks++;
      }
      expect(() => codeLenses(session, doc)).not.toThrow();
      expect(() => projectDiagnostics(project, session.usages)).not.toThrow();
    }
    host.deleteBuffer(file);
    project.invalidateFile(file);
    session.usages.update(file);
  }
  expect(checks).toBeGreaterThan(100);
  // And the project is whole again afterwards.
  expect(project.urlTree().leaves.length).toBe(whole);
}, 120_000);
