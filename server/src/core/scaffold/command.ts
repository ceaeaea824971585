/**
 * "New management command": `<app>/management/commands/<name>.py` with a BaseCommand (help,
 * arguments, handle), creating the `management/` and `commands/` packages when missing.
 */
import path from 'node:path';
import type { DjangoProject } from '../project';
import { ScaffoldError, type Plan, type FileEdit } from './edits';
import { pyString } from './pyedit';
import { appStyle, ownApp, validateIdentifier } from './app';

/** Commands Django itself provides: a project command of that name would shadow Django's. */
const DJANGO_COMMANDS = new Set(['check', 'compilemessages', 'createcachetable', 'dbshell', 'diffsettings', 'dumpdata', 'flush',
  'inspectdb', 'loaddata', 'makemessages', 'makemigrations', 'migrate', 'optimizemigration', 'runserver', 'sendtestemail', 'shell',
  'showmigrations', 'sqlflush', 'sqlmigrate', 'sqlsequencereset', 'squashmigrations', 'startapp', 'startproject', 'test', 'testserver',
  'collectstatic', 'findstatic', 'createsuperuser', 'changepassword', 'clearsessions', 'remove_stale_contenttypes']);

/** Refuses a command name that is not a lower-case identifier, is Django's own, or is taken. */
export function checkCommandName(project: DjangoProject, name: string): void {
  validateIdentifier(name, 'command');
  if (name !== name.toLowerCase()) throw new ScaffoldError(`command names are lower case ('${name.toLowerCase()}')`);
  if (DJANGO_COMMANDS.has(name)) throw new ScaffoldError(`'${name}' is one of Django's own commands; a project command would replace it`);
  for (const other of project.installedApps()) {
    if (other.dir && project.host.stat(path.join(other.dir, 'management', 'commands', `${name}.py`))) {
      throw new ScaffoldError(`a command '${name}' already exists in ${other.label}`);
    }
  }
}

export function planNewCommand(project: DjangoProject, appName: string, name: string): Plan {
  checkCommandName(project, name);
  const app = ownApp(project, appName);
  const management = path.join(app.dir, 'management');
  const commands = path.join(management, 'commands');
  const { q, ind } = appStyle(project, app);
  const s = (v: string) => pyString(v, q);
  const edits: FileEdit[] = [];
  for (const pkg of [management, commands]) {
    if (!project.host.stat(path.join(pkg, '__init__.py'))) edits.push({ file: path.join(pkg, '__init__.py'), after: '' });
  }
  const code = [
    'from django.core.management.base import BaseCommand',
    '',
    '',
    'class Command(BaseCommand):',
    `${ind}help = ${s(`TODO: what ${name} does`)}`,
    '',
    `${ind}def add_arguments(self, parser):`,
    `${ind}${ind}parser.add_argument(${s('--dry-run')}, action=${s('store_true')}, help=${s('show what would be done')})`,
    '',
    `${ind}def handle(self, *args, **options):`,
    `${ind}${ind}self.stdout.write(self.style.SUCCESS(${s(`${name}: done`)}))`,
    '',
  ].join('\n');
  edits.push({ file: path.join(commands, `${name}.py`), after: code });
  return { edits, notes: [] };
}
