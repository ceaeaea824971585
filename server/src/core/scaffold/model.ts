/**
 * "New model": a model class in the app's models.py (fields from `title:CharField,author:ForeignKey(auth.User)`,
 * with the arguments Django requires filled in: `max_length`, `on_delete`, `max_digits`…, and a
 * `__str__`) and its ModelAdmin registration in the app's admin.py.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { ensureImport, pyString } from './pyedit';
import { addToModule, appStyle, checkFreeName, ownApp, validateIdentifier } from './app';
import { addSerializer, requireDrf } from './endpoint';

const SIMPLE = new Set(['CharField', 'TextField', 'SlugField', 'EmailField', 'URLField', 'IntegerField', 'PositiveIntegerField',
  'BigIntegerField', 'SmallIntegerField', 'FloatField', 'DecimalField', 'BooleanField', 'DateField', 'DateTimeField', 'TimeField',
  'DurationField', 'UUIDField', 'JSONField', 'FileField', 'ImageField', 'GenericIPAddressField']);
const RELATIONS = new Set(['ForeignKey', 'OneToOneField', 'ManyToManyField']);

export interface FieldSpec {
  name: string;
  type: string;
  target?: string;
}

/** `title:CharField,author:ForeignKey(auth.User)` → field specs (validated). */
export function parseFields(spec: string | undefined): FieldSpec[] {
  if (!spec?.trim()) return [];
  const out: FieldSpec[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\w+)\s*:\s*(\w+)\s*(?:\(\s*([\w.]+)\s*\))?$/.exec(part);
    if (!m) throw new ScaffoldError(`'${part}' is not a field like 'title:CharField' or 'author:ForeignKey(auth.User)'`);
    const [, name, type, target] = m;
    validateIdentifier(name, 'field');
    if (name === 'pk' || name.includes('__') || name.endsWith('_')) throw new ScaffoldError(`'${name}' cannot be a field name (Django reserves 'pk', '__' and a trailing '_')`);
    if (RELATIONS.has(type) && !target) throw new ScaffoldError(`${type} needs its model: '${name}:${type}(app_label.Model)'`);
    if (!RELATIONS.has(type) && !SIMPLE.has(type)) throw new ScaffoldError(`unknown field type '${type}' (use one of ${[...SIMPLE, ...RELATIONS].join(', ')})`);
    if (out.some((f) => f.name === name)) throw new ScaffoldError(`field '${name}' is given twice`);
    out.push({ name, type, target });
  }
  return out;
}

/** Refuses a model name that is not CamelCase or that the app already has (Django compares them without case). */
export function checkModelName(project: DjangoProject, appName: string, name: string): void {
  validateIdentifier(name, 'model');
  if (!/^[A-Z]/.test(name)) throw new ScaffoldError(`a model is named in CamelCase ('${name.charAt(0).toUpperCase()}${name.slice(1)}')`);
  const app = ownApp(project, appName);
  if (project.models().models().some((m) => m.appLabel === app.label && m.name.toLowerCase() === name.toLowerCase())) throw new ScaffoldError(`${app.label} already has a model '${name}'`);
  if (project.host.stat(path.join(app.dir, 'models'))?.isDirectory) throw new ScaffoldError(`${app.label}'s models are a package: add the model to one of its modules by hand`);
}

export interface NewModelOptions {
  /** Also a ModelForm in forms.py. */
  form?: boolean;
  /** Also a ModelSerializer in serializers.py (Django REST framework). */
  serializer?: boolean;
}

export function planNewModel(project: DjangoProject, appName: string, name: string, fieldSpec: string | undefined, o: NewModelOptions = {}): Plan {
  checkModelName(project, appName, name);
  const app = ownApp(project, appName);
  const fields = parseFields(fieldSpec);
  if (o.form) checkFreeName(project, app, 'forms', `${name}Form`);
  if (o.serializer) {
    requireDrf(project, 'a serializer');
    checkFreeName(project, app, 'serializers', `${name}Serializer`);
  }
  const models = project.models();
  for (const f of fields) {
    if (!f.target || f.target === 'self' || f.target === name || f.target === `${app.label}.${name}`) continue;
    const label = f.target.includes('.') ? f.target : `${app.label}.${f.target}`;
    if (!models.byLabel(label) && !(label === 'auth.User')) throw new ScaffoldError(`no model '${f.target}' for field '${f.name}'`);
  }
  const file = path.join(app.dir, 'models.py');
  const before = project.host.readFile(file);
  const { q, ind } = appStyle(project, app, before);
  const s = (v: string) => pyString(v, q);
  let usesSettings = false;
  const lines = fields.map((f) => {
    if (f.target) {
      const isUser = f.target === 'auth.User' || f.target === 'User';
      usesSettings ||= isUser;
      const to = isUser ? 'settings.AUTH_USER_MODEL' : s(f.target === name ? 'self' : f.target);
      const args = f.type === 'ManyToManyField' ? `${to}, blank=True` : `${to}, on_delete=models.CASCADE`;
      return `${f.name} = models.${f.type}(${args})`;
    }
    const args = f.type === 'CharField' ? 'max_length=200' : f.type === 'DecimalField' ? 'max_digits=10, decimal_places=2' : f.type === 'SlugField' ? 'unique=True' : '';
    return `${f.name} = models.${f.type}(${args})`;
  });
  const label = fields.find((f) => f.type === 'CharField' || f.type === 'SlugField');
  const body = [...lines, ...(lines.length ? [''] : []), `def __str__(self):`, `${ind}return ${label ? `self.${label.name}` : `f${s(`${name} {self.pk}`)}`}`];
  const code = `class ${name}(models.Model):\n${body.map((l) => (l ? `${ind}${l}` : '')).join('\n')}\n`;
  let text = ensureImport(before ?? '', 'django.db', 'models');
  if (usesSettings) text = ensureImport(text, 'django.conf', 'settings');
  text = `${text.replace(/\n*$/, '')}\n\n\n${code}`;
  const edits: FileEdit[] = [before === undefined ? { file, after: text } : { file, before, after: text }];

  // The admin: @admin.register(Model) with the fields in list_display — when the project has an admin.
  const notes = ['run `python manage.py makemigrations` to create its migration'];
  if (project.installedApps().some((a) => a.name === 'django.contrib.admin' || a.label === 'admin')) {
    const adminFile = path.join(app.dir, 'admin.py');
    const adminBefore = project.host.readFile(adminFile);
    const shown = fields.filter((f) => f.type !== 'ManyToManyField' && f.type !== 'TextField' && f.type !== 'JSONField').slice(0, 5).map((f) => s(f.name));
    const adminCode = `@admin.register(${name})\nclass ${name}Admin(admin.ModelAdmin):\n${ind}list_display = [${shown.length ? shown.join(', ') : s('__str__')}]\n`;
    let admin = ensureImport(ensureImport(adminBefore ?? '', 'django.contrib', 'admin'), '.models', name);
    admin = `${admin.replace(/\n*$/, '')}\n\n\n${adminCode}`;
    edits.push(adminBefore === undefined ? { file: adminFile, after: admin } : { file: adminFile, before: adminBefore, after: admin });
  } else {
    notes.push('django.contrib.admin is not installed, so no ModelAdmin was written');
  }

  const names = fields.map((f) => f.name);
  const modelRef = { name, appLabel: app.label, module: `${app.name}.models` };
  if (o.form) {
    addToModule(project, app, 'forms', [['django', 'forms'], ['.models', name]], (st) => [
      `class ${name}Form(forms.ModelForm):`,
      `${st.ind}class Meta:`,
      `${st.ind}${st.ind}model = ${name}`,
      `${st.ind}${st.ind}fields = ${names.length ? `[${names.map(st.s).join(', ')}]` : st.s('__all__')}`,
      '',
    ].join('\n'), edits);
  }
  if (o.serializer) addSerializer(project, app, modelRef, ['id', ...names], edits);
  return { edits, notes };
}
