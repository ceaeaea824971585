/**
 * Generates a synthetic Django project for the benchmark: `manage.py`, a `proj` package (settings,
 * root URLconf, wsgi/asgi) and N apps, each with the usual modules (apps, models, views, urls,
 * admin, forms, tests, serializers), filler modules up to the requested number of Python files,
 * templates with `{% url %}` tags, and a template part (extends chains 3–5 deep below a project
 * base.html with ten blocks, includes, `{% load %}` of a generated tag library, `{{ block.super }}`;
 * see `templatePart`), and a model part (a shared app `common` with abstract bases; 3–8 models an
 * app related within the app, across apps and to the user; ORM queries in the views; see
 * `SHARED_APP`). Views reverse/redirect to other apps' URL names, models
 * have `get_absolute_url`, admin registers models, so the analysis walks a realistically wide
 * import graph. Deterministic for given parameters (seeded PRNG); a stamp file lets a later run
 * reuse the folder.
 */
import * as fs from 'node:fs';
import path from 'node:path';

export interface GenParams {
  files: number;
  apps: number;
  patterns: number;
  seed: number;
  /** Templates of the template part (extends chains, includes, loads); 0 for none. */
  templates: number;
}

export interface GenResult {
  dir: string;
  reused: boolean;
  ms: number;
  pythonFiles: number;
  templates: number;
  bytes: number;
  /** URL patterns written in the apps' urls.py files (not counting the project/admin ones). */
  appPatterns: number;
  /** The template part: how many templates, their size, and how many have a deliberate unknown include. */
  templatePart: { templates: number; bytes: number; brokenIncludes: number };
  /** The model part: concrete models (the apps' and the shared app's) and abstract bases. */
  models: { models: number; abstract: number };
}

/** Bump when the generated shape changes, so stale folders are regenerated. */
const GENERATOR_VERSION = 5;
const STAMP = '.atlas-bench-stamp.json';

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXED_FILES = 8; // manage.py, proj/{__init__,settings,urls,wsgi,asgi}.py, common/{__init__,models}.py
const CORE_MODULES = ['__init__', 'apps', 'models', 'views', 'urls', 'admin', 'forms', 'tests', 'serializers'];
const FILLER_NAMES = [
  'services', 'utils', 'selectors', 'signals', 'tasks', 'constants', 'permissions', 'validators', 'mixins',
  'context_processors', 'managers', 'querysets', 'filters', 'pagination', 'exceptions', 'helpers', 'emails',
];
const FUNC_VIEWS = 10;
const CLASS_VIEWS = 10;
const MODELS = ['Item', 'Category', 'Entry'];
const CBV_BASES = ['ListView', 'DetailView', 'CreateView', 'UpdateView', 'DeleteView', 'TemplateView', 'FormView', 'RedirectView'];

export const appName = (i: number) => `app${i}`;
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** How many URL patterns app i gets (the total spread as evenly as possible). */
export function patternsOf(p: GenParams, i: number): number {
  const base = Math.floor(p.patterns / p.apps);
  return base + (i < p.patterns % p.apps ? 1 : 0);
}

/** How the root URLconf includes app i: plain, with namespace = app_name, or another instance namespace. */
export function namespaceOf(i: number): string | null {
  if (i % 10 === 3) return `${appName(i)}-v2`;
  if (i % 3 === 0) return appName(i);
  return null;
}

function fillerCount(p: GenParams, i: number): number {
  const total = Math.max(0, p.files - FIXED_FILES - CORE_MODULES.length * p.apps);
  return Math.floor(total / p.apps) + (i < total % p.apps ? 1 : 0);
}

function fillerName(k: number): string {
  return k < FILLER_NAMES.length ? FILLER_NAMES[k] : `extra_${k - FILLER_NAMES.length}`;
}

class Writer {
  pythonFiles = 0;
  templates = 0;
  bytes = 0;
  private readonly made = new Set<string>();
  constructor(readonly root: string) {}
  write(rel: string, text: string): number {
    const full = path.join(this.root, rel);
    const dir = path.dirname(full);
    if (!this.made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    fs.writeFileSync(full, text);
    this.bytes += text.length;
    if (rel.endsWith('.py')) this.pythonFiles++;
    else this.templates++;
    return text.length;
  }
}

/** A URL name some view may reverse: in app `m`, pattern `k`, through its app namespace (or instance one). */
function randomTarget(p: GenParams, r: () => number, own: number): string {
  const m = r() < 0.3 ? own : Math.floor(r() * p.apps);
  const n = patternsOf(p, m);
  const k = Math.floor(r() * Math.max(1, n));
  const ns = namespaceOf(m);
  // Mostly the application namespace; sometimes the instance namespace when it differs.
  const prefix = ns && ns !== appName(m) && r() < 0.5 ? ns : appName(m);
  return `${prefix}:name-${k}`;
}

function manage(): string {
  return `#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
`;
}

function settings(p: GenParams): string {
  const apps: string[] = [];
  for (let i = 0; i < p.apps; i++) {
    // A mix of the two spellings seen in real projects.
    apps.push(i % 4 === 0 ? `    "${appName(i)}.apps.${cap(appName(i))}Config",` : `    "${appName(i)}",`);
  }
  return `"""Settings for the synthetic benchmark project."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-benchmark-key"

DEBUG = True

ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "${SHARED_APP}",
${apps.join('\n')}
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "proj.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "proj.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "${appName(0)}:name-0"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
`;
}

function rootUrls(p: GenParams): string {
  const lines: string[] = [];
  for (let i = 0; i < p.apps; i++) {
    const ns = namespaceOf(i);
    lines.push(ns ? `    path("${appName(i)}/", include("${appName(i)}.urls", namespace="${ns}")),` : `    path("${appName(i)}/", include("${appName(i)}.urls")),`);
  }
  return `"""URL configuration for the synthetic benchmark project."""
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("admin/", admin.site.urls),
${lines.join('\n')}
    path("about/", TemplateView.as_view(template_name="about.html"), name="about"),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
]
`;
}

function appsPy(i: number): string {
  return `from django.apps import AppConfig


class ${cap(appName(i))}Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "${appName(i)}"
    verbose_name = "App ${i}"
`;
}

interface ViewDef {
  name: string;
  cls: boolean;
}

function viewDefs(): ViewDef[] {
  const out: ViewDef[] = [];
  for (let k = 0; k < FUNC_VIEWS; k++) out.push({ name: k === 0 ? 'index' : `handle_${k}`, cls: false });
  for (let k = 0; k < CLASS_VIEWS; k++) out.push({ name: `${MODELS[k % MODELS.length]}${CBV_BASES[k % CBV_BASES.length].replace('View', '')}View${k}`, cls: true });
  return out;
}

function viewsPy(i: number, p: GenParams, r: () => number, models: string[], orm: (other: number) => string): string {
  const other = Math.floor(r() * p.apps);
  const out: string[] = [`from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import ${[...new Set(CBV_BASES)].join(', ')}

from ${SHARED_APP}.models import Tag
from ${appName(other)}.models import Item as Other${other}Item

from .forms import ItemForm, CategoryForm
from .models import ${models.join(', ')}
`];
  for (let k = 0; k < FUNC_VIEWS; k++) {
    const name = k === 0 ? 'index' : `handle_${k}`;
    const t = randomTarget(p, r, i);
    const variant = k % 4;
    if (variant === 0) {
      out.push(`

def ${name}(request):
    items = Item.objects.filter(published=True).order_by("-created")[:20]
    related = Other${other}Item.objects.all()[:5]
    if request.GET.get("next") == "go":
        return redirect("${t}")
    return render(request, "${appName(i)}/index.html", {"items": items, "related": related})
`);
    } else if (variant === 1) {
      out.push(`

@login_required
def ${name}(request, pk):
    item = get_object_or_404(Item, pk=pk)
    item.published = True
    item.save()
    messages.success(request, "Published")
    return HttpResponseRedirect(reverse("${t}", kwargs={"pk": item.pk}))
`);
    } else if (variant === 2) {
      const t2 = randomTarget(p, r, i);
      out.push(`

def ${name}(request, slug):
    entry = get_object_or_404(Entry, slug=slug)
    if request.method == "POST":
        form = ItemForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect("${t}")
    else:
        form = ItemForm()
    back = reverse("${t2}")
    return render(request, "${appName(i)}/form.html", {"form": form, "entry": entry, "back": back})
`);
    } else {
      out.push(`

def ${name}(request, year=None):
    qs = Category.objects.all()
    if year is not None:
        qs = qs.filter(created__year=year)
    data = [{"id": c.pk, "title": c.title, "url": reverse("${t}", args=[c.pk])} for c in qs]
    return JsonResponse({"results": data})
`);
    }
  }
  for (let k = 0; k < CLASS_VIEWS; k++) {
    const base = CBV_BASES[k % CBV_BASES.length];
    const model = MODELS[k % MODELS.length];
    const name = `${model}${base.replace('View', '')}View${k}`;
    const t = randomTarget(p, r, i);
    const body: string[] = [];
    if (base === 'RedirectView') {
      body.push(`    permanent = False\n    pattern_name = "${t}"`);
    } else if (base === 'TemplateView') {
      body.push(`    template_name = "${appName(i)}/detail.html"`);
      body.push(`
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = ${model}.objects.all()[:10]
        context["home"] = reverse("${t}")
        return context`);
    } else if (base === 'FormView') {
      body.push(`    template_name = "${appName(i)}/form.html"\n    form_class = CategoryForm\n    success_url = reverse_lazy("${t}")`);
    } else {
      body.push(`    model = ${model}`);
      if (base === 'ListView') body.push('    paginate_by = 25');
      if (base === 'CreateView' || base === 'UpdateView') body.push(`    fields = ["title", "slug", "body", "published"]\n    success_url = reverse_lazy("${t}")`);
      if (base === 'DeleteView') body.push(`    success_url = reverse_lazy("${t}")`);
      if (base === 'DetailView') {
        body.push(`
    def get_queryset(self):
        return super().get_queryset().filter(published=True)`);
      }
    }
    const mixin = base === 'CreateView' || base === 'UpdateView' || base === 'DeleteView' ? 'LoginRequiredMixin, ' : '';
    out.push(`

class ${name}(${mixin}${base}):
    """${base.replace('View', '')} view over ${model.toLowerCase()}s."""

${body.join('\n')}
`);
  }
  out.push(orm(other));
  return out.join('');
}

function urlsPy(i: number, p: GenParams): string {
  const views = viewDefs();
  const n = patternsOf(p, i);
  const lines: string[] = [];
  for (let k = 0; k < n; k++) {
    const v = views[k % views.length];
    const ref = v.cls ? `views.${v.name}.as_view()` : `views.${v.name}`;
    switch (k % 4) {
      case 0: lines.push(`    path("section-${k}/", ${ref}, name="name-${k}"),`); break;
      case 1: lines.push(`    path("<int:pk>/action-${k}/", ${ref}, name="name-${k}"),`); break;
      case 2: lines.push(`    path("<slug:slug>/page-${k}/", ${ref}, name="name-${k}"),`); break;
      default: lines.push(`    re_path(r"^archive-${k}/(?P<year>[0-9]{4})/$", ${ref}, name="name-${k}"),`); break;
    }
  }
  return `from django.urls import path, re_path

from . import views

app_name = "${appName(i)}"

urlpatterns = [
${lines.join('\n')}
]
`;
}

function adminPy(): string {
  return `from django.contrib import admin

from .models import ${MODELS.join(', ')}


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "published", "created"]
    list_filter = ["published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


class CategoryAdmin(admin.ModelAdmin):
    list_display = ["title", "created"]


admin.site.register(Category, CategoryAdmin)
`;
}

function formsPy(): string {
  return `from django import forms

from .models import ${MODELS.join(', ')}


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["title", "slug", "body", "published"]

    def clean_title(self):
        title = self.cleaned_data["title"]
        if len(title) < 3:
            raise forms.ValidationError("Too short")
        return title


class CategoryForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea, required=False)
`;
}

function testsPy(i: number, p: GenParams, r: () => number): string {
  const n = patternsOf(p, i);
  const out = [`from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from .models import Item
`];
  out.push(`

class ${cap(appName(i))}ViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("u", password="p")
        cls.item = Item.objects.create(title="First", slug="first", owner=cls.user)
`);
  for (let t = 0; t < 5; t++) {
    const k = Math.floor(r() * Math.max(1, n));
    out.push(`
    def test_page_${t}(self):
        self.client.force_login(self.user)
        response = self.client.get(reverse("${appName(i)}:name-${k}", kwargs={"pk": self.item.pk}))
        self.assertIn(response.status_code, (200, 302, 404))
`);
  }
  return out.join('');
}

function serializersPy(): string {
  return `from rest_framework import serializers

from .models import ${MODELS.join(', ')}


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = "__all__"


class CategorySerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "title", "items"]

    def get_items(self, obj):
        return [i.pk for i in Item.objects.filter(title__icontains=obj.title)[:10]]
`;
}

function fillerPy(i: number, k: number, p: GenParams, r: () => number): string {
  const withReverse = k % 3 === 0;
  const out = [`"""${cap(fillerName(k).replace(/_/g, ' '))} for ${appName(i)}."""
import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
${withReverse ? 'from django.urls import reverse\n' : ''}
from .models import Item, Category

logger = logging.getLogger(__name__)

MAX_RESULTS = ${10 + k}
`];
  for (let f = 0; f < 4; f++) {
    out.push(`

def step_${k}_${f}(queryset, term=None, days=${f + 1}):
    """Filters the queryset by a search term and recency."""
    since = timezone.now() - timedelta(days=days)
    qs = queryset.filter(created__gte=since)
    if term:
        qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
    logger.debug("step_${k}_${f}: %s results", qs.count())
    return qs[:MAX_RESULTS]
`);
  }
  out.push(`

class Helper${k}:
    def __init__(self, user):
        self.user = user

    def visible(self):
        return Item.objects.filter(owner=self.user, published=True)

    def categories(self):
        return Category.objects.filter(title__in=[i.title for i in self.visible()])
`);
  if (withReverse) {
    out.push(`
    def link(self, item):
        return reverse("${randomTarget(p, r, i)}", kwargs={"pk": item.pk})
`);
  }
  return out.join('');
}

function templates(i: number, p: GenParams, r: () => number): [string, string][] {
  const a = appName(i);
  const t = () => randomTarget(p, r, i);
  return [
    [`index.html`, `{% extends "base.html" %}

{% block title %}${a}{% endblock %}

{% block content %}
  <h1>${a}</h1>
  <ul>
  {% for item in items %}
    <li><a href="{% url '${a}:name-0' %}">{{ item.title }}</a></li>
  {% endfor %}
  </ul>
  <a href="{% url '${t()}' %}">Elsewhere</a>
{% endblock %}
`],
    [`detail.html`, `{% extends "base.html" %}
{% block content %}
  {% for item in items %}
    <article>
      <h2>{{ item.title }}</h2>
      <a href="{% url '${t()}' pk=item.pk %}">Open</a>
    </article>
  {% endfor %}
  <a href="{{ home }}">Home</a>
{% endblock %}
`],
    [`form.html`, `{% extends "base.html" %}
{% block content %}
  <form method="post" action="{% url '${t()}' %}">
    {% csrf_token %}
    {{ form.as_p }}
    <button type="submit">Save</button>
  </form>
  <a href="{{ back }}">Back</a>
{% endblock %}
`],
  ];
}

// ---- the template part ----------------------------------------------------------------------
//
// Per app: `appN/base.html` (extends the project's base.html), section layouts
// `appN/layouts/section_{0,1}.html` (extend the app base) and `appN/layouts/section_0_wide.html`
// (extends section 0), partials `appN/includes/_{sidebar,row}.html`, and leaf pages
// `appN/pages/page_K.html` extending one of the four layouts (a few another app's), so chains are
// 3 to 5 templates deep. Leaves override their parents' blocks (often with `{{ block.super }}`),
// include the partials, `{% load %}` static/i18n and the generated `bench_tags` library (app0), and
// use `{% url %}` with other apps' names. A few include a misspelled partial (an "unknown template"
// diagnostic with a "did you mean").

/** The project base template's blocks (the first level of every chain). */
export const BASE_BLOCKS = ['title', 'meta', 'extra_css', 'header', 'nav', 'messages', 'content', 'sidebar', 'footer', 'extra_js'];
/** The templatetags library of the template part (in app0). */
export const TAG_LIBRARY = 'bench_tags';
/** Fixed templates per app in the template part (base, 3 layouts, 2 partials); the rest are leaves. */
const FIXED_TEMPLATES = 6;

function projectBase(): string {
  return `{% load static %}<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{% block title %}Bench{% endblock %}</title>
  {% block meta %}<meta name="viewport" content="width=device-width, initial-scale=1">{% endblock %}
  <link rel="stylesheet" href="{% static 'css/site.css' %}">
  {% block extra_css %}{% endblock %}
</head>
<body>
  {% block header %}
  <header class="site-header">
    <a class="brand" href="{% url 'home' %}">Bench</a>
    {% block nav %}<nav><a href="{% url 'home' %}">Home</a> <a href="{% url 'about' %}">About</a></nav>{% endblock %}
  </header>
  {% endblock %}
  {% block messages %}
  {% if messages %}
    <ul class="messages">{% for message in messages %}<li class="{{ message.tags }}">{{ message }}</li>{% endfor %}</ul>
  {% endif %}
  {% endblock %}
  <main>
    {% block content %}{% endblock %}
  </main>
  <aside>{% block sidebar %}{% endblock %}</aside>
  {% block footer %}<footer>&copy; {% now "Y" %} Bench</footer>{% endblock %}
  <script src="{% static 'js/site.js' %}"></script>
  {% block extra_js %}{% endblock %}
</body>
</html>
`;
}

function tagLibraryPy(): string {
  return `"""Tags and filters used by the benchmark's templates."""
from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def bench_badge(value, css="badge"):
    return format_html('<span class="{}">{}</span>', css, value)


@register.simple_tag(takes_context=True)
def bench_active(context, name):
    return "active" if context.get("section") == name else ""


@register.filter
def bench_money(value, currency="EUR"):
    try:
        return f"{float(value):.2f} {currency}"
    except (TypeError, ValueError):
        return ""


@register.filter(name="bench_initials")
def initials(value):
    return "".join(word[:1] for word in str(value).split()).upper()


class PanelNode(template.Node):
    def __init__(self, title, nodelist):
        self.title = title
        self.nodelist = nodelist

    def render(self, context):
        body = self.nodelist.render(context)
        return format_html('<div class="panel"><h3>{}</h3>{}</div>', self.title.resolve(context), body)


@register.tag
def panel(parser, token):
    bits = token.split_contents()
    nodelist = parser.parse(("endpanel",))
    parser.delete_first_token()
    return PanelNode(parser.compile_filter(bits[1]), nodelist)
`;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function appBase(i: number, p: GenParams, r: () => number): string {
  const a = appName(i);
  const links: string[] = [];
  for (let k = 0; k < 3 + Math.floor(r() * 3); k++) links.push(`      <li><a href="{% url '${appName(i)}:name-${Math.floor(r() * Math.max(1, patternsOf(p, i)))}' %}">Section ${k}</a></li>`);
  return `{% extends "base.html" %}
{% load static %}

{% block title %}App ${i} · {{ block.super }}{% endblock %}

{% block extra_css %}
  {{ block.super }}
  <link rel="stylesheet" href="{% static '${a}/app.css' %}">
{% endblock %}

{% block nav %}
  {{ block.super }}
  <ul class="app-nav app-nav-${i}">
${links.join('\n')}
  </ul>
{% endblock %}

{% block content %}
  <div class="app ${a}">
    {% block app_header %}<h1 class="app-title">{{ title|default:"App ${i}" }}</h1>{% endblock %}
    {% block app_content %}{% endblock %}
  </div>
{% endblock %}

{% block sidebar %}{% include "${a}/includes/_sidebar.html" %}{% endblock %}
`;
}

function sectionLayout(i: number, k: number): string {
  const a = appName(i);
  return `{% extends "${a}/base.html" %}

{% block title %}Section ${k} · {{ block.super }}{% endblock %}

{% block app_header %}
  {{ block.super }}
  <p class="breadcrumbs"><a href="{% url '${a}:name-0' %}">${a}</a> › section ${k}</p>
{% endblock %}

{% block app_content %}
  <div class="section section-${k}">
    <div class="section-main">{% block section_main %}{% endblock %}</div>
    <div class="section-aside">{% block section_aside %}<p>Section ${k} of ${a}</p>{% endblock %}</div>
  </div>
{% endblock %}
`;
}

function wideLayout(i: number): string {
  const a = appName(i);
  return `{% extends "${a}/layouts/section_0.html" %}

{% block section_main %}
  <div class="wide">
    {% block wide_main %}{% endblock %}
  </div>
{% endblock %}

{% block section_aside %}{% endblock %}

{% block extra_js %}{{ block.super }}<script>document.body.classList.add("wide");</script>{% endblock %}
`;
}

function sidebarPartial(i: number, p: GenParams, r: () => number): string {
  const a = appName(i);
  return `<div class="sidebar sidebar-${i}">
  <h4>{{ sidebar_title|default:"${a}" }}</h4>
  <ul>
  {% for link in sidebar_links %}
    <li><a href="{{ link.url }}">{{ link.label|truncatechars:40 }}</a></li>
  {% empty %}
    <li><a href="{% url '${randomTarget(p, r, i)}' %}">Elsewhere</a></li>
  {% endfor %}
  </ul>
</div>
`;
}

function rowPartial(i: number): string {
  return `<tr class="{% cycle 'odd' 'even' %}">
  <td><a href="{% url '${appName(i)}:name-0' %}">{{ item.title|default:"(untitled)" }}</a></td>
  <td>{{ item.owner.get_full_name|default:item.owner.username }}</td>
  <td>{{ item.created|date:"Y-m-d H:i" }}</td>
  <td>{% if item.published %}yes{% else %}no{% endif %}</td>
</tr>
`;
}

interface Layout {
  name: string;
  /** The block a leaf puts its page body in. */
  main: string;
  /** Other blocks a leaf may override. */
  extra: string[];
}

function layoutsOf(i: number): Layout[] {
  const a = appName(i);
  const common = ['extra_css', 'extra_js', 'meta', 'messages', 'footer'];
  return [
    { name: `${a}/base.html`, main: 'app_content', extra: [...common, 'sidebar', 'app_header', 'nav'] },
    { name: `${a}/layouts/section_0.html`, main: 'section_main', extra: [...common, 'section_aside', 'app_header', 'sidebar'] },
    { name: `${a}/layouts/section_1.html`, main: 'section_main', extra: [...common, 'section_aside', 'sidebar'] },
    { name: `${a}/layouts/section_0_wide.html`, main: 'wide_main', extra: [...common, 'sidebar', 'app_header'] },
  ];
}

/** One chunk of page body (a table, a card list, a form, a panel, text), about 300–900 bytes. */
function bodyChunk(i: number, p: GenParams, r: () => number, useTags: boolean, useI18n: boolean, broken: boolean): string {
  const a = appName(i);
  const row = broken ? `${a}/includes/_rows.html` : `${a}/includes/_row.html`;
  const t = () => randomTarget(p, r, i);
  const tr = (s: string) => (useI18n ? `{% trans "${s}" %}` : s);
  switch (Math.floor(r() * 5)) {
    case 0:
      return `
    <table class="table">
      <thead><tr><th>${tr('Title')}</th><th>${tr('Owner')}</th><th>${tr('Created')}</th><th></th></tr></thead>
      <tbody>
      {% for item in items %}
        {% include "${row}" %}
      {% empty %}
        <tr><td colspan="4">${tr('Nothing yet.')}</td></tr>
      {% endfor %}
      </tbody>
    </table>
    {% if is_paginated %}<a href="?page={{ page_obj.next_page_number }}">${tr('Next')}</a>{% endif %}
`;
    case 1:
      return `
    <div class="cards">
    {% for entry in entries %}
      <article class="card">
        <h3><a href="{% url '${t()}' %}">{{ entry.title|title }}</a></h3>
        <p>{{ entry.body|striptags|truncatewords:30 }}</p>
        <footer>{{ entry.created|timesince }} · ${useTags ? '{% bench_badge entry.kind %} · {{ entry.price|bench_money }}' : '{{ entry.kind|upper }}'}</footer>
      </article>
    {% endfor %}
    </div>
`;
    case 2:
      return `
    <form method="post" action="{% url '${t()}' %}" class="form">
      {% csrf_token %}
      {% for field in form %}
        <div class="field{% if field.errors %} error{% endif %}">
          {{ field.label_tag }} {{ field }}
          {% for err in field.errors %}<span class="err">{{ err }}</span>{% endfor %}
        </div>
      {% endfor %}
      <button type="submit">${tr('Save')}</button>
    </form>
`;
    case 3:
      return useTags
        ? `
    {% panel "Summary" %}
      <dl>
        <dt>${tr('Owner')}</dt><dd>{{ object.owner|bench_initials }}</dd>
        <dt>${tr('Total')}</dt><dd>{{ object.total|bench_money:"USD" }}</dd>
        <dt>${tr('Status')}</dt><dd class="{% bench_active 'status' %}">{{ object.status|default:"-" }}</dd>
      </dl>
    {% endpanel %}
`
        : `
    <dl class="summary">
      {% with owner=object.owner %}
      <dt>${tr('Owner')}</dt><dd>{{ owner.username|lower }}</dd>
      {% endwith %}
      <dt>${tr('Total')}</dt><dd>{{ object.total|floatformat:2 }}</dd>
      <dt>${tr('Status')}</dt><dd>{{ object.status|default:"-" }}</dd>
    </dl>
`;
    default:
      return `
    <section class="prose">
      <h3>{{ page.heading|default:"${a}" }}</h3>
      <p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore
      et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.</p>
      {% if user.is_authenticated %}<p>Hello {{ user.get_username }}, <a href="{% url '${t()}' %}">continue</a>.</p>{% endif %}
    </section>
`;
  }
}

function leafPage(i: number, k: number, p: GenParams, r: () => number, broken: boolean): string {
  const a = appName(i);
  // Mostly the app's own layouts; a few pages extend another app's.
  const owner = r() < 0.03 ? Math.floor(r() * p.apps) : i;
  const layout = pick(r, layoutsOf(owner));
  const useTags = r() < 0.3;
  const useI18n = r() < 0.25;
  const useStatic = r() < 0.4;
  const libs = [useStatic ? 'static' : '', useI18n ? 'i18n' : '', useTags ? TAG_LIBRARY : ''].filter(Boolean);
  const out: string[] = [`{% extends "${layout.name}" %}\n`];
  if (libs.length) out.push(`{% load ${libs.join(' ')} %}\n`);
  out.push(`\n{% block title %}${r() < 0.5 ? `Page ${k} · {{ block.super }}` : `{{ page.title|default:"Page ${k}" }}`}{% endblock %}\n`);
  const extras = layout.extra.filter(() => r() < 0.3);
  for (const b of extras) {
    const sup = r() < 0.6 ? '{{ block.super }}\n  ' : '';
    let inner: string;
    if (b === 'extra_css') inner = useStatic ? `<link rel="stylesheet" href="{% static '${a}/pages/page_${k}.css' %}">` : `<style>.page-${k} { margin: 0 auto; }</style>`;
    else if (b === 'extra_js') inner = useStatic ? `<script src="{% static '${a}/pages/page_${k}.js' %}"></script>` : `<script>window.page = ${k};</script>`;
    else if (b === 'meta') inner = `<meta name="description" content="{{ page.summary|default:'${a} page ${k}'|striptags }}">`;
    else inner = `<div class="${b.replace(/_/g, '-')}">{{ ${b}_text|default:"" }}</div>`;
    out.push(`\n{% block ${b} %}\n  ${sup}${inner}\n{% endblock %}\n`);
  }
  // The page body: chunks up to a size between 1 and 4 KB.
  const target = 1000 + Math.floor(r() * 3000);
  let size = out.reduce((n, s) => n + s.length, 0) + 120;
  const body: string[] = [];
  let brokenLeft = broken;
  while (size < target) {
    const c = bodyChunk(i, p, r, useTags, useI18n, brokenLeft && r() < 0.5);
    if (c.includes('_rows.html')) brokenLeft = false;
    body.push(c);
    size += c.length;
  }
  if (brokenLeft) body.push(`\n    {% include "${a}/includes/_rows.html" %}\n`);
  out.push(`\n{% block ${layout.main} %}\n  <section class="page page-${k}">\n    <h2>{{ page.title|default:"Page ${k}" }}</h2>\n${body.join('')}  </section>\n{% endblock %}\n`);
  return out.join('');
}

/** The template part of app i: [relative path below the app's templates folder, text]. */
function templatePart(i: number, count: number, p: GenParams, r: () => number, brokenRate: number): { files: [string, string][]; broken: number } {
  const a = appName(i);
  const files: [string, string][] = [];
  let broken = 0;
  if (count <= FIXED_TEMPLATES) {
    // Too few for the layouts: leaves on the project base only.
    for (let k = 0; k < count; k++) files.push([`${a}/pages/page_${k}.html`, `{% extends "base.html" %}\n{% block content %}<p>${a} page ${k}</p>{% endblock %}\n`]);
    return { files, broken };
  }
  files.push([`${a}/base.html`, appBase(i, p, r)]);
  files.push([`${a}/layouts/section_0.html`, sectionLayout(i, 0)]);
  files.push([`${a}/layouts/section_1.html`, sectionLayout(i, 1)]);
  files.push([`${a}/layouts/section_0_wide.html`, wideLayout(i)]);
  files.push([`${a}/includes/_sidebar.html`, sidebarPartial(i, p, r)]);
  files.push([`${a}/includes/_row.html`, rowPartial(i)]);
  for (let k = 0; k < count - FIXED_TEMPLATES; k++) {
    const isBroken = r() < brokenRate;
    if (isBroken) broken++;
    files.push([`${a}/pages/page_${k}.html`, leafPage(i, k, p, r, isBroken)]);
  }
  return { files, broken };
}

// ---- the model part ---------------------------------------------------------------------------
//
// A shared app `common` holds abstract bases (TimeStamped → Owned with an owner FK to
// settings.AUTH_USER_MODEL, and Publishable) and two concrete models (Tag, Country). Each app has
// 3–8 models: Category (TimeStamped, a "self" FK), Item (Owned; a FK to Category by class, a M2M to
// common.Tag, for apps after app0 a FK by class to a lower app's Category), Entry (Publishable; a
// FK "Item" by string, a FK to settings.AUTH_USER_MODEL, a FK "appK.Item" to another app), then 0–5
// of Comment, Attachment, Profile (OneToOne to the user), Order (M2M to Item), Review (FK to
// another app's Item), Event (M2M to the user). Fields of the common types with options;
// related_name on many relations (some with %(app_label)s, one "+"), default accessors on others.
// Views run ORM queries over them (`filter(category__parent__title__icontains=term)`, Q objects,
// order_by, values, values_list, select/prefetch_related, get_object_or_404), drawn by random walks
// over this graph so every lookup path is valid. The part draws from its own generator, so the
// rest of the project (URL names reversed, templates) is the same as without it.

/** The shared app holding the abstract bases. */
export const SHARED_APP = 'common';

type FieldKind = 'char' | 'text' | 'bool' | 'int' | 'decimal' | 'date' | 'datetime' | 'fk' | 'o2o' | 'm2m';

interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** The related model's label, for relations. */
  to?: string;
  /** The name the relation gives `to` in lookups (none: hidden, or not walked). */
  reverse?: string;
  /** The Python text after `name = `. */
  code: string;
}

interface ModelSpec {
  label: string;
  name: string;
  /** The abstract base (a key of ABSTRACT), or none for models.Model. */
  base?: keyof typeof ABSTRACT;
  fields: FieldSpec[];
  meta: string[];
}

const ABSTRACT = {
  TimeStamped: { parent: undefined, fields: [
    { name: 'created', kind: 'datetime', code: 'models.DateTimeField(auto_now_add=True, db_index=True)' },
    { name: 'updated', kind: 'datetime', code: 'models.DateTimeField(auto_now=True)' },
  ] },
  Owned: { parent: 'TimeStamped', fields: [
    { name: 'owner', kind: 'fk', to: 'auth.User', code: 'models.ForeignKey(\n        settings.AUTH_USER_MODEL,\n        on_delete=models.CASCADE,\n        related_name="%(app_label)s_%(class)s_set",\n        related_query_name="%(app_label)s_%(class)s",\n    )' },
  ] },
  Publishable: { parent: 'TimeStamped', fields: [
    { name: 'status', kind: 'char', code: 'models.CharField(max_length=10, choices=STATUS_CHOICES, default="draft", db_index=True)' },
    { name: 'published_at', kind: 'datetime', code: 'models.DateTimeField(null=True, blank=True)' },
  ] },
} satisfies Record<string, { parent?: string; fields: FieldSpec[] }>;

/** Models outside the apps that lookups walk into (forward fields only). */
const FIXED_MODELS: ModelSpec[] = [
  { label: 'auth.User', name: 'User', fields: [
    ...['username', 'first_name', 'last_name', 'email'].map((name) => ({ name, kind: 'char' as const, code: '' })),
    { name: 'is_active', kind: 'bool', code: '' }, { name: 'is_staff', kind: 'bool', code: '' },
    { name: 'date_joined', kind: 'datetime', code: '' }, { name: 'last_login', kind: 'datetime', code: '' },
    { name: 'groups', kind: 'm2m', to: 'auth.Group', code: '' },
  ], meta: [] },
  { label: 'auth.Group', name: 'Group', fields: [{ name: 'name', kind: 'char', code: '' }], meta: [] },
  { label: `${SHARED_APP}.Tag`, name: 'Tag', base: 'TimeStamped', fields: [
    { name: 'name', kind: 'char', code: 'models.CharField(max_length=50, unique=True)' },
    { name: 'slug', kind: 'char', code: 'models.SlugField(max_length=60, unique=True)' },
    { name: 'color', kind: 'char', code: 'models.CharField(max_length=7, default="#cccccc", help_text="A CSS colour.")' },
  ], meta: ['ordering = ["name"]'] },
  { label: `${SHARED_APP}.Country`, name: 'Country', fields: [
    { name: 'code', kind: 'char', code: 'models.CharField(max_length=2, unique=True)' },
    { name: 'name', kind: 'char', code: 'models.CharField(max_length=100)' },
    { name: 'population', kind: 'int', code: 'models.BigIntegerField(null=True, blank=True)' },
  ], meta: ['ordering = ["name"]', 'verbose_name_plural = "countries"'] },
];

const EXTRA_MODELS = ['Comment', 'Attachment', 'Profile', 'Order', 'Review', 'Event'] as const;

const char = (name: string, code: string): FieldSpec => ({ name, kind: 'char', code });

/** The models of app i (the random draws for the core models' get_absolute_url stay in `generate`). */
function appModelSpecs(i: number, p: GenParams, rm: () => number): ModelSpec[] {
  const a = appName(i);
  const otherApp = () => appName((i + 1 + Math.floor(rm() * (p.apps - 1))) % p.apps);
  const common = [
    char('title', 'models.CharField(max_length=200)'),
    char('slug', 'models.SlugField(unique=True)'),
    { name: 'body', kind: 'text', code: 'models.TextField(blank=True)' } as FieldSpec,
  ];
  const published = (d: boolean): FieldSpec => ({ name: 'published', kind: 'bool', code: `models.BooleanField(default=${d ? 'True' : 'False'})` });
  const out: ModelSpec[] = [
    { label: `${a}.Category`, name: 'Category', base: 'TimeStamped', fields: [
      ...common, published(false),
      { name: 'position', kind: 'int', code: 'models.PositiveIntegerField(default=0, db_index=True)' },
      { name: 'parent', kind: 'fk', to: `${a}.Category`, reverse: 'children', code: 'models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")' },
    ], meta: ['ordering = ["position", "title"]', 'verbose_name_plural = "categories"'] },
    { label: `${a}.Item`, name: 'Item', base: 'Owned', fields: [
      ...common, published(true),
      { name: 'price', kind: 'decimal', code: 'models.DecimalField(max_digits=10, decimal_places=2, default=0)' },
      { name: 'stock', kind: 'int', code: 'models.IntegerField(default=0)' },
      { name: 'category', kind: 'fk', to: `${a}.Category`, reverse: 'items', code: 'models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")' },
      { name: 'tags', kind: 'm2m', to: `${SHARED_APP}.Tag`, reverse: `${a}_items`, code: 'models.ManyToManyField(Tag, blank=True, related_name="%(app_label)s_items")' },
      ...(i > 0 ? [{ name: 'upstream', kind: 'fk', to: `${appName(Math.floor(rm() * i))}.Category`, reverse: `${a}_items`, code: '' } as FieldSpec] : []),
    ], meta: ['ordering = ["-created"]', 'get_latest_by = "created"'] },
  ];
  const item = out[1];
  const up = item.fields.find((f) => f.name === 'upstream');
  if (up) up.code = `models.ForeignKey(${cap(up.to!.split('.')[0])}Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="${a}_items")`;
  const source = otherApp();
  out.push({ label: `${a}.Entry`, name: 'Entry', base: 'Publishable', fields: [
    ...common, published(false),
    { name: 'item', kind: 'fk', to: `${a}.Item`, reverse: 'entries', code: 'models.ForeignKey("Item", on_delete=models.CASCADE, related_name="entries")' },
    { name: 'author', kind: 'fk', to: 'auth.User', code: `models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="${a}_entries")` },
    { name: 'source', kind: 'fk', to: `${source}.Item`, reverse: `${a}_citations`, code: `models.ForeignKey("${source}.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="${a}_citations")` },
    { name: 'rating', kind: 'int', code: 'models.PositiveSmallIntegerField(default=0)' },
    char('email', 'models.EmailField(blank=True)'),
  ], meta: ['ordering = ["-published_at", "title"]', 'verbose_name_plural = "entries"'] });
  // 0–5 more, in a fixed order.
  const extras = EXTRA_MODELS.map((m) => ({ m, k: rm() })).sort((x, y) => x.k - y.k).slice(0, Math.floor(rm() * 6)).map((x) => x.m);
  for (const m of EXTRA_MODELS) {
    if (!extras.includes(m)) continue;
    if (m === 'Comment') {
      out.push({ label: `${a}.Comment`, name: m, base: 'Owned', fields: [
        { name: 'entry', kind: 'fk', to: `${a}.Entry`, reverse: 'comments', code: 'models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")' },
        { name: 'text', kind: 'text', code: 'models.TextField()' },
        { name: 'is_public', kind: 'bool', code: 'models.BooleanField(default=True, db_index=True)' },
        { name: 'reply_to', kind: 'fk', to: `${a}.Comment`, reverse: 'replies', code: 'models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")' },
      ], meta: ['ordering = ["created"]'] });
    } else if (m === 'Attachment') {
      out.push({ label: `${a}.Attachment`, name: m, base: 'TimeStamped', fields: [
        // The default accessor (attachment_set; "attachment" in lookups).
        { name: 'item', kind: 'fk', to: `${a}.Item`, reverse: 'attachment', code: 'models.ForeignKey(Item, on_delete=models.CASCADE)' },
        char('file_name', 'models.CharField(max_length=255)'),
        { name: 'size', kind: 'int', code: 'models.PositiveIntegerField(default=0)' },
        char('mime_type', 'models.CharField(max_length=100, blank=True, default="application/octet-stream")'),
        { name: 'uploaded_by', kind: 'fk', to: 'auth.User', code: 'models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")' },
      ], meta: [] });
    } else if (m === 'Profile') {
      out.push({ label: `${a}.Profile`, name: m, fields: [
        { name: 'user', kind: 'o2o', to: 'auth.User', code: `models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="${a}_profile")` },
        { name: 'bio', kind: 'text', code: 'models.TextField(blank=True, default="")' },
        char('website', 'models.URLField(blank=True)'),
        { name: 'birth_date', kind: 'date', code: 'models.DateField(null=True, blank=True)' },
        { name: 'country', kind: 'fk', to: `${SHARED_APP}.Country`, code: `models.ForeignKey("${SHARED_APP}.Country", null=True, blank=True, on_delete=models.SET_NULL, related_name="${a}_profiles")` },
      ], meta: [] });
    } else if (m === 'Order') {
      out.push({ label: `${a}.Order`, name: m, base: 'Owned', fields: [
        char('number', 'models.CharField(max_length=20, unique=True)'),
        { name: 'total', kind: 'decimal', code: 'models.DecimalField(max_digits=12, decimal_places=2, default=0)' },
        char('state', 'models.CharField(max_length=12, choices=ORDER_STATES, default="new", db_index=True)'),
        { name: 'items', kind: 'm2m', to: `${a}.Item`, reverse: 'orders', code: 'models.ManyToManyField(Item, blank=True, related_name="orders")' },
        { name: 'shipping_country', kind: 'fk', to: `${SHARED_APP}.Country`, code: `models.ForeignKey(Country, on_delete=models.PROTECT, related_name="${a}_orders")` },
        { name: 'paid_at', kind: 'datetime', code: 'models.DateTimeField(null=True, blank=True)' },
      ], meta: ['ordering = ["-created"]'] });
    } else if (m === 'Review') {
      const target = otherApp();
      out.push({ label: `${a}.Review`, name: m, base: 'TimeStamped', fields: [
        { name: 'item', kind: 'fk', to: `${target}.Item`, reverse: `${a}_reviews`, code: `models.ForeignKey("${target}.Item", on_delete=models.CASCADE, related_name="${a}_reviews")` },
        { name: 'reviewer', kind: 'fk', to: 'auth.User', code: `models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="${a}_reviews")` },
        { name: 'score', kind: 'int', code: 'models.PositiveSmallIntegerField(default=5)' },
        { name: 'text', kind: 'text', code: 'models.TextField(blank=True)' },
      ], meta: ['ordering = ["-score", "-created"]'] });
    } else {
      out.push({ label: `${a}.Event`, name: m, base: 'Publishable', fields: [
        char('title', 'models.CharField(max_length=200)'),
        { name: 'starts_at', kind: 'datetime', code: 'models.DateTimeField(db_index=True)' },
        { name: 'ends_at', kind: 'datetime', code: 'models.DateTimeField(null=True, blank=True)' },
        char('location', 'models.CharField(max_length=200, blank=True)'),
        { name: 'category', kind: 'fk', to: `${a}.Category`, reverse: 'events', code: 'models.ForeignKey(Category, on_delete=models.CASCADE, related_name="events")' },
        { name: 'attendees', kind: 'm2m', to: 'auth.User', code: `models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="${a}_events")` },
        { name: 'capacity', kind: 'int', code: 'models.PositiveIntegerField(null=True, blank=True)' },
      ], meta: [] });
    }
  }
  return out;
}

/** The fields of a model including its abstract bases', in Django's order (bases first). */
function allFields(m: ModelSpec): FieldSpec[] {
  const chain: FieldSpec[][] = [m.fields];
  for (let b: string | undefined = m.base; b; b = ABSTRACT[b as keyof typeof ABSTRACT].parent) chain.unshift(ABSTRACT[b as keyof typeof ABSTRACT].fields as FieldSpec[]);
  return chain.flat();
}

interface WalkName {
  name: string;
  kind: FieldKind | 'reverse';
  to?: string;
}

/** Every model's lookup names (forward fields, and for app models the reverse query names). */
export class ModelGraph {
  readonly names = new Map<string, WalkName[]>();
  readonly specs = new Map<string, ModelSpec>();
  constructor(apps: ModelSpec[][]) {
    for (const m of [...FIXED_MODELS, ...apps.flat()]) {
      this.specs.set(m.label, m);
      this.names.set(m.label, allFields(m).map((f) => ({ name: f.name, kind: f.kind, to: f.to })));
    }
    for (const m of apps.flat()) {
      for (const f of m.fields) {
        const target = f.to && this.names.get(f.to);
        // Reverse names are walked on the apps' models only (the user and tags have thousands).
        if (f.reverse && target && !FIXED_MODELS.some((x) => x.label === f.to)) target.push({ name: f.reverse, kind: 'reverse', to: m.label });
      }
    }
  }
}

const isRelation = (n: WalkName) => n.kind === 'fk' || n.kind === 'o2o' || n.kind === 'm2m' || n.kind === 'reverse';
const isForward = (n: WalkName) => n.kind === 'fk' || n.kind === 'o2o';

/** A random relation path from `label` (0–`max` relations), then a field; undefined if none fits. */
function walk(g: ModelGraph, r: () => number, label: string, max: number, rel: (n: WalkName) => boolean): { parts: string[]; last: WalkName } | undefined {
  const parts: string[] = [];
  let at = label;
  const hops = Math.floor(r() * (max + 1));
  for (let h = 0; h < hops; h++) {
    const rels = (g.names.get(at) ?? []).filter(rel);
    if (!rels.length) break;
    const n = pick(r, rels);
    parts.push(n.name);
    at = n.to!;
  }
  const fields = (g.names.get(at) ?? []).filter((n) => !isRelation(n));
  if (!fields.length) return undefined;
  const last = pick(r, fields);
  return { parts: [...parts, last.name], last };
}

/** A `filter()` keyword with its value: a path, maybe ending on a relation, then a lookup. */
function filterKw(g: ModelGraph, r: () => number, label: string): string {
  if (r() < 0.15) {
    // Ending on a relation: `category__isnull=False`, `tags__in=ids`.
    const rels = (g.names.get(label) ?? []).filter(isRelation);
    if (rels.length) {
      const n = pick(r, rels);
      return n.kind === 'm2m' || n.kind === 'reverse' ? (r() < 0.5 ? `${n.name}__in=ids` : `${n.name}__isnull=False`) : `${n.name}__isnull=${r() < 0.5 ? 'True' : 'False'}`;
    }
  }
  const w = walk(g, r, label, 3, isRelation)!;
  const path = w.parts.join('__');
  switch (w.last.kind) {
    case 'char': case 'text': {
      const s = pick(r, ['', '__icontains', '__iexact', '__startswith', '__contains', '__in']);
      return `${path}${s}=${s === '__in' ? '[term]' : 'term'}`;
    }
    case 'bool': return `${path}=${r() < 0.7 ? 'True' : 'False'}`;
    case 'int': case 'decimal': return `${path}${pick(r, ['', '__gte', '__lt', '__lte'])}=limit`;
    case 'date': return pick(r, [`${path}__year=year`, `${path}__gte=since.date()`, `${path}__lt=since.date()`]);
    default: return pick(r, [`${path}__year=year`, `${path}__gte=since`, `${path}__lt=since`, `${path}__date=since.date()`, `${path}__month=month`, `${path}__year__gte=year`]);
  }
}

/** A field path for order_by/values (through forward relations for order_by). */
function fieldPath(g: ModelGraph, r: () => number, label: string, forOrder: boolean): string {
  const w = walk(g, r, label, 2, forOrder ? isForward : isRelation)!;
  return (forOrder && r() < 0.4 ? '-' : '') + w.parts.join('__');
}

function selectPath(g: ModelGraph, r: () => number, label: string): string | undefined {
  const first = (g.names.get(label) ?? []).filter(isForward);
  if (!first.length) return undefined;
  const n = pick(r, first);
  const next = (g.names.get(n.to!) ?? []).filter(isForward);
  return next.length && r() < 0.4 ? `${n.name}__${pick(r, next).name}` : n.name;
}

function prefetchPath(g: ModelGraph, r: () => number, label: string): string | undefined {
  const many = (g.names.get(label) ?? []).filter((n) => n.kind === 'm2m' || n.kind === 'reverse');
  if (!many.length) return undefined;
  const n = pick(r, many);
  const next = (g.names.get(n.to!) ?? []).filter(isForward);
  return next.length && r() < 0.3 ? `${n.name}__${pick(r, next).name}` : n.name;
}

/** `${SHARED_APP}/models.py`. */
function sharedModelsPy(): string {
  const abstract = Object.entries(ABSTRACT).map(([name, a]) => `
class ${name}(${a.parent ?? 'models.Model'}):
${a.fields.map((f) => `    ${f.name} = ${f.code}`).join('\n')}

    class Meta${a.parent ? `(${a.parent}.Meta)` : ''}:
        abstract = True
`).join('\n');
  const concrete = FIXED_MODELS.filter((m) => m.label.startsWith(`${SHARED_APP}.`)).map((m) => modelClass(m, '')).join('');
  return `"""Abstract bases every app's models use, and models shared by every app."""
from django.conf import settings
from django.db import models

STATUS_CHOICES = [
    ("draft", "Draft"),
    ("published", "Published"),
    ("archived", "Archived"),
]

${abstract}${concrete}`;
}

function modelClass(m: ModelSpec, methods: string): string {
  const meta = m.meta.length ? `\n    class Meta${m.base && m.base !== 'TimeStamped' ? `(${m.base}.Meta)` : ''}:\n${m.meta.map((x) => `        ${x}`).join('\n')}\n` : '';
  return `

class ${m.name}(${m.base ?? 'models.Model'}):
${m.fields.map((f) => `    ${f.name} = ${f.code}`).join('\n')}
${meta}
    def __str__(self):
        return str(self.${m.fields.some((f) => f.name === "title") ? "title" : m.fields.some((f) => f.name === "name") ? "name" : "pk"})
${methods}`;
}

/** An app's models.py; `urlTargets` are the URL pattern numbers of Item, Category and Entry's get_absolute_url. */
function modelsPy(i: number, specs: ModelSpec[], urlTargets: number[]): string {
  const a = appName(i);
  const up = specs[1].fields.find((f) => f.name === 'upstream');
  const imports = [`from django.conf import settings
from django.db import models
from django.urls import reverse

from ${SHARED_APP}.models import Country, Owned, Publishable, Tag, TimeStamped
`];
  if (up) imports.push(`from ${up.to!.split('.')[0]}.models import Category as ${cap(up.to!.split('.')[0])}Category\n`);
  imports.push(`
ORDER_STATES = [
    ("new", "New"),
    ("paid", "Paid"),
    ("shipped", "Shipped"),
    ("cancelled", "Cancelled"),
]
`);
  const core = ['Item', 'Category', 'Entry'];
  const classes = specs.map((m) => {
    const k = core.indexOf(m.name);
    const methods = k < 0 ? '' : `
    def get_absolute_url(self):
        return reverse("${a}:name-${urlTargets[k]}", kwargs={"pk": self.pk})
`;
    return modelClass(m, methods);
  });
  return imports.join('') + classes.join('');
}

/** Functions of views.py running ORM queries over the app's models (not routed). */
function ormViews(g: ModelGraph, specs: ModelSpec[], other: number, r: () => number): string {
  const receivers: [string, string][] = [
    ...specs.map((m) => [m.name, m.label] as [string, string]),
    [`Other${other}Item`, `${appName(other)}.Item`],
    ['Tag', `${SHARED_APP}.Tag`],
  ];
  const out: string[] = [];
  for (let k = 0; k < 4; k++) {
    const stmts: string[] = [];
    for (let s = 0; s < 3; s++) {
      // The app's own models mostly.
      const [cls, label] = r() < 0.8 ? pick(r, receivers.slice(0, specs.length)) : pick(r, receivers.slice(specs.length));
      // Distinct keywords within one call (a repeated keyword is a SyntaxError).
      const kws = new Set<string>();
      const kw = () => {
        let k = filterKw(g, r, label);
        for (let t = 0; t < 5 && kws.has(k.split('=')[0]); t++) k = filterKw(g, r, label);
        kws.add(k.split('=')[0]);
        return k;
      };
      // Distinct paths within one call.
      const used = new Set<string>();
      const fp = (order: boolean) => {
        let f = fieldPath(g, r, label, order);
        for (let t = 0; t < 5 && used.has(f.replace('-', '')); t++) f = fieldPath(g, r, label, order);
        used.add(f.replace('-', ''));
        return `"${f}"`;
      };
      const sel = selectPath(g, r, label);
      const pre = prefetchPath(g, r, label);
      switch (Math.floor(r() * 7)) {
        case 0: stmts.push(`rows += list(${cls}.objects.filter(${kw()}, ${kw()}).order_by(${fp(true)}, ${fp(true)})[:limit])`); break;
        case 1: stmts.push(`rows += list(${cls}.objects.exclude(${kw()}).values(${fp(false)}, ${fp(false)}, ${fp(false)}))`); break;
        case 2: stmts.push(`rows += list(${cls}.objects.filter(Q(${kw()}) | Q(${kw()}))${sel ? `.select_related("${sel}")` : ''}.distinct())`); break;
        case 3: stmts.push(`rows += list(${cls}.objects.filter(${kw()}).values_list(${fp(false)}, flat=True))`); break;
        case 4: stmts.push(`rows.append(get_object_or_404(${cls}, ${kw()}).pk)`); break;
        case 5: stmts.push(`rows += list(${cls}.objects${pre ? `.prefetch_related("${pre}")` : ''}.filter(${kw()}).order_by(${fp(true)}))`); break;
        default: stmts.push(`total += ${cls}.objects.filter(${kw()}).exclude(${kw()}).count()`); break;
      }
    }
    out.push(`

def query_${k}(request):
    term = request.GET.get("q", "")
    year = int(request.GET.get("year", 2024))
    month = int(request.GET.get("month", 1))
    limit = int(request.GET.get("limit", 20))
    since = timezone.now() - timedelta(days=30)
    ids = request.GET.getlist("id")
    rows = []
    total = 0
${stmts.map((x) => `    ${x}`).join('\n')}
    return JsonResponse({"count": len(rows) + total})
`);
  }
  return out.join('');
}

function readStamp(dir: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes the project into `dir`, or reuses it when its stamp matches the parameters. */
export function generate(dir: string, p: GenParams, log: (m: string) => void = () => {}): GenResult {
  const want = { version: GENERATOR_VERSION, files: p.files, apps: p.apps, patterns: p.patterns, seed: p.seed, templatePartSize: p.templates };
  const stamp = readStamp(dir) as (typeof want & Omit<GenResult, 'dir' | 'reused' | 'ms'>) | undefined;
  if (stamp && (Object.keys(want) as (keyof typeof want)[]).every((k) => stamp[k] === want[k])) {
    return { dir, reused: true, ms: 0, pythonFiles: stamp.pythonFiles, templates: stamp.templates, bytes: stamp.bytes, appPatterns: stamp.appPatterns, templatePart: stamp.templatePart, models: stamp.models };
  }
  if (fs.existsSync(dir)) {
    const entries = fs.readdirSync(dir);
    if (entries.length && !stamp) throw new Error(`${dir} exists, is not empty and was not made by the benchmark; refusing to overwrite it`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const t0 = performance.now();
  log(`generating ${p.apps} apps, ~${p.files} Python files, ${p.patterns} URL patterns, ${p.templates} extra templates into ${dir} ...`);
  const r = rng(p.seed);
  // The model part draws from its own generator too (see SHARED_APP), so the URL names reversed and
  // the templates are the same as before it existed.
  const rm = rng(p.seed * 104723 + 31);
  const modelSpecs = Array.from({ length: p.apps }, (_, i) => appModelSpecs(i, p, rm));
  const graph = new ModelGraph(modelSpecs);
  const modelStats = { models: FIXED_MODELS.filter((m) => m.label.startsWith(`${SHARED_APP}.`)).length + modelSpecs.flat().length, abstract: Object.keys(ABSTRACT).length };
  // The template part draws from its own generator, so the Python files are the same with or without it.
  const rt = rng(p.seed * 7919 + 104729);
  const templatePartStats = { templates: 0, bytes: 0, brokenIncludes: 0 };
  const w = new Writer(dir);
  w.write('manage.py', manage());
  w.write('proj/__init__.py', '');
  w.write('proj/settings.py', settings(p));
  w.write('proj/urls.py', rootUrls(p));
  w.write('proj/wsgi.py', `import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\napplication = get_wsgi_application()\n`);
  w.write('proj/asgi.py', `import os\n\nfrom django.core.asgi import get_asgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n\napplication = get_asgi_application()\n`);
  w.write(`${SHARED_APP}/__init__.py`, '');
  w.write(`${SHARED_APP}/models.py`, sharedModelsPy());
  w.write('templates/base.html', projectBase());
  w.write('templates/home.html', `{% extends "base.html" %}\n{% block content %}<a href="{% url '${appName(0)}:name-0' %}">Start</a>{% endblock %}\n`);
  w.write('templates/about.html', `{% extends "base.html" %}\n{% block content %}About{% endblock %}\n`);
  let appPatterns = 0;
  for (let i = 0; i < p.apps; i++) {
    const a = appName(i);
    w.write(`${a}/__init__.py`, '');
    w.write(`${a}/apps.py`, appsPy(i));
    // (The three draws the models module always made, for Item, Category and Entry's get_absolute_url.)
    const urlTargets = [0, 1, 2].map(() => Math.floor(r() * Math.max(1, patternsOf(p, i))));
    w.write(`${a}/models.py`, modelsPy(i, modelSpecs[i], urlTargets));
    w.write(`${a}/views.py`, viewsPy(i, p, r, modelSpecs[i].map((m) => m.name), (other) => ormViews(graph, modelSpecs[i], other, rm)));
    w.write(`${a}/urls.py`, urlsPy(i, p));
    w.write(`${a}/admin.py`, adminPy());
    w.write(`${a}/forms.py`, formsPy());
    w.write(`${a}/tests.py`, testsPy(i, p, r));
    w.write(`${a}/serializers.py`, serializersPy());
    appPatterns += patternsOf(p, i);
    const fillers = fillerCount(p, i);
    for (let k = 0; k < fillers; k++) w.write(`${a}/${fillerName(k)}.py`, fillerPy(i, k, p, r));
    for (const [name, text] of templates(i, p, r)) w.write(`${a}/templates/${a}/${name}`, text);
    const count = Math.floor(p.templates / p.apps) + (i < p.templates % p.apps ? 1 : 0);
    if (count) {
      const part = templatePart(i, count, p, rt, 0.005);
      for (const [rel, text] of part.files) templatePartStats.bytes += w.write(`${a}/templates/${rel}`, text);
      templatePartStats.templates += part.files.length;
      templatePartStats.brokenIncludes += part.broken;
    }
  }
  if (p.templates) {
    // The tag library the template part loads (two more Python files).
    w.write(`${appName(0)}/templatetags/__init__.py`, '');
    w.write(`${appName(0)}/templatetags/${TAG_LIBRARY}.py`, tagLibraryPy());
  }
  const res = { pythonFiles: w.pythonFiles, templates: w.templates, bytes: w.bytes, appPatterns, templatePart: templatePartStats, models: modelStats };
  fs.writeFileSync(path.join(dir, STAMP), JSON.stringify({ ...want, ...res }, null, 2) + '\n');
  return { dir, reused: false, ms: performance.now() - t0, ...res };
}
