#!/usr/bin/env python3
"""What Django says about the request path's fixed parts, for measure_flow.sh: the settings in
force (DEBUG, APPEND_SLASH, WSGI_APPLICATION, ROOT_URLCONF), MIDDLEWARE in order with the hooks
each class has, and the context processors of the DjangoTemplates engines.

Usage (in the project's .venv and interpreter, as the oracles run):
    python3 test/oracle/django_flow_settings.py PROJECT_ROOT [--settings MODULE]

Prints JSON: {"settings", "DEBUG", "APPEND_SLASH", "WSGI_APPLICATION", "ROOT_URLCONF",
"middleware": [{"path", "hooks": [...]}], "context_processors": [...]}. A middleware's hooks are
the request-path methods its class has other than Django's MiddlewareMixin's: process_request,
process_view, process_template_response, process_response, process_exception, and __call__ when
a class other than MiddlewareMixin defines it.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import emit, open_project, run  # noqa: E402

TIMEOUT_SECONDS = 120
HOOKS = ("process_request", "process_view", "process_template_response", "process_response", "process_exception")


def hooks_of(cls):
    from django.utils.deprecation import MiddlewareMixin

    out = []
    for h in HOOKS:
        for k in cls.__mro__:
            if h in vars(k):
                if k is not MiddlewareMixin:
                    out.append(h)
                break
    for k in cls.__mro__:
        if "__call__" in vars(k):
            if k not in (MiddlewareMixin, object, type):
                out.append("__call__")
            break
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--settings")
    args = ap.parse_args()
    project, settings_module = open_project(args.root, args.settings, TIMEOUT_SECONDS)

    def compute():
        import django

        django.setup()
        from django.conf import settings
        from django.utils.module_loading import import_string

        mw = []
        for path in settings.MIDDLEWARE:
            try:
                obj = import_string(path)
                hooks = hooks_of(obj) if isinstance(obj, type) else ["(function middleware)"]
            except Exception as e:  # noqa: BLE001
                hooks = ["(cannot import: %s)" % e]
            mw.append({"path": path, "hooks": hooks})
        cps = []
        for t in settings.TEMPLATES:
            if t.get("BACKEND") == "django.template.backends.django.DjangoTemplates":
                cps += list((t.get("OPTIONS") or {}).get("context_processors") or [])
        return {
            "settings": settings_module,
            "DEBUG": settings.DEBUG,
            "APPEND_SLASH": settings.APPEND_SLASH,
            "WSGI_APPLICATION": getattr(settings, "WSGI_APPLICATION", None),
            "ROOT_URLCONF": settings.ROOT_URLCONF,
            "middleware": mw,
            "context_processors": cps,
        }

    return emit(compute)


if __name__ == "__main__":
    run(main, "DJANGO_FLOW_SETTINGS_CHILD", TIMEOUT_SECONDS)
