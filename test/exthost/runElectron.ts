/**
 * The extension-host suite in a downloaded desktop VS Code, through @vscode/test-electron:
 *
 *   npm run test:exthost            (VS Code stable; VSCODE_VERSION=1.95.0 for another)
 *
 * It needs to download VS Code (about 150 MB, cached in .vscode-test/), so it cannot run on the
 * offline CI machines: there test/e2e/run.sh runs the same suite inside code-server. The workspace
 * is a throwaway copy of test/fixtures/demo; other installed extensions are disabled.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const workspace = mkdtempSync(path.join(tmpdir(), 'django-atlas-exthost-'));
  cpSync(path.join(root, 'test/fixtures/demo'), workspace, { recursive: true });
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`the extension-host suite failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
