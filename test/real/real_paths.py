"""Paths of the real-project comparisons: a project's own files versus its virtualenv's and the
system's (shared by compare_templates.py and compare_models.py)."""
import os

VENV_PARTS = (".venv", "venv", "env", "site-packages", "dist-packages", "node_modules")

class Paths:
    def __init__(self, root):
        self.root = os.path.realpath(root) if root else None

    def real(self, f):
        if f is None:
            return None
        if not os.path.isabs(f):
            if not self.root:
                return f
            f = os.path.join(self.root, f)
        return os.path.realpath(f)

    def is_project(self, f):
        r = self.real(f)
        if r is None:
            return False
        if self.root:
            if not (r == self.root or r.startswith(self.root + os.sep)):
                return False
            rel = os.path.relpath(r, self.root)
        else:
            if os.path.isabs(r):
                return False
            rel = r
        return not any(p in VENV_PARTS for p in rel.replace(os.sep, "/").split("/"))

    def short(self, f):
        r = self.real(f)
        if r and self.root and r.startswith(self.root + os.sep):
            return os.path.relpath(r, self.root)
        return r

