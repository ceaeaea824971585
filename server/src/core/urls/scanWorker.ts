/**
 * Worker-thread entry (bundled as dist/scanWorker.js): scans files for URL-name and template-name uses off the
 * language server's main thread. Receives `{ id, files }`, answers `{ id, results }`.
 */
import { parentPort } from 'node:worker_threads';
import { DiskHost } from '../host';
import { initPython } from '../python/parser';
import { scanFileText, fingerprint, type ScannedFile } from './usageIndex';

const host = new DiskHost();

parentPort?.on('message', async (msg: { id: number; files: string[] }) => {
  await initPython();
  const results: ScannedFile[] = [];
  for (const file of msg.files) {
    const text = host.readFile(file);
    if (text === undefined) {
      results.push({ file, uses: [], templates: [] });
      continue;
    }
    let found: Pick<ScannedFile, 'uses' | 'templates'> = { uses: [], templates: [] };
    try {
      found = scanFileText(file, text);
    } catch {
      // Unreadable as Python: no uses.
    }
    results.push({ file, hash: fingerprint(text), ...found });
  }
  parentPort!.postMessage({ id: msg.id, results });
});
