/**
 * The on-disk cache of evaluated modules, for warm starts: each module's evaluated record with
 * the stamp (mtime + size) of its file and the modules its evaluation read. An entry is used only
 * while its file and, recursively, every module it read still have the stamps they had; anything
 * else is evaluated afresh. Unreadable or foreign cache files are ignored: the cache can only make
 * things faster, never different.
 */
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as v8 from 'node:v8';

/** Bump when the shape of evaluated values changes. */
const CACHE_VERSION = 3;

export interface CachedModule {
  name: string;
  /** `mtimeMs:size` of the module's file, '' for a namespace package. */
  stamp: string;
  /** Modules whose evaluation this one read (getModule calls), with their stamps then. */
  deps: [string, string][];
  /** The evaluated record (ModuleEnv, admin registrations, converters), as stored. */
  record: unknown;
}

interface CacheFile {
  version: number;
  node: string;
  root: string;
  modules: CachedModule[];
}

export function stampOf(st: { mtimeMs: number; size: number } | undefined): string {
  return st ? `${Math.round(st.mtimeMs)}:${st.size}` : '';
}

/**
 * Where a project's cache lives: `$XDG_CACHE_HOME/django-atlas` or `~/.cache/django-atlas`, one file
 * per project root and settings module (modules evaluate differently under other settings).
 */
export function defaultCacheFile(root: string, settingsModule: string | null): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const id = createHash('sha1').update(`${root}\0${settingsModule ?? ''}`).digest('hex').slice(0, 16);
  return path.join(base, 'django-atlas', `${path.basename(root)}-${id}.v${CACHE_VERSION}.bin`);
}

export function loadCache(file: string, root: string): Map<string, CachedModule> | undefined {
  try {
    const data = v8.deserialize(fs.readFileSync(file)) as CacheFile;
    if (data.version !== CACHE_VERSION || data.node !== process.version || data.root !== root) return undefined;
    return new Map(data.modules.map((m) => [m.name, m]));
  } catch {
    return undefined;
  }
}

export function saveCache(file: string, root: string, modules: CachedModule[]): void {
  const data: CacheFile = { version: CACHE_VERSION, node: process.version, root, modules };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, v8.serialize(data));
  fs.renameSync(tmp, file);
}
