/**
 * The extension-host test suite's entry: the `run()` module that VS Code loads, in its own
 * extension host, from `--extensionTestsPath` (dist/exthost/index.js, built by scripts/build.mjs).
 * Everything here runs next to the extension with the real `vscode` API, on a copy of
 * test/fixtures/demo opened as the workspace.
 *
 * Two ways to start it:
 * - here, offline: test/e2e/run.sh opens code-server's workbench in headless Chromium with the
 *   extensionDevelopmentPath/extensionTestsPath payload (../shared/e2e-recipe.md) and reads the
 *   results file this module writes;
 * - where VS Code can be downloaded: `npm run test:exthost` (runElectron.ts, @vscode/test-electron).
 *
 * The suites are the `*.suite.js` files next to this one (Mocha, TDD interface). When
 * DJANGO_ATLAS_EXTHOST_RESULTS names a file, the passed and failed tests are written there as JSON.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface ExthostResults {
  passed: string[];
  failed: { title: string; error: string }[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  const grep = process.env.DJANGO_ATLAS_EXTHOST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.suite.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const results: ExthostResults = { passed: [], failed: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.DJANGO_ATLAS_EXTHOST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} extension-host tests failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.passed.push(t.fullTitle()));
    runner.on('fail', (t, err: Error) => results.failed.push({ title: t.fullTitle(), error: String(err?.stack ?? err) }));
  });
}
