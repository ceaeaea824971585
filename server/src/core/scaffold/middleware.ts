/**
 * "New middleware": a middleware class (Django's new-style: `__init__(get_response)`, `__call__`
 * with the request and response halves marked) in the app's middleware.py, and its dotted path in
 * MIDDLEWARE at a chosen position (the end by default), in the settings file that defines the list.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import { asString } from '../python/values';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { appendToList, insertIntoList, pyString, quoteStyle } from './pyedit';
import { appStyle, ownApp, settingList, validateIdentifier } from './app';

/** Refuses a middleware class name that is not CamelCase or that the app's middleware.py already defines. */
export function checkMiddlewareName(project: DjangoProject, appName: string, name: string): void {
  validateIdentifier(name, 'middleware');
  if (!/^[A-Z]/.test(name)) throw new ScaffoldError(`a middleware class is named in CamelCase ('${name.charAt(0).toUpperCase()}${name.slice(1)}')`);
  const app = ownApp(project, appName);
  if (project.getModule(`${app.name}.middleware`)?.scope.has(name)) throw new ScaffoldError(`${app.label}.middleware already defines '${name}'`);
}

export function planNewMiddleware(project: DjangoProject, appName: string, name: string, position: number | undefined): Plan {
  checkMiddlewareName(project, appName, name);
  if (position !== undefined && (!Number.isInteger(position) || position < 0)) throw new ScaffoldError(`--position must be 0 or more (0 = first)`);
  const app = ownApp(project, appName);
  const dotted = `${app.name}.middleware.${name}`;
  const current = project.settingsValue('MIDDLEWARE');
  const entries = current.k === 'list' ? current.items.map((i) => asString(project.interp().force(i))) : [];
  if (entries.includes(dotted)) throw new ScaffoldError(`${dotted} is already in MIDDLEWARE`);
  const file = path.join(app.dir, 'middleware.py');
  const before = project.host.readFile(file);
  const { ind } = appStyle(project, app, before);
  const code = [
    `class ${name}:`,
    `${ind}def __init__(self, get_response):`,
    `${ind}${ind}self.get_response = get_response`,
    '',
    `${ind}def __call__(self, request):`,
    `${ind}${ind}# Before the view (and the middleware below this one).`,
    `${ind}${ind}response = self.get_response(request)`,
    `${ind}${ind}# After the view, on the way back up.`,
    `${ind}${ind}return response`,
    '',
  ].join('\n');
  const text = before === undefined ? code : `${before.replace(/\n*$/, '')}\n\n\n${code}`;
  const edits: FileEdit[] = [before === undefined ? { file, after: text } : { file, before, after: text }];
  const target = settingList(project, 'MIDDLEWARE', dotted);
  const item = pyString(dotted, quoteStyle(target.text));
  if (position !== undefined && (target.augmented || target.parts)) {
    throw new ScaffoldError(`MIDDLEWARE is built from several parts in ${target.file}: --position cannot be placed; leave it out to add at the end`);
  }
  const after = position === undefined ? appendToList(target.text, target.list, item, target.augmented) : insertIntoList(target.text, target.list, item, position);
  edits.push({ file: target.file, before: target.text, after: after! });
  return { edits, notes: [] };
}
