/**
 * "New template": a template file extending a chosen parent (the project's `base.html` by
 * default) with the parent's overridable blocks ready to fill, in the folder Django will load it
 * from: `<app>/templates/<name>` when the name starts with an installed app's label and that app has
 * a templates folder, else the first DIRS folder of the Django engine.
 */
import path from 'node:path';
import { isLibraryFile } from '../files';
import type { DjangoProject } from '../project';
import { ScaffoldError, type Plan } from './edits';

export function validateTemplateName(name: string): void {
  if (!/^[\w.-]+(\/[\w.-]+)*\.(html|txt|xml|json|md)$/.test(name) || name.split('/').some((p) => p === '..' || p === '.')) {
    throw new ScaffoldError(`'${name}' is not a template name like 'blog/post_list.html' (letters, digits, '_', '-', '.', '/', ending in .html or .txt)`);
  }
}

/** The folder a new template of this name goes in, so that Django's loaders find it there. */
function templateFolder(project: DjangoProject, name: string): string {
  const engine = project.templates().djangoEngine();
  if (!engine) throw new ScaffoldError('no DjangoTemplates engine in TEMPLATES: nowhere Django would load a template from');
  const own = (d: string) => d.startsWith(project.root) && !isLibraryFile(d);
  const first = name.split('/')[0];
  const app = engine.dirs.find((d) => d.via === 'app' && own(d.dir) && (d.app === first || path.basename(path.dirname(d.dir)) === first));
  if (app && name.includes('/')) return app.dir;
  const dirs = engine.dirs.find((d) => d.via === 'dirs' && own(d.dir));
  if (dirs) return dirs.dir;
  const anyApp = engine.dirs.find((d) => d.via === 'app' && own(d.dir));
  if (anyApp) return anyApp.dir;
  throw new ScaffoldError('the Django engine has no DIRS and no project app with a templates folder: create one first (e.g. with new app)');
}

/** Refuses a name that is not a template name, or one Django already loads. */
export function checkTemplateName(project: DjangoProject, name: string): void {
  validateTemplateName(name);
  const existing = project.templates().resolve(name);
  if (existing) throw new ScaffoldError(`a template '${name}' already exists (${path.relative(project.root, existing.file)})`);
}

/** `parent`: the template to extend; undefined: `base.html` when there is one; null or '': none. */
export function planNewTemplate(project: DjangoProject, name: string, parent: string | null | undefined): Plan {
  checkTemplateName(project, name);
  const catalog = project.templates();
  const base = parent === undefined ? (catalog.resolve('base.html') ? 'base.html' : undefined) : parent || undefined;
  const parentFile = base ? catalog.resolve(base) : undefined;
  if (base && !parentFile) throw new ScaffoldError(`the parent template '${base}' cannot be found`);
  const file = path.join(templateFolder(project, name), name);
  if (project.host.stat(file)) throw new ScaffoldError(`${file} already exists`);
  const notes: string[] = [];
  // Not a page (an email body, a sitemap, JSON): no HTML skeleton, just the blocks to fill.
  const page = /\.html?$/.test(name);
  const text = base || page ? templateText(project, base, notes) : '{% block content %}{% endblock %}\n';
  if (!base && page && parent === undefined) notes.push('no base.html found: the new template stands alone with title and content blocks');
  return { edits: [{ file, after: text }], notes };
}

/**
 * A new template's text: `{% extends parent %}` with the parent's overridable blocks (its own and
 * its ancestors', each keeping the parent's content until edited), or a small standalone page
 * when there is no parent. `fill` goes in the block named `content` (a view's starting markup).
 */
export function templateText(project: DjangoProject, parent: string | undefined, notes: string[], fill: Record<string, string> = {}): string {
  const catalog = project.templates();
  const parentFile = parent ? catalog.resolve(parent) : undefined;
  if (parent && parentFile) {
    const own = catalog.summary(parentFile.file)?.blocks.map((b) => b.name) ?? [];
    const blocks = [...new Set([...own, ...catalog.inheritedBlocks(parentFile.file).map((b) => b.name)])];
    if (!blocks.length) notes.push(`'${parent}' has no blocks: the new template can only repeat it`);
    // A block not filled keeps the parent's content ({{ block.super }}): the page renders as its
    // parent until the block is edited, and every overridable block is there to edit.
    return `{% extends "${parent}" %}\n` + blocks.map((b) => (fill[b] !== undefined
      ? `\n{% block ${b} %}\n${fill[b]}{% endblock ${b} %}\n`
      : `\n{% block ${b} %}{{ block.super }}{% endblock ${b} %}\n`)).join('');
  }
  return `<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>{% block title %}{% endblock %}</title>\n</head>\n<body>\n  {% block content %}\n${fill.content ?? ''}  {% endblock %}\n</body>\n</html>\n`;
}
