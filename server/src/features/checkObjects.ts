/**
 * Where a problem of Django's system checks (`manage.py check`, the `check` task) is in the source.
 * Django prints each problem with the object it is about and no file:
 *
 *   blog.Tag.name: (fields.E120) CharFields must define a 'max_length' attribute.
 *   <class 'blog.admin.PostAdmin'>: (admin.E108) The value of 'list_display[1]' refers to 'nope', …
 *   ?: (security.W018) You should not have DEBUG set to True in deployment.
 *
 * and this finds the line: a model (`app_label.Model`) or its field, a class or function by its
 * dotted path (the attribute a ModelAdmin message names, when it is set in the class), and for
 * project-wide problems (`?`) the first setting the message names that the settings assign, else
 * the settings module itself. Undefined when it cannot tell (a model of an installed library).
 */
import { fileStart, type Loc } from '../core/python/values';
import type { DjangoProject } from '../core/project';
import { isLibraryFile } from '../core/files';
import { resolveDotted } from './navigation';

export interface CheckProblem {
  /** What Django printed before the colon: `app.Model.field`, `<class 'a.b.C'>`, `?`… */
  object: string;
  /** `fields.E120`. */
  id: string;
  message: string;
}

export function locateCheckProblem(project: DjangoProject, problem: CheckProblem): Loc | undefined {
  const own = (loc: Loc | undefined) => (loc && !isLibraryFile(loc.file) ? loc : undefined);
  const object = problem.object.trim();
  const reprd = /^<(?:class|function) '?([\w.]+)'?(?: at 0x[0-9a-f]+)?>$/.exec(object);
  if (reprd) {
    const dotted = reprd[1];
    const attr = /^The value of '(\w+)/.exec(problem.message)?.[1];
    const def = project.lookupDotted(dotted);
    const attrLoc = attr && def?.k === 'def' ? def.cls?.attrs.get(attr)?.loc : undefined;
    return own(attrLoc ?? resolveDotted(project, dotted));
  }
  if (object === '?' || object === '') return settingNamedIn(project, problem.id, problem.message);
  const parts = object.split('.');
  if (parts.length >= 2 && /^[\w.]+$/.test(object)) {
    const models = project.models();
    const model = models.byLabel(`${parts[0]}.${parts[1]}`);
    if (model) {
      if (parts.length === 2) return own(model.def.loc);
      const field = model.fields.find((f) => f.name === parts[2]);
      // A field inherited from a library class (AbstractUser.groups): the project's model.
      return own(field?.loc) ?? own(model.def.loc);
    }
    return own(resolveDotted(project, object));
  }
  return undefined;
}

/** The setting each of Django's deployment checks is about (its message names others too). */
const CHECK_SETTING: Record<string, string> = {
  'security.W004': 'SECURE_HSTS_SECONDS', 'security.W005': 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'security.W006': 'SECURE_CONTENT_TYPE_NOSNIFF',
  'security.W008': 'SECURE_SSL_REDIRECT', 'security.W009': 'SECRET_KEY', 'security.W012': 'SESSION_COOKIE_SECURE',
  'security.W013': 'SESSION_COOKIE_HTTPONLY', 'security.W016': 'CSRF_COOKIE_SECURE', 'security.W018': 'DEBUG',
  'security.W019': 'X_FRAME_OPTIONS', 'security.W020': 'ALLOWED_HOSTS', 'security.W021': 'SECURE_HSTS_PRELOAD',
  'security.W022': 'SECURE_REFERRER_POLICY', 'security.E023': 'SECURE_REFERRER_POLICY', 'security.E024': 'SECURE_CROSS_ORIGIN_OPENER_POLICY',
  'security.W025': 'SECRET_KEY_FALLBACKS',
};

/** The setting the check is about when it is assigned, else the first ALL_CAPS name in the message the settings assign, else the settings module. */
function settingNamedIn(project: DjangoProject, id: string, message: string): Loc | undefined {
  const names = [CHECK_SETTING[id], ...[...message.matchAll(/\b[A-Z][A-Z0-9_]{2,}\b/g)].map((m) => m[0])].filter((n): n is string => !!n);
  for (const name of names) {
    const loc = project.settingLoc(name);
    if (loc && !isLibraryFile(loc.file)) return loc;
  }
  const settings = project.settingsModule ? project.resolver.resolve(project.settingsModule) : undefined;
  return settings?.file ? fileStart(settings.file) : undefined;
}
