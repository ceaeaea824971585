/**
 * "New signal receiver": a function under `@receiver(signal, sender=Model)` in the app's
 * signals.py (made, or appended to, its imports merged), and `from . import signals` in the app's
 * `AppConfig.ready()` so Django connects it at start-up (`ready` added when the config has none).
 */
import path from 'node:path';
import type { DjangoProject, AppInfo } from '../project';
import type { ModelInfo } from '../models/index';
import { isLibraryFile } from '../files';
import { parsePython } from '../python/parser';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { addToReady } from './pyedit';
import { addToModule, checkFreeName, modelImport, ownApp, validateIdentifier } from './app';
import { findModel, snake } from './view';

type SignalGroup = 'model' | 'request' | 'auth';

interface SignalSpec {
  module: string;
  group: SignalGroup;
  /** The receiver's arguments before `**kwargs`. */
  args: string[];
  /** When Django sends it ("after a {model} is saved"). */
  when: string;
  /** Model signals: the receiver's default name is `<model>_<verb>` (`order_saved`). */
  verb?: string;
}

/** The signals offered, with the module each is imported from. */
export const SIGNALS: Record<string, SignalSpec> = {
  pre_init: { module: 'django.db.models.signals', group: 'model', verb: 'initializing', args: ['sender'], when: 'at the start of a {model}\'s __init__()' },
  post_init: { module: 'django.db.models.signals', group: 'model', verb: 'initialized', args: ['sender', 'instance'], when: 'at the end of a {model}\'s __init__()' },
  pre_save: { module: 'django.db.models.signals', group: 'model', verb: 'saving', args: ['sender', 'instance'], when: 'before a {model} is saved' },
  post_save: { module: 'django.db.models.signals', group: 'model', verb: 'saved', args: ['sender', 'instance', 'created'], when: 'after a {model} is saved (created: a new row)' },
  pre_delete: { module: 'django.db.models.signals', group: 'model', verb: 'deleting', args: ['sender', 'instance'], when: 'before a {model} is deleted' },
  post_delete: { module: 'django.db.models.signals', group: 'model', verb: 'deleted', args: ['sender', 'instance'], when: 'after a {model} is deleted' },
  m2m_changed: { module: 'django.db.models.signals', group: 'model', verb: 'changed', args: ['sender', 'instance', 'action'], when: 'when {model} changes (action: pre_add, post_add, pre_remove, post_remove, …)' },
  request_started: { module: 'django.core.signals', group: 'request', args: ['sender'], when: 'when Django starts handling a request' },
  request_finished: { module: 'django.core.signals', group: 'request', args: ['sender'], when: 'when Django has sent a response' },
  got_request_exception: { module: 'django.core.signals', group: 'request', args: ['sender', 'request'], when: 'when a view raises an exception' },
  user_logged_in: { module: 'django.contrib.auth.signals', group: 'auth', args: ['sender', 'request', 'user'], when: 'after a user logs in' },
  user_logged_out: { module: 'django.contrib.auth.signals', group: 'auth', args: ['sender', 'request', 'user'], when: 'after a user logs out' },
  user_login_failed: { module: 'django.contrib.auth.signals', group: 'auth', args: ['sender', 'credentials'], when: 'when a login fails' },
};

/** The signal's spec, or a refusal naming the signals offered. */
export function signalSpec(signal: string): SignalSpec {
  const spec = Object.hasOwn(SIGNALS, signal) ? SIGNALS[signal] : undefined;
  if (!spec) throw new ScaffoldError(`unknown signal '${signal}' (one of ${Object.keys(SIGNALS).join(', ')})`);
  return spec;
}

/** Whether a sender is asked for: a model for model signals (needed), the user model for auth ones (optional). */
export const takesSender = (signal: string | undefined): boolean => !!signal && Object.hasOwn(SIGNALS, signal) && SIGNALS[signal].group !== 'request';

/** The receiver name proposed for a signal and sender: `order_saved`, `tags_changed`, `on_request_finished`. */
export function receiverName(signal: string, sender: string | undefined): string {
  const verb = Object.hasOwn(SIGNALS, signal) ? SIGNALS[signal].verb : undefined;
  const parts = sender?.split('.') ?? [];
  const subject = signal === 'm2m_changed' ? parts[parts.length - 1] : parts.filter((x) => /^[A-Z]/.test(x)).pop();
  return verb && subject ? `${snake(subject)}_${verb}` : `on_${signal}`;
}

/** Refuses a receiver name that is not a snake_case identifier or that the app's signals.py already binds. */
export function checkReceiverName(project: DjangoProject, appName: string, name: string): void {
  validateIdentifier(name, 'receiver');
  if (/[A-Z]/.test(name)) throw new ScaffoldError(`a receiver function is named in snake_case ('${snake(name)}')`);
  checkFreeName(project, ownApp(project, appName), 'signals', name);
}

export function planNewReceiver(project: DjangoProject, appName: string, name: string, signal: string | undefined, sender: string | undefined): Plan {
  if (!signal) throw new ScaffoldError(`--signal is needed (one of ${Object.keys(SIGNALS).join(', ')})`);
  const spec = signalSpec(signal);
  checkReceiverName(project, appName, name);
  const app = ownApp(project, appName);
  if (spec.group === 'model' && !sender) throw new ScaffoldError(`${signal} needs --sender, the model it is about (app_label.Model)`);
  if (spec.group === 'request' && sender) throw new ScaffoldError(`${signal} is sent by Django's request handler, not by a model: leave --sender out`);
  const { model, through } = sender ? senderOf(project, app, signal, sender) : { model: undefined, through: undefined };
  if ([signal, 'receiver', model?.name].includes(name)) throw new ScaffoldError(`'${name}' would hide a name signals.py imports`);

  const subject = model ? `${model.name}${through ? `.${through}` : ''}` : spec.group === 'auth' ? 'user' : 'model';
  const doc = spec.when.replace('a {model}', `${/^[AEIOU]/.test(subject) ? 'an' : 'a'} ${subject}`).replace('{model}', subject);
  const imports: [string, string][] = [[spec.module, signal], ['django.dispatch', 'receiver']];
  if (model) imports.push(modelImport(app, model));
  const edits: FileEdit[] = [];
  addToModule(project, app, 'signals', imports, ({ ind }) => [
    `@receiver(${signal}${model ? `, sender=${model.name}${through ? `.${through}.through` : ''}` : ''})`,
    `def ${name}(${[...spec.args, '**kwargs'].join(', ')}):`,
    `${ind}"""Runs ${doc}."""`,
    '',
  ].join('\n'), edits);
  const notes: string[] = [];
  connectInReady(project, app, edits, notes);
  return { edits, notes };
}

/**
 * The model a sender names; for m2m_changed, sent by a relation's through model, `Model.field`
 * (a ManyToManyField of the model) and that field.
 */
export function senderOf(project: DjangoProject, app: AppInfo, signal: string, sender: string): { model: ModelInfo; through?: string } {
  if (signal !== 'm2m_changed') return { model: findModel(project, app, sender) };
  const dot = sender.lastIndexOf('.');
  const model = dot > 0 ? findModel(project, app, sender.slice(0, dot)) : undefined;
  const field = model?.fields.find((f) => f.name === sender.slice(dot + 1));
  if (!model || field?.relation !== 'ManyToManyField') {
    throw new ScaffoldError(`m2m_changed is sent by a relation's through model: give --sender as Model.field, the field a ManyToManyField (${m2mSenders(project).slice(0, 5).join(', ') || 'the project has none'})`);
  }
  return { model, through: field.name };
}

/** Every `app_label.Model.field` of the project's own many-to-many fields. */
export function m2mSenders(project: DjangoProject): string[] {
  return project.models().models()
    .filter((m) => !m.abstract && m.def.loc && !isLibraryFile(m.def.loc.file))
    .flatMap((m) => m.fields.filter((f) => f.relation === 'ManyToManyField').map((f) => `${m.label}.${f.name}`));
}

/** `from . import signals` in the app's AppConfig.ready() (the edit), or a note saying to add it. */
function connectInReady(project: DjangoProject, app: AppInfo & { dir: string }, edits: FileEdit[], notes: string[]): void {
  const byHand = `import ${app.name}.signals in ${app.label}'s AppConfig.ready(), or its receivers are never connected`;
  const file = app.config?.loc?.file ?? path.join(app.dir, 'apps.py');
  const text = project.host.readFile(file);
  if (text === undefined) {
    notes.push(`${app.label} has no apps.py: ${byHand}`);
    return;
  }
  const cls = app.config?.qualname ?? configClass(text, app.name);
  const line = `${path.dirname(file) === app.dir ? 'from . import signals' : `from ${app.name} import signals`}  # noqa: F401`;
  const after = cls ? addToReady(text, cls, line, 'signals') : undefined;
  if (after === undefined) notes.push(`no AppConfig for ${app.name} found in ${path.relative(project.root, file)}: ${byHand}`);
  else if (after !== text) edits.push({ file, before: text, after });
}

/**
 * The AppConfig class Django uses for an app listed by its module: among the top-level classes
 * whose `name` is the app's, the only one, or the one with `default = True`.
 */
function configClass(text: string, appName: string): string | undefined {
  const tree = parsePython(text);
  try {
    const found: { name: string; isDefault: boolean }[] = [];
    for (const c of tree.rootNode.namedChildren) {
      const cls = c?.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
      if (cls?.type !== 'class_definition') continue;
      const attrs = new Map<string, string>();
      for (const s of cls.childForFieldName('body')?.namedChildren ?? []) {
        const a = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
        if (a?.type === 'assignment') attrs.set(a.childForFieldName('left')?.text ?? '', a.childForFieldName('right')?.text ?? '');
      }
      if (/^(['"])(.*)\1$/.exec(attrs.get('name') ?? '')?.[2] === appName) found.push({ name: cls.childForFieldName('name')!.text, isDefault: attrs.get('default') === 'True' });
    }
    return found.length === 1 ? found[0].name : found.find((f) => f.isDefault)?.name;
  } finally {
    tree.delete();
  }
}
