// The end-to-end UI test: drives a real VS Code (code-server, with the VSIX installed) in headless
// Chromium through playwright-core, on a throwaway copy of test/fixtures/demo, and checks what a
// person would see. Started by test/e2e/run.sh, which sets up everything; by hand:
//
//   E2E_URL=http://127.0.0.1:PORT E2E_WORKSPACE=/tmp/copy-of-demo E2E_PLAYWRIGHT=<dir of playwright-core> \
//     node test/e2e/ui.mjs
//   node test/e2e/ui.mjs --count        # the number of checks (run.sh reports them all failed when it cannot start)
//
// Each check is named and counted; it saves a screenshot at its telling moment (and one more,
// "-FAIL", when it fails), and a failing check does not stop the others. Ends with one line
// "N passed, N failed" and writes results.json next to the screenshots ($E2E_OUT, default test/e2e/out).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The demo's facts the checks rely on, found in its files rather than written down twice. */
function lineOf(file, needle) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found in ${file}`);
  return { line: i + 1, col: lines[i].indexOf(needle) + 1, text: lines[i] };
}

const CHECKS = [
  ['the extension starts: the status bar shows the settings module and the URL count', statusBar],
  ['F12 on a URL name in reverse() lands on its path() in blog/urls.py', definitionOfUrlName],
  ['F12 on {% extends "base.html" %} opens the winning templates/base.html', definitionOfExtends],
  ['hover on a URL name shows its route', hoverOnUrlName],
  ["completion inside {% url ' lists the URL names", completionOfUrlNames],
  ['the block CodeLens "overrides base.html" opens the parent block', blockCodeLens],
  ['the project map lists the apps, URLs and models', projectMap],
  ['Trace URL… /blog/2024/hello-world/ fills the Request Flow view', traceUrl],
  ['New App… journal: a confirmation dialog, then its files on disk and INSTALLED_APPS edited', newApp],
];

if (process.argv.includes('--count')) {
  console.log(CHECKS.length);
  process.exit(0);
}

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set (see test/e2e/run.sh)`);
  return v;
};
const URL_ = env('E2E_URL');
const WS = env('E2E_WORKSPACE');
const OUT = path.resolve(env('E2E_OUT', path.join(here, 'out')));
const CHROMIUM = env('E2E_CHROMIUM', '/usr/bin/chromium');
const { chromium } = createRequire(import.meta.url)(env('E2E_PLAYWRIGHT'));
/** The whole UI run: run.sh has its own deadline above this one. */
const RUN_DEADLINE = Date.now() + Number(env('E2E_UI_DEADLINE_MS', String(6 * 60_000)));
const CHECK_MS = 90_000;

mkdirSync(OUT, { recursive: true });
const consoleLog = path.join(OUT, 'browser-console.log');
writeFileSync(consoleLog, '');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ws = (rel) => path.join(WS, rel);

/** @type {import('playwright-core').Page} */
let page;
let shotPrefix = '00';
let shots = [];

async function shot(name) {
  const file = `${shotPrefix}-${name}.png`;
  await page.screenshot({ path: path.join(OUT, file) });
  shots.push(file);
  return file;
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `ms`. */
async function until(what, probe, ms = 20_000) {
  const end = Math.min(Date.now() + ms, RUN_DEADLINE);
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (${last.message.split('\n')[0]})` : ''}`);
    await sleep(150);
  }
}

const quickInput = () => page.locator('.quick-input-widget');
const statusSelection = () => page.locator('[id="status.editor.selection"]');
const sidebar = () => page.locator('[id="workbench.parts.sidebar"]');

/** The active editor's file, relative to the workspace, read from the breadcrumbs (blog/urls.py). */
async function activeFile() {
  const tab = page.locator('.part.editor .tabs-container .tab.active');
  if (!(await tab.count())) return undefined;
  const name = await tab.first().getAttribute('data-resource-name');
  const items = await page.locator('.part.editor .breadcrumbs-control').first().locator('.monaco-breadcrumb-item').allInnerTexts();
  const i = items.findIndex((t) => t.trim() === name);
  return i < 0 ? name : items.slice(0, i + 1).map((t) => t.trim()).join('/');
}

/** The cursor as the status bar shows it ("Ln 11, Col 5"). */
async function cursor() {
  const text = await statusSelection().innerText({ timeout: 2000 });
  const m = /Ln (\d+), Col (\d+)/.exec(text);
  return m ? { line: Number(m[1]), col: Number(m[2]), text } : undefined;
}

async function closeQuickInput() {
  for (let i = 0; i < 3 && (await quickInput().isVisible()); i++) await page.keyboard.press('Escape');
}

/** Quick Open (Ctrl+P) on a workspace-relative path; waits until it is the active editor. */
async function openFile(rel) {
  await closeQuickInput();
  await page.keyboard.press('Control+P');
  await quickInput().locator('input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(rel);
  await quickInput().locator('.monaco-list-row.focused', { hasText: path.basename(rel) }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await until(`${rel} in the editor`, async () => (await activeFile()) === rel, 10_000);
  await page.locator('.part.editor .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
}

/** Go to Line (Ctrl+G); waits for the picker to show the line before Enter, then for the status bar. */
async function goTo(line, col) {
  await closeQuickInput();
  await page.keyboard.press('Control+G');
  await quickInput().locator('input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(`${line}:${col}`);
  await quickInput().locator('.monaco-list-row.focused', { hasText: `go to line ${line} at column ${col}.` }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await until(`the cursor at ${line}:${col}`, async () => {
    const c = await cursor();
    return c && c.line === line && c.col === col;
  }, 5_000);
}

/** Runs a command from the palette (F1) by its title. */
async function command(title) {
  await closeQuickInput();
  await page.keyboard.press('F1');
  await quickInput().locator('input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(title);
  await quickInput().locator('.monaco-list-row.focused', { hasText: title }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * F12 until the editor moves: the first press may land before the language server answers, so
 * it is repeated (Escape in between) until the active file or the cursor changes.
 */
async function goToDefinition() {
  const before = `${await activeFile()} ${(await cursor())?.text}`;
  const end = Date.now() + 45_000;
  for (;;) {
    await page.keyboard.press('F12');
    try {
      await until('F12 to move the cursor', async () => `${await activeFile()} ${(await cursor())?.text}` !== before, 3_000);
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** The rows of a sidebar tree, in order: level, expanded state, label, description. */
async function treeRows(pane) {
  return pane.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
    level: Number(r.getAttribute('aria-level')),
    expanded: r.getAttribute('aria-expanded'),
    label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
    text: r.innerText.replace(/\n/g, ' '),
  })));
}

function paneOf(title) {
  return sidebar().locator('.pane').filter({ has: page.locator('.pane-header', { hasText: title }) });
}

/** Expands (or collapses) a sidebar pane by clicking its header when needed. */
async function setPane(title, expanded) {
  const header = paneOf(title).locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) !== String(expanded)) await header.click();
  await until(`the ${title} pane ${expanded ? 'expanded' : 'collapsed'}`, async () => (await header.getAttribute('aria-expanded')) === String(expanded), 5_000);
}

/** Expands or collapses one tree row (by its label, at a level) and returns the labels of its children. */
async function toggleRow(pane, label, level, expand) {
  const row = pane.locator(`.monaco-list-row[aria-level="${level}"]`).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }) }).first();
  await row.waitFor({ timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) !== String(expand)) await row.click();
  await until(`${label} ${expand ? 'expanded' : 'collapsed'}`, async () => (await row.getAttribute('aria-expanded')) === String(expand), 10_000);
  if (!expand) return [];
  return until(`the children of ${label}`, async () => {
    const rows = await treeRows(pane);
    const i = rows.findIndex((r) => r.level === level && r.label === label);
    const kids = [];
    for (let j = i + 1; j < rows.length && rows[j].level > level; j++) if (rows[j].level === level + 1) kids.push(rows[j]);
    return kids.length ? kids : undefined;
  }, 15_000);
}

function expectAll(what, have, want) {
  const missing = want.filter((w) => !have.some((h) => h === w || h.startsWith(`${w} `)));
  if (missing.length) throw new Error(`${what}: missing ${missing.join(', ')} (have: ${have.join(' | ')})`);
}

// ---------------------------------------------------------------------------------------------
// The checks.

async function statusBar() {
  const item = page.locator('[id="workbench.parts.statusbar"] .statusbar-item', { hasText: /Django: mysite\.settings · \d+ URLs/ });
  await item.first().waitFor({ timeout: 90_000 });
  await shot('status-bar');
}

async function definitionOfUrlName() {
  const from = lineOf(ws('blog/views.py'), 'reverse("blog:post-detail"');
  const col = from.text.indexOf('post-detail') + 3;
  const target = lineOf(ws('blog/urls.py'), 'name="post-detail"');
  await openFile('blog/views.py');
  await goTo(from.line, col);
  await goToDefinition();
  const file = await activeFile();
  const c = await cursor();
  await shot('definition-url-name');
  if (file !== 'blog/urls.py' || c?.line !== target.line) throw new Error(`landed on ${file} ${c?.text}, expected blog/urls.py line ${target.line}`);
}

async function definitionOfExtends() {
  const from = lineOf(ws('blog/templates/blog/post_detail.html'), '{% extends "base.html" %}');
  await openFile('blog/templates/blog/post_detail.html');
  await goTo(from.line, from.text.indexOf('base.html') + 3);
  await goToDefinition();
  const file = await activeFile();
  await shot('definition-extends');
  if (file !== 'templates/base.html') throw new Error(`F12 opened ${file}, expected templates/base.html`);
}

async function hoverOnUrlName() {
  const from = lineOf(ws('blog/views.py'), 'reverse("blog:post-detail"');
  await openFile('blog/views.py');
  await goTo(from.line, from.text.indexOf('post-detail') + 3);
  const hover = page.locator('.monaco-hover:visible', { hasText: '/blog/<int:year>/<slug:slug>/' });
  // Show Hover from the keyboard (Ctrl+K Ctrl+I), again until the answer is there.
  await until('the hover with the route /blog/<int:year>/<slug:slug>/', async () => {
    if (await hover.count()) return true;
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await hover.first().waitFor({ timeout: 3_000 }).catch(() => page.keyboard.press('Escape'));
    return (await hover.count()) > 0;
  }, 30_000);
  const text = await hover.first().innerText();
  await shot('hover-url-name');
  for (const want of ['blog:post-detail', 'PostDetailView']) if (!text.includes(want)) throw new Error(`the hover lacks ${want}: ${text}`);
  await page.keyboard.press('Escape');
}

async function completionOfUrlNames() {
  const rel = 'templates/home.html';
  const lines = readFileSync(ws(rel), 'utf8').split('\n');
  const empty = lines.findIndex((l) => l.trim() === '') + 1;
  if (!empty) throw new Error(`${rel} has no empty line to type on`);
  await openFile(rel);
  await goTo(empty, 1);
  await page.keyboard.type("{% url '", { delay: 40 });
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  try {
    await until('the completion list', async () => {
      if (await rows.count()) return true;
      await page.keyboard.press('Control+Space');
      await rows.first().waitFor({ timeout: 3_000 }).catch(() => {});
      return (await rows.count()) > 0;
    }, 30_000);
    const labels = await until('URL names in the completion list', async () => {
      const ls = (await rows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
      return ls.includes('blog:post-detail') ? ls : undefined;
    }, 10_000).catch(async (e) => {
      throw new Error(`${e.message}; the list shows ${(await rows.allInnerTexts()).join(' | ')}`);
    });
    await shot('completion-url-names');
    expectAll('completion', labels, ['blog:index', 'blog:post-detail', 'shop:index']);
  } finally {
    // Leave the file as it was: close the list, revert the typing.
    await page.keyboard.press('Escape');
    await command('File: Revert File');
    await until(`${rel} reverted`, async () => !(await page.locator('.part.editor .tab.active.dirty').count()), 10_000);
  }
}

async function blockCodeLens() {
  const rel = 'blog/templates/blog/post_form.html';
  lineOf(ws(rel), '{% block content %}');
  const parent = lineOf(ws('templates/base.html'), '{% block content %}');
  await openFile(rel);
  const lens = page.locator('.part.editor .monaco-editor .codelens-decoration a', { hasText: 'overrides base.html' });
  await lens.first().waitFor({ timeout: 30_000 });
  await shot('block-codelens');
  await lens.first().click();
  await until('templates/base.html at the parent block', async () => (await activeFile()) === 'templates/base.html' && (await cursor())?.line === parent.line, 15_000)
    .catch(async (e) => {
      throw new Error(`${e.message}: at ${await activeFile()} ${(await cursor())?.text}`);
    });
  await shot('block-codelens-parent');
}

async function projectMap() {
  await closeQuickInput();
  await page.locator('.activitybar a.action-label[aria-label="Django Atlas"]').click();
  const map = paneOf('Project Map');
  await setPane('Project Map', true);
  await setPane('Request Flow', false);
  await until('the project map root', async () => (await treeRows(map)).some((r) => r.level === 1 && r.description === 'mysite.settings'), 30_000);
  // Each group is read with its rows in sight (the tree renders only what is visible).
  const models = await toggleRow(map, 'Models', 2, true);
  expectAll('Models', models.map((r) => r.label), ['blog', 'shop']);
  const blogModels = await toggleRow(map, 'blog', 3, true);
  expectAll('the blog app\'s models', blogModels.map((r) => r.label), ['Category', 'Post', 'Tag', 'Comment']);
  await toggleRow(map, 'blog', 3, false);
  const urls = await toggleRow(map, 'URLs', 2, true);
  expectAll('URLs', urls.map((r) => r.label), ['/admin/', '/blog/', '/shop/', '/about/']);
  const apps = await toggleRow(map, 'Apps', 2, true);
  expectAll('Apps', apps.map((r) => r.label), ['admin', 'auth', 'blog', 'shop']);
  await shot('project-map');
}

async function traceUrl() {
  const route = lineOf(ws('blog/urls.py'), 'name="post-detail"');
  if (!route.text.includes('"<int:year>/<slug:slug>/"')) throw new Error(`blog/urls.py's post-detail is not <int:year>/<slug:slug>/: ${route.text}`);
  await command('Django Atlas: Trace URL');
  await quickInput().locator('input[placeholder*="path or URL"]').waitFor({ timeout: 10_000 });
  await page.keyboard.type('/blog/2024/hello-world/');
  await quickInput().locator('.monaco-list-row.focused', { hasText: '/blog/2024/hello-world/' }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await quickInput().locator('.quick-input-title', { hasText: 'Trace /blog/2024/hello-world/' }).waitFor({ timeout: 10_000 });
  await quickInput().locator('.monaco-list-row.focused', { hasText: /^GET/ }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  // The extension reveals the Request Flow view by itself (it was left collapsed by the map's check).
  const flow = paneOf('Request Flow');
  const flowRows = () => until('the request flow in the Request Flow view', async () => {
    const rs = await treeRows(flow);
    return rs.some((r) => r.text.includes('PostDetailView.get')) ? rs : undefined;
  }, 30_000);
  await flowRows();
  // The map folded away, for a screenshot of the whole flow.
  await setPane('Project Map', false);
  await sleep(300);
  const rows = await flowRows();
  await shot('request-flow');
  const text = rows.map((r) => r.text);
  for (const want of ['GET /blog/2024/hello-world/ → PostDetailView', 'SessionMiddleware', '<int:year>/<slug:slug>/', 'year=2024', 'PostDetailView.get']) {
    if (!text.some((t) => t.includes(want))) throw new Error(`the flow lacks "${want}": ${text.join(' | ')}`);
  }
}

async function newApp() {
  if (existsSync(ws('journal'))) throw new Error('journal/ exists before the scaffold');
  const tabsBefore = await page.locator('.part.editor .tab').count();
  await command('Django Atlas: New App');
  await quickInput().locator('.quick-input-title', { hasText: 'New App' }).waitFor({ timeout: 10_000 });
  await page.keyboard.type('journal');
  await sleep(500); // the server checks the name as it is typed
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'create the new app' });
  await dialog.waitFor({ timeout: 15_000 });
  const detail = await dialog.innerText();
  await shot('new-app-dialog');
  for (const want of ['journal/apps.py', 'mysite/settings.py']) if (!detail.includes(want)) throw new Error(`the dialog does not mention ${want}: ${detail}`);
  await dialog.locator('.monaco-button', { hasText: /^Create$/ }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  const files = ['journal/__init__.py', 'journal/apps.py', 'journal/models.py', 'journal/views.py', 'journal/urls.py', 'journal/migrations/__init__.py'];
  await until('the new app\'s files on disk', async () => files.every((f) => existsSync(ws(f))), 15_000)
    .catch((e) => { throw new Error(`${e.message}: missing ${files.filter((f) => !existsSync(ws(f))).join(', ')}`); });
  await until('journal in INSTALLED_APPS in mysite/settings.py on disk', async () => {
    const m = /INSTALLED_APPS\s*=\s*\[([\s\S]*?)\]/.exec(readFileSync(ws('mysite/settings.py'), 'utf8'));
    return m && /["']journal(\.apps\.JournalConfig)?["']/.test(m[1]);
  }, 10_000);
  await until('include("journal.urls") in mysite/urls.py on disk', async () => /include\(["']journal\.urls["']\)/.test(readFileSync(ws('mysite/urls.py'), 'utf8')), 10_000);
  await page.locator('.notification-list-item-message', { hasText: 'New app: created' }).first().waitFor({ timeout: 10_000 });
  await until('no unsaved editor', async () => !(await page.locator('.part.editor .tab.dirty').count()), 10_000);
  // Only the new code is opened (the cursor on it), not a tab per file the scaffold wrote.
  await sleep(1500);
  const opened = (await page.locator('.part.editor .tab').count()) - tabsBefore;
  if (opened > 1) throw new Error(`${opened} tabs opened by the scaffold, expected 1 (the new code)`);
  await sleep(800); // the toast slides in
  await shot('new-app-created');
}

// ---------------------------------------------------------------------------------------------

async function recover() {
  // A failed check may leave a picker, a peek, a hover or a dialog open.
  const dialog = page.locator('.monaco-dialog-box');
  if (await dialog.count()) await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click({ timeout: 2_000 }).catch(() => {});
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
}

async function main() {
  const results = [];
  const started = Date.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], timeout: 60_000 });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => appendFileSync(consoleLog, `${m.type()}: ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(consoleLog, `pageerror: ${e.message}\n`));
    let ready = null;
    try {
      await page.goto(`${URL_}/?folder=${encodeURIComponent(WS)}`, { timeout: 60_000 });
      // The explorer lists the folder once the remote file system is up.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
      // A wider sidebar, for the trees' sake: drag the sash right of it.
      const box = await sidebar().boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width + 120, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
      }
      // Away from the sash (it stays highlighted under the mouse), to an empty stretch of the status bar.
      await page.mouse.move(700, 790);
      console.log(`workbench ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      ready = e;
      await page.screenshot({ path: path.join(OUT, '00-workbench-FAIL.png') }).catch(() => {});
    }
    for (const [i, [name, fn]] of CHECKS.entries()) {
      shotPrefix = String(i + 1).padStart(2, '0');
      shots = [];
      const t0 = Date.now();
      let error = ready ? new Error(`the workbench did not come up: ${ready.message.split('\n')[0]}`) : null;
      if (!error && Date.now() > RUN_DEADLINE) error = new Error('the UI run\'s deadline passed before this check');
      if (!error) {
        let timer;
        try {
          await Promise.race([fn(), new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`the check took over ${CHECK_MS / 1000} s`)), CHECK_MS); })]);
        } catch (e) {
          error = e;
        } finally {
          clearTimeout(timer);
        }
      }
      if (error && !ready) {
        await shot('FAIL').catch(() => {});
        await recover().catch(() => {});
      }
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      const message = error ? String(error.message ?? error).split('\n')[0] : undefined;
      results.push({ name, ok: !error, seconds: Number(seconds), error: message, screenshots: shots });
      console.log(`${error ? 'FAIL' : 'ok  '} ${name} (${seconds} s)${error ? `\n     ${message}` : ''}`);
    }
  } finally {
    await browser.close().catch(() => {});
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify({ passed, failed, seconds: (Date.now() - started) / 1000, checks: results }, null, 2)}\n`);
  console.log(`screenshots in ${OUT}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  console.log(`0 passed, ${CHECKS.length} failed`);
  process.exit(1);
});
