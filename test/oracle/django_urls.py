#!/usr/bin/env python3
"""Ground truth for `django-atlas urls` (and `flow`'s `match`): ask Django itself.

Usage:
    /usr/bin/python3 test/oracle/django_urls.py PROJECT_ROOT [--settings MODULE]
                                                [--resolve PATH ...] [--resolve-file FILE ...]

PROJECT_ROOT is the directory that contains manage.py (a path to manage.py is
accepted too). The settings module is --settings, else the value of the
`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...")` line in manage.py.
PROJECT_ROOT is put first on sys.path, and PROJECT_ROOT/src before it when
that directory exists and holds Python packages (src layout); the
site-packages of PROJECT_ROOT/.venv, venv or env (if any) are appended.

Prints, on stdout and nothing else, the cli-contract `urls` JSON:
    {"settings", "root_urlconf", "urls": [{"route", "name", "view", "source", "conditional"}]}
with leaves only, in resolution order. `source` and `conditional` are always
null: Django does not know them at run time.

With --resolve (or --resolve-file, one path per line, `#` comments; repeatable),
prints instead a JSON array with one object per PATH, one object per line:
    {"path", "match": {"route", "name", "kwargs", "view"} | null, "redirect"}
as Django's resolve() and CommonMiddleware's APPEND_SLASH logic see it. The
paths are taken in order (--resolve first, then each file), each only once.
A kwarg that is not a number, bool or None is given as str(); a string that
is PROJECT_ROOT or a path inside it starts with "<root>" instead (e.g. the
`document_root` of `static()`), so the output holds in any checkout.

Exit status: 0 on success, 2 on bad usage, 1 on any failure while loading the
project (message on stderr), 3 on timeout.
"""

import argparse
import inspect
import os
import re
import sys

sys.dont_write_bytecode = True  # leave the fixtures clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import die, open_project, emit, json_lines, run  # noqa: E402

TIMEOUT_SECONDS = int(os.environ.get("DJANGO_URLS_ORACLE_TIMEOUT", "60"))

DEF_RE = re.compile(r"(async\s+def|def|class)\b")







def def_line(obj):
    """1-based line of the `def`/`class` keyword of obj (skipping decorators)."""
    try:
        lines, start = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return None
    if not lines:
        return None
    indent = len(lines[0]) - len(lines[0].lstrip())
    for offset, line in enumerate(lines):
        stripped = line.lstrip()
        if len(line) - len(stripped) == indent and DEF_RE.match(stripped):
            return start + offset
    return start


def source_file(obj):
    try:
        return inspect.getsourcefile(obj)
    except TypeError:
        return None


def wrapped_api_view_function(view_class):
    """The function under DRF's @api_view, or None."""
    if view_class.__qualname__ != "WrappedAPIView":
        return None
    for method in getattr(view_class, "http_method_names", []):
        handler = view_class.__dict__.get(method)
        if handler is None or not inspect.isfunction(handler):
            continue
        try:
            func = inspect.getclosurevars(handler).nonlocals.get("func")
        except (TypeError, ValueError):
            func = None
        if func is not None:
            return func
    return None


def describe_view(project, callback):
    """(module, qualname, obj) for the code behind a URL callback."""
    target = getattr(callback, "view_class", None)  # View.as_view()
    if target is None:
        target = getattr(callback, "cls", None)  # DRF ViewSetMixin.as_view()
    if target is not None:
        func = wrapped_api_view_function(target)
        if func is not None:
            target = func
        obj = target
        module = getattr(target, "__module__", None)
        qualname = getattr(target, "__qualname__", None)
    else:
        # functools.partial(view, ...): the code is the wrapped function.
        import functools

        while isinstance(callback, functools.partial):
            callback = callback.func
        if not (inspect.isfunction(callback) or inspect.ismethod(callback) or inspect.isclass(callback)) \
                and hasattr(callback, "__call__") and not inspect.isbuiltin(callback) \
                and getattr(callback, "__qualname__", None) is None:
            # A callable instance (e.g. a syndication Feed()): its class holds the code.
            callback = type(callback)
        # functools.wraps copies __module__/__qualname__; for the file and
        # line follow __wrapped__ as long as it names the same code.
        module = getattr(callback, "__module__", None)
        qualname = getattr(callback, "__qualname__", None)
        obj = callback
        seen = set()
        while id(obj) not in seen:
            seen.add(id(obj))
            inner = getattr(obj, "__wrapped__", None)
            if inner is None:
                break
            if getattr(inner, "__module__", None) != module or getattr(inner, "__qualname__", None) != qualname:
                break
            obj = inner
        if inspect.ismethod(obj):
            obj = obj.__func__
        elif not (inspect.isfunction(obj) or inspect.isclass(obj)) and hasattr(obj, "__call__"):
            # A callable instance: point at its class.
            if not inspect.isbuiltin(obj):
                obj = type(obj)
    f = source_file(obj)
    return {
        "module": module,
        "qualname": qualname,
        "file": project.rel(f) if f else None,
        "line": def_line(obj) if f else None,
    }


def walk(project, patterns, prefix, namespaces, out):
    from django.urls.resolvers import URLPattern, URLResolver

    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespaces + [p.namespace] if p.namespace else namespaces
            walk(project, p.url_patterns, route, ns, out)
        elif isinstance(p, URLPattern):
            name = ":".join(namespaces + [p.name]) if p.name else None
            out.append(
                {
                    "route": route,
                    "name": name,
                    "view": describe_view(project, p.callback),
                    "source": None,
                    "conditional": None,
                }
            )
        else:
            die("unknown URL pattern type %r at %r" % (type(p), route))


def find_leaf(patterns, path, prefix):
    """(URLPattern, route as in the `urls` listing) that Django's resolve() picks for path."""
    from django.urls.resolvers import URLPattern, URLResolver

    for p in patterns:
        matched = p.pattern.match(path)
        if not matched:
            continue
        if isinstance(p, URLPattern):
            return p, prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            found = find_leaf(p.url_patterns, matched[0], prefix + str(p.pattern))
            if found:
                return found
    return None


def resolve_paths(project, paths):
    from django.conf import settings
    from django.urls import Resolver404, get_resolver

    resolver = get_resolver()

    def is_valid(path):
        try:
            resolver.resolve(path)
            return True
        except Resolver404:
            return False

    from django.conf.urls.i18n import is_language_prefix_patterns_used
    from django.utils import translation

    i18n_patterns_used, _ = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    locale_middleware = "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE

    result = []
    for raw in paths:
        path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", raw)
        path = path.split("?", 1)[0].split("#", 1)[0] or "/"
        if not path.startswith("/"):
            path = "/" + path
        # LocaleMiddleware activates the language named by the path's prefix (no cookie, no
        # Accept-Language header here); otherwise LANGUAGE_CODE stays active.
        language = settings.LANGUAGE_CODE
        if locale_middleware and i18n_patterns_used and settings.USE_I18N:
            language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
        with translation.override(language):
            result.append(resolve_one(project, resolver, is_valid, path))
    return result


def kwarg_json(project, value):
    """A kwarg as JSON: numbers, bools and None as they are, anything else as str(), with
    PROJECT_ROOT written "<root>"."""
    if isinstance(value, (int, float, bool, type(None))):
        return value
    text = str(value)
    for root in unique([project.root, os.path.abspath(project.root)]):
        if text == root or text.startswith(root + os.sep):
            return "<root>" + text[len(root) :].replace(os.sep, "/")
    return text


def unique(items):
    seen = set()
    return [i for i in items if not (i in seen or seen.add(i))]


def resolve_one(project, resolver, is_valid, path):
    from django.conf import settings
    from django.urls import Resolver404

    entry = {"path": path, "match": None, "redirect": None}
    try:
        m = resolver.resolve(path)
    except Resolver404:
        m = None
    if m is not None:
        leaf = find_leaf(resolver.url_patterns, path[1:], "")  # the root resolver eats one "/"
        if leaf is None or leaf[0].callback is not m.func:
            die("internal error: cannot find the leaf Django resolved %r to" % path)
        entry["match"] = {
            "route": leaf[1],
            "name": m.view_name if m.url_name else None,
            "kwargs": {k: kwarg_json(project, v) for k, v in m.kwargs.items()},
            "view": describe_view(project, m.func),
        }
    elif settings.APPEND_SLASH and not path.endswith("/") and is_valid(path + "/"):
        entry["redirect"] = path + "/"
    return entry


def main():
    parser = argparse.ArgumentParser(description="List a Django project's URLs as Django resolves them.")
    parser.add_argument("root", help="directory containing manage.py")
    parser.add_argument("--settings", help="settings module (default: from manage.py)")
    parser.add_argument("--resolve", nargs="+", metavar="PATH", help="resolve these paths instead of listing")
    parser.add_argument("--resolve-file", metavar="FILE", action="append",
                        help="like --resolve, one path per line ('#' comments); repeatable")
    args = parser.parse_args()
    for name in args.resolve_file or []:
        try:
            with open(name, encoding="utf-8", newline="\n") as f:
                extra = [line.rstrip("\r\n") for line in f]
        except OSError as e:
            die("cannot read %s: %s" % (name, e), 2)
        args.resolve = (args.resolve or []) + [p for p in extra if p.strip() and not p.lstrip().startswith("#")]
    if args.resolve:
        args.resolve = unique(args.resolve)

    project, settings_module = open_project(args.root, args.settings, TIMEOUT_SECONDS)

    def compute():
        import django

        django.setup()
        from django.conf import settings
        from django.urls import get_resolver

        if args.resolve:
            return resolve_paths(project, args.resolve)
        urls = []
        walk(project, get_resolver().url_patterns, "", [], urls)
        return {"settings": settings_module, "root_urlconf": settings.ROOT_URLCONF, "urls": urls}

    return emit(compute, json_lines if args.resolve else None)


if __name__ == "__main__":
    run(main, "DJANGO_URLS_ORACLE_CHILD", TIMEOUT_SECONDS)
