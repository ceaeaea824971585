/**
 * Static files as `{% static %}` finds them in development: `STATICFILES_DIRS` (with their
 * prefixes), then each installed app's `static/` folder (Django's default finders, in order).
 */
import path from 'node:path';
import type { DjangoProject, Memo } from '../project';
import { asString } from '../python/values';
import { appDirs, forcedItems } from './engines';

export class StaticFiles {
  private memo: Memo<{ prefix: string; dir: string }[]> | undefined;

  constructor(private readonly project: DjangoProject) {}

  /** Where `{% static %}` paths are found: STATICFILES_DIRS (with prefixes), then app `static/`. */
  dirs(): { prefix: string; dir: string }[] {
    if (this.memo && this.project.isFresh(this.memo)) return this.memo.value;
    this.memo = this.project.tracked(() => {
      const out: { prefix: string; dir: string }[] = [];
      for (const d of forcedItems(this.project, this.project.settingsValue('STATICFILES_DIRS'))) {
        if (d.k === 'list' && d.items.length === 2) {
          const prefix = asString(this.project.interp().force(d.items[0]));
          const dir = asString(this.project.interp().force(d.items[1]));
          if (prefix !== undefined && dir !== undefined) out.push({ prefix, dir: path.resolve(this.project.root, dir) });
        } else {
          const dir = asString(d);
          if (dir !== undefined) out.push({ prefix: '', dir: path.resolve(this.project.root, dir) });
        }
      }
      for (const a of appDirs(this.project, 'static')) out.push({ prefix: '', dir: a.dir });
      return out;
    });
    return this.memo.value;
  }

  /** The file `{% static p %}` serves in development (the first finder that has it). */
  find(p: string): string | undefined {
    const clean = p.replace(/^\/+/, '');
    for (const { prefix, dir } of this.dirs()) {
      let rel = clean;
      if (prefix) {
        if (!clean.startsWith(prefix.replace(/\/+$/, '') + '/')) continue;
        rel = clean.slice(prefix.replace(/\/+$/, '').length + 1);
      }
      const full = path.join(dir, rel);
      if (this.project.host.stat(full)?.isFile) return full;
    }
    return undefined;
  }

  /** Static paths for completion (bounded). */
  paths(limit = 5000): { path: string; file: string }[] {
    const out: { path: string; file: string }[] = [];
    const seen = new Set<string>();
    for (const { prefix, dir } of this.dirs()) {
      const walk = (d: string, rel: string, depth: number) => {
        if (depth > 12 || out.length >= limit) return;
        for (const e of this.project.host.readDirTypes(d) ?? []) {
          if (e.name.startsWith('.')) continue;
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory) walk(path.join(d, e.name), r, depth + 1);
          else if (e.isFile) {
            const p = prefix ? `${prefix.replace(/\/+$/, '')}/${r}` : r;
            if (!seen.has(p)) {
              seen.add(p);
              out.push({ path: p, file: path.join(d, e.name) });
            }
          }
        }
      };
      walk(dir, '', 0);
    }
    return out;
  }

  /** A file was created or deleted: folders may have appeared. */
  reset(): void {
    this.memo = undefined;
  }
}
