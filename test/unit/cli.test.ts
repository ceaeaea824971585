/** The CLI as a user runs it: contract JSON, readable table, exit codes and clear errors. */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES } from '../helpers';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'dist/cli.js');

function run(...args: string[]) {
  const r = spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  execFileSync('node', [path.join(REPO, 'scripts/build.mjs')], { cwd: REPO });
});

describe('django-atlas urls', () => {
  test('--json prints the contract and nothing else', () => {
    const r = run('urls', path.join(FIXTURES, 'demo'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.settings).toBe('mysite.settings');
    expect(j.root_urlconf).toBe('mysite.urls');
    const row = j.urls.find((u: { name: string }) => u.name === 'blog:post-detail');
    expect(row).toEqual({
      route: 'blog/<int:year>/<slug:slug>/', name: 'blog:post-detail',
      view: { module: 'blog.views', qualname: 'PostDetailView', file: 'blog/views.py', line: 20 },
      source: { file: 'blog/urls.py', line: 11 }, conditional: false,
    });
  });

  test('without --json: a readable table', () => {
    const r = run('urls', path.join(FIXTURES, 'demo'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/blog\/<int:year>\/<slug:slug>\/\s+blog:post-detail\s+blog\.views\.PostDetailView\s+blog\/urls\.py:11/);
  });

  test('--settings picks the settings module; several projects are listed on stderr', () => {
    const r = run('urls', path.join(FIXTURES, 'monorepo'), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toContain('2 Django projects found');
    const web = run('urls', path.join(FIXTURES, 'monorepo'), '--settings', 'web_site.settings', '--json');
    expect(JSON.parse(web.out).settings).toBe('web_site.settings');
  });

  test('clear errors and a non-zero exit where it cannot run', () => {
    const missing = run('urls', path.join(FIXTURES, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('not a folder');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-empty-'));
    const none = run('urls', empty);
    expect(none.code).toBe(2);
    expect(none.err).toContain('no Django project found');
    const bad = run('urls', path.join(FIXTURES, 'demo'), '--settings', 'no.such.settings');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("settings module 'no.such.settings' cannot be found");
    expect(run('frobnicate', empty).code).toBe(2);
  });
});

describe('django-atlas check', () => {
  test('a clean project: exit 0, nothing printed', () => {
    const r = run('check', path.join(FIXTURES, 'demo'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
  });

  test('the broken project: file:line:col: severity: message [code], exit 1', () => {
    const r = run('check', path.join(FIXTURES, 'broken'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^brokensite\/urls\.py:12:\d+: error: included URLconf 'app\.gone_urls' cannot be found \[unresolved-include\]$/m);
    expect(r.out).toMatch(/^brokensite\/urls\.py:11:\d+: warning: included URLconf 'missing\.urls' is not in the project, and no virtualenv was found .*\[unresolved-library-include\]$/m);
    expect(r.out).toMatch(/circular include of 'loop_a\.urls'.*\[circular-include\]/);
  });
});

describe('django-atlas templates, models, map', () => {
  test('templates --json: the contract, stdout only', () => {
    const r = run('templates', path.join(FIXTURES, 'templates_site'), '--json');
    expect(r.code).toBe(0);
    const row = JSON.parse(r.out).templates.find((t: { name: string }) => t.name === 'blog/post_list.html');
    expect(row).toMatchObject({ file: 'theme_overrides/blog/post_list.html', shadows: ['blog/templates/blog/post_list.html'] });
  });

  test('models --json: the contract; without --json a readable listing', () => {
    const r = run('models', path.join(FIXTURES, 'models_site'), '--json');
    expect(r.code).toBe(0);
    const post = JSON.parse(r.out).models.find((m: { app_label: string; name: string }) => m.app_label === 'blog' && m.name === 'Post');
    expect(post).toMatchObject({ module: 'blog.models.post', abstract: false });
    expect(post.fields.find((f: { name: string }) => f.name === 'author')).toMatchObject({ type: 'ForeignKey', related_model: 'accounts.User', file: 'core/models.py' });
    const text = run('models', path.join(FIXTURES, 'models_site'));
    expect(text.out).toMatch(/blog\.Post\s+blog\/models\/post\.py:\d+/);
  });

  test('map: the project as an indented tree', () => {
    const r = run('map', path.join(FIXTURES, 'models_site'));
    expect(r.code).toBe(0);
    for (const group of ['Apps', 'URLs', 'Views', 'Models', 'Templates', 'Admin', 'Signals', 'Management commands', 'Middleware', 'Settings', 'DRF']) {
      expect(r.out).toMatch(new RegExp(`^  ${group}  \\(\\d+\\)$`, 'm'));
    }
    expect(r.out).toMatch(/^ {4}index_post {2}\(← post_save \(sender Post\)\) {2}blog\/signals\.py:9$/m);
    expect(r.out).toMatch(/^ {4}blog\.Post {2}\(PostAdmin\) {2}blog\/admin\.py:\d+$/m);
  });

  test("map: router and re_path() routes read as paths; DRF's .format variants folded into their pattern", () => {
    const r = run('map', path.join(FIXTURES, 'drf_i18n'));
    expect(r.code).toBe(0);
    const urls = r.out.slice(r.out.indexOf('  URLs'), r.out.indexOf('  Views'));
    expect(urls).toMatch(/^ {6}\/api\/users\/<pk>\/set-password\/ {2}\(user-set-password · UserViewSet · \+ \.format\) {2}project\/urls\.py:11$/m);
    expect(urls).toMatch(/^ {6}\/api\/ {2}\(api-root · APIRootView · \+ \.format\)/m);
    expect(urls).toMatch(/^ {6}\/api\/ping\/ {2}\(ping · ping · \+ \.format\) {2}api\/urls\.py:8$/m);
    expect(urls).toMatch(/^ {4}\/feedback {2}\(feedback-list · FeedbackViewSet\)/m);
    // No regex and no suffix variant is left; the v2 router has no suffixes, so nothing is noted there.
    expect(urls).not.toMatch(/\^|\(\?P<|<drf_format_suffix|format>/);
    expect(urls).toMatch(/^ {6}\/api\/v2\/articles\/<pk>\/ {2}\(article-detail · ArticleViewSet\)/m);
  });

  test('check reports an unknown field in an ORM lookup', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-check-'));
    fs.cpSync(path.join(FIXTURES, 'models_site'), dir, { recursive: true });
    const views = path.join(dir, 'blog/views.py');
    fs.writeFileSync(views, fs.readFileSync(views, 'utf8') + '\n\ndef broken(request):\n    return Post.objects.filter(tittle="x")\n');
    const r = run('check', dir);
    expect(r.out).toMatch(/blog\/views\.py:\d+:\d+: warning: 'tittle' is not a field of blog\.Post; did you mean 'title'\? \[unknown-field\]/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('django-atlas flow', () => {
  const demo = path.join(FIXTURES, 'demo');

  test('--json: one object per the contract for one path; exit 1 when it matches nothing', () => {
    const r = run('flow', demo, 'http://localhost:8000/blog/2024/hello-world/?page=2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ path: '/blog/2024/hello-world/', method: 'GET', redirect: null, match: { name: 'blog:post-detail', kwargs: { year: 2024, slug: 'hello-world' } } });
    expect(j.steps[0]).toMatchObject({ kind: 'entry', label: 'mysite.wsgi.application', file: 'mysite/wsgi.py' });
    const miss = run('flow', demo, '/nope/', '--json');
    expect(miss.code).toBe(1);
    expect(JSON.parse(miss.out)).toMatchObject({ match: null, not_found: { stopped_at: '' } });
  });

  test('several paths: indexed once, a JSON array in order, exit 0; --method; text output explains a 404', () => {
    const r = run('flow', demo, '/blog/posts/new/', '/nope/', '/blog/posts', '--method', 'post', '--json');
    expect(r.code).toBe(0);
    const all = JSON.parse(r.out) as { path: string; method: string; match: unknown; redirect: string | null }[];
    expect(all.map((f) => [f.path, f.method, !!f.match, f.redirect])).toEqual([
      ['/blog/posts/new/', 'POST', true, null], ['/nope/', 'POST', false, null], ['/blog/posts', 'POST', false, '/blog/posts/'],
    ]);
    const text = run('flow', demo, '/blog/nothing/here/');
    expect(text.code).toBe(1);
    expect(text.out).toContain("Why: 'blog/' matched, but none of its 6 patterns matches the rest 'nothing/here/'");
    expect(run('flow', demo).code).toBe(2);
    expect(run('flow', demo, '/x/', '--method', 'G E T').code).toBe(2);
  });
});
