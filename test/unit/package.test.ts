/**
 * The packaging rules that break silently (nothing fails until someone clicks in a real editor):
 * every command package.json contributes is registered by the client at activation (checked by
 * activating the bundled client against scripts/fake-vscode.cjs), every command a menu, keybinding
 * or welcome view names is contributed, every setting is documented in the README and read by the
 * client, and .vscodeignore keeps what the extension needs at run time (judged with vsce's own rule
 * and glob library) while leaving the rest out. `npm run package` builds the VSIX itself.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const ROOT = path.resolve(__dirname, '../..');
const require = createRequire(import.meta.url);
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const contributed: string[] = PACKAGE.contributes.commands.map((c: { command: string }) => c.command);

/** Registered by the client but on purpose not in the palette: the server puts them in CodeLenses. */
const INTERNAL_COMMANDS = ['djangoAtlas.openLocation', 'djangoAtlas.showLocations'];

describe('commands', () => {
  let registered: string[] = [];
  let dir: string;

  beforeAll(async () => {
    // The client as it ships (one esbuild bundle), activated outside VS Code. The extension folder
    // has no dist/server.js, so no server starts; the commands are registered before that.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-package-'));
    const outfile = path.join(dir, 'dist', 'client.js');
    await build({
      entryPoints: [path.join(ROOT, 'client/src/extension.ts')], outfile, bundle: true, platform: 'node', format: 'cjs',
      target: 'node20', external: ['vscode'], mainFields: ['module', 'main'], logLevel: 'error',
    });
    const fake = require('../../scripts/fake-vscode.cjs');
    const { uninstall } = fake.installFakeVscode(dir);
    try {
      fake.registered.length = 0;
      const extension = require(outfile);
      await extension.activate(fake.createContext(dir));
      registered = [...fake.registered];
      await extension.deactivate();
    } finally {
      uninstall();
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('every contributed command is registered when the extension activates', () => {
    expect(registered.length).toBeGreaterThan(10);
    expect(contributed.filter((c) => !registered.includes(c))).toEqual([]);
  });

  test('every registered command is contributed, but for the internal ones', () => {
    expect(registered.filter((c) => !contributed.includes(c)).sort()).toEqual(INTERNAL_COMMANDS);
    expect(new Set(registered).size).toBe(registered.length);
  });

  test('menus, keybindings and welcome views name contributed commands and submenus', () => {
    const submenus = new Set((PACKAGE.contributes.submenus ?? []).map((s: { id: string }) => s.id));
    const missing: string[] = [];
    for (const [menu, items] of Object.entries(PACKAGE.contributes.menus as Record<string, { command?: string; alt?: string; submenu?: string }[]>)) {
      if (menu.startsWith('djangoAtlas.') && !submenus.has(menu)) missing.push(`menu ${menu}`);
      for (const item of items) {
        for (const c of [item.command, item.alt]) if (c && !contributed.includes(c)) missing.push(`${menu}: ${c}`);
        if (item.submenu && !submenus.has(item.submenu)) missing.push(`${menu}: submenu ${item.submenu}`);
      }
    }
    for (const k of PACKAGE.contributes.keybindings ?? []) if (!contributed.includes(k.command)) missing.push(`keybinding ${k.command}`);
    // Links in welcome views and walkthrough steps: our commands, a view's `.focus`, or VS Code's own.
    const views = Object.values(PACKAGE.contributes.views as Record<string, { id: string }[]>).flat().map((v) => `${v.id}.focus`);
    const builtin = ['vscode.openFolder', 'workbench.action.openWalkthrough'];
    const linked = (where: string, text: string) => {
      for (const [, c] of text.matchAll(/\(command:([\w.]+)[)?]/g)) if (!contributed.includes(c) && !views.includes(c) && !builtin.includes(c)) missing.push(`${where} ${c}`);
    };
    for (const w of PACKAGE.contributes.viewsWelcome ?? []) linked('welcome', w.contents);
    for (const w of PACKAGE.contributes.walkthroughs ?? []) for (const st of w.steps) linked(`walkthrough ${st.id}`, st.description);
    expect(missing).toEqual([]);
  });
});

describe('settings', () => {
  const properties = Object.keys(PACKAGE.contributes.configuration.properties);

  test('every setting is in the README, and the README documents no other', () => {
    expect(properties.filter((p) => !README.includes(`\`${p}\``))).toEqual([]);
    const documented = [...README.matchAll(/^\| `(djangoAtlas\.[\w.]+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...properties].sort());
  });

  test('the client reads only contributed settings', () => {
    const source = fs.readFileSync(path.join(ROOT, 'client/src/settings.ts'), 'utf8');
    const read = [...source.matchAll(/\.get<[^>]*>\('([\w.]+)'/g)].map((m) => `djangoAtlas.${m[1]}`);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((r) => !properties.includes(r))).toEqual([]);
  });
});

describe('.vscodeignore', () => {
  // vsce's rule (out/package.js, collectFiles): a file ships when no ignore pattern matches it or a
  // `!` pattern does; a pattern without a glob in its last segment also covers the folder's content.
  const vsceRequire = createRequire(require.resolve('@vscode/vsce/package.json'));
  const minimatch: (file: string, pattern: string, options: object) => boolean = vsceRequire('minimatch');
  const lines = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split(/[\n\r]/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const patterns = [...lines, ...lines.filter((i) => !/(^|\/)[^/]*\*[^/]*$/.test(i)).map((i) => (i.endsWith('/') ? `${i}**` : `${i}/**`)), '!package.json', '!README.md'];
  const ignore = patterns.filter((p) => !p.startsWith('!'));
  const keep = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const ships = (file: string) => !ignore.some((p) => minimatch(file, p, { dot: true })) || keep.some((p) => minimatch(file, p, { dot: true }));
  const rel = (p: string) => path.posix.normalize(p.replace(/^\.\//, ''));

  test('keeps the bundles, the wasm files and everything package.json points at', () => {
    const c = PACKAGE.contributes;
    const needed = [
      'dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/scanWorker.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm',
      'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE',
      rel(PACKAGE.main), rel(PACKAGE.icon),
      ...c.grammars.map((g: { path: string }) => rel(g.path)),
      ...c.snippets.map((s: { path: string }) => rel(s.path)),
      ...c.languages.filter((l: { configuration?: string }) => l.configuration).map((l: { configuration: string }) => rel(l.configuration)),
      ...Object.values(c.viewsContainers as Record<string, { icon: string }[]>).flat().map((v) => rel(v.icon)),
      ...(c.walkthroughs ?? []).flatMap((w: { steps: { media: Record<string, string> }[] }) => w.steps.flatMap((st) => Object.values(st.media).filter((m) => typeof m === 'string').map(rel))),
    ];
    // Files of media/ the client names (the webview's stylesheet and script, panel icons).
    for (const file of fs.readdirSync(path.join(ROOT, 'client/src'))) {
      const source = fs.readFileSync(path.join(ROOT, 'client/src', file), 'utf8');
      for (const [, name] of source.matchAll(/'([\w-]+\.(?:css|js|svg|png))'/g)) {
        if (fs.existsSync(path.join(ROOT, 'media', name))) needed.push(`media/${name}`);
      }
    }
    expect(needed).toContain('media/flowDiagram.js');
    for (const file of needed) expect(fs.existsSync(path.join(ROOT, file)) || file.startsWith('dist/'), `${file} exists`).toBe(true);
    expect(needed.filter((f) => !ships(f))).toEqual([]);
  });

  test('leaves out sources, tests, sourcemaps, the benchmark and node_modules', () => {
    const left = [
      'dist/client.js.map', 'dist/server.js.map', 'dist/bench.js', 'client/src/extension.ts', 'server/src/lsp/main.ts',
      'test/fixtures/demo/manage.py', 'node_modules/web-tree-sitter/package.json', 'scripts/build.mjs', 'ARCHITECTURE.md',
      'tsconfig.json', '.ci/run', 'media/icon.svg', 'django-atlas.vsix',
    ];
    expect(left.filter(ships)).toEqual([]);
  });
});
