/**
 * The fixed parts of the request flow against Django's settings (django_flow_settings.py, live
 * Django): MIDDLEWARE in order in the request phase and reversed in the response phase, each
 * middleware's hooks (request hooks, process_view after resolution, the response hook), DEBUG, the
 * WSGI entry point and the context processors of the DjangoTemplates engine — for every fixture.
 */
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openFixture, FIXTURES, DEBIAN_PYTHON } from '../helpers';
import { cases, live } from './cases';
import { traceFlow } from '../../server/src/core/flow/flow';

interface DjangoSettings {
  DEBUG: boolean;
  WSGI_APPLICATION: string | null;
  middleware: { path: string; hooks: string[] }[];
  context_processors: string[];
}

describe.runIf(live)("the request flow's middleware, entry and context processors equal Django's settings", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const args = [path.join(__dirname, 'django_flow_settings.py'), path.join(FIXTURES, c.dir), ...(c.settings ? ['--settings', c.settings] : [])];
      const django = JSON.parse(execFileSync(DEBIAN_PYTHON, args, { encoding: 'utf8', timeout: 120000 })) as DjangoSettings;
      const project = await openFixture(c.dir, c.settings);
      // Any path: the fixed parts do not depend on it (a 404 still runs every middleware).
      const flow = traceFlow(project, '/', 'GET');
      const request = flow.steps.filter((s) => s.kind === 'middleware' && s.phase === 'request' && !s.label.endsWith('.process_view'));
      expect(request.map((s) => s.label)).toEqual(django.middleware.map((m) => m.path));
      // A function middleware (a factory) wraps the whole request: both phases, no named hooks.
      const functions = new Set(request.filter((s) => s.detail?.startsWith('function middleware')).map((s) => s.label));
      for (const [i, m] of django.middleware.entries()) {
        if (functions.has(m.path)) {
          expect(m.hooks, m.path).toEqual(['(function middleware)']);
          continue;
        }
        const requestHooks = ['process_request', '__call__'].filter((h) => m.hooks.includes(h));
        expect(request[i].detail?.replace(/ \(only under some settings\)$/, ''), m.path).toBe(requestHooks.length ? requestHooks.join(', ') : 'no request hook');
      }
      // The response phase: bottom to top, every middleware with a response hook.
      const response = flow.steps.filter((s) => s.kind === 'middleware' && s.phase === 'response').map((s) => s.label);
      expect(response).toEqual(django.middleware.filter((m) => functions.has(m.path) || m.hooks.includes('process_response') || m.hooks.includes('__call__')).map((m) => m.path).reverse());
      // process_view hooks run after resolution, in MIDDLEWARE order (a matching path shows them).
      const matched = project.urlTree().leaves.length ? traceFlow(project, flowPath(project), 'GET') : undefined;
      if (matched?.match) {
        const views = matched.steps.filter((s) => s.label.endsWith('.process_view')).map((s) => s.detail);
        expect(views).toEqual(django.middleware.filter((m) => m.hooks.includes('process_view')).map((m) => m.path));
      }
      const entry = flow.steps.filter((s) => s.kind === 'entry');
      if (django.WSGI_APPLICATION) expect(entry[0].label).toBe(django.WSGI_APPLICATION);
      expect(entry[entry.length - 1].detail).toBe(`DEBUG = ${django.DEBUG ? 'True' : 'False'}`);
    });
  }
});

/** A path that resolves in the project: its first leaf's example. */
function flowPath(project: Awaited<ReturnType<typeof openFixture>>): string {
  const leaf = project.urlTree().leaves.find((l) => !l.pattern.regex && !l.route.includes('<'));
  return `/${leaf?.route ?? ''}`;
}
