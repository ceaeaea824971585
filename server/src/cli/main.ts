/**
 * `django-atlas`: the command line over the analysis core (same index as the language server).
 * Subcommands follow ../shared/cli-contract.md: `urls`, `templates` (ROOT [--settings M] [--json])
 * and `check ROOT`. Errors go to stderr with a non-zero exit; `--json` output alone goes to stdout.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { DiskHost } from '../core/host';
import { Workspace } from '../core/workspace';
import type { DjangoProject } from '../core/project';
import { urlTable } from '../core/urls/table';
import { projectDiagnostics } from '../core/checks';
import { templateTable } from '../core/templates/table';
import { modelTable } from '../core/models/table';
import { listProjectFiles } from '../core/files';
import { ProjectSession } from '../features/session';
import { projectMap, mapText } from '../features/map';
import { traceFlow } from '../core/flow/flow';
import { flowJson, flowText } from '../core/flow/table';
import { applyPlan, planDiff, ScaffoldError, type Plan } from '../core/scaffold/edits';
import { SCAFFOLDS, scaffoldKind, type ScaffoldValues } from '../core/scaffold/kinds';

const USAGE = `usage: django-atlas <command> ROOT [options]

commands:
  urls ROOT [--settings M] [--json]   every URL pattern of ROOT_URLCONF, in resolution order
  templates ROOT [--settings M] [--json]
                                      every loadable template: the winning file, parent, blocks
  models ROOT [--settings M] [--json] every model: app label, file, fields and related models
  map ROOT [--settings M]             the project map (apps, URLs, views, models, templates, ...) as text
  flow ROOT PATH... [--method M] [--settings M] [--json]
                                      the request flow for a path or URL: middleware, resolver, view,
                                      models, templates, response (exit 1 when a single path does not match)
  new app NAME ROOT [--dry-run] [--json]
                                      scaffold an app (package, apps.py, urls.py, templates/) wired into
                                      INSTALLED_APPS and ROOT_URLCONF; --dry-run prints the diff, changes nothing
  new view APP NAME ROOT --kind K [--model MODEL] [--route ROUTE] [--dry-run] [--json]
                                      a view (K: function|class|template|list|detail|create|update|delete|form),
                                      its URL in the app's urls.py and its template extending base.html
  new model APP NAME ROOT [--fields "title:CharField,author:ForeignKey(auth.User)"] [--form] [--serializer] [--dry-run] [--json]
                                      a model with its fields and its ModelAdmin registration; --form: a
                                      ModelForm in forms.py, --serializer: a DRF ModelSerializer in serializers.py
  new endpoint APP MODEL ROOT [--prefix P] [--dry-run] [--json]
                                      a DRF ModelSerializer + ModelViewSet for MODEL, registered on the project's
                                      router as P (default: the model's plural), or on a new one in APP's urls.py
  new signal APP NAME ROOT --signal S [--sender MODEL] [--dry-run] [--json]
                                      a receiver NAME of S (post_save, pre_delete, m2m_changed, request_finished,
                                      user_logged_in, ...) in signals.py, imported from the AppConfig's ready()
  new tags APP NAME ROOT [--dry-run] [--json]
                                      a template tag library {% load NAME %} (templatetags/NAME.py) with an
                                      example simple tag and filter
  new middleware APP NAME ROOT [--position N] [--dry-run] [--json]
                                      a middleware class, added to MIDDLEWARE at N (0 = first; default last)
  new command APP NAME ROOT [--dry-run] [--json]
                                      a management command (management/commands/NAME.py)
  new template NAME ROOT [--extends PARENT] [--dry-run] [--json]
                                      a template extending PARENT (default base.html) with its blocks to fill
  check ROOT [--settings M]           URL, template and ORM-lookup diagnostics as file:line:col: severity: message [code]

options:
  --settings M   the settings module (when several projects are below ROOT, picks one)
  --json         machine-readable output (see the CLI contract)
  --method M     the HTTP method for flow (default GET)
  --verbose      print what could not be resolved to stderr
`;

class CliError extends Error {
  constructor(message: string, readonly code = 2) {
    super(message);
  }
}

async function openProject(root: string, settings: string | undefined, verbose: boolean): Promise<DjangoProject> {
  const abs = path.resolve(root);
  const host = new DiskHost(verbose ? (m) => process.stderr.write(`django-atlas: ${m}\n`) : () => {});
  if (!host.stat(abs)?.isDirectory) throw new CliError(`${root}: not a folder`);
  const ws = await Workspace.open(host, abs);
  if (ws.projects.length === 0) {
    if (settings) {
      const forced = await Workspace.open(host, abs, { settingsModule: settings });
      if (forced.projects.length) return checkProject(forced.projects[0], root);
    }
    throw new CliError(`${root}: no Django project found (no manage.py and no DJANGO_SETTINGS_MODULE in pytest/tox/setup.cfg/pyproject/.env)`);
  }
  let project = ws.projects[0];
  if (settings) {
    const match = ws.projects.find((p) => p.settingsModule === settings);
    if (match) project = match;
    else {
      // The settings module named on the command line wins over what manage.py says.
      const forced = await Workspace.open(host, abs, { settingsModule: settings });
      project = forced.projects.find((p) => p.root === project.root) ?? forced.projects[0];
    }
  } else if (ws.projects.length > 1) {
    process.stderr.write(`django-atlas: ${ws.projects.length} Django projects found; using ${path.relative(abs, project.root) || '.'} (${project.settingsModule}). Others:\n`);
    for (const p of ws.projects.slice(1)) process.stderr.write(`  ${path.relative(abs, p.root) || '.'} (${p.settingsModule ?? 'no settings module'})\n`);
  }
  return checkProject(project, root);
}

function checkProject(project: DjangoProject, root: string): DjangoProject {
  if (!project.settingsModule) throw new CliError(`${root}: cannot tell the settings module (set DJANGO_SETTINGS_MODULE in manage.py or pass --settings)`);
  if (!project.moduleExists(project.settingsModule)) {
    throw new CliError(`${root}: settings module '${project.settingsModule}' cannot be found on the Python path (${project.info.pythonPaths.join(', ')})`);
  }
  return project;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i].length))));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd() + '\n');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      settings: { type: 'string' },
      method: { type: 'string', default: 'GET' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      ...scaffoldOptions(),
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, root, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'new') return scaffold(positionals.slice(1), values);
  if (!root) throw new CliError(`${command}: missing ROOT\n${USAGE}`);
  switch (command) {
    case 'urls': {
      const project = await openProject(root, values.settings, values.verbose);
      const table = urlTable(project);
      const tree = project.urlTree();
      if (values.json) {
        process.stdout.write(JSON.stringify(table, null, 2) + '\n');
      } else {
        process.stdout.write(`settings: ${table.settings}   ROOT_URLCONF: ${table.root_urlconf}   ${table.urls.length} patterns\n\n`);
        const rows = [['ROUTE', 'NAME', 'VIEW', 'SOURCE']];
        for (const u of table.urls) {
          rows.push([
            u.route || '(empty)', u.name ?? '-', u.view ? `${u.view.module}.${u.view.qualname}` : '?',
            (u.source ? `${u.source.file}:${u.source.line}` : '') + (u.conditional ? ' (conditional)' : ''),
          ]);
        }
        printTable(rows);
      }
      for (const p of tree.problems) {
        if (p.code === 'no-urlconf') throw new CliError(p.message);
      }
      return 0;
    }
    case 'templates': {
      const project = await openProject(root, values.settings, values.verbose);
      const table = templateTable(project);
      if (values.json) {
        process.stdout.write(JSON.stringify(table, null, 2) + '\n');
      } else {
        const engines = project.templates().engines();
        process.stdout.write(`settings: ${project.settingsModule}   ${engines.length} engine(s)   ${table.templates.length} templates\n\n`);
        const rows = [['NAME', 'FILE', 'EXTENDS', 'BLOCKS']];
        for (const t of table.templates) {
          rows.push([t.name + (t.engine === 'jinja2' ? ' (jinja2)' : ''), t.file + (t.shadows.length ? ` (+${t.shadows.length} shadowed)` : ''), t.extends ?? '-', t.blocks.join(' ')]);
        }
        printTable(rows);
      }
      if (!project.templates().engines().length) process.stderr.write('django-atlas: TEMPLATES is empty or cannot be read statically\n');
      return 0;
    }
    case 'models': {
      const project = await openProject(root, values.settings, values.verbose);
      const table = modelTable(project);
      if (values.json) {
        process.stdout.write(JSON.stringify(table, null, 2) + '\n');
      } else {
        process.stdout.write(`settings: ${project.settingsModule}   ${table.models.length} models\n`);
        for (const m of table.models) {
          const tags = [m.abstract ? 'abstract' : '', m.proxy ? 'proxy' : ''].filter(Boolean).join(', ');
          process.stdout.write(`\n${m.app_label}.${m.name}${tags ? ` (${tags})` : ''}  ${m.file}:${m.line}\n`);
          const rows = m.fields.map((f) => [`  ${f.name}`, f.type, f.related_model ? `→ ${f.related_model}` : '', `${f.file ?? m.file}:${f.line}`]);
          if (rows.length) printTable(rows);
        }
      }
      return 0;
    }
    case 'map': {
      const project = await openProject(root, values.settings, values.verbose);
      const session = new ProjectSession(project);
      process.stdout.write(mapText(session, projectMap(session)).join('\n') + '\n');
      return 0;
    }
    case 'flow': {
      if (!rest.length) throw new CliError(`flow: missing PATH\n${USAGE}`);
      const method = values.method!.toUpperCase();
      if (!/^[A-Z]+$/.test(method)) throw new CliError(`flow: '${values.method}' is not an HTTP method`);
      const project = await openProject(root, values.settings, values.verbose);
      for (const p of project.urlTree().problems) {
        if (p.code === 'no-urlconf') throw new CliError(p.message);
      }
      const session = new ProjectSession(project);
      const flows = rest.map((p) => flowJson(project, traceFlow(project, p, method, { receivers: () => session.usages.signals() })));
      if (values.json) {
        process.stdout.write(JSON.stringify(flows.length === 1 && rest.length === 1 ? flows[0] : flows, null, 2) + '\n');
      } else {
        process.stdout.write(flows.map((f) => flowText(f).join('\n')).join('\n\n') + '\n');
      }
      return flows.length === 1 && !flows[0].match ? 1 : 0;
    }
    case 'check': {
      const project = await openProject(root, values.settings, values.verbose);
      // Generic views' implied templates are checked where the project routes views.
      const viewFiles = new Set(project.urlTree().leaves.flatMap((l) => (l.pattern.view?.loc && !l.pattern.view.external ? [l.pattern.view.loc.file] : [])));
      // ORM lookups are checked in every Python file of the project.
      const pyFiles = new Set(listProjectFiles(project.host, project.info.pythonPaths).python);
      const diags = projectDiagnostics(project, undefined, { impliedIn: viewFiles, lookupsIn: pyFiles });
      let errors = 0;
      for (const d of diags) {
        if (d.severity === 'error') errors++;
        const file = path.relative(path.resolve(root), d.loc.file).split(path.sep).join('/');
        process.stdout.write(`${file}:${d.loc.line + 1}:${d.loc.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`);
      }
      process.stderr.write(`${diags.length} problem(s), ${errors} error(s)\n`);
      return errors ? 1 : 0;
    }
    default:
      throw new CliError(`unknown command '${command}'\n${USAGE}`);
  }
}

/** The scaffolds' non-positional inputs as options: `--id VALUE`, or a bare `--id` for a yes/no one. */
function scaffoldOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const out: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const i of SCAFFOLDS.flatMap((k) => k.inputs)) if (!i.positional) out[i.id] = { type: i.flag ? 'boolean' : 'string' };
  return out;
}

/** `new KIND ARGS... ROOT`: plan, then print the diff (--dry-run), the edits (--json) or apply them. */
async function scaffold(args: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const [kind, ...rest] = args;
  const k = scaffoldKind(kind ?? '');
  if (!k) throw new CliError(`new: unknown kind '${kind ?? ''}' (known: ${SCAFFOLDS.map((x) => x.id).join(', ')})\n${USAGE}`);
  const positional = k.inputs.filter((i) => i.positional);
  if (rest.length !== positional.length + 1) throw new CliError(`usage: django-atlas new ${kind} ${positional.map((i) => i.positional).join(' ')} ROOT [--dry-run] [--json]`);
  const given: ScaffoldValues = {};
  positional.forEach((i, n) => { given[i.id] = rest[n]; });
  for (const i of k.inputs) {
    const x = values[i.id];
    if (!i.positional && x !== undefined) given[i.id] = typeof x === 'boolean' ? (x ? 'yes' : 'no') : x;
  }
  const root = rest[rest.length - 1];
  const project = await openProject(root, values.settings as string | undefined, !!values.verbose);
  let plan: Plan;
  try {
    plan = k.plan(project, given);
    if (!values['dry-run']) applyPlan(plan);
  } catch (e) {
    if (e instanceof ScaffoldError) throw new CliError(`new ${kind}: ${e.message}; nothing was changed`);
    throw e;
  }
  const rel = (f: string) => path.relative(project.root, f).split(path.sep).join('/');
  if (values.json) {
    process.stdout.write(JSON.stringify({ applied: !values['dry-run'], edits: plan.edits.map((e) => ({ file: rel(e.file), created: e.before === undefined, text: e.after })), notes: plan.notes }, null, 2) + '\n');
  } else if (values['dry-run']) {
    process.stdout.write(planDiff(project.root, plan));
  } else {
    for (const e of plan.edits) process.stdout.write(`${e.before === undefined ? 'created' : 'edited '} ${rel(e.file)}\n`);
  }
  for (const n of plan.notes) process.stderr.write(`django-atlas: ${n}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof CliError) {
      process.stderr.write(`django-atlas: ${e.message}\n`);
      process.exit(e.code);
    }
    process.stderr.write(`django-atlas: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(2);
  },
);
