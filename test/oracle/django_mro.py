#!/usr/bin/env python3
"""Ground truth for the MRO that `flow` shows for class-based views: ask Python itself.

Usage:
    /usr/bin/python3 test/oracle/django_mro.py PROJECT_ROOT [--settings MODULE]

PROJECT_ROOT, the settings module and sys.path are found exactly as django_urls.py does (see
oracle_common.py).

For every URL leaf (every include walked, as django_urls.py lists them) whose callback is a
class-based view, the view class is `callback.view_class` (`View.as_view()`, copied by
functools.wraps through decorators) or `callback.cls` (DRF's `ViewSetMixin.as_view()` and
`APIView.as_view()`). DRF's `@api_view` functions are left out: their class is the generated
`WrappedAPIView`, and the URL table names the decorated function, not a class.

Prints, on stdout and nothing else:
    {"settings": "...", "views": {"module.qualname": ["module.qualname", ..., "builtins.object"]}}
with one entry per view class (keys sorted), the value being `[c.__module__ + "." + c.__qualname__
for c in cls.__mro__]`, the class itself first.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # leave the fixtures clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import die, open_project, emit, run  # noqa: E402

TIMEOUT_SECONDS = int(os.environ.get("DJANGO_URLS_ORACLE_TIMEOUT", "60"))


def dotted(cls):
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def view_class(callback):
    cls = getattr(callback, "view_class", None)
    if cls is None:
        cls = getattr(callback, "cls", None)
    if cls is None or not isinstance(cls, type):
        return None
    if cls.__qualname__ == "WrappedAPIView":  # @api_view: the view is the function
        return None
    return cls


def walk(patterns, out):
    from django.urls.resolvers import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            walk(p.url_patterns, out)
        elif isinstance(p, URLPattern):
            cls = view_class(p.callback)
            if cls is not None:
                out[dotted(cls)] = [dotted(c) for c in cls.__mro__]
        else:
            die("unknown URL pattern type %r" % type(p))


def main():
    parser = argparse.ArgumentParser(description="Print the __mro__ of every class-based view of a Django project.")
    parser.add_argument("root", help="directory containing manage.py")
    parser.add_argument("--settings", help="settings module (default: from manage.py)")
    args = parser.parse_args()
    project, settings_module = open_project(args.root, args.settings, TIMEOUT_SECONDS)

    def compute():
        import django

        django.setup()
        from django.urls import get_resolver

        views = {}
        walk(get_resolver().url_patterns, views)
        return {"settings": settings_module, "views": dict(sorted(views.items()))}

    return emit(compute)


if __name__ == "__main__":
    run(main, "DJANGO_MRO_ORACLE_CHILD", TIMEOUT_SECONDS)
