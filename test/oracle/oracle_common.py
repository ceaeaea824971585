"""What the oracle scripts (django_urls.py, django_templates.py) share: finding the project, its
settings module and sys.path the way manage.py does, running Django in a child process with a
timeout, and printing JSON on stdout and nothing else.

The project: PROJECT_ROOT is the directory that contains manage.py (a path to manage.py is
accepted too); the settings module is --settings, else the value of the
`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...")` line in manage.py; PROJECT_ROOT is put
first on sys.path, PROJECT_ROOT/src before it when that directory holds Python packages (src
layout), and the site-packages of PROJECT_ROOT/.venv, venv or env (if any) are appended. The
working directory is PROJECT_ROOT, as when `manage.py` runs (relative paths in settings count
from there).

Exit status: 0 on success, 2 on bad usage, 1 on any failure while loading the project (message on
stderr), 3 on timeout.
"""

import glob
import json
import os
import re
import signal
import subprocess
import sys
import traceback

sys.dont_write_bytecode = True  # leave the fixtures clean

SETTINGS_RE = re.compile(
    r"""os\.environ\.setdefault\(\s*['"]DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([^'"]+)['"]"""
)

SCRIPT = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "oracle"


def die(message, code=1):
    sys.stderr.write("%s: %s\n" % (SCRIPT, message))
    sys.stderr.flush()
    os._exit(code)


def warn(message):
    sys.stderr.write("%s: warning: %s\n" % (SCRIPT, message))


def settings_from_manage_py(root):
    manage = os.path.join(root, "manage.py")
    try:
        with open(manage, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError as e:
        die("cannot read %s: %s" % (manage, e), 2)
    m = SETTINGS_RE.search(text)
    if not m:
        die("no os.environ.setdefault('DJANGO_SETTINGS_MODULE', ...) in %s; pass --settings" % manage, 2)
    return m.group(1)


def has_packages(directory):
    try:
        for entry in os.scandir(directory):
            if entry.is_dir() and not entry.name.startswith("."):
                return True
            if entry.is_file() and entry.name.endswith(".py"):
                return True
    except OSError:
        pass
    return False


class Project:
    def __init__(self, root):
        self.root = os.path.realpath(root)

    def rel(self, path):
        """Relative to the project with `/`, absolute outside it."""
        if path is None:
            return None
        real = os.path.realpath(str(path))
        if real == self.root or real.startswith(self.root + os.sep):
            return os.path.relpath(real, self.root).replace(os.sep, "/")
        return real


def open_project(root_arg, settings_arg, timeout):
    """Checks the arguments, arms the timeout, sets sys.path and DJANGO_SETTINGS_MODULE."""

    def on_timeout(signum, frame):
        die("timed out after %d seconds" % timeout, 3)

    signal.signal(signal.SIGALRM, on_timeout)
    signal.alarm(timeout)
    root = root_arg
    if os.path.isfile(root):
        root = os.path.dirname(root) or "."
    if not os.path.isdir(root):
        die("not a directory: %s" % root_arg, 2)
    if not os.path.isfile(os.path.join(root, "manage.py")) and not settings_arg:
        die("no manage.py in %s; pass --settings" % root, 2)
    project = Project(root)
    settings_module = settings_arg or settings_from_manage_py(project.root)
    src = os.path.join(project.root, "src")
    sys.path.insert(0, project.root)
    if os.path.isdir(src) and has_packages(src):
        sys.path.insert(0, src)  # what a src-layout manage.py does
    for venv in (".venv", "venv", "env"):  # the project's virtualenv: third-party apps
        for site in sorted(glob.glob(os.path.join(project.root, venv, "lib", "python3*", "site-packages"))):
            sys.path.append(site)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.chdir(project.root)
    return project, settings_module


def json_lines(items):
    """A JSON array with one element per line (for long lists: one line changes per changed item)."""
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]"


def emit(compute, dumps=None):
    """Runs `compute()` (which sets up Django) with stdout sent to stderr, then prints its JSON
    (`dumps(output)` when given, else indented)."""
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # anything the project prints must not pollute the JSON
    try:
        output = compute()
    except RecursionError:
        die("infinite recursion while loading the project (circular include?)")
    except SystemExit as e:
        die("project called sys.exit(%r)" % (e.code,))
    except BaseException:
        die("failed to load the project:\n" + traceback.format_exc())
    finally:
        sys.stdout = real_stdout
    signal.alarm(0)
    text = dumps(output) if dumps else json.dumps(output, indent=2, ensure_ascii=False)
    real_stdout.buffer.write((text + "\n").encode("utf-8"))
    real_stdout.flush()
    return 0


def run(main, child_env, timeout):
    """The script's entry: in the child, main(); in the parent, the child under a hard timeout
    (a stuck C call ignores SIGALRM)."""
    if os.environ.get(child_env) == "1":
        sys.exit(main())
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env[child_env] = "1"
    try:
        child = subprocess.run(
            [sys.executable, os.path.abspath(sys.argv[0])] + sys.argv[1:],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            timeout=timeout + 5,
        )
    except subprocess.TimeoutExpired:
        die("timed out after %d seconds (killed)" % timeout, 3)
    sys.stdout.buffer.write(child.stdout)
    sys.stdout.flush()
    sys.exit(child.returncode)
