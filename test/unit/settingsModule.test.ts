/** The settings module the welcome view's "Choose Settings Module…" offers for a settings file. */
import { test, expect } from 'vitest';
import { settingsModuleName } from '../../client/src/settingsModule';

test('dotted names relative to the folder of manage.py, else the workspace (src/ dropped)', () => {
  expect(settingsModuleName('mysite/settings.py', [''])).toBe('mysite.settings');
  expect(settingsModuleName('config/settings/dev.py', [''])).toBe('config.settings.dev');
  expect(settingsModuleName('services/web/web_site/settings.py', ['services/api', 'services/web'])).toBe('web_site.settings');
  expect(settingsModuleName('src/proj/settings/__init__.py', [])).toBe('proj.settings');
  expect(settingsModuleName('backend\\proj\\settings.py', ['backend'])).toBe('proj.settings');
  expect(settingsModuleName('other/proj/settings.py', ['services/web'])).toBe('other.proj.settings');
});
