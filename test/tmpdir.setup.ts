/**
 * vitest's global set-up: every test's temporary folders (fixture copies, caches, large files) go
 * under one folder made for the run (TMPDIR, read by os.tmpdir() in the test processes and by the
 * servers and Python processes they start), removed when the run ends, so that running the tests
 * leaves nothing behind in /tmp.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'django-atlas-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
