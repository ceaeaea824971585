// Checks the VSIX `npm run package` built: at most 3 MB, the run-time files inside, and the server
// and CLI running from the unpacked extension folder, away from this repository (so nothing is
// found in node_modules or ./dist by accident).
//
//   node scripts/check-vsix.mjs [django-atlas.vsix]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const vsix = path.resolve(process.argv[2] ?? path.join(root, 'django-atlas.vsix'));
const LIMIT = 3 * 1024 * 1024;
const NEEDED = ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'dist/client.js', 'dist/server.js', 'dist/cli.js',
  'dist/scanWorker.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'media/icon.png'];

const problems = [];
const size = statSync(vsix).size;
if (size > LIMIT) problems.push(`${path.basename(vsix)} is ${(size / 1024 / 1024).toFixed(2)} MB (limit 3 MB)`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'atlas-vsix-'));
try {
  const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', vsix, dir], { encoding: 'utf8' });
  if (unzip.status !== 0) throw new Error(`could not unpack ${vsix}: ${unzip.stderr}`);
  const ext = path.join(dir, 'extension');
  for (const f of NEEDED) if (!existsSync(path.join(ext, f))) problems.push(`${f} is missing from the VSIX`);
  const listed = spawnSync('python3', ['-m', 'zipfile', '-l', vsix], { encoding: 'utf8' }).stdout;
  for (const bad of ['.map', 'bench.js', 'node_modules/', '.ts ']) if (listed.includes(bad)) problems.push(`the VSIX holds ${bad} files`);

  const run = (...args) => spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const version = run(path.join(ext, 'dist/server.js'), '--version');
  if (version.status !== 0 || !/^django-atlas-server /.test(version.stdout)) problems.push(`server --version: ${version.stdout}${version.stderr}`);
  cpSync(path.join(root, 'test/fixtures/demo'), path.join(dir, 'demo'), { recursive: true });
  const urls = run(path.join(ext, 'dist/cli.js'), 'urls', 'demo', '--json');
  let rows = 0;
  try {
    rows = JSON.parse(urls.stdout).urls.length;
  } catch {
    // reported below
  }
  if (urls.status !== 0 || !rows) problems.push(`cli urls demo: exit ${urls.status} ${urls.stderr.slice(0, 500)}`);
  console.log(`${path.basename(vsix)}: ${(size / 1024).toFixed(0)} KB; server ${version.stdout.trim()}; cli urls demo: ${rows} patterns`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const p of problems) console.error(`VSIX check: ${p}`);
process.exit(problems.length ? 1 : 0);
