/**
 * Runs the URL-name scan of whole projects in one worker thread (dist/scanWorker.js), so the
 * server's main thread stays free for requests. Falls back to in-process scanning (returns
 * undefined) when the worker cannot start.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Scanner, ScannedFile } from '../core/urls/usageIndex';

export function createWorkerScanner(log: (m: string) => void): { scanner: Scanner; dispose(): void } | undefined {
  const entry = path.join(__dirname, 'scanWorker.js');
  if (!existsSync(entry)) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(entry);
  } catch (e) {
    log(`scan worker did not start (${(e as Error).message}); scanning in process`);
    return undefined;
  }
  worker.unref();
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: ScannedFile[]) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; results: ScannedFile[] }) => {
    pending.get(m.id)?.resolve(m.results);
    pending.delete(m.id);
  });
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', (e) => {
    log(`scan worker failed: ${e.message}`);
    failAll(e);
  });
  worker.on('exit', () => failAll(new Error('scan worker exited')));
  return {
    scanner: (files) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, files });
      }),
    dispose: () => void worker.terminate(),
  };
}
