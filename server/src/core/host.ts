/**
 * File access for the analysis core. Everything the core reads goes through a `Host`, so the
 * language server can lay open (unsaved) buffers over the disk and tests can use real fixture folders.
 * Reading never throws: missing, unreadable, binary or oversized files read as `undefined`.
 */
import * as fs from 'node:fs';
import path from 'node:path';

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  mtimeMs: number;
  size: number;
}

export interface DirEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}

export interface Host {
  readFile(file: string): string | undefined;
  stat(file: string): FileStat | undefined;
  /** Names of the entries of a directory, or undefined when it is not one. */
  readDir(dir: string): string[] | undefined;
  /** The entries with their kind (symlinks followed), for walks that would otherwise stat each one. */
  readDirTypes(dir: string): DirEntry[] | undefined;
  /** The canonical path (symlinks resolved), to cut symlink loops; the path itself when unknown. */
  realpath(file: string): string;
  /** Where the core reports what it could not resolve. */
  log(message: string): void;
}

/** Files larger than this are treated as unreadable (generated code, data dumps). */
export const MAX_FILE_SIZE = 4 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Decodes file bytes; binary content (a NUL byte in the first 8 KiB) gives undefined. */
export function decodeText(bytes: Uint8Array): string | undefined {
  const probe = Math.min(bytes.length, 8192);
  for (let i = 0; i < probe; i++) if (bytes[i] === 0) return undefined;
  let text = decoder.decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

export class DiskHost implements Host {
  constructor(private readonly logger: (message: string) => void = () => {}) {}
  readFile(file: string): string | undefined {
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) return undefined;
      if (st.size > MAX_FILE_SIZE) {
        this.log(`skipped ${file}: ${st.size} bytes is over the ${MAX_FILE_SIZE} byte limit`);
        return undefined;
      }
      const text = decodeText(fs.readFileSync(file));
      if (text === undefined) this.log(`skipped ${file}: binary content`);
      return text;
    } catch {
      return undefined;
    }
  }
  stat(file: string): FileStat | undefined {
    try {
      // A missing file is the common case (module resolution probes): no exception for it.
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (!st) return undefined;
      return { isFile: st.isFile(), isDirectory: st.isDirectory(), mtimeMs: st.mtimeMs, size: st.size };
    } catch {
      return undefined;
    }
  }
  readDir(dir: string): string[] | undefined {
    try {
      return fs.readdirSync(dir);
    } catch {
      return undefined;
    }
  }
  readDirTypes(dir: string): DirEntry[] | undefined {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).map((d) => {
        if (!d.isSymbolicLink()) return { name: d.name, isFile: d.isFile(), isDirectory: d.isDirectory() };
        const st = this.stat(path.join(dir, d.name));
        return { name: d.name, isFile: !!st?.isFile, isDirectory: !!st?.isDirectory };
      });
    } catch {
      return undefined;
    }
  }
  realpath(file: string): string {
    try {
      return fs.realpathSync(file);
    } catch {
      return file;
    }
  }
  log(message: string): void {
    this.logger(message);
  }
}

/** Open editor buffers laid over another host: their text wins over the disk's. */
export class OverlayHost implements Host {
  private readonly buffers = new Map<string, string>();
  constructor(private readonly base: Host) {}
  setBuffer(file: string, text: string): void {
    this.buffers.set(path.normalize(file), text);
  }
  deleteBuffer(file: string): void {
    this.buffers.delete(path.normalize(file));
  }
  readFile(file: string): string | undefined {
    return this.buffers.get(path.normalize(file)) ?? this.base.readFile(file);
  }
  stat(file: string): FileStat | undefined {
    const text = this.buffers.get(path.normalize(file));
    if (text !== undefined) return { isFile: true, isDirectory: false, mtimeMs: Date.now(), size: text.length };
    return this.base.stat(file);
  }
  readDir(dir: string): string[] | undefined {
    return this.base.readDir(dir);
  }
  readDirTypes(dir: string): DirEntry[] | undefined {
    return this.base.readDirTypes(dir);
  }
  realpath(file: string): string {
    return this.base.realpath(file);
  }
  log(message: string): void {
    this.base.log(message);
  }
}
