// Measures the extension's start-up cost in the extension host: loading dist/client.js and running
// activate() up to the moment the language server process is spawned (target ≤ 50 ms). Each run is a
// fresh Node process (cold module cache, nothing compiled yet), with a fake `vscode` module
// (scripts/fake-vscode.cjs) and child_process.fork intercepted (it returns a process that never
// answers), so no server starts. Also reported: the whole synchronous part of activate(), i.e. how
// long the extension host is busy before activate() first waits (for the server's answer). The
// extension host has Node's own modules loaded already, so they are loaded before the clock starts.
//
//   node scripts/measure-activation.mjs [--runs N] [--extension DIR] [--server FOLDER]
//
// --extension DIR  the folder holding dist/ (default: this repository; or an unpacked VSIX's
//                  extension/ folder)
// --server FOLDER  also let one run start the real server on FOLDER (a Django project) and report
//                  when activate() resolves (initialize answered), when the status bar shows the
//                  index, and the longest the fake extension host's event loop was held up meanwhile.
// Exits with 1 when the median before the spawn is over 50 ms.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const extensionDir = path.resolve(option('--extension', path.dirname(here)));
const runs = Number(option('--runs', '21'));
const serverFolder = option('--server', undefined);

if (args.includes('--child')) await child();
else parent();

function parent() {
  const client = path.join(extensionDir, 'dist', 'client.js');
  if (!existsSync(client)) {
    console.error(`${client} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--extension', extensionDir], { encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.error(`run ${i + 1} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      process.exit(1);
    }
    samples.push(JSON.parse(line));
  }
  const median = (key) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  };
  const range = (key) => `${Math.min(...samples.map((s) => s[key])).toFixed(1)}–${Math.max(...samples.map((s) => s[key])).toFixed(1)}`;
  console.log(`activation of ${path.relative(process.cwd(), extensionDir) || '.'}, median of ${runs} fresh processes (min–max):`);
  console.log(`  load dist/client.js           ${median('load').toFixed(1)} ms  (${range('load')})`);
  console.log(`  activate() → server spawned   ${median('activate').toFixed(1)} ms  (${range('activate')})`);
  console.log(`  total before the spawn        ${median('total').toFixed(1)} ms  (${range('total')})  target ≤ 50 ms`);
  console.log(`  CPU time before the spawn     ${median('totalCpu').toFixed(1)} ms  (${range('totalCpu')})`);
  console.log(`  activate() until it waits     ${median('busy').toFixed(1)} ms  (${range('busy')})  (the extension host is busy; load included)`);
  console.log(`  CPU time until then           ${median('cpu').toFixed(1)} ms  (${range('cpu')})`);
  if (serverFolder) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--extension', extensionDir, '--server', path.resolve(serverFolder)], { encoding: 'utf8', timeout: 120_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) {
      console.error(`the run with the server failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      process.exit(1);
    }
    const s = JSON.parse(line);
    console.log(`with the real server on ${path.relative(process.cwd(), serverFolder) || '.'}:`);
    console.log(`  activate() resolved (server initialized) after ${s.resolved.toFixed(0)} ms; status bar "${s.status}" after ${s.indexed.toFixed(0)} ms`);
    console.log(`  longest extension-host event-loop delay while the server indexed: ${s.maxBlock.toFixed(1)} ms`);
  }
  if (median('total') > 50) process.exitCode = 1;
}

async function child() {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { installFakeVscode, createContext, statusBarItems } = require('./fake-vscode.cjs');
  const cp = require('node:child_process');
  const { performance, monitorEventLoopDelay } = require('node:perf_hooks');
  installFakeVscode(serverFolder ?? extensionDir);

  let spawned;
  let spawnedCpu;
  let cpu0;
  for (const name of ['fork', 'spawn']) {
    const real = cp[name];
    cp[name] = (...a) => {
      spawned ??= performance.now();
      spawnedCpu ??= process.cpuUsage(cpu0);
      return serverFolder ? real.apply(cp, a) : silentProcess(require('node:events'));
    };
  }

  // The extension host has Node's own modules loaded long before any extension activates.
  for (const m of ['child_process', 'net', 'os', 'crypto', 'url', 'util', 'events', 'fs', 'path', 'stream', 'worker_threads']) require(`node:${m}`);

  cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extension = require(path.join(extensionDir, 'dist', 'client.js'));
  const t1 = performance.now();
  const activation = extension.activate(createContext(extensionDir));
  const busy = performance.now();
  const cpu = process.cpuUsage(cpu0);
  if (spawned === undefined) {
    console.error('the server was never spawned (dist/server.js missing?)');
    process.exit(1);
  }
  if (!serverFolder) {
    const ms = (c) => (c.user + c.system) / 1000;
    console.log(JSON.stringify({ load: t1 - t0, activate: spawned - t1, total: spawned - t0, totalCpu: ms(spawnedCpu), busy: busy - t0, cpu: ms(cpu) }));
    process.exit(0);
  }
  await activation;
  const resolved = performance.now();
  // With the server: how long the extension host's event loop is held up while the server indexes,
  // until the status bar shows the index (no longer "indexing…").
  const blocks = monitorEventLoopDelay({ resolution: 10 });
  blocks.enable();
  const status = statusBarItems.get('djangoAtlas.status');
  const deadline = performance.now() + 100_000;
  while (String(status?.text).includes('sync~spin') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const indexed = performance.now();
  blocks.disable();
  const text = String(status?.text);
  await extension.deactivate();
  console.log(JSON.stringify({ resolved: resolved - t1, indexed: indexed - t1, maxBlock: blocks.max / 1e6, status: text }));
  process.exit(0);
}

/** A child process that runs nothing and never answers. */
function silentProcess({ EventEmitter }) {
  const p = new EventEmitter();
  Object.assign(p, { pid: 0, exitCode: null, signalCode: null, connected: true, stdout: new EventEmitter(), stderr: new EventEmitter(), stdin: null });
  p.send = () => true;
  p.kill = () => true;
  return p;
}
