/**
 * Other editors. The README's Neovim set-ups are run as they are written, as the init file of a
 * headless Neovim (`nvim --headless --clean -u <block>`), with `django-atlas-server` on PATH the way
 * npm installs the package's `bin` (a symlink to dist/server.js). The harness (neovim/definition.lua)
 * opens demo files so that the block's FileType autocmd starts and attaches the server, puts the
 * cursor on a URL name and asks for the definition and the hover. Skipped when `nvim` is not
 * installed (.ci/run installs Debian's); a block needing a newer Neovim than the one installed, or a
 * plugin, is skipped too. Every wait has a deadline and Neovim is killed past its own.
 */
import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Location, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, ROOT, FIXTURES, SERVER_JS, ensureBuilt, positionOf, lineOf, uriOf, fileOf } from './client';

const DEMO = path.join(FIXTURES, 'demo');
const d = (rel: string) => path.join(DEMO, rel);
const read = (file: string) => fs.readFileSync(file, 'utf8');
const BLOG_VIEWS = d('blog/views.py');
const BLOG_URLS = d('blog/urls.py');
const BLOG_INDEX_HTML = d('blog/templates/blog/index.html');
const DETAIL_ROUTE = '/blog/<int:year>/<slug:slug>/';
const HARNESS = path.join(ROOT, 'test', 'lsp', 'neovim', 'definition.lua');
const README = path.join(ROOT, 'README.md');
const BIN = 'django-atlas-server';

/** The installed Neovim's version ([major, minor]), or undefined without one. */
function nvimVersion(): [number, number] | undefined {
  try {
    const out = execFileSync('nvim', ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /NVIM v(\d+)\.(\d+)/.exec(out);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  } catch {
    return undefined;
  }
}
const NVIM = nvimVersion();

/** The fenced blocks of a language in the README's "Other editors" section. */
function readmeBlocks(lang: string): string[] {
  const text = read(README);
  const start = text.indexOf('\n## Other editors\n');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

interface Snippet {
  title: string;
  code: string;
  /** The Neovim version the block says it needs ("-- Neovim 0.8+"). */
  needs?: [number, number];
  plugin: boolean;
}
const SNIPPETS: Snippet[] = readmeBlocks('lua').map((code) => {
  const title = code.split('\n')[0].replace(/^--\s*/, '');
  const m = /Neovim (\d+)\.(\d+)\+/.exec(title);
  return { title, code, needs: m ? [Number(m[1]), Number(m[2])] : undefined, plugin: /require\('lspconfig/.test(code) };
});
const runnable = (s: Snippet) =>
  !!NVIM && !s.plugin && !!s.needs && (NVIM[0] > s.needs[0] || (NVIM[0] === s.needs[0] && NVIM[1] >= s.needs[1]));

interface Answer {
  file: string;
  method: string;
  filetype: string;
  root_dir?: string;
  result?: unknown;
  error?: unknown;
}
interface Report {
  nvim: { major: number; minor: number; patch: number };
  answers: Answer[];
  error?: string;
}

let tmp: string;
let binDir: string;

beforeAll(() => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-nvim-'));
  // What `npm install` makes of the package's "bin": a symlink to dist/server.js on PATH.
  binDir = path.join(tmp, 'bin');
  fs.mkdirSync(binDir);
  fs.symlinkSync(SERVER_JS, path.join(binDir, BIN));
}, 90_000);
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** PATH with our bin first and the node running the tests (the shebang's `env node`). */
const testPath = () => [binDir, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter);

describe('the package bin (`django-atlas-server --stdio`)', () => {
  test('dist/server.js is executable with a node shebang, and runs through a symlink as npm installs it', () => {
    expect(read(SERVER_JS).startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(() => fs.accessSync(SERVER_JS, fs.constants.X_OK)).not.toThrow();
    const pkg = JSON.parse(read(path.join(ROOT, 'package.json'))) as { bin: Record<string, string> };
    expect(path.resolve(ROOT, pkg.bin[BIN])).toBe(path.join(ROOT, 'dist', 'server.js'));
    const out = execFileSync(path.join(binDir, BIN), ['--version'], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, PATH: testPath() } });
    expect(out).toMatch(/^django-atlas-server \d+\.\d+\.\d+/);
  });

  test('every README set-up starts it as `django-atlas-server --stdio`', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(4);
    for (const s of SNIPPETS) expect(s.code, s.title).toContain(`cmd = { '${BIN}', '--stdio' }`);
    const [helix] = readmeBlocks('toml');
    expect(helix).toContain(`[language-server.${BIN.replace('-server', '')}]\ncommand = "${BIN}"\nargs = ["--stdio"]`);
    expect(helix).toMatch(/name = "python"\nlanguage-servers = \["django-atlas"/);
    expect(helix).toMatch(/name = "htmldjango"\n(?:.*\n)*?language-servers = \["django-atlas"/);
  });
});

describe('other LSP clients', () => {
  // Helix, finding no root, sends workspaceFolders: [] and rootUri: null with the folder in rootPath.
  test('a client sending only rootPath (Helix outside a workspace) gets the project', async () => {
    const c = await LspClient.start(DEMO, {}, { workspaceFolders: [], rootUri: null, rootPath: DEMO });
    try {
      const ready = await c.waitReady(30_000);
      expect(ready.projects.map((p) => p.root)).toEqual([DEMO]);
      await c.openDoc(BLOG_INDEX_HTML, 'htmldjango');
      const html = read(BLOG_INDEX_HTML);
      const locs = (await c.conn.sendRequest('textDocument/definition', {
        textDocument: { uri: uriOf(BLOG_INDEX_HTML) },
        position: positionOf(html, "{% url 'blog:post-detail'", "{% url 'blog:p".length),
      })) as Location[];
      expect(locs.map((l) => [fileOf(l.uri), l.range.start.line])).toEqual([[BLOG_URLS, lineOf(read(BLOG_URLS), 'name="post-detail"')]]);
    } finally {
      await c.stop();
    }
  });
});

/** Runs one README block as the init file of a headless Neovim with the harness's queries. */
async function runNeovim(snippet: Snippet, queries: { file: string; line: number; character: number; method: string }[]): Promise<Report> {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const init = path.join(dir, 'init.lua');
  const out = path.join(dir, 'out.json');
  const planFile = path.join(dir, 'plan.json');
  fs.writeFileSync(init, snippet.code);
  fs.writeFileSync(planFile, JSON.stringify({ out, deadline_ms: 40_000, queries }));
  const env = {
    ...process.env,
    PATH: testPath(),
    ATLAS_NVIM_PLAN: planFile,
    // Neovim's and the server's files (logs, the server's disk cache) stay in the run's folder.
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    XDG_STATE_HOME: path.join(dir, 'state'),
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  };
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }>((resolve) => {
    const p = execFile('nvim', ['--headless', '--clean', '-u', init, '-c', `luafile ${HARNESS}`],
      { cwd: DEMO, env, timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: p.exitCode, stdout, stderr, error: error ?? undefined }));
    p.stdin?.end();
  });
  const what = `nvim exited ${run.code}${run.error ? ` (${run.error.message})` : ''}\n--- stdout:\n${run.stdout.slice(-2000)}\n--- stderr:\n${run.stderr.slice(-2000)}`;
  if (!fs.existsSync(out)) throw new Error(`no report from the harness; ${what}`);
  const report = JSON.parse(read(out)) as Report;
  if (report.error) throw new Error(`harness error: ${report.error}; ${what}`);
  return report;
}

describe.skipIf(!NVIM)(`headless Neovim ${NVIM?.join('.') ?? '(not installed)'} with the README's set-up`, () => {
  for (const snippet of SNIPPETS) {
    test.skipIf(!runnable(snippet))(`${snippet.title}: definition and hover from Python and from a template`, async () => {
      const views = read(BLOG_VIEWS);
      const html = read(BLOG_INDEX_HTML);
      const inReverse = positionOf(views, 'reverse("blog:post-detail"', 'reverse("blog:po'.length);
      const inUrlTag = positionOf(html, "{% url 'blog:post-detail'", "{% url 'blog:po".length);
      const report = await runNeovim(snippet, [
        { file: BLOG_VIEWS, ...inReverse, method: 'textDocument/definition' },
        { file: BLOG_VIEWS, ...inReverse, method: 'textDocument/hover' },
        { file: BLOG_INDEX_HTML, ...inUrlTag, method: 'textDocument/definition' },
      ]);
      const [def, hover, tplDef] = report.answers;
      const target = lineOf(read(BLOG_URLS), 'name="post-detail"');
      const where = (a: Answer) => {
        expect(a.error, `${a.method} in ${path.basename(a.file)}`).toBeUndefined();
        const locs = (Array.isArray(a.result) ? a.result : [a.result]) as Location[];
        return locs.map((l) => [fileOf(l.uri), l.range.start.line]);
      };

      expect(def.filetype).toBe('python');
      expect(def.root_dir).toBe(DEMO);
      expect(where(def)).toEqual([[BLOG_URLS, target]]);

      expect(hover.error).toBeUndefined();
      const contents = (hover.result as { contents: MarkupContent }).contents;
      expect(contents.value).toContain(DETAIL_ROUTE);
      expect(contents.value).toContain('blog:post-detail');

      // Neovim names Django templates `htmldjango`; the same server answers there.
      expect(tplDef.filetype).toBe('htmldjango');
      expect(where(tplDef)).toEqual([[BLOG_URLS, target]]);
    }, 90_000);
  }
});
