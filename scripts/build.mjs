// Bundles the three entry points (client, server, CLI) and the benchmark with esbuild, and copies
// the tree-sitter wasm files next to them so nothing is fetched at run time.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const out = path.join(root, 'dist');
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // web-tree-sitter's ESM build reads import.meta.url, which a CJS bundle lacks.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  // ESM builds first: vscode-html-languageservice's UMD build requires its modules dynamically.
  mainFields: ['module', 'main'],
};

const shebang = { js: '#!/usr/bin/env node\n' + common.banner.js };
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', banner: shebang }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: shebang }),
  build({ ...common, entryPoints: ['server/src/core/urls/scanWorker.ts'], outfile: 'dist/scanWorker.js' }),
  build({ ...common, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' }),
  // The extension-host suite (test/exthost): one module per file, as Mocha loads them; vscode and
  // mocha come from the extension host and node_modules.
  build({ ...common, bundle: false, entryPoints: ['test/exthost/*.ts'], outdir: 'dist/exthost', banner: undefined, define: undefined }),
]);

copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(out, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), path.join(out, 'tree-sitter-python.wasm'));
// The package's `bin` entries, runnable straight from a clone (a symlink on PATH), as npm makes them when installing.
for (const bin of ['server.js', 'cli.js']) chmodSync(path.join(out, bin), 0o755);
