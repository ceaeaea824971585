/**
 * The scaffolds of tag libraries, signal receivers, DRF endpoints and the model's form and
 * serializer (core/scaffold, `django-atlas new tags|signal|endpoint`, `new model --form
 * --serializer`): each applied to fixture copies, then Django itself says the result works
 * (`{% load %}` renders, the receiver is connected, `resolve()` reaches the viewset, the form and
 * serializer have the fields), our index sees it at once, refusals change no byte, and every edit
 * to an existing file keeps the rest of it as it was.
 */
import { describe, test, expect, beforeAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEBIAN_PYTHON, openFixture, pythonHas, runCli as run, copyFixture as copy, snapshot } from '../helpers';
import { addToReady, ensureImport, insertBeforeAssignment, moduleReference, registerOnRouter } from '../../server/src/core/scaffold/pyedit';
import { initPython } from '../../server/src/core/python/parser';
import { DiskHost } from '../../server/src/core/host';
import { Workspace } from '../../server/src/core/workspace';
import { ProjectSession } from '../../server/src/features/session';
import { activeInputs, checkInput, nextInput, scaffoldKind } from '../../server/src/core/scaffold/kinds';

const django = pythonHas('django', 'rest_framework');

async function open(dir: string) {
  return (await Workspace.open(new DiskHost(), dir)).projects[0];
}

/** `manage.py shell -c CODE` in the project: its stdout (the test fails on an error). */
function shell(dir: string, code: string): string {
  const r = spawnSync(DEBIAN_PYTHON, ['manage.py', 'shell', '-c', code], { cwd: dir, encoding: 'utf8', timeout: 120000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

/** Django's system checks pass and every Python file the CLI created or edited compiles. */
function djangoAccepts(dir: string, ...outputs: string[]): void {
  const check = spawnSync(DEBIAN_PYTHON, ['manage.py', 'check'], { cwd: dir, encoding: 'utf8', timeout: 120000 });
  expect(check.status, check.stderr).toBe(0);
  const files = outputs.flatMap((o) => [...o.matchAll(/^(?:created|edited) +(\S+\.py)$/gm)].map((m) => path.join(dir, m[1])));
  execFileSync(DEBIAN_PYTHON, ['-m', 'py_compile', ...new Set(files)]);
}

/** Django's resolve() of paths: the view's qualname and the URL name per path (or null). */
function djangoResolve(dir: string, paths: string[]): ([string, string] | null)[] {
  const out = execFileSync(DEBIAN_PYTHON, [path.join(__dirname, '../oracle/django_urls.py'), dir, '--resolve', ...paths], { encoding: 'utf8', timeout: 120000 });
  return (JSON.parse(out) as { match: { view: { qualname: string }; name: string } | null }[]).map((a) => (a.match ? [a.match.view.qualname, a.match.name] : null));
}

/** Each refusal exits 2 and changes no byte. */
function refused(dir: string, runs: string[][]): void {
  const before = snapshot(dir);
  for (const args of runs) {
    const r = run('new', ...args);
    expect(r.code, `${args.join(' ')}: ${r.out}`).toBe(2);
    expect(r.err, args.join(' ')).toMatch(/nothing was changed/);
  }
  expect(snapshot(dir)).toEqual(before);
}

/** The text the CLI would write to one file (`--dry-run --json`). */
function planned(args: string[], file: string): string | undefined {
  const r = run('new', ...args, '--dry-run', '--json');
  expect(r.code, r.err).toBe(0);
  return (JSON.parse(r.out) as { edits: { file: string; text: string }[] }).edits.find((e) => e.file === file)?.text;
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

describe('Python edits of the new scaffolds keep the file as it was around them', () => {
  beforeAll(() => initPython());
  const IMPORT = 'from . import signals  # noqa: F401';

  test('ready(): after its docstring; before its other imports and their comments; added when missing, in the file\'s indentation', () => {
    expect(addToReady('class A(AppConfig):\n    name = "a"\n\n    def ready(self):\n        """Wire things up."""\n        import a.checks  # noqa\n', 'A', IMPORT, 'signals'))
      .toBe(`class A(AppConfig):\n    name = "a"\n\n    def ready(self):\n        """Wire things up."""\n        ${IMPORT}\n        import a.checks  # noqa\n`);
    expect(addToReady('class A(AppConfig):\n    name = "a"\n\n    def ready(self):\n        # the checks\n        from . import checks\n        super().ready()\n\n\nX = 1\n', 'A', IMPORT, 'signals'))
      .toBe(`class A(AppConfig):\n    name = "a"\n\n    def ready(self):\n        ${IMPORT}\n        # the checks\n        from . import checks\n        super().ready()\n\n\nX = 1\n`);
    // A class with only `name`, two-space indentation, the file ending without a newline.
    expect(addToReady('from django.apps import AppConfig\n\n\nclass A(AppConfig):\n  name = "a"', 'A', IMPORT, 'signals'))
      .toBe(`from django.apps import AppConfig\n\n\nclass A(AppConfig):\n  name = "a"\n\n  def ready(self):\n    ${IMPORT}\n`);
    // No ready: after the class's last line (its comment too), the next class untouched.
    expect(addToReady('class A(AppConfig):\n    name = "a"\n    # last\n\n\nclass B(A):\n    label = "b"\n', 'A', IMPORT, 'signals'))
      .toBe(`class A(AppConfig):\n    name = "a"\n    # last\n\n    def ready(self):\n        ${IMPORT}\n\n\nclass B(A):\n    label = "b"\n`);
    expect(addToReady('class A(AppConfig):\n    def ready(self): pass\n', 'A', IMPORT, 'signals')).toBe(`class A(AppConfig):\n    def ready(self):\n        ${IMPORT}\n        pass\n`);
    // Already imported: unchanged; no such class, or a one-line class: undefined (a note instead).
    const done = 'class A(AppConfig):\n    def ready(self):\n        from .signals import handlers  # noqa\n';
    expect(addToReady(done, 'A', IMPORT, 'signals')).toBe(done);
    expect(addToReady('class A(AppConfig):\n    name = "a"\n', 'B', IMPORT, 'signals')).toBeUndefined();
    expect(addToReady('class A(AppConfig): name = "a"\n', 'A', IMPORT, 'signals')).toBeUndefined();
  });

  test('router registration: after the last top-level one (multi-line, commented), its raw prefix and quote', () => {
    const urls = [
      'from rest_framework import routers',
      '',
      'router = routers.DefaultRouter(  # the API',
      '    trailing_slash=True,',
      ')',
      'router.register(',
      "    r'users',",
      '    UserViewSet,',
      ')  # multi-line',
      '# a comment between',
      "router.register(r'groups', GroupViewSet)   # trailing",
      'if DEBUG:',
      "    router.register(r'debug', DebugViewSet)",
      '',
      "urlpatterns = [path('api/', include(router.urls))]",
      '',
    ].join('\n');
    expect(registerOnRouter(urls, 'router', 'posts', 'views.PostViewSet'))
      .toBe(urls.replace("GroupViewSet)   # trailing\n", "GroupViewSet)   # trailing\nrouter.register(r'posts', views.PostViewSet)\n"));
    expect(registerOnRouter('router = SimpleRouter()\nurlpatterns = router.urls', 'router', 'posts', 'PostViewSet', 'post-api'))
      .toBe('router = SimpleRouter()\nrouter.register("posts", PostViewSet, basename="post-api")\nurlpatterns = router.urls');
    expect(registerOnRouter('x = 1\n', 'router', 'posts', 'PostViewSet')).toBeUndefined();
  });

  test('statements before urlpatterns (and its comments); how a file reaches a module; imports join their package', () => {
    expect(insertBeforeAssignment('from x import y\n\napp_name = "a"\n\n# The routes.\nurlpatterns = []\n', 'urlpatterns', 'router = R()\n\n'))
      .toBe('from x import y\n\napp_name = "a"\n\nrouter = R()\n\n# The routes.\nurlpatterns = []\n');
    const imports = 'from api import views as api_views\nfrom . import views\nimport blog.views\nimport shop.api as sa\n';
    expect(['api.views', 'project.views', 'blog.views', 'shop.api', 'other.views'].map((m) => moduleReference(imports, 'project', m))).toEqual(['api_views', 'views', 'blog.views', 'sa', undefined]);
    expect(moduleReference('from .. import views\n', 'a.b', 'a.views')).toBe('views');
    expect(ensureImport('import os\n\nfrom django.db import models\nfrom django.urls import path\nfrom rest_framework import x\n\nfrom .models import A\n', 'django.dispatch', 'receiver'))
      .toBe('import os\n\nfrom django.db import models\nfrom django.dispatch import receiver\nfrom django.urls import path\nfrom rest_framework import x\n\nfrom .models import A\n');
    expect(ensureImport('from django.db import models\n\nX = 1\n', '.models', 'A')).toBe('from django.db import models\n\nfrom .models import A\n\nX = 1\n');
  });

  test("imports in isort's sections: third-party, then the project's own packages, then relative ones", () => {
    const own = (top: string) => ['api', 'blog', 'shop'].includes(top);
    const head = 'from django.db import models\nfrom rest_framework import serializers\n';
    // The first first-party import starts its own section, between third-party and relative imports.
    expect(ensureImport(`${head}\nfrom .models import A\n`, 'api.models', 'Feedback', own))
      .toBe(`${head}\nfrom api.models import Feedback\n\nfrom .models import A\n`);
    expect(ensureImport(`${head}\n\nclass X:\n    pass\n`, 'shop.models', 'Order', own))
      .toBe(`${head}\nfrom shop.models import Order\n\n\nclass X:\n    pass\n`);
    // Then joins it; a third-party import goes with the third-party ones, not after the project's.
    const sections = `${head}\nfrom blog.models import Post\n\nfrom .models import A\n`;
    expect(ensureImport(sections, 'shop.models', 'Order', own)).toBe(`${head}\nfrom blog.models import Post\nfrom shop.models import Order\n\nfrom .models import A\n`);
    expect(ensureImport(sections, 'rest_framework.routers', 'DefaultRouter', own))
      .toBe(`from django.db import models\nfrom rest_framework import serializers\nfrom rest_framework.routers import DefaultRouter\n\nfrom blog.models import Post\n\nfrom .models import A\n`);
    expect(ensureImport('from blog.models import Post\n\nfrom .models import A\n', 'django.db', 'models', own))
      .toBe('from django.db import models\n\nfrom blog.models import Post\n\nfrom .models import A\n');
    // Without knowing the project's packages, everything absolute is one section (as before).
    expect(ensureImport(`${head}\nfrom .models import A\n`, 'api.models', 'Feedback')).toBe(`${head}from api.models import Feedback\n\nfrom .models import A\n`);
  });
});

describe('django-atlas new tags', () => {
  test("{% load NAME %} works in Django's engine; our catalog lists the library, its tag and filter; taken and bad names refused", async () => {
    const dir = copy('demo');
    const r = run('new', 'tags', 'shop', 'shop_tags', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('created shop/templatetags/__init__.py\ncreated shop/templatetags/shop_tags.py\n');
    // An app that has a templatetags package keeps its __init__.py.
    const second = run('new', 'tags', 'blog', 'blog_more', dir);
    expect(second.out).toBe('created blog/templatetags/blog_more.py\n');
    const catalog = (await open(dir)).templates();
    expect(catalog.loadable().get('shop_tags')).toBe('shop.templatetags.shop_tags');
    const lib = catalog.library('shop.templatetags.shop_tags')!;
    expect([[...lib.tags.keys()], [...lib.filters.keys()]]).toEqual([['example_tag'], ['example_filter']]);
    refused(dir, [['tags', 'shop', 'shop_tags', dir], ['tags', 'blog', 'blog_extras', dir], ['tags', 'blog', 'static', dir], ['tags', 'blog', 'i18n', dir],
      ['tags', 'blog', '9lives', dir], ['tags', 'blog', 'class', dir], ['tags', 'blog', 'no-dash', dir], ['tags', 'nosuchapp', 'x', dir]]);
    if (!django) return;
    djangoAccepts(dir, r.out, second.out);
    const render = (lib: string) => shell(dir, `from django.template import engines; print(engines["django"].from_string('{% load ${lib} %}{% example_tag "a" "b" %}|{{ "x"|example_filter:"!" }}').render({}))`);
    expect(render('shop_tags')).toBe('a b|x!');
    expect(render('blog_more')).toBe('a b|x!');
  });
});

describe('django-atlas new signal', () => {
  /** The names of the receivers Django has connected for a signal and sender. */
  const live = (dir: string, signalModule: string, signal: string, sender: string) => shell(dir, [
    `from ${signalModule} import ${signal}`,
    ...(sender.includes('.') ? [`from ${sender.split('.')[0]}.models import ${sender.split('.')[1]}`] : []),
    `rs = ${signal}._live_receivers(${sender.includes('.') ? sender.split('.').slice(1).join('.') : sender})`,
    'rs = [*rs[0], *rs[1]] if isinstance(rs, tuple) else rs',
    'print(",".join(sorted(r.__name__ for r in rs)))',
  ].join('\n')).split(',');

  test('demo: Django connects each receiver (ready() added when missing, kept when it imports signals); our index sees them', async () => {
    const dir = copy('demo');
    const outs: string[] = [];
    const make = (...args: string[]) => {
      const r = run('new', 'signal', ...args.slice(0, 2), dir, ...args.slice(2));
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      outs.push(r.out);
      return r.out;
    };
    expect(make('shop', 'order_saved', '--signal', 'post_save', '--sender', 'shop.Order')).toBe('created shop/signals.py\nedited  shop/apps.py\n');
    expect(read(dir, 'shop/apps.py')).toBe(read(path.join(__dirname, '../fixtures/demo'), 'shop/apps.py') + `\n    def ready(self):\n        from . import signals  # noqa: F401\n`);
    // The second receiver of the app: ready() already imports signals.
    expect(make('shop', 'order_gone', '--signal', 'pre_delete', '--sender', 'Order')).toBe('edited  shop/signals.py\n');
    expect(make('blog', 'post_deleted', '--signal', 'post_delete', '--sender', 'Post')).toBe('edited  blog/signals.py\n');
    make('blog', 'tags_changed', '--signal', 'm2m_changed', '--sender', 'blog.Post.tags');
    make('blog', 'request_done', '--signal', 'request_finished');
    make('blog', 'welcome', '--signal', 'user_logged_in');
    expect(read(dir, 'shop/signals.py')).toBe([
      'from django.db.models.signals import post_save, pre_delete',
      'from django.dispatch import receiver',
      '',
      'from .models import Order',
      '',
      '',
      '@receiver(post_save, sender=Order)',
      'def order_saved(sender, instance, created, **kwargs):',
      '    """Runs after an Order is saved (created: a new row)."""',
      '',
      '',
      '@receiver(pre_delete, sender=Order)',
      'def order_gone(sender, instance, **kwargs):',
      '    """Runs before an Order is deleted."""',
      '',
    ].join('\n'));
    const session = new ProjectSession(await open(dir));
    const ours = session.usages.signals().map((s) => `${s.signal}:${s.receiver}:${s.sender ?? ''}`);
    expect(ours).toEqual(expect.arrayContaining(['post_save:order_saved:Order', 'pre_delete:order_gone:Order', 'post_delete:post_deleted:Post',
      'm2m_changed:tags_changed:Post.tags.through', 'request_finished:request_done:', 'user_logged_in:welcome:']));
    refused(dir, [
      ['signal', 'shop', 'order_saved', dir, '--signal', 'post_save', '--sender', 'Order'], // taken
      ['signal', 'blog', 'post_saved', dir, '--signal', 'post_save', '--sender', 'Post'], // the fixture's own
      ['signal', 'blog', 'x', dir, '--signal', 'post_save'], // no sender
      ['signal', 'blog', 'x', dir], // no signal
      ['signal', 'blog', 'x', dir, '--signal', 'nope'],
      ['signal', 'blog', 'x', dir, '--signal', 'request_started', '--sender', 'Post'],
      ['signal', 'blog', 'x', dir, '--signal', 'post_save', '--sender', 'Nope'],
      ['signal', 'blog', 'x', dir, '--signal', 'm2m_changed', '--sender', 'Post'], // not Model.field
      ['signal', 'blog', 'BadName', dir, '--signal', 'request_started'],
      ['signal', 'blog', 'receiver', dir, '--signal', 'request_started'],
      ['signal', 'nosuchapp', 'x', dir, '--signal', 'request_started'],
    ]);
    if (!django) return;
    djangoAccepts(dir, ...outs);
    expect(live(dir, 'django.db.models.signals', 'post_save', 'shop.Order')).toEqual(['order_saved']);
    expect(live(dir, 'django.db.models.signals', 'pre_delete', 'shop.Order')).toEqual(['order_gone']);
    expect(live(dir, 'django.db.models.signals', 'post_delete', 'blog.Post')).toEqual(['post_deleted']);
    expect(live(dir, 'django.db.models.signals', 'm2m_changed', 'blog.Post.tags.through')).toEqual(['tags_changed']);
    expect(live(dir, 'django.core.signals', 'request_finished', 'None')).toContain('request_done');
    expect(live(dir, 'django.contrib.auth.signals', 'user_logged_in', 'None')).toContain('welcome');
  });

  test('signals.py appended in its style (imports merged); the AppConfig Django picks among two; an app without apps.py gets a note', async () => {
    const dir = copy('models_site');
    const before = read(dir, 'blog/signals.py');
    const after = planned(['signal', 'blog', 'comment_gone', dir, '--signal', 'post_delete', '--sender', 'Comment'], 'blog/signals.py');
    expect(after).toBe(before.replace('import post_save, pre_delete', 'import post_delete, post_save, pre_delete') +
      '\n\n@receiver(post_delete, sender=Comment)\ndef comment_gone(sender, instance, **kwargs):\n    """Runs after a Comment is deleted."""\n');
    // A sender from another app, imported from its module; blog's ready() already imports signals.
    const r = run('new', 'signal', 'blog', 'product_saved', dir, '--signal', 'pre_save', '--sender', 'store.Product');
    expect(r.out).toBe('edited  blog/signals.py\n');
    expect(read(dir, 'blog/signals.py')).toContain('from shop.models import Product\n\nfrom .models import Comment, Post\n');
    // core has no apps.py: the receiver is written, the note says what to do.
    const core = run('new', 'signal', 'core', 'started', dir, '--signal', 'request_started');
    expect(core.code, core.err).toBe(0);
    expect(core.err).toMatch(/core has no apps\.py: import core\.signals in core's AppConfig\.ready\(\)/);
    const polls = copy('drf_i18n');
    const p = run('new', 'signal', 'polls', 'on_done', polls, '--signal', 'request_finished');
    expect(p.out).toBe('created polls/signals.py\nedited  polls/apps.py\n');
    // PollsConfig (default = True) gets ready(), not PollsLegacyConfig.
    expect(read(polls, 'polls/apps.py')).toContain('    verbose_name = "Umfragen"\n\n    def ready(self):\n        from . import signals  # noqa: F401\n\n\nclass PollsLegacyConfig');
    if (!django) return;
    djangoAccepts(dir, r.out);
    expect(live(dir, 'django.db.models.signals', 'pre_save', 'shop.Product')).toEqual(['product_saved']);
    djangoAccepts(polls, p.out);
    expect(live(polls, 'django.core.signals', 'request_finished', 'None')).toContain('on_done');
  });
});

describe('django-atlas new endpoint', () => {
  test('drf_i18n: registered on the project\'s DefaultRouter in its style; Django resolves list and detail to the viewset; our URL table has them', async () => {
    const dir = copy('drf_i18n');
    const model = run('new', 'model', 'api', 'Review', dir, '--fields', 'title:CharField,score:IntegerField,article:ForeignKey(Article)');
    expect(model.code, model.err).toBe(0);
    const urlsBefore = read(dir, 'project/urls.py');
    const r = run('new', 'endpoint', 'api', 'Review', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('edited  api/serializers.py\nedited  api/views.py\nedited  project/urls.py\n');
    const health = 'router.register(r"health", api_views.HealthViewSet, basename="health")\n';
    expect(read(dir, 'project/urls.py')).toBe(urlsBefore.replace(health, `${health}router.register(r"reviews", api_views.ReviewViewSet)\n`));
    expect(read(dir, 'api/serializers.py')).toContain('class ReviewSerializer(serializers.ModelSerializer):\n    class Meta:\n        model = Review\n        fields = ["id", "title", "score", "article"]\n');
    expect(read(dir, 'api/views.py')).toContain('class ReviewViewSet(viewsets.ModelViewSet):\n    queryset = Review.objects.order_by("pk")\n    serializer_class = ReviewSerializer\n');
    const leaves = (await open(dir)).urlTree().leaves.filter((l) => l.pattern.view?.qualname === 'ReviewViewSet');
    expect(leaves.map((l) => [l.route, l.name])).toEqual(expect.arrayContaining([['api/^reviews/$', 'review-list'], ['api/^reviews/(?P<pk>[^/.]+)/$', 'review-detail']]));
    refused(dir, [
      ['endpoint', 'api', 'Review', dir], // its serializer exists now
      ['endpoint', 'api', 'Article', dir], // the fixture's own serializer and viewset
      ['endpoint', 'api', 'Nope', dir],
      ['endpoint', 'pages', 'Review', dir, '--prefix', 'users'], // registered on the router
      ['endpoint', 'pages', 'Review', dir, '--prefix', 'ping'], // api/ping/ is answered by api.urls
      ['endpoint', 'pages', 'Review', dir, '--prefix', '/x/'],
    ]);
    if (!django) return;
    djangoAccepts(dir, model.out, r.out);
    expect(djangoResolve(dir, ['/api/reviews/', '/api/reviews/7/', '/api/reviews.json'])).toEqual([['ReviewViewSet', 'review-list'], ['ReviewViewSet', 'review-detail'], ['ReviewViewSet', 'review-list']]);
  });

  test("models_site: the viewset goes in api.py as the project keeps them; the root URLconf's router imports it; every field listed", async () => {
    const dir = copy('models_site');
    const outs = ['Product', 'Review'].map((m) => run('new', 'endpoint', 'store', m, dir));
    expect(outs.map((o) => o.code)).toEqual([0, 0]);
    expect(outs[0].out).toBe('created shop/serializers.py\ncreated shop/api.py\nedited  msite/urls.py\n');
    expect(read(dir, 'msite/urls.py')).toContain('from shop.api import ProductViewSet, ReviewViewSet\n\nrouter = DefaultRouter()\nrouter.register("posts", PostViewSet)\nrouter.register("products", ProductViewSet)\nrouter.register("reviews", ReviewViewSet)\n');
    // A multi-table child lists '__all__' (its parent's link is its pk); an abstract model is refused.
    expect(planned(['endpoint', 'store', 'DigitalProduct', dir], 'shop/serializers.py')).toContain('fields = "__all__"');
    refused(dir, [['endpoint', 'store', 'core.TimeStamped', dir], ['endpoint', 'store', 'Product', dir, '--prefix', 'items']]);
    if (!django) return;
    djangoAccepts(dir, ...outs.map((o) => o.out));
    expect(djangoResolve(dir, ['/api/products/', '/api/reviews/3/'])).toEqual([['ProductViewSet', 'product-list'], ['ReviewViewSet', 'review-detail']]);
    expect(shell(dir, 'from shop.serializers import ProductSerializer, ReviewSerializer as R; print(list(ProductSerializer().fields), list(R().fields))'))
      .toBe("['id', 'name', 'sku', 'price', 'stock', 'reorder_level', 'related', 'upsells'] ['id', 'created', 'modified', 'author', 'product', 'rating', 'text']");
  });

  test('demo: refused without rest_framework; with it, a router in the app\'s urls.py under api/, names apart from the HTML views\'', async () => {
    const dir = copy('demo');
    refused(dir, [['endpoint', 'blog', 'Post', dir], ['model', 'blog', 'Note', dir, '--serializer']]);
    const settings = path.join(dir, 'mysite/settings.py');
    fs.writeFileSync(settings, read(dir, 'mysite/settings.py').replace('    "shop",\n', '    "shop",\n    "rest_framework",\n'));
    const urlsBefore = read(dir, 'blog/urls.py');
    const r = run('new', 'endpoint', 'blog', 'Post', dir);
    expect(r.code, r.err).toBe(0);
    expect(read(dir, 'blog/urls.py')).toBe(urlsBefore
      .replace('from django.urls import path\n', 'from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n')
      .replace('urlpatterns = [\n', 'router = DefaultRouter()\nrouter.register("posts", views.PostViewSet, basename="post-api")\n\nurlpatterns = [\n')
      .replace('\n]\n', '\n    path("api/", include(router.urls)),\n]\n'));
    // An app without a router of its own gets its own, not blog's.
    const shop = run('new', 'endpoint', 'shop', 'Product', dir);
    expect(shop.out).toContain('edited  shop/urls.py\n');
    const p = await open(dir);
    expect(p.urlTree().leaves.filter((l) => l.pattern.view?.qualname === 'PostViewSet').map((l) => l.name)).toContain('blog:post-api-list');
    if (!django) return;
    djangoAccepts(dir, r.out, shop.out);
    expect(djangoResolve(dir, ['/blog/api/posts/', '/blog/api/posts/1/', '/blog/posts/', '/shop/api/products/', '/shop/api/products/1/'])).toEqual([
      ['PostViewSet', 'blog:post-api-list'], ['PostViewSet', 'blog:post-api-detail'], ['PostListView', 'blog:post-list'],
      ['ProductViewSet', 'shop:product-list'], ['ProductViewSet', 'shop:product-detail'],
    ]);
  });
});

describe('django-atlas new model --form --serializer', () => {
  test('a ModelForm and a ModelSerializer over the new fields; Django builds both', async () => {
    const dir = copy('models_site');
    const r = run('new', 'model', 'store', 'Coupon', dir, '--fields', 'code:CharField,amount:DecimalField,product:ForeignKey(Product)', '--form', '--serializer');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('edited  shop/models.py\nedited  shop/admin.py\ncreated shop/forms.py\ncreated shop/serializers.py\n');
    expect(read(dir, 'shop/forms.py')).toBe('from django import forms\n\nfrom .models import Coupon\n\n\nclass CouponForm(forms.ModelForm):\n    class Meta:\n        model = Coupon\n        fields = ["code", "amount", "product"]\n');
    // A second model appends to both, its import merged.
    const second = run('new', 'model', 'store', 'Voucher', dir, '--form', '--serializer');
    expect(second.out).toBe('edited  shop/models.py\nedited  shop/admin.py\nedited  shop/forms.py\nedited  shop/serializers.py\n');
    expect(read(dir, 'shop/serializers.py')).toContain('from .models import Coupon, Voucher\n');
    expect(read(dir, 'shop/forms.py')).toContain('class VoucherForm(forms.ModelForm):\n    class Meta:\n        model = Voucher\n        fields = "__all__"\n');
    // A form of that name already in forms.py; a taken model name.
    fs.appendFileSync(path.join(dir, 'shop/forms.py'), '\n\nclass GiftForm(forms.Form):\n    pass\n');
    refused(dir, [['model', 'store', 'Gift', dir, '--form'], ['model', 'store', 'Coupon', dir, '--serializer']]);
    if (!django) return;
    djangoAccepts(dir, r.out, second.out);
    expect(shell(dir, 'from shop.forms import CouponForm; from shop.serializers import CouponSerializer; print(list(CouponForm().fields), list(CouponSerializer().fields))'))
      .toBe("['code', 'amount', 'product'] ['id', 'code', 'amount', 'product']");
  });
});

describe('the editor asks and refuses as the CLI does (kinds.ts)', () => {
  test('inputs asked per signal, choices from the project, proposed names, checks with their messages', async () => {
    await initPython();
    const p = await openFixture('demo');
    const kind = (id: string) => scaffoldKind(id)!;
    const input = (k: string, id: string) => kind(k).inputs.find((i) => i.id === id)!;
    expect(activeInputs(kind('signal'), { app: 'blog', signal: 'request_started' }).map((i) => i.id)).toEqual(['app', 'signal', 'name']);
    expect(activeInputs(kind('signal'), { app: 'blog', signal: 'post_save' }).map((i) => i.id)).toEqual(['app', 'signal', 'sender', 'name']);
    expect(input('signal', 'signal').choices!(p, {}).find((c) => c.value === 'user_logged_in')?.description).toBe('django.contrib.auth.signals');
    expect(input('signal', 'sender').choices!(p, { app: 'blog', signal: 'm2m_changed' }).map((c) => c.value)).toEqual(['blog.Post.tags']);
    expect(input('signal', 'sender').choices!(p, { app: 'shop', signal: 'post_save' })[0].value).toMatch(/^shop\./);
    const name = input('signal', 'name').initial!;
    expect([name(p, { signal: 'post_save', sender: 'shop.Order' }), name(p, { signal: 'm2m_changed', sender: 'blog.Post.tags' }), name(p, { signal: 'request_finished' })])
      .toEqual(['order_saved', 'tags_changed', 'on_request_finished']);
    expect(input('endpoint', 'prefix').initial!(p, { model: 'blog.Post' })).toBe('posts');
    expect(input('model', 'form').initial!(p, {})).toBe('no');
    const check = (k: string, id: string, value: string, v: Record<string, string>) => checkInput(p, kind(k), id, value, v);
    expect(check('tags', 'name', 'static', { app: 'blog' })).toMatch(/already loads django\.templatetags\.static/);
    expect(check('tags', 'name', 'fresh_tags', { app: 'blog' })).toBeUndefined();
    expect(check('signal', 'signal', 'nope', { app: 'blog' })).toMatch(/^unknown signal 'nope' \(one of pre_init, /);
    expect(check('signal', 'sender', 'Post', { app: 'blog', signal: 'm2m_changed' })).toMatch(/give --sender as Model\.field/);
    expect(check('signal', 'name', 'post_saved', { app: 'blog' })).toBe("blog.signals already defines 'post_saved'");
    expect(check('endpoint', 'model', 'Post', { app: 'blog' })).toMatch(/'rest_framework' is not in INSTALLED_APPS/);
    expect(check('endpoint', 'prefix', 'a b', { app: 'blog' })).toMatch(/not a router prefix/);
    expect(check('model', 'serializer', 'yes', { app: 'blog', name: 'Note' })).toMatch(/'rest_framework' is not in INSTALLED_APPS/);
    expect(check('model', 'serializer', 'no', { app: 'blog', name: 'Note' })).toBeUndefined();
    expect(check('model', 'form', 'maybe', { app: 'blog', name: 'Note' })).toBe('form: yes or no');
    // A prefix the project's router already registers is refused while typed, not after the last question.
    const drf = await openFixture('drf_i18n');
    expect(checkInput(drf, kind('endpoint'), 'prefix', 'tags', { app: 'polls', model: 'api.Feedback' })).toMatch(/'tags' is already registered on router \(project\/urls\.py:13\): choose another prefix/);
    expect(checkInput(drf, kind('endpoint'), 'prefix', 'choices', { app: 'polls', model: 'api.Feedback' })).toBeUndefined();
    // The editor asks for a serializer only where DRF is installed (the CLI's --serializer is refused above).
    const model = { app: 'blog', name: 'Note', fields: '', form: 'no' };
    expect(nextInput(kind('model'), model, p)).toBeUndefined();
    expect(nextInput(kind('model'), { app: 'blog', name: 'Note' }, p)).toMatchObject({ input: { id: 'fields' }, index: 2, count: 4 });
    expect(nextInput(kind('model'), { ...model, app: 'polls' }, drf)).toMatchObject({ input: { id: 'serializer' }, index: 4, count: 5 });
  });
});
