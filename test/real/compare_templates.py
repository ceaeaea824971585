#!/usr/bin/env python3
"""Agreement of a `django-atlas templates --json` listing with Django's own (run_oracle.sh templates output).

    python3 test/real/compare_templates.py OURS.json DJANGO.json [--root DIR] [--show N] [--line] [--json]

Template names are matched exactly. For every name both sides list, five things are compared:
  file      the file that wins (get_template(name)), after os.path.realpath
  extends   the literal parent name, or null
  blocks    the block names of the winning file, in source order (a difference only in order is
            flagged "(order)" in the listing)
  shadows   the other files with the name, in search order, after os.path.realpath
  engine    "django" / "jinja2" (only when both sides give it)

Two scopes:
  project   names whose winning file is the project's own code: inside --root once symlinks are
            resolved, and not under a virtualenv/site-packages. The winner is Django's for names
            both sides list, each side's own for names only one side lists.
  all       every name.

--root defaults to DJANGO.json's name without `.templates.django.json` (run_oracle.sh templates writes
/work/real/<name>.templates.django.json next to the checkout /work/real/<name>). Relative files
are relative to the root; ours may name a file through the project's .venv symlinks, Django names
it after realpath, hence the realpath on both sides.
--line prints one summary line (measure_templates.sh); --json prints everything as JSON.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real_paths import Paths  # noqa: E402

FIELDS = ("file", "extends", "blocks", "shadows", "engine")


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = data["templates"] if isinstance(data, dict) else data
    out = {}
    for r in rows:
        if r["name"] in out:
            sys.stderr.write("%s: name listed twice: %s\n" % (path, r["name"]))
        out.setdefault(r["name"], r)
    return out



def value(row, field, paths):
    v = row.get(field)
    if field == "file":
        return paths.real(v)
    if field == "shadows":
        return [paths.real(s) for s in (v or [])]
    if field == "blocks":
        return list(v or [])
    return v


def compare(ours, django, paths, scope):
    """scope(name, row_ours, row_django) -> bool; returns the scope's counts and differences."""
    o_names = {n for n, r in ours.items() if scope(r)}
    d_names = {n for n, r in django.items() if scope(r)}
    # names both list: the scope is decided by Django's winner
    common = sorted(n for n in set(ours) & set(django) if scope(django[n]))
    missing = sorted(n for n in d_names if n not in ours)   # Django has, we do not
    extra = sorted(n for n in o_names if n not in django)   # we have, Django does not
    res = {
        "ours": len(o_names),
        "django": len(d_names),
        "common": len(common),
        "missing": missing,
        "extra": extra,
        "agreement": {},
        "diffs": {f: [] for f in FIELDS},
    }
    for field in FIELDS:
        agree = total = 0
        for n in common:
            if field == "engine" and (ours[n].get("engine") is None or django[n].get("engine") is None):
                continue
            total += 1
            a, b = value(ours[n], field, paths), value(django[n], field, paths)
            if a == b:
                agree += 1
            else:
                res["diffs"][field].append((n, a, b))
        res["agreement"][field] = (agree, total)
    res["django_errors"] = sorted(n for n in common if "error" in django[n])
    return res


def pct(pair):
    agree, total = pair
    return "%.1f %%" % (100.0 * agree / total) if total else "n/a"


def fmt_val(field, v, paths):
    if field == "file":
        return paths.short(v)
    if field == "shadows":
        return "[%s]" % ", ".join(paths.short(s) for s in v)
    return json.dumps(v)


def report(name, res, paths, show, django):
    print("  %s: names ours %d / django %d, common %d; missing (django only) %d, extra (ours only) %d"
          % (name, res["ours"], res["django"], res["common"], len(res["missing"]), len(res["extra"])))
    print("    agreement on common names: " + ", ".join(
        "%s %s (%d/%d)" % (f, pct(res["agreement"][f]), *res["agreement"][f]) for f in FIELDS))
    if show <= 0:
        return
    for label, names in (("missing (django only)", res["missing"]), ("extra (ours only)", res["extra"])):
        if names:
            print("    %s:" % label)
            for n in names[:show]:
                print("      %s" % n)
            if len(names) > show:
                print("      ... %d more" % (len(names) - show))
    for field in FIELDS:
        diffs = res["diffs"][field]
        if not diffs:
            continue
        print("    %s differs (%d):" % (field, len(diffs)))
        for n, a, b in diffs[:show]:
            note = ""
            if field in ("blocks", "shadows") and sorted(map(str, a)) == sorted(map(str, b)):
                note = " (order)"
            err = "  [django error: %s]" % django[n]["error"][:100] if "error" in django[n] else ""
            print("      %s%s%s\n        ours:   %s\n        django: %s"
                  % (n, note, err, fmt_val(field, a, paths), fmt_val(field, b, paths)))
        if len(diffs) > show:
            print("      ... %d more" % (len(diffs) - show))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ours")
    p.add_argument("django")
    p.add_argument("--root", help="project root (default: from DJANGO.json's name)")
    p.add_argument("--show", type=int, default=10, help="list at most N names per kind of difference")
    p.add_argument("--line", action="store_true", help="one summary line")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    root = args.root
    if root is None and args.django.endswith(".templates.django.json"):
        guess = args.django[: -len(".templates.django.json")]
        if os.path.isdir(guess):
            root = guess
    paths = Paths(root)
    ours, django = load(args.ours), load(args.django)

    scopes = {
        "project": compare(ours, django, paths, lambda r: paths.is_project(r.get("file"))),
        "all": compare(ours, django, paths, lambda r: True),
    }
    if args.json:
        json.dump(scopes, sys.stdout, indent=2)
        print()
        return 0
    if args.line:
        def part(s):
            r = scopes[s]
            a = r["agreement"]
            return "%s %d/%d -%d +%d file %s ext %s blk %s shd %s" % (
                s, r["ours"], r["django"], len(r["missing"]), len(r["extra"]),
                pct(a["file"]), pct(a["extends"]), pct(a["blocks"]), pct(a["shadows"]))
        print("%s | %s" % (part("project"), part("all")))
        return 0
    print("root: %s" % (paths.root or "(none: relative files compared as written)"))
    for s in ("project", "all"):
        report(s, scopes[s], paths, args.show, django)
        errs = scopes[s]["django_errors"]
        if errs:
            print("    (Django could not compile %d of them: %s)" % (len(errs), ", ".join(errs[: args.show])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
