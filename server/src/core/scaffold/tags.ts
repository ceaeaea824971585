/**
 * "New template tag library": `<app>/templatetags/<name>.py` with `register = template.Library()`,
 * an example simple tag and filter, and the `templatetags` package made when missing, so
 * `{% load <name> %}` works in any template. A name `{% load %}` already knows is refused: Django
 * would load one library in place of the other.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { appStyle, ownApp, validateIdentifier } from './app';

/** Django's own libraries (`django/templatetags/`), refused even when Django's source is not found. */
const DJANGO_LIBRARIES = ['cache', 'i18n', 'l10n', 'static', 'tz'];

/** Refuses a library name that is not an identifier or that `{% load %}` already loads. */
export function checkLibraryName(project: DjangoProject, name: string): void {
  validateIdentifier(name, 'tag library');
  const taken = project.templates().loadable().get(name) ?? (DJANGO_LIBRARIES.includes(name) ? `django.templatetags.${name}` : undefined);
  if (taken) throw new ScaffoldError(`{% load ${name} %} already loads ${taken}; a second library of that name would hide one of them`);
}

export function planNewTagLibrary(project: DjangoProject, appName: string, name: string): Plan {
  checkLibraryName(project, name);
  const app = ownApp(project, appName);
  const dir = path.join(app.dir, 'templatetags');
  const file = path.join(dir, `${name}.py`);
  if (project.host.stat(file)) throw new ScaffoldError(`${path.relative(project.root, file)} already exists`);
  if (project.host.stat(path.join(app.dir, 'templatetags.py'))) throw new ScaffoldError(`${app.label} has a templatetags.py module: Django needs a templatetags package`);
  const { ind, s } = appStyle(project, app);
  const edits: FileEdit[] = [];
  if (!project.host.stat(path.join(dir, '__init__.py'))) edits.push({ file: path.join(dir, '__init__.py'), after: '' });
  const code = [
    `"""Template tags and filters: {% load ${name} %} in a template."""`,
    'from django import template',
    '',
    'register = template.Library()',
    '',
    '',
    '@register.simple_tag',
    'def example_tag(*args):',
    `${ind}"""{% example_tag a b %}: its arguments, joined by spaces."""`,
    `${ind}return ${s(' ')}.join(str(a) for a in args)`,
    '',
    '',
    '@register.filter',
    `def example_filter(value, arg=${s('')}):`,
    `${ind}"""{{ value|example_filter:"!" }}: the value followed by arg."""`,
    `${ind}return f${s('{value}{arg}')}`,
    '',
  ].join('\n');
  edits.push({ file, after: code });
  return { edits, notes: [] };
}
