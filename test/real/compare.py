#!/usr/bin/env python3
"""Recall/precision of a `django-atlas urls --json` table against Django's own (run.sh output).

    python3 test/real/compare.py OURS.json DJANGO.json [--show N] [--json]

Leaves are matched as multisets (order ignored) at three levels:
  route        the concatenated route string
  route+name   ... and the full namespaced name
  full         ... and the view's module + qualname
plus `located`: of the `full` matches, how many also agree on the view's file and line (files
outside the project compared after os.path.realpath, since the .venv made by run.sh is symlinks).
`order` says whether the matched leaves come in the same relative order (resolution order).
"""
import argparse
import collections
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return data["urls"] if isinstance(data, dict) else data


def view_of(row):
    v = row.get("view") or {}
    return (v.get("module"), v.get("qualname"))


def location(row, root):
    v = row.get("view") or {}
    f = v.get("file")
    if f is None:
        return (None, v.get("line"))
    if not os.path.isabs(f) and root:
        f = os.path.join(root, f)
    return (os.path.realpath(f) if os.path.isabs(f) else f, v.get("line"))


def project_view(row):
    f = (row.get("view") or {}).get("file")
    return bool(f) and not os.path.isabs(f) and ".venv/" not in f and "site-packages" not in f


KEYS = {
    "route": lambda r: (r["route"],),
    "route+name": lambda r: (r["route"], r.get("name")),
    "full": lambda r: (r["route"], r.get("name")) + view_of(r),
}


def score(ours, django, key):
    a = collections.Counter(key(r) for r in ours)
    b = collections.Counter(key(r) for r in django)
    common = sum((a & b).values())
    return {
        "matched": common,
        "recall": common / len(django) if django else 1.0,
        "precision": common / len(ours) if ours else 1.0,
        "missing": list((b - a).elements()),
        "extra": list((a - b).elements()),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ours")
    p.add_argument("django")
    p.add_argument("--root", help="project root, to compare relative view files (default: none)")
    p.add_argument("--show", type=int, default=15, help="list this many missing/extra leaves per level")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    ours, django = load(args.ours), load(args.django)

    out = {"ours": len(ours), "django": len(django), "levels": {}}
    for level, key in KEYS.items():
        out["levels"][level] = score(ours, django, key)
    # The target: (route, name, view) of the leaves whose view is the project's own code
    # (a file inside the project, not its virtualenv), each side filtered by its own view file.
    mine = [r for r in ours if project_view(r)]
    theirs = [r for r in django if project_view(r)]
    pv = score(mine, theirs, KEYS["full"])
    # A leaf counts as found when it is anywhere in our table (our view file may differ).
    pv["recall"] = sum((collections.Counter(map(KEYS["full"], theirs)) & collections.Counter(map(KEYS["full"], ours))).values()) / len(theirs) if theirs else 1.0
    pv["precision"] = sum((collections.Counter(map(KEYS["full"], mine)) & collections.Counter(map(KEYS["full"], django))).values()) / len(mine) if mine else 1.0
    out["levels"]["project views"] = pv

    # located + order, over the leaves matched at the `full` level
    full = KEYS["full"]
    pool = collections.defaultdict(list)
    for i, r in enumerate(ours):
        pool[full(r)].append(i)
    pairs = []
    for j, r in enumerate(django):
        lst = pool.get(full(r))
        if lst:
            pairs.append((lst.pop(0), j))
    located = sum(1 for i, j in pairs if location(ours[i], args.root) == location(django[j], args.root))
    order_ok = all(pairs[k][0] < pairs[k + 1][0] for k in range(len(pairs) - 1))
    out["located"] = located
    out["order"] = order_ok

    if args.json:
        json.dump(out, sys.stdout, indent=2, default=list)
        print()
        return
    print("ours %d leaves, django %d leaves" % (len(ours), len(django)))
    for level, s in out["levels"].items():
        print("%-13s matched %4d  recall %6.1f%%  precision %6.1f%%" % (level, s["matched"], 100 * s["recall"], 100 * s["precision"]))
    print("located    %d of %d full matches agree on file:line; resolution order %s" % (
        located, len(pairs), "kept" if order_ok else "DIFFERS"))
    s = out["levels"]["full"]
    for label, rows in (("missing (django only)", s["missing"]), ("extra (ours only)", s["extra"])):
        if rows and args.show:
            print("\n%s, first %d of %d:" % (label, min(args.show, len(rows)), len(rows)))
            for r in rows[: args.show]:
                print("  ", " | ".join("-" if x is None else str(x) for x in r))


if __name__ == "__main__":
    main()
