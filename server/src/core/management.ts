/**
 * The project's own management commands, found where Django's `get_commands()` looks: the
 * modules of `<app>/management/commands/` that are not packages and do not start with `_`, for
 * each installed app whose folder belongs to the project (apps in site-packages are left out).
 * Shared by the project map and the `djangoAtlas/managementCommands` request (the client's tasks).
 */
import path from 'node:path';
import type { DjangoProject } from './project';
import { isProjectFile } from './checks';

export interface ManagementCommand {
  /** What `manage.py` is given: the module's name. */
  name: string;
  /** The app's label. */
  app: string;
  /** Absolute path of the command's module. */
  file: string;
}

/** The own apps' commands, in INSTALLED_APPS order, each app's sorted by name. */
export function managementCommands(project: DjangoProject): ManagementCommand[] {
  const out: ManagementCommand[] = [];
  for (const a of project.installedApps()) {
    if (!a.dir || !isProjectFile(project, a.dir)) continue;
    const dir = path.join(a.dir, 'management', 'commands');
    const names = (project.host.readDirTypes(dir) ?? [])
      .filter((e) => e.isFile && e.name.endsWith('.py') && !e.name.startsWith('_'))
      .map((e) => e.name.slice(0, -3))
      .sort();
    for (const name of names) out.push({ name, app: a.label, file: path.join(dir, `${name}.py`) });
  }
  return out;
}
