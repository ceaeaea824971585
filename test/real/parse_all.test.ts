/**
 * Parser robustness on real templates: `parseTemplate` on every template file of the real projects
 * set up by test/real/setup.sh + run.sh (outside the repository, in $REAL, default /work/real), and
 * of every `templates/` / `jinja2/` folder of their virtualenvs' libraries. The parser promises
 * never to throw; this checks it on a few thousand files nobody wrote for it. Skipped when the
 * checkouts are not there (they never are in CI).
 *
 * Files: (1) every file Django's engines can load, winners and shadowed ones, from
 * $REAL/<name>.templates.django.json (run_oracle.sh templates) when present; (2) every file below a folder
 * named `templates` or `jinja2` in the project (its .venv, .git and node_modules aside) and in its
 * .venv's site-packages (symlinks followed). Read as the server reads them (decodeText, size cap):
 * binary files are not parsed. Each real file once.
 *
 * Besides "no exception", it prints (not asserted) how many templates Django compiles without an
 * error but our parser reports an error-severity problem for: candidates for false diagnostics.
 */
import { describe, test, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parseTemplate } from '../../server/src/core/templates/parse';
import { decodeText, MAX_FILE_SIZE } from '../../server/src/core/host';

const REAL = process.env.REAL ?? '/work/real';
const PROJECTS = ['locallibrary', 'djangoproject', 'bakerydemo', 'babybuddy', 'drf-tutorial'];
const present = PROJECTS.filter((p) => fs.existsSync(path.join(REAL, p)));
const TEMPLATE_DIRS = new Set(['templates', 'jinja2']);
const SKIP = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache']);

interface Entry {
  file: string;
  project: string;
  /** Django compiled it as a Django template without error (it won for some name). */
  djangoOk?: boolean;
  /** Django's compile error, when it won for some name and did not compile. */
  djangoError?: string;
}

function real(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Files below `dir`; `inside` says whether we are already below a templates/jinja2 folder. */
function walk(dir: string, inside: boolean, out: (f: string) => void, seen: Set<string>, depth = 0): void {
  if (depth > 40) return;
  const r = real(dir);
  if (seen.has(r)) return;
  seen.add(r);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const st = fs.statSync(full, { throwIfNoEntry: false });
      isDir = !!st?.isDirectory();
      isFile = !!st?.isFile();
    }
    if (isDir) {
      if (SKIP.has(e.name)) continue;
      walk(full, inside || TEMPLATE_DIRS.has(e.name), out, seen, depth + 1);
    } else if (isFile && inside) out(full);
  }
}

function collect(): Entry[] {
  const byReal = new Map<string, Entry>();
  const add = (file: string, project: string, djangoOk?: boolean, djangoError?: string) => {
    const r = real(file);
    const hit = byReal.get(r);
    if (hit) {
      if (djangoOk !== undefined) hit.djangoOk = hit.djangoOk || djangoOk;
      hit.djangoError ??= djangoError;
      return;
    }
    byReal.set(r, { file: r, project, djangoOk, djangoError });
  };
  for (const p of present) {
    const root = path.join(REAL, p);
    const truth = path.join(REAL, `${p}.templates.django.json`);
    if (fs.existsSync(truth)) {
      const data = JSON.parse(fs.readFileSync(truth, 'utf8')) as {
        templates: { file: string; shadows: string[]; engine: string; error?: string }[];
      };
      for (const t of data.templates) {
        add(path.resolve(root, t.file), p, t.engine === 'django' && !t.error, t.engine === 'django' ? t.error : undefined);
        for (const s of t.shadows) add(path.resolve(root, s), p);
      }
    }
    walk(root, false, (f) => add(f, p), new Set());
    const lib = path.join(root, '.venv', 'lib');
    for (const py of fs.existsSync(lib) ? fs.readdirSync(lib) : []) {
      walk(path.join(lib, py, 'site-packages'), false, (f) => add(f, p), new Set());
    }
  }
  return [...byReal.values()];
}

describe.skipIf(present.length === 0)(`parseTemplate on real templates (${REAL})`, () => {
  test('never throws', () => {
    const entries = collect();
    const failures: string[] = [];
    const suspicious: string[] = [];
    const djangoErrors: string[] = [];
    const perProject = new Map<string, { parsed: number; binary: number; bytes: number }>();
    let parsed = 0;
    let slowest = { file: '', ms: 0 };
    const t0 = performance.now();
    for (const e of entries) {
      const stats = perProject.get(e.project) ?? { parsed: 0, binary: 0, bytes: 0 };
      perProject.set(e.project, stats);
      const st = fs.statSync(e.file, { throwIfNoEntry: false });
      if (!st?.isFile() || st.size > MAX_FILE_SIZE) continue;
      const text = decodeText(fs.readFileSync(e.file));
      if (text === undefined) {
        stats.binary++;
        continue;
      }
      const t = performance.now();
      try {
        const p = parseTemplate(text, e.file);
        expect(Array.isArray(p.blocks) && Array.isArray(p.problems)).toBe(true);
        if (e.djangoOk) {
          const errs = p.problems.filter((x) => x.severity === 'error');
          if (errs.length) suspicious.push(`${e.file}:${errs[0].loc.line + 1}: ${errs[0].code}: ${errs[0].message}`);
        }
        if (e.djangoError) {
          const errs = p.problems.filter((x) => x.severity === 'error');
          djangoErrors.push(`${e.file}\n    django: ${e.djangoError.slice(0, 160)}\n    ours:   ${errs.length ? errs.map((x) => `${x.loc.line + 1}: ${x.code}: ${x.message}`).join('; ') : '(no error)'}`);
        }
      } catch (err) {
        failures.push(`${e.file}: ${(err as Error).stack ?? err}`);
      }
      const ms = performance.now() - t;
      if (ms > slowest.ms) slowest = { file: e.file, ms };
      parsed++;
      stats.parsed++;
      stats.bytes += text.length;
    }
    const total = performance.now() - t0;
    const lines = [...perProject].map(([p, s]) => `  ${p}: ${s.parsed} parsed (${(s.bytes / 1e6).toFixed(1)} MB), ${s.binary} binary skipped`);
    console.log(
      [
        `parse_all: ${parsed} files parsed of ${entries.length} (each real file once, first project that has it) in ${total.toFixed(0)} ms; slowest ${slowest.ms.toFixed(1)} ms ${slowest.file}`,
        ...lines,
        `exceptions: ${failures.length}`,
        `templates Django compiles but our parser reports an error for: ${suspicious.length}`,
        ...suspicious.slice(0, 30).map((s) => `  ${s}`),
        `templates Django cannot compile (Django engine): ${djangoErrors.length}`,
        ...djangoErrors.map((s) => `  ${s}`),
      ].join('\n'),
    );
    expect(failures).toEqual([]);
    expect(parsed).toBeGreaterThan(0);
  }, 600000);
});
