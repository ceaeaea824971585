/**
 * The scaffolds, described once for every front end: each kind's inputs (in the order the editor
 * asks them; `positional` ones are the CLI's arguments, the others its `--options`), the values a
 * project offers for them, a check per input (so the editor can refuse a name while it is typed)
 * and the plan. The CLI (`django-atlas new KIND …`) and the language server
 * (`djangoAtlas/scaffold*` requests) both read this table; neither knows a kind by name.
 */
import path from 'node:path';
import { isLibraryFile } from '../files';
import type { DjangoProject } from '../project';
import { asString } from '../python/values';
import { ScaffoldError, type Plan } from './edits';
import { checkAppName, checkFreeName, ownApp, ownApps, planNewApp } from './app';
import { checkRoute, checkViewName, defaultRoute, needsModel, planNewView, VIEW_KINDS, type ViewKind } from './view';
import { checkModelName, parseFields, planNewModel } from './model';
import { checkTemplateName, planNewTemplate } from './template';
import { checkMiddlewareName, planNewMiddleware } from './middleware';
import { checkCommandName, planNewCommand } from './command';
import { checkLibraryName, planNewTagLibrary } from './tags';
import { checkReceiverName, m2mSenders, planNewReceiver, receiverName, senderOf, signalSpec, SIGNALS, takesSender } from './signal';
import { checkEndpointModel, checkPrefix, defaultPrefix, endpointPlace, planNewEndpoint, requireDrf, hasDrf } from './endpoint';

export type ScaffoldValues = Record<string, string | undefined>;

export interface ScaffoldChoice {
  value: string;
  label: string;
  description?: string;
}

export interface ScaffoldInput {
  /** The value's key; also the CLI option (`--kind`) when not positional. */
  id: string;
  /** The question the editor asks ("Name of the new app"). */
  prompt: string;
  /** The CLI argument's name (APP, NAME) when the input is positional. */
  positional?: string;
  /** May be left empty (the plan then uses its default). */
  optional?: boolean;
  /** For an optional pick list: the label of leaving it empty ("No parent template"). */
  none?: string;
  placeholder?: string;
  /** Values the project offers; the editor shows a pick list. `free`: something else may be typed. */
  choices?: (p: DjangoProject, v: ScaffoldValues) => ScaffoldChoice[];
  free?: boolean;
  /** The value proposed before the user types, from the inputs given so far. */
  initial?: (p: DjangoProject, v: ScaffoldValues) => string | undefined;
  /** Throws ScaffoldError when the value cannot work (the editor shows the message while typing). */
  check?: (p: DjangoProject, value: string, v: ScaffoldValues) => void;
  /** Asked only when this holds for the inputs given so far. */
  when?: (v: ScaffoldValues) => boolean;
  /**
   * Asked by the editor only when the project can take it (a serializer needs DRF installed); the
   * CLI's option stays, and its check says why it cannot work.
   */
  offered?: (p: DjangoProject) => boolean;
  /** A yes/no question (`yes` or `no`): the CLI's `--id` flag, present for yes. */
  flag?: boolean;
}

export interface ScaffoldKind {
  id: string;
  /** "App", "View"…: the editor's command is "Django Atlas: New <title>…". */
  title: string;
  description: string;
  inputs: ScaffoldInput[];
  plan: (p: DjangoProject, v: ScaffoldValues) => Plan;
}

/** The project's own installed apps (not Django's, not site-packages'). */
export function appChoices(project: DjangoProject): ScaffoldChoice[] {
  return ownApps(project).map((a) => ({ value: a.label, label: a.label, description: a.name !== a.label ? a.name : undefined }));
}

const appInput: ScaffoldInput = {
  id: 'app', prompt: 'App it goes in', positional: 'APP', choices: appChoices, check: (p, v) => void ownApp(p, v),
};

const need = (v: ScaffoldValues, id: string): string => {
  const x = v[id]?.trim();
  if (!x) throw new ScaffoldError(`missing ${id}`);
  return x;
};
const opt = (v: ScaffoldValues, id: string): string | undefined => v[id]?.trim() || undefined;
const yes = (v: ScaffoldValues, id: string): boolean => opt(v, id) === 'yes';

/** A yes/no input, `no` unless asked for; `check` runs on a yes. */
function yesNo(id: string, prompt: string, yesHelp: string, check?: (p: DjangoProject, v: ScaffoldValues) => void): ScaffoldInput {
  return {
    id, prompt, optional: true, flag: true, initial: () => 'no',
    choices: () => [{ value: 'no', label: 'no' }, { value: 'yes', label: 'yes', description: yesHelp }],
    check: (p, x, v) => {
      if (x !== 'yes' && x !== 'no') throw new ScaffoldError(`${id}: yes or no`);
      if (x === 'yes') check?.(p, v);
    },
  };
}

const VIEW_KIND_HELP: Record<ViewKind, string> = {
  function: 'def view(request) rendering a template', class: 'View subclass with get()', template: 'TemplateView',
  list: 'ListView over a model', detail: 'DetailView over a model', create: 'CreateView over a model',
  update: 'UpdateView over a model', delete: 'DeleteView over a model', form: 'FormView with a new Form class',
};

export const SCAFFOLDS: ScaffoldKind[] = [
  {
    id: 'app', title: 'App', description: 'an app package wired into INSTALLED_APPS and ROOT_URLCONF',
    inputs: [{ id: 'name', prompt: 'Name of the new app', positional: 'NAME', placeholder: 'blog', check: checkAppName }],
    plan: (p, v) => planNewApp(p, need(v, 'name')),
  },
  {
    id: 'view', title: 'View', description: 'a view, its URL pattern and its template',
    inputs: [
      appInput,
      {
        id: 'kind', prompt: 'Kind of view', initial: () => 'function',
        choices: () => VIEW_KINDS.map((k) => ({ value: k, label: k, description: VIEW_KIND_HELP[k] })),
        check: (_p, k) => { if (!VIEW_KINDS.includes(k as ViewKind)) throw new ScaffoldError(`unknown view kind '${k}' (one of ${VIEW_KINDS.join(', ')})`); },
      },
      {
        id: 'model', prompt: 'Model it shows or edits', when: (v) => needsModel(v.kind ?? 'function'),
        choices: (p, v) => modelChoices(p, v.app),
      },
      {
        id: 'name', prompt: 'Name of the view', positional: 'NAME',
        placeholder: 'post_list (a function) or PostListView (a class)',
        initial: (_p, v) => (v.model && v.kind && v.kind !== 'function' ? `${v.model.split('.').pop()}${v.kind.charAt(0).toUpperCase()}${v.kind.slice(1)}View` : undefined),
        check: (p, name, v) => checkViewName(p, need(v, 'app'), name, (v.kind ?? 'function') as ViewKind),
      },
      {
        id: 'route', prompt: 'Route, under the app\'s include (a path() route like posts/<int:pk>/)', optional: true,
        initial: (_p, v) => (v.name ? defaultRoute((v.kind ?? 'function') as ViewKind, v.name, v.model) : undefined),
        check: (p, r, v) => checkRoute(p, need(v, 'app'), r),
      },
    ],
    plan: (p, v) => planNewView(p, need(v, 'app'), need(v, 'name'), { kind: (opt(v, 'kind') ?? 'function') as ViewKind, model: opt(v, 'model'), route: opt(v, 'route') }),
  },
  {
    id: 'model', title: 'Model', description: 'a model with its fields and its ModelAdmin',
    inputs: [
      appInput,
      { id: 'name', prompt: 'Name of the model', positional: 'NAME', placeholder: 'Post', check: (p, name, v) => checkModelName(p, need(v, 'app'), name) },
      {
        id: 'fields', prompt: 'Fields (name:Type, relations as name:ForeignKey(app_label.Model))', optional: true,
        placeholder: 'title:CharField, body:TextField, author:ForeignKey(auth.User)', check: (_p, f) => void parseFields(f),
      },
      yesNo('form', 'A ModelForm for it in forms.py?', 'forms.ModelForm over the new fields', (p, v) => checkFreeName(p, ownApp(p, need(v, 'app')), 'forms', `${need(v, 'name')}Form`)),
      {
        ...yesNo('serializer', 'A ModelSerializer for it in serializers.py (Django REST framework)?', 'serializers.ModelSerializer over the new fields', (p) => requireDrf(p, 'a serializer')),
        offered: hasDrf,
      },
    ],
    plan: (p, v) => planNewModel(p, need(v, 'app'), need(v, 'name'), opt(v, 'fields'), { form: yes(v, 'form'), serializer: yes(v, 'serializer') }),
  },
  {
    id: 'template', title: 'Template', description: 'a template extending a parent, its blocks ready to fill',
    inputs: [
      { id: 'name', prompt: 'Template name, as views load it', positional: 'NAME', placeholder: 'blog/post_archive.html', check: checkTemplateName },
      {
        id: 'extends', prompt: 'Template it extends', optional: true, none: 'No parent: a standalone page', free: true,
        initial: (p) => (p.templates().resolve('base.html') ? 'base.html' : undefined),
        choices: (p) => parentChoices(p),
        check: (p, name) => { if (name && !p.templates().resolve(name)) throw new ScaffoldError(`the parent template '${name}' cannot be found`); },
      },
    ],
    plan: (p, v) => planNewTemplate(p, need(v, 'name'), v.extends === undefined ? undefined : v.extends.trim()),
  },
  {
    id: 'middleware', title: 'Middleware', description: 'a middleware class and its place in MIDDLEWARE',
    inputs: [
      appInput,
      { id: 'name', prompt: 'Name of the middleware class', positional: 'NAME', placeholder: 'TimingMiddleware', check: (p, name, v) => checkMiddlewareName(p, need(v, 'app'), name) },
      {
        id: 'position', prompt: 'Where in MIDDLEWARE (requests pass it top to bottom)', optional: true,
        choices: (p) => middlewarePositions(p),
        initial: (p) => middlewarePositions(p).pop()?.value,
        check: (_p, x) => { if (!/^\d+$/.test(x)) throw new ScaffoldError('the position is a number: 0 = first'); },
      },
    ],
    plan: (p, v) => planNewMiddleware(p, need(v, 'app'), need(v, 'name'), opt(v, 'position') === undefined ? undefined : Number(v.position)),
  },
  {
    id: 'command', title: 'Management Command', description: 'a manage.py command (management/commands/NAME.py)',
    inputs: [appInput, { id: 'name', prompt: 'Name of the command (manage.py NAME)', positional: 'NAME', placeholder: 'import_posts', check: (p, name) => checkCommandName(p, name) }],
    plan: (p, v) => planNewCommand(p, need(v, 'app'), need(v, 'name')),
  },
  {
    id: 'tags', title: 'Template Tag Library', description: 'a {% load %}-able library (templatetags/NAME.py) with an example tag and filter',
    inputs: [appInput, { id: 'name', prompt: 'Name of the library ({% load NAME %})', positional: 'NAME', placeholder: 'blog_extras', check: (p, name) => checkLibraryName(p, name) }],
    plan: (p, v) => planNewTagLibrary(p, need(v, 'app'), need(v, 'name')),
  },
  {
    id: 'signal', title: 'Signal Receiver', description: 'a @receiver function in signals.py, connected from AppConfig.ready()',
    inputs: [
      appInput,
      {
        id: 'signal', prompt: 'Signal it receives', initial: () => 'post_save',
        choices: () => Object.entries(SIGNALS).map(([value, s]) => ({ value, label: value, description: s.module })),
        check: (_p, x) => void signalSpec(x),
      },
      {
        id: 'sender', prompt: 'Model that sends it', when: (v) => takesSender(v.signal ?? 'post_save'), optional: true, free: true,
        none: 'Any sender',
        choices: (p, v) => (v.signal === 'm2m_changed' ? m2mSenders(p).map((x) => ({ value: x, label: x, description: 'its through model' })) : modelChoices(p, v.app)),
        check: (p, x, v) => {
          const signal = v.signal ?? 'post_save';
          if (x) void senderOf(p, ownApp(p, need(v, 'app')), signal, x);
          else if (SIGNALS[signal]?.group === 'model') throw new ScaffoldError(`${signal} needs the model it is about as its sender`);
        },
      },
      {
        id: 'name', prompt: 'Name of the receiver function', positional: 'NAME', placeholder: 'post_saved',
        initial: (_p, v) => receiverName(v.signal ?? 'post_save', v.sender),
        check: (p, name, v) => checkReceiverName(p, need(v, 'app'), name),
      },
    ],
    plan: (p, v) => planNewReceiver(p, need(v, 'app'), need(v, 'name'), opt(v, 'signal'), opt(v, 'sender')),
  },
  {
    id: 'endpoint', title: 'REST Endpoint', description: 'a DRF ModelSerializer and ModelViewSet registered on a router',
    inputs: [
      appInput,
      {
        id: 'model', prompt: 'Model it serves', positional: 'MODEL', free: true, choices: (p, v) => modelChoices(p, v.app),
        check: (p, m, v) => void checkEndpointModel(p, need(v, 'app'), m),
      },
      {
        id: 'prefix', prompt: 'URL prefix on the router', optional: true,
        initial: (_p, v) => (v.model ? defaultPrefix(v.model) : undefined),
        check: (p, x, v) => {
          checkPrefix(x);
          if (v.model) endpointPlace(p, need(v, 'app'), checkEndpointModel(p, need(v, 'app'), v.model), x);
        },
      },
    ],
    plan: (p, v) => planNewEndpoint(p, need(v, 'app'), need(v, 'model'), opt(v, 'prefix')),
  },
];

export function scaffoldKind(id: string): ScaffoldKind | undefined {
  return SCAFFOLDS.find((k) => k.id === id);
}

/** The inputs still to ask, given the values so far (those whose `when` holds). */
export function activeInputs(kind: ScaffoldKind, v: ScaffoldValues): ScaffoldInput[] {
  return kind.inputs.filter((i) => !i.when || i.when(v));
}

/** The message a value gets from its input's check, or undefined when it is fine. Never throws for a ScaffoldError. */
export function checkInput(project: DjangoProject, kind: ScaffoldKind, id: string, value: string, v: ScaffoldValues): string | undefined {
  const input = kind.inputs.find((i) => i.id === id);
  if (!input) return `unknown input '${id}'`;
  // An empty answer is checked only when it is a choice of its own (`none`).
  if (!value.trim() && !input.none) return input.optional ? undefined : `${input.prompt}: a value is needed`;
  try {
    input.check?.(project, value.trim(), v);
    return undefined;
  } catch (e) {
    if (e instanceof ScaffoldError) return e.message;
    throw e;
  }
}

/** The concrete models, the given app's first, as `app_label.Model`. */
function modelChoices(project: DjangoProject, app: string | undefined): ScaffoldChoice[] {
  const models = project.models().models().filter((m) => !m.abstract && m.def.loc && !isLibraryFile(m.def.loc.file));
  return models
    .sort((a, b) => Number(b.appLabel === app) - Number(a.appLabel === app))
    .map((m) => ({ value: m.label, label: m.label, description: m.appLabel === app ? 'this app' : undefined }));
}

/** Templates a new one may extend: the project's own, `base.html`-like names first. */
function parentChoices(project: DjangoProject): ScaffoldChoice[] {
  const out: ScaffoldChoice[] = [];
  const catalog = project.templates();
  for (const [name, candidates] of catalog.names()) {
    const file = candidates[0]?.file;
    if (!file || !file.startsWith(project.root) || isLibraryFile(file)) continue;
    // Partials (`_card.html`, or only ever included) are not pages to extend.
    if (path.basename(name).startsWith('_') || (catalog.includers(file).length > 0 && catalog.children(file).length === 0)) continue;
    out.push({ value: name, label: name, description: path.relative(project.root, file) });
  }
  const rank = (n: string) => (/(^|\/)(base|layout)[\w-]*\.html$/.test(n) ? 0 : 1);
  return out.sort((a, b) => rank(a.value) - rank(b.value) || a.value.localeCompare(b.value));
}

/** One choice per place in MIDDLEWARE: "0: before X", …, the end last. */
function middlewarePositions(project: DjangoProject): ScaffoldChoice[] {
  const current = project.settingsValue('MIDDLEWARE');
  const entries = current.k === 'list' ? current.items.map((i) => asString(project.interp().force(i)) ?? '…') : [];
  const out: ScaffoldChoice[] = entries.map((e, i) => ({ value: String(i), label: `before ${e.split('.').pop()}`, description: e }));
  out.push({ value: String(entries.length), label: 'at the end', description: entries.length ? `after ${entries[entries.length - 1]}` : undefined });
  return out;
}

/** The own app whose folder holds `file` (the explorer selection a command was run on), if any. */
export function appAt(project: DjangoProject, file: string | undefined): string | undefined {
  if (!file) return undefined;
  const hit = ownApps(project).filter((a) => file === a.dir || file.startsWith(a.dir + path.sep)).sort((a, b) => b.dir.length - a.dir.length)[0];
  return hit?.label;
}

/** The next input the editor asks in `project` given the answers so far, with its position among the inputs asked. */
export function nextInput(kind: ScaffoldKind, v: ScaffoldValues, project: DjangoProject): { input: ScaffoldInput; index: number; count: number } | undefined {
  const active = activeInputs(kind, v).filter((i) => !i.offered || i.offered(project));
  const index = active.findIndex((i) => v[i.id] === undefined);
  return index < 0 ? undefined : { input: active[index], index, count: active.length };
}
