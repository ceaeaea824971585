#!/usr/bin/env python3
"""Ground truth for `django-atlas templates`: ask Django itself which file each template name loads.

Usage:
    /usr/bin/python3 test/oracle/django_templates.py PROJECT_ROOT [--settings MODULE]

PROJECT_ROOT, the settings module and sys.path are found exactly as django_urls.py does:
PROJECT_ROOT is the directory that contains manage.py (a path to manage.py is accepted too); the
settings module is --settings, else the value of the
`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...")` line in manage.py; PROJECT_ROOT is put
first on sys.path, PROJECT_ROOT/src before it when that directory holds Python packages, and the
site-packages of PROJECT_ROOT/.venv, venv or env (if any) are appended.

Nothing here re-implements Django's search. The candidate names come from walking the directories
each engine's own loaders search (DjangoTemplates: every loader's get_dirs(), the cached loader
unwrapped; Jinja2: the environment loader's searchpath); the file a name loads is what
django.template.loader.get_template(name) returns; extends/blocks are read from the compiled
template (Django) or from Jinja2's own parse tree.

Prints, on stdout and nothing else:
    {"settings": ..., "engines": [{"name", "backend", "kind", "dirs"}],
     "templates": [{"name", "file", "extends", "blocks", "shadows", "engine"[, "error"]}],
     "libraries": {name: module}, "builtins": [module]}
`templates` is sorted by name. `file` is the file get_template(name) loads; `shadows` are the other
files with that name in search order (engine by engine in TEMPLATES order, loader by loader, dir by
dir); `extends` is the parent name Django uses when it is a constant ({% extends "./x" %} already
made absolute by Django), else null; `blocks` are the block names of that file in source order;
`engine` is "django" or "jinja2" (the backend kind of the engine that loads the file); `error` is
present only when the file does not compile (extends/blocks are then read from Django's lexer
tokens, best effort). `libraries`/`builtins` are the first DjangoTemplates engine's
`engine.libraries` (installed templatetags modules + OPTIONS["libraries"]) and `engine.builtins`.
Paths are relative to PROJECT_ROOT with `/`, absolute outside it.

Exit status: 0 on success, 2 on bad usage, 1 on any failure while loading the project (message on
stderr), 3 on timeout.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # leave the fixtures clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import die, warn, open_project, emit, run  # noqa: E402

TIMEOUT_SECONDS = int(os.environ.get("DJANGO_TEMPLATES_ORACLE_TIMEOUT", "60"))









# --- the directories each engine searches, in Django's order -------------------------------------


def engine_kind(engine):
    from django.template.backends.django import DjangoTemplates
    from django.template.backends.jinja2 import Jinja2

    if isinstance(engine, DjangoTemplates):
        return "django"
    if isinstance(engine, Jinja2):
        return "jinja2"
    return engine.name


def django_loader_dirs(loader, out):
    """Append the dirs a DjangoTemplates loader searches, in its order (unwrapping cached.Loader)."""
    inner = getattr(loader, "loaders", None)
    if inner is not None:  # django.template.loaders.cached.Loader
        for sub in inner:
            django_loader_dirs(sub, out)
        return
    get_dirs = getattr(loader, "get_dirs", None)
    if get_dirs is None:
        warn("loader %s.%s has no get_dirs(): its templates are not listed"
             % (type(loader).__module__, type(loader).__qualname__))
        return
    out.extend(str(d) for d in get_dirs())


def jinja2_loader_dirs(loader, out):
    import jinja2

    if isinstance(loader, jinja2.FileSystemLoader):
        out.extend(str(d) for d in loader.searchpath)
    elif isinstance(loader, jinja2.ChoiceLoader):
        for sub in loader.loaders:
            jinja2_loader_dirs(sub, out)
    elif loader is not None:
        warn("Jinja2 loader %s is not a FileSystemLoader/ChoiceLoader: its templates are not listed"
             % type(loader).__qualname__)


def engine_dirs(engine):
    dirs = []
    kind = engine_kind(engine)
    if kind == "django":
        for loader in engine.engine.template_loaders:
            django_loader_dirs(loader, dirs)
    elif kind == "jinja2":
        jinja2_loader_dirs(engine.env.loader, dirs)
    else:
        warn("engine %r (%s) is neither DjangoTemplates nor Jinja2: its templates are not listed"
             % (engine.name, type(engine).__qualname__))
    return dirs


def walk_names(directory):
    """(name, path) of every file below directory; name is the relative path with '/'."""
    seen = set()
    for top, subdirs, files in os.walk(directory, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:  # a symlink loop
            subdirs[:] = []
            continue
        seen.add(real)
        subdirs.sort()
        for f in sorted(files):
            path = os.path.join(top, f)
            yield os.path.relpath(path, directory).replace(os.sep, "/"), path


# --- what a template file says ------------------------------------------------------------------


def django_structure(template):
    """(extends, blocks) of a compiled django.template.base.Template."""
    from django.template.loader_tags import BlockNode, ExtendsNode

    nodelist = template.nodelist
    extends = None
    for node in nodelist:
        if isinstance(node, ExtendsNode):
            fe = node.parent_name
            if isinstance(fe.var, str) and not fe.filters:
                extends = str(fe.var)
            break
    found = nodelist.get_nodes_by_type(BlockNode)
    # get_nodes_by_type is a pre-order walk: an enclosing block comes before the blocks nested in
    # it, siblings in order. Sorting by line (stable) guards against a tag whose child_nodelists
    # are not in source order.
    ordered = sorted(found, key=lambda n: n.token.lineno if n.token is not None else 0)
    if [n.name for n in ordered] != [n.name for n in found]:
        warn("%s: get_nodes_by_type(BlockNode) is not in source order" % template.origin.name)
    return extends, [n.name for n in ordered]


def django_tokens_structure(source, name):
    """Best effort for a template that does not compile: extends/blocks from the lexer's tokens.

    `extends` is the first constant {% extends %} argument even where Django rejects the tag (e.g.
    after a {% load %}): it names the parent the author meant.
    """
    from django.template.base import Lexer, TokenType
    from django.template.loader_tags import construct_relative_path

    extends, blocks = None, []
    skipping = None  # inside {% comment %}
    seen_extends = False
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        bits = token.split_contents()
        if not bits:
            continue
        if skipping:
            if bits[0] == "endcomment":
                skipping = None
            continue
        if bits[0] == "comment":
            skipping = True
            continue
        if bits[0] == "extends" and not seen_extends:
            seen_extends = True
            if len(bits) == 2 and len(bits[1]) >= 2 and bits[1][0] in "'\"" and bits[1][-1] == bits[1][0]:
                try:
                    extends = construct_relative_path(name, bits[1])[1:-1]
                except Exception:  # noqa: BLE001 - e.g. a relative name above the root
                    extends = bits[1][1:-1]
        elif bits[0] == "block" and len(bits) >= 2 and bits[1] not in blocks:
            blocks.append(bits[1])
    return extends, blocks


def jinja2_structure(env, path, name):
    """(extends, blocks, error) of a Jinja2 template file, from Jinja2's parse tree."""
    from jinja2 import nodes

    try:
        source, filename, _ = env.loader.get_source(env, name)
        if os.path.realpath(filename) != os.path.realpath(path):
            with open(path, encoding="utf-8") as f:
                source = f.read()
        tree = env.parse(source, name, path)
    except Exception as e:  # noqa: BLE001 - reported, not fatal
        return None, [], "%s: %s" % (type(e).__name__, e)
    extends = None
    for node in tree.find_all(nodes.Extends):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            extends = node.template.value
        break
    found = list(tree.find_all(nodes.Block))
    ordered = sorted(found, key=lambda n: n.lineno)
    return extends, [n.name for n in ordered], None


# --- which file wins -----------------------------------------------------------------------------


def django_first_source(engine, name):
    """The origin path DjangoTemplates would load for name, found without compiling it."""
    from django.template import TemplateDoesNotExist

    for loader in engine.engine.template_loaders:
        for origin in loader.get_template_sources(name):
            try:
                origin.loader.get_contents(origin)
            except TemplateDoesNotExist:
                continue
            except Exception:  # noqa: BLE001 - exists, but unreadable (e.g. not UTF-8)
                pass
            return origin.name
    return None


def jinja2_first_source(engine, name):
    try:
        return engine.env.loader.get_source(engine.env, name)[1]
    except Exception:  # noqa: BLE001
        return None


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def describe(project, name, candidates):
    """One `templates` entry; candidates are (engine, path) in search order."""
    from django.template import TemplateDoesNotExist, engines
    from django.template.loader import get_template

    entry = {"name": name, "file": None, "extends": None, "blocks": [], "shadows": [], "engine": None}
    error = None
    winner_engine, winner_path, compiled = None, None, None
    try:
        compiled = get_template(name)
        winner_engine, winner_path = compiled.backend, compiled.origin.name
    except TemplateDoesNotExist as e:
        error = "TemplateDoesNotExist: %s" % e
    except Exception as e:  # noqa: BLE001 - a template that does not compile
        cause = e.__cause__
        if cause is not None and type(cause).__module__.startswith("jinja2"):
            error = "%s: %s" % (type(e).__name__, cause)  # Jinja2's message, not Django's args tuple
        else:
            error = "%s: %s" % (type(e).__name__, e)
        # get_template() tries the engines in order; the first engine that has the name raised.
        for engine in engines.all():
            kind = engine_kind(engine)
            path = django_first_source(engine, name) if kind == "django" else \
                jinja2_first_source(engine, name) if kind == "jinja2" else None
            if path is not None:
                winner_engine, winner_path = engine, path
                break

    if winner_path is None:
        winner_engine, winner_path = candidates[0]
    real_winner = os.path.realpath(winner_path)
    if os.path.realpath(candidates[0][1]) != real_winner:
        warn("%r: Django loads %s, not the first file found in the search dirs (%s)"
             % (name, winner_path, candidates[0][1]))

    entry["file"] = project.rel(winner_path)
    entry["engine"] = engine_kind(winner_engine)
    entry["shadows"] = [project.rel(p) for _, p in candidates if os.path.realpath(p) != real_winner]

    if entry["engine"] == "django":
        if compiled is not None:
            entry["extends"], entry["blocks"] = django_structure(compiled.template)
        else:
            entry["extends"], entry["blocks"] = django_tokens_structure(read_text(winner_path), name)
    elif entry["engine"] == "jinja2":
        extends, blocks, parse_error = jinja2_structure(winner_engine.env, winner_path, name)
        entry["extends"], entry["blocks"] = extends, blocks
        error = error or parse_error
    if error is not None:
        entry["error"] = error
    return entry


def list_templates(project):
    from django.template import engines

    engine_list = []
    candidates = {}  # name -> [(engine, path)] in search order, one per real file
    for engine in engines.all():
        dirs = engine_dirs(engine)
        engine_list.append({
            "name": engine.name,
            "backend": "%s.%s" % (type(engine).__module__, type(engine).__qualname__),
            "kind": engine_kind(engine),
            "dirs": [project.rel(d) for d in dirs],
        })
        for d in dirs:
            if not os.path.isdir(d):
                continue
            for name, path in walk_names(d):
                found = candidates.setdefault(name, [])
                if all(os.path.realpath(p) != os.path.realpath(path) for _, p in found):
                    found.append((engine, path))

    templates = [describe(project, name, candidates[name]) for name in sorted(candidates)]

    libraries, builtins = {}, []
    for engine in engines.all():
        if engine_kind(engine) == "django":
            libraries = dict(sorted(engine.engine.libraries.items()))
            builtins = list(engine.engine.builtins)
            break
    return engine_list, templates, libraries, builtins


def main():
    parser = argparse.ArgumentParser(description="List a Django project's templates as Django loads them.")
    parser.add_argument("root", help="directory containing manage.py")
    parser.add_argument("--settings", help="settings module (default: from manage.py)")
    args = parser.parse_args()

    project, settings_module = open_project(args.root, args.settings, TIMEOUT_SECONDS)

    def compute():
        import django

        django.setup()
        engine_list, templates, libraries, builtins = list_templates(project)
        return {"settings": settings_module, "engines": engine_list, "templates": templates, "libraries": libraries, "builtins": builtins}

    return emit(compute)


if __name__ == "__main__":
    run(main, "DJANGO_TEMPLATES_ORACLE_CHILD", TIMEOUT_SECONDS)
