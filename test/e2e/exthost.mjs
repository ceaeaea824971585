// The extension-host suite (test/exthost, built to dist/exthost) inside code-server: headless
// Chromium opens the workbench with the extensionDevelopmentPath / extensionTestsPath payload on a
// server started with `--vscode-option enable-smoke-test-driver` (../shared/e2e-recipe.md); the
// suite runs in the server's extension host with the real `vscode` API, and the workbench reports
// its exit code through window.codeAutomationExit. Started by test/e2e/run.sh, which sets
// DJANGO_ATLAS_EXTHOST_RESULTS on code-server: the suite writes its passed and failed tests there.
//
//   E2E_URL=http://127.0.0.1:PORT E2E_WORKSPACE=/copy/of/demo E2E_EXTENSION=/unpacked/vsix/extension \
//     E2E_TESTS=/path/to/dist/exthost/index.js E2E_PLAYWRIGHT=<dir of playwright-core> node test/e2e/exthost.mjs
//
// Prints the extension host's console (Mocha's report) and ends with the exit code it got.
import { createRequire } from 'node:module';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set (see test/e2e/run.sh)`);
  return v;
};
const base = new URL(env('E2E_URL'));
const OUT = path.resolve(env('E2E_OUT', 'test/e2e/out'));
const DEADLINE_MS = Number(env('E2E_EXTHOST_DEADLINE_MS', String(5 * 60_000)));
const { chromium } = createRequire(import.meta.url)(env('E2E_PLAYWRIGHT'));
mkdirSync(OUT, { recursive: true });
const consoleLog = path.join(OUT, 'exthost-browser-console.log');
writeFileSync(consoleLog, '');

const remote = (p) => `vscode-remote://${base.host}${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(env('E2E_EXTENSION'))],
  ['extensionTestsPath', remote(env('E2E_TESTS'))],
];
const url = `${base.origin}/?folder=${encodeURIComponent(env('E2E_WORKSPACE'))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const browser = await chromium.launch({ executablePath: env('E2E_CHROMIUM', '/usr/bin/chromium'), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
let code;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  const exited = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (c) => resolve(Number(c)));
  });
  // The workbench's console, the extension host's included: Mocha's spec report (console.log,
  // format strings and their arguments) is printed, the rest (offline gallery errors…) goes to the log file.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = format(...(Array.isArray(args) ? args : [args]));
    if (type === 'log' || type === 'info') process.stdout.write(`${text}\n`);
    else appendFileSync(consoleLog, `[${type}] ${text}\n`);
  });
  await page.goto(url);
  code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), DEADLINE_MS))]);
  await page.screenshot({ path: path.join(OUT, 'exthost-end.png') }).catch(() => {});
} finally {
  await browser.close().catch(() => {});
}
if (code === 'timeout') {
  console.log(`e2e: the extension-host suite did not finish within ${DEADLINE_MS / 1000} s`);
  process.exit(2);
}
console.log(`e2e: the extension-host suite exited with ${code}`);
process.exit(code === 0 ? 0 : 1);
