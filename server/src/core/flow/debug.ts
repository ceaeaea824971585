/**
 * Patterns that exist only when DEBUG is on: with DEBUG off Django never sees them (`static()` and
 * `staticfiles_urlpatterns()` return nothing, `if settings.DEBUG:` blocks do not run), so the URL
 * tree does not hold them. For a 404 under DEBUG = False we read the URLconf files the tree
 * includes and say when the path would have matched one of those patterns.
 */
import type { DjangoProject } from '../project';
import type { Loc } from '../python/values';
import { asString } from '../python/values';
import { parsePython, type Node } from '../python/parser';
import type { UrlEntry } from '../urls/tree';
import { resolverFor } from './flow';

export interface DebugOnlyMatch {
  message: string;
  loc: Loc;
}

/** URLconf files of the tree with the route prefix they are included under. */
function urlconfFiles(project: DjangoProject): Map<string, string> {
  const tree = project.urlTree();
  const out = new Map<string, string>();
  if (tree.rootFile) out.set(tree.rootFile, '');
  const walk = (entries: UrlEntry[], prefix: string, depth: number) => {
    if (depth > 30) return;
    for (const e of entries) {
      if (e.kind !== 'resolver') continue;
      const p = prefix + (e.i18n ? '' : e.route);
      if (e.moduleFile && !out.has(e.moduleFile)) out.set(e.moduleFile, p);
      walk(e.children, p, depth + 1);
    }
  };
  walk(tree.entries, '', 0);
  return out;
}

const stringText = (n: Node | null | undefined) => (n?.type === 'string' ? n.text.replace(/^[rbuRBU]*(['"]{1,3})/, '').replace(/(['"]{1,3})$/, '') : undefined);

export function debugOnlyMatch(project: DjangoProject, path: string): DebugOnlyMatch | undefined {
  const debug = project.settingsValue('DEBUG');
  if (!(debug.k === 'bool' && !debug.v)) return undefined;
  const resolver = resolverFor(project);
  for (const [file, prefix] of urlconfFiles(project)) {
    if (!path.startsWith(`/${prefix}`)) continue;
    const rest = path.slice(1 + prefix.length);
    const text = project.host.readFile(file);
    if (text === undefined) continue;
    const tree = parsePython(text);
    try {
      for (const call of tree.rootNode.descendantsOfType('call')) {
        if (!call) continue;
        const fn = call.childForFieldName('function')?.text.split('.').pop();
        const args = call.childForFieldName('arguments')?.namedChildren ?? [];
        const loc: Loc = { file, line: call.startPosition.row, character: call.startPosition.column, endLine: call.endPosition.row, endCharacter: call.endPosition.column };
        if (fn === 'static' || fn === 'staticfiles_urlpatterns') {
          const arg = args[0];
          const setting = arg?.type === 'attribute' ? arg.childForFieldName('attribute')?.text : fn === 'staticfiles_urlpatterns' ? 'STATIC_URL' : undefined;
          const url = setting ? asString(project.settingsValue(setting)) : stringText(arg);
          const p = url?.replace(/^\/+/, '');
          if (p && rest.startsWith(p)) {
            return { message: `'${path}' would be served by ${fn}() (${url}), which adds its pattern only when DEBUG is on`, loc };
          }
          continue;
        }
        if (fn !== 'path' && fn !== 're_path' && fn !== 'url') continue;
        if (!insideDebugIf(call)) continue;
        const route = stringText(args[0]);
        if (route === undefined) continue;
        if (resolver.matchesPrefix(route, fn !== 'path', rest)) {
          return { message: `'${path}' would match '${prefix}${route}' (${fn}() under \`if settings.DEBUG\`), which exists only when DEBUG is on`, loc };
        }
      }
    } finally {
      tree.delete();
    }
  }
  return undefined;
}

function insideDebugIf(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'if_statement' && /\bDEBUG\b/.test(p.childForFieldName('condition')?.text ?? '')) {
      // Only the `if` body, not its `else`.
      const body = p.childForFieldName('consequence');
      return !!body && n.startIndex >= body.startIndex && n.endIndex <= body.endIndex;
    }
  }
  return false;
}
