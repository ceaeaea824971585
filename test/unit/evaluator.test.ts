/** Evaluator constructs the fixtures do not need but real projects use: f-strings, loops, comprehensions. */
import { test, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { urlTable } from '../../server/src/core/urls/table';
import { asString } from '../../server/src/core/python/values';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-eval-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

test('f-strings, for loops and list comprehensions over known lists', async () => {
  const dir = project({
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_.settings")\n',
    'site_/__init__.py': '',
    'site_/settings.py': [
      'from pathlib import Path',
      'BASE_DIR = Path(__file__).resolve().parent.parent',
      'APP = "shop"',
      'ROOT_URLCONF = f"site_.urls"',
      'STATIC_LABEL = f"{APP}-static"',
      'TEMPLATE_DIR = f"{BASE_DIR}/templates"',
      'INSTALLED_APPS = [f"{name}" for name in ["shop", "blog"] if name]',
      '',
    ].join('\n'),
    'site_/urls.py': [
      'from django.urls import path',
      'from . import views',
      'SECTIONS = ["news", "events"]',
      'urlpatterns = [path(f"{s}/", views.section, name=f"section-{s}") for s in SECTIONS]',
      'for s in ["a", "b"]:',
      '    urlpatterns.append(path(s + "/", views.section, name=s))',
      'urlpatterns += [path(f"{x:>3}/", views.section)]  # a format spec: not read',
      '',
    ].join('\n'),
    'site_/views.py': 'def section(request):\n    pass\n',
  });
  const ws = await Workspace.open(new DiskHost(), dir);
  const p = ws.projects[0];
  expect(asString(p.settingsValue('STATIC_LABEL'))).toBe('shop-static');
  expect(asString(p.settingsValue('TEMPLATE_DIR'))).toBe(`${dir}/templates`);
  expect(p.installedApps().map((a) => a.entry)).toEqual(['shop', 'blog']);
  const rows = urlTable(p).urls.map((u) => `${u.route} ${u.name} ${u.view?.qualname}`);
  expect(rows).toEqual(['news/ section-news section', 'events/ section-events section', 'a/ a section', 'b/ b section']);
  // The comprehension's loop name does not leak into the module.
  expect(p.getModule('site_.urls')!.scope.has('x')).toBe(false);
});

test("Wagtail's API router: an include per endpoint with listing, detail and find", async () => {
  const dir = project({
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_.settings")\n',
    'site_/__init__.py': '',
    'site_/settings.py': 'ROOT_URLCONF = "site_.urls"\nINSTALLED_APPS = []\n',
    'site_/api.py': [
      'from wagtail.api.v2.router import WagtailAPIRouter',
      'from .views import PersonViewSet',
      'api_router = WagtailAPIRouter("wagtailapi")',
      'api_router.register_endpoint("persons", PersonViewSet)',
      '',
    ].join('\n'),
    'site_/urls.py': 'from django.urls import path\nfrom .api import api_router\nurlpatterns = [path("api/v2/", api_router.urls)]\n',
    'site_/views.py': 'class PersonViewSet:\n    pass\n',
  });
  const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
  expect(urlTable(p).urls.map((u) => `${u.route} ${u.name} ${u.view?.qualname}`)).toEqual([
    'api/v2/^persons/ wagtailapi:persons:listing PersonViewSet',
    'api/v2/^persons/<int:pk>/ wagtailapi:persons:detail PersonViewSet',
    'api/v2/^persons/find/ wagtailapi:persons:find PersonViewSet',
  ]);
  // Each endpoint answers GET with its view method (`as_view({"get": "listing_view"})`).
  expect(p.urlTree().leaves.map((l) => l.pattern.actions)).toEqual([{ get: 'listing_view' }, { get: 'detail_view' }, { get: 'find_view' }]);
});

test("strtobool in settings (distutils' or the project's own copy): DEBUG from the environment's default", async () => {
  const dir = project({
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_.settings")\n',
    'site_/__init__.py': '',
    'site_/settings.py': [
      'import os',
      'from distutils.util import strtobool as dist_strtobool',
      'def strtobool(val):',
      '    val = val.lower()',
      '    if val in ("y", "yes", "t", "true", "on", "1"):',
      '        return 1',
      '    elif val in ("n", "no", "f", "false", "off", "0"):',
      '        return 0',
      '    raise ValueError(val)',
      'DEBUG = bool(strtobool(os.environ.get("DEBUG") or "True"))',
      'SECURE = bool(dist_strtobool(os.environ.get("SECURE", "off")))',
      'ODD = strtobool("maybe")',
      'ROOT_URLCONF = "site_.urls"',
      '',
    ].join('\n'),
    'site_/urls.py': 'urlpatterns = []\n',
  });
  const p = (await Workspace.open(new DiskHost(), dir)).projects[0];
  expect(p.settingsValue('DEBUG')).toMatchObject({ k: 'bool', v: true });
  expect(p.settingsValue('SECURE')).toMatchObject({ k: 'bool', v: false });
  expect(p.settingsValue('ODD').k).toBe('unknown');
});
