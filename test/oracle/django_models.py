#!/usr/bin/env python3
"""Ground truth for `django-atlas models`: ask Django's app registry what the models are.

Usage:
    /usr/bin/python3 test/oracle/django_models.py PROJECT_ROOT [--settings MODULE]

PROJECT_ROOT, the settings module and sys.path are found exactly as django_urls.py does (see
oracle_common.py).

Nothing here re-implements Django's model metaclass. The models are
`apps.get_models(include_auto_created=False, include_swapped=True)` (so a swapped-out auth.User is
listed, with "swapped"), plus every abstract model class defined in the project's own modules
(modules imported by django.setup() whose file is inside PROJECT_ROOT, outside a virtualenv: the
apps' models modules, admin modules, ...). Fields are Django's own `_meta` lists; only the source
lines are read from the files, with the `ast` module.

Prints, on stdout and nothing else:
    {"settings": ..., "auth_user_model": "accounts.User",
     "models": [{"app_label", "name", "module", "file", "line", "abstract", "proxy"[, "swapped"],
                 "bases", "db_table",
                 "fields": [{"name", "type", "related_model", "line"[, "file"], "related_name",
                             "related_query_name", "many_to_many"}],
                 "managers": [{"name", "class", "queryset"}]}],
     "reverse": [{"model", "accessor", "query_name", "from", "kind", "target"}]}

models: sorted by (app_label, name). `name` is `_meta.object_name`; `module` is `cls.__module__`;
`file`/`line`: the file and the 1-based line of the `class` keyword (not a decorator). `abstract`,
`proxy` are `_meta`'s; `swapped` (only when swapped out) is the model that replaces it. `bases`: the
model classes named in the class statement (`app_label.Name`, or `module.qualname` for an abstract
model outside any app), `models.Model` left out. `db_table`: `_meta.db_table`, null for abstract
models.

fields: `[f for f in local_fields + local_many_to_many + private_fields if not f.auto_created]`, in
that order (concrete fields by creation counter, then many-to-many by creation counter, then private
fields such as GenericForeignKey/GenericRelation in the order they were added). That is the fields
declared on the class plus those copied from its abstract bases; not the fields of a concrete
(multi-table) parent, not the auto-created `id` or `<parent>_ptr`, and not the private fields Django
copies from a concrete parent into a multi-table child or proxy (`mti_inherited`). `type` is
`type(f).__name__`. `related_model`: `app_label.ObjectName` of `f.remote_field.model` (swappable
relations come out already swapped), or, when Django left it a string (relations of abstract models
are never resolved: "self", "Series", the value of settings.AUTH_USER_MODEL), that string; null for
non-relations and GenericForeignKey. `line`: the first assignment to the field's name in the body
of the class, else of its abstract model bases in MRO order; `file` is added when that class is in
another file than the model. `related_name`/`related_query_name`: `f.remote_field`'s (after Django's
`%(app_label)s`/`%(class)s` interpolation on concrete models; Django's own rewrites included:
`<name>_rel_+` for a symmetrical self many-to-many, `_<app>_<model>_<name>_+` for a hidden
many-to-many, a GenericRelation's related_name is its related_query_name or "+"), else null.
`many_to_many`: `bool(f.many_to_many)`.

managers: `_meta.managers` in Django's order (`name`, class `__name__`, `_queryset_class.__name__`).
Abstract models have no default manager (only the ones they declare).

reverse: for every non-abstract model (proxies and multi-table children included, with the
relations they inherit, as `_meta.related_objects` gives them), every relation pointing at it that
is not hidden (related_name ending with "+"): `accessor` = `rel.get_accessor_name()`, `query_name`
= `rel.field.related_query_name()`, `from` = `app_label.Model.field` of the forward field, `kind` =
the rel class (ManyToOneRel, OneToOneRel, ManyToManyRel, GenericRel), `target` = `rel.model` (the
model the field points at: differs from `model` when inherited from a parent). Sorted.

Paths are relative to PROJECT_ROOT with `/`, absolute outside it.

Exit status: 0 on success, 2 on bad usage, 1 on any failure while loading the project (message on
stderr), 3 on timeout.
"""

import argparse
import ast
import inspect
import os
import sys

sys.dont_write_bytecode = True  # leave the fixtures clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import die, warn, open_project, emit, run  # noqa: E402, F401

TIMEOUT_SECONDS = int(os.environ.get("DJANGO_MODELS_ORACLE_TIMEOUT", "60"))

VENV_DIRS = (".venv/", "venv/", "env/")


# --- source positions ----------------------------------------------------------------------------

_trees = {}


def parse(path):
    if path not in _trees:
        try:
            with open(path, "rb") as f:
                _trees[path] = ast.parse(f.read(), path)
        except (OSError, SyntaxError, ValueError):
            _trees[path] = None
    return _trees[path]


def source_file(cls):
    try:
        return inspect.getsourcefile(cls)
    except (TypeError, OSError):
        return None


def class_node(cls):
    """(file, ast.ClassDef) of cls, or (file, None)."""
    path = source_file(cls)
    if path is None:
        return None, None
    tree = parse(path)
    if tree is None:
        return path, None
    try:
        _, start = inspect.getsourcelines(cls)  # the first decorator's line, if decorated
    except (OSError, TypeError):
        start = None
    candidates = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls.__name__]
    for node in candidates:
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        if first == start:
            return path, node
    if candidates:
        warn("%s.%s: no class statement at line %s; using the last one" % (cls.__module__, cls.__qualname__, start))
        return path, candidates[-1]
    return path, None


def assigns(body, name):
    """Line of the first statement of a class body (if/try blocks included) that binds name."""
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                for t in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                    if isinstance(t, ast.Name) and t.id == name:
                        return stmt.lineno
        elif isinstance(stmt, ast.AnnAssign):
            if isinstance(stmt.target, ast.Name) and stmt.target.id == name:
                return stmt.lineno
        elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
            for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []), getattr(stmt, "finalbody", []),
                          *[h.body for h in getattr(stmt, "handlers", [])]):
                line = assigns(block, name)
                if line is not None:
                    return line
    return None


def field_position(cls, name):
    """(file, line) of the assignment declaring field `name` of model cls: cls itself, then its
    abstract model bases in MRO order."""
    from django.db import models

    for klass in cls.__mro__:
        if not (isinstance(klass, type) and issubclass(klass, models.Model)) or klass is models.Model:
            continue
        if klass is not cls and not klass._meta.abstract:
            continue
        path, node = class_node(klass)
        if node is None:
            continue
        line = assigns(node.body, name)
        if line is not None:
            return path, line
    return None, None


# --- what Django says ----------------------------------------------------------------------------


def label(model):
    """app_label.ObjectName of a model class; a string (an unresolved relation) as it is."""
    if model is None:
        return None
    if isinstance(model, str):
        return model
    opts = model._meta
    if opts.app_label is None:
        return "%s.%s" % (model.__module__, model.__qualname__)
    return "%s.%s" % (opts.app_label, opts.object_name)


def describe_field(project, cls, model_file, f):
    remote = getattr(f, "remote_field", None)
    path, line = field_position(cls, f.name)
    entry = {
        "name": f.name,
        "type": type(f).__name__,
        "related_model": label(remote.model) if remote is not None else None,
        "line": line,
    }
    if path is not None and project.rel(path) != model_file:
        entry["file"] = project.rel(path)
    entry["related_name"] = getattr(remote, "related_name", None) if remote is not None else None
    entry["related_query_name"] = getattr(remote, "related_query_name", None) if remote is not None else None
    entry["many_to_many"] = bool(f.many_to_many)
    return entry


def describe_model(project, cls):
    from django.db import models

    opts = cls._meta
    path, node = class_node(cls)
    model_file = project.rel(path)
    entry = {
        "app_label": opts.app_label,
        "name": opts.object_name,
        "module": cls.__module__,
        "file": model_file,
        "line": node.lineno if node is not None else None,
        "abstract": bool(opts.abstract),
        "proxy": bool(opts.proxy),
    }
    if opts.swapped:
        entry["swapped"] = opts.swapped
    entry["bases"] = [label(b) for b in cls.__bases__
                      if isinstance(b, type) and issubclass(b, models.Model) and b is not models.Model]
    entry["db_table"] = None if opts.abstract else opts.db_table
    fields = [f for f in list(opts.local_fields) + list(opts.local_many_to_many) + list(opts.private_fields)
              if not f.auto_created and not getattr(f, "mti_inherited", False)]
    entry["fields"] = [describe_field(project, cls, model_file, f) for f in fields]
    entry["managers"] = [
        {"name": m.name, "class": type(m).__name__,
         "queryset": getattr(getattr(m, "_queryset_class", None), "__name__", None)}
        for m in opts.managers
    ]
    return entry


def project_abstract_models(project):
    """Abstract model classes defined in the project's own modules that Django has imported."""
    from django.db import models

    found = []
    seen = set()
    for name, module in sorted(list(sys.modules.items()), key=lambda kv: kv[0]):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        rel = project.rel(path)
        if os.path.isabs(rel) or rel.startswith(VENV_DIRS) or "/site-packages/" in rel:
            continue
        for value in list(vars(module).values()):
            if not (isinstance(value, type) and issubclass(value, models.Model)):
                continue
            if value is models.Model or value.__module__ != name or id(value) in seen:
                continue
            if getattr(value, "_meta", None) is not None and value._meta.abstract:
                seen.add(id(value))
                found.append(value)
    return found


def reverse_relations(models_list):
    out = []
    for cls in models_list:
        opts = cls._meta
        if opts.abstract:
            continue
        for rel in opts.related_objects:
            if (rel.hidden if hasattr(type(rel), "hidden") else rel.is_hidden()):
                continue
            out.append({
                "model": label(cls),
                "accessor": rel.get_accessor_name(),
                "query_name": rel.field.related_query_name(),
                "from": "%s.%s" % (label(rel.field.model), rel.field.name),
                "kind": type(rel).__name__,
                "target": label(rel.model),
            })
    out.sort(key=lambda r: (r["model"], r["accessor"] or "", r["from"]))
    return out


def list_models(project):
    from django.apps import apps

    concrete = list(apps.get_models(include_auto_created=False, include_swapped=True))
    abstract = project_abstract_models(project)
    entries = [describe_model(project, cls) for cls in concrete + abstract]
    entries.sort(key=lambda e: (e["app_label"] or "", e["name"], e["module"]))
    return entries, reverse_relations(concrete)


def main():
    parser = argparse.ArgumentParser(description="List a Django project's models as Django's app registry has them.")
    parser.add_argument("root", help="directory containing manage.py")
    parser.add_argument("--settings", help="settings module (default: from manage.py)")
    args = parser.parse_args()

    project, settings_module = open_project(args.root, args.settings, TIMEOUT_SECONDS)

    def compute():
        import django
        from django.conf import settings

        django.setup()
        models_list, reverse = list_models(project)
        return {"settings": settings_module, "auth_user_model": settings.AUTH_USER_MODEL,
                "models": models_list, "reverse": reverse}

    return emit(compute)


if __name__ == "__main__":
    run(main, "DJANGO_MODELS_ORACLE_CHILD", TIMEOUT_SECONDS)
