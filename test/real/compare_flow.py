#!/usr/bin/env python3
"""Compares the analyzer's resolution of paths with Django's resolve() (measure_flow.sh).

    python3 test/real/compare_flow.py examples EXAMPLES.json OURS_FLOW.json DJANGO.json
                                      --paths PATHS.txt --root ROOT [--truth URLS.json] [--show N] [--json]
    python3 test/real/compare_flow.py paths PATHS.txt OURS.json DJANGO.json --root ROOT [--show N] [--json]

`examples`: EXAMPLES.json is `examples.js examples` (every leaf of our URL tree with the example
path routeExamples() gives it), OURS_FLOW.json the `django-atlas flow --json` answers and
DJANGO.json the `test/oracle/django_urls.py --resolve-file PATHS.txt` answers, both for the
unique paths of PATHS.txt in order. An example agrees when both sides give the same view
(module + qualname) and the same kwargs, or both no match with the same APPEND_SLASH redirect;
"route" also asks for the same route and namespaced name. Our side may also say it does not know,
which is counted apart ("not known", neither agreement nor disagreement): no match because
matching reached an include whose patterns cannot be read (`flow`: match null and a not_found
reason saying "cannot be read statically"; examples.js resolve: not_known), or the same view with
an extra-kwarg value we cannot evaluate written '…' (the key is there, the value is not known),
all other kwargs equal. "own leaf" says whether the example comes back to the leaf it was made
for (in our resolver, in Django's). With --truth (Django's URL table, run.sh), Django's leaves
that none of the examples reached in Django are counted ("not reached": routes missing from our
tree, or whose example is unfillable or shadowed).

`paths`: any list of paths (gen_paths.py's valid and invalid variants); both answer lists in
the django_urls.py --resolve shape; the same agreement and "not known", with each disagreement
classified (with --examples, a path Django resolves to a leaf our URL tree lacks is "route
missing", the known gap of `urls` recall, and the agreement is also given without those and the
not-known answers) and grouped.

`settings`: the steps of one flow (the first match that renders a template) against
django_flow_settings.py: MIDDLEWARE order in the request phase, each one's request hooks
(process_request, __call__), the process_view hooks, the response phase bottom to top (the
middleware with process_response or __call__), DEBUG, the WSGI entry point and the context
processors. A middleware our flow marks "(only under some settings)" that Django's MIDDLEWARE
lacks (the condition is off here), and DEBUG we show as unknown, are "not known", not differences.

kwargs: strings that are ROOT or inside it are written `<root>/...` on both sides (as
django_urls.py does), after os.path.realpath.
"""
import argparse
import collections
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_paths(path):
    """The paths django_urls.py --resolve-file reads: no blank or `#` lines, each once."""
    out, seen = [], set()
    with open(path, encoding="utf-8", newline="\n") as f:
        for line in f:
            p = line.rstrip("\r\n")
            if not p.strip() or p.lstrip().startswith("#") or p in seen:
                continue
            seen.add(p)
            out.append(p)
    return out


class Norm:
    def __init__(self, root):
        self.roots = sorted({root, os.path.realpath(root)}, key=len, reverse=True) if root else []

    def value(self, v):
        if isinstance(v, str) and os.path.isabs(v):
            real = os.path.realpath(v)
            for r in self.roots:
                for cand in (v, real):
                    if cand == r or cand.startswith(r + os.sep):
                        return "<root>" + cand[len(r):].replace(os.sep, "/")
        return v

    def answer(self, a):
        """(kind, view, kwargs, route, name, redirect) of one answer."""
        m = a.get("match")
        if not m:
            reason = (a.get("not_found") or {}).get("reason") or ""
            return {"view": None, "kwargs": None, "route": None, "name": None, "redirect": a.get("redirect"),
                    "not_known": bool(a.get("not_known")) or "cannot be read statically" in reason,
                    "stopped_at": a.get("stopped_at", (a.get("not_found") or {}).get("stopped_at"))}
        v = m.get("view") or {}
        return {"not_known": False,
            "view": "%s.%s" % (v.get("module"), v.get("qualname")) if v else None,
            "kwargs": {k: self.value(x) for k, x in (m.get("kwargs") or {}).items()},
            "route": m.get("route"),
            "name": m.get("name"),
            "redirect": a.get("redirect"),
        }


def agree(o, d):
    if o.get("not_known"):
        return False  # "not known" is no answer, even where Django says 404 too
    if o["view"] is None or d["view"] is None:
        return o["view"] is None and d["view"] is None and o["redirect"] == d["redirect"]
    return o["view"] == d["view"] and o["kwargs"] == d["kwargs"]


def same_route(o, d):
    return agree(o, d) and o["route"] == d["route"] and o["name"] == d["name"]


UNKNOWN_VALUE = "\u2026"   # '…': an extra kwarg whose value we cannot evaluate (urls/resolve.ts extra())
NOT_KNOWN_INCLUDE = "not known: an include whose patterns cannot be read"
NOT_KNOWN_VALUE = "not known: kwarg value '\u2026'"


def not_known(o, d):
    """Why our answer is "not known" rather than right or wrong (None when it is one of those):
    no match at an include we cannot read, or the same view with some extra-kwarg values '…'
    and every other kwarg equal (the keys must be the same)."""
    if agree(o, d):
        return None
    if o["view"] is None and o.get("not_known"):
        return NOT_KNOWN_INCLUDE
    if o["view"] is not None and o["view"] == d["view"]:
        ok, dk = o["kwargs"] or {}, d["kwargs"] or {}
        if set(ok) == set(dk) and any(v == UNKNOWN_VALUE for v in ok.values()) and all(
                ok[k] == dk[k] or ok[k] == UNKNOWN_VALUE for k in ok):
            return NOT_KNOWN_VALUE
    return None


def show(a):
    if a["view"] is None:
        if a.get("not_known"):
            return "not known (the include at '%s' cannot be read)" % (a.get("stopped_at") or "")
        return "redirect %s" % a["redirect"] if a["redirect"] else "404"
    kw = json.dumps(a["kwargs"], ensure_ascii=False, sort_keys=True) if a["kwargs"] else ""
    return "%s  [%s]%s %s" % (a["view"], a["route"], " (%s)" % a["name"] if a["name"] else "", kw)


def pct(n, d):
    return "%.1f %%" % (100.0 * n / d) if d else "-"


def index_answers(paths, answers, what):
    if len(answers) != len(paths):
        sys.exit("%s: %d answers for %d paths" % (what, len(answers), len(paths)))
    return dict(zip(paths, answers))


def examples_mode(args):
    norm = Norm(args.root)
    ex = load(args.examples)
    paths = read_paths(args.paths)
    flows = load(args.ours)
    ours = index_answers(paths, flows if isinstance(flows, list) else [flows], "ours")
    django = index_answers(paths, load(args.django), "django")
    rows = []
    for e in ex["examples"]:
        p = e["example"]
        if p not in ours:
            rows.append({"e": e, "skipped": True})
            continue
        o, d = norm.answer(ours[p]), norm.answer(django[p])
        leaf_view = "%s.%s" % (e["view"]["module"], e["view"]["qualname"]) if e.get("view") else None
        rows.append({
            "e": e, "o": o, "d": d, "agree": agree(o, d), "route": same_route(o, d), "not_known": not_known(o, d),
            "ours_own": (o["route"], o["name"], o["view"]) == (e["route"], e["name"], leaf_view),
            "django_own": (d["route"], d["name"], d["view"]) == (e["route"], e["name"], leaf_view),
        })
    done = [r for r in rows if not r.get("skipped")]
    n = len(done)
    summary = {
        "leaves": ex["leaves"],
        "examples": len(ex["examples"]),
        "unfillable": len(ex["unfillable"]),
        "not_passable": len(rows) - n,
        "compared": n,
        "agree": sum(r["agree"] for r in done),
        "not_known": sum(bool(r["not_known"]) for r in done),
        "disagree": sum(not r["agree"] and not r["not_known"] for r in done),
        "agree_route": sum(r["route"] for r in done),
        "ours_own_leaf": sum(r["ours_own"] for r in done),
        "django_own_leaf": sum(r["django_own"] for r in done),
        "django_404": sum(r["d"]["view"] is None for r in done),
    }
    not_reached = []
    if args.truth:
        truth = load(args.truth)["urls"]
        reached = collections.Counter(
            (r["d"]["route"], r["d"]["view"]) for r in done if r["d"]["view"] is not None)
        for t in truth:
            v = t.get("view") or {}
            key = (t["route"], "%s.%s" % (v.get("module"), v.get("qualname")))
            if reached[key] > 0:
                reached[key] -= 1
            else:
                not_reached.append(key)
        summary["django_leaves"] = len(truth)
        summary["django_leaves_not_reached"] = len(not_reached)
    if args.json:
        print(json.dumps(summary))
        return
    s = summary
    line = ("leaves %d  examples %d  unfillable %d  compared %d  agree %d (%s)  not known %d  disagree %d  "
            "+route/name %d (%s)  own leaf: ours %d, django %d  django 404 %d" % (
                s["leaves"], s["examples"], s["unfillable"], s["compared"], s["agree"], pct(s["agree"], s["compared"]),
                s["not_known"], s["disagree"],
                s["agree_route"], pct(s["agree_route"], s["compared"]), s["ours_own_leaf"], s["django_own_leaf"],
                s["django_404"]))
    if args.truth:
        line += "  | django leaves %d, not reached %d" % (s["django_leaves"], s["django_leaves_not_reached"])
    print(line)
    show_n = args.show
    bad = [r for r in done if not r["route"]]
    for r in bad[:show_n]:
        e = r["e"]
        print("  %s %s   (leaf %s%s)" % (
            "NOT KNOWN (%s)" % r["not_known"][len("not known: "):] if r["not_known"] else "DIFF",
            e["example"], e["route"], " = %s.%s" % (e["view"]["module"], e["view"]["qualname"]) if e.get("view") else ""))
        print("      ours:   %s" % show(r["o"]))
        print("      django: %s" % show(r["d"]))
    if len(bad) > show_n:
        print("  ... %d more differences" % (len(bad) - show_n))
    shadowed = [r for r in done if r["route"] and not r["django_own"]]
    for r in shadowed[:show_n]:
        e = r["e"]
        print("  SAME, NOT ITS LEAF %s   (leaf %s%s) -> %s" % (
            e["example"], e["route"], " (%s)" % e["name"] if e["name"] else "", show(r["d"])))
    if len(shadowed) > show_n:
        print("  ... %d more examples both resolve elsewhere" % (len(shadowed) - show_n))
    for e in ex["unfillable"][:show_n]:
        print("  UNFILLABLE %s" % e["route"])
    for r in rows:
        if r.get("skipped"):
            print("  NOT PASSABLE (newline in the example) %r" % r["e"]["example"])
    if not_reached:
        counts = collections.Counter(route.split("/")[0] + "/" for route, _ in not_reached)
        print("  django leaves not reached by an example, by first segment: %s" % ", ".join(
            "%s %d" % (k, v) for k, v in counts.most_common()))
        for route, view in not_reached[:show_n]:
            print("    %s  %s" % (route, view))


BIG_INT = 2 ** 53


MISSING = "route missing from our URL tree"


def classify(o, d, our_leaves, redirected):
    """Why one generated path disagrees (the first that applies). redirected: Django's answer for
    an APPEND_SLASH redirect target, when known."""
    if our_leaves is not None:
        if d["view"] is not None and (d["route"], d["view"]) not in our_leaves:
            return MISSING
        t = redirected.get(d["redirect"]) if d["view"] is None and d["redirect"] else None
        if t is not None and t["view"] is not None and (t["route"], t["view"]) not in our_leaves:
            return MISSING + " (the APPEND_SLASH redirect's target)"
    if o["view"] is not None and d["view"] is not None and o["view"] == d["view"] and o["route"] == d["route"]:
        ok, dk = o["kwargs"] or {}, d["kwargs"] or {}
        if set(ok) == set(dk) and all(
                ok[k] == dk[k] or (isinstance(dk[k], int) and abs(dk[k]) > BIG_INT) for k in dk):
            return "int kwarg beyond 2**53 (JS number)"
        if set(ok) < set(dk):
            return "extra kwargs missing: %s" % ", ".join(sorted(set(dk) - set(ok)))
        return "kwargs differ"
    if d["view"] is None:
        return "django: no match, ours: match" if o["view"] is not None else "redirect differs"
    if o["view"] is None:
        return "ours: no match"
    return "another view"


def paths_mode(args):
    norm = Norm(args.root)
    paths = read_paths(args.paths)
    ours = load(args.ours)
    django = load(args.django)
    if len(ours) != len(paths) or len(django) != len(paths):
        sys.exit("%d paths, %d ours, %d django" % (len(paths), len(ours), len(django)))
    our_leaves = None
    if args.examples:
        ex = load(args.examples)
        our_leaves = {(e["route"], "%s.%s" % (e["view"]["module"], e["view"]["qualname"]) if e.get("view") else None)
                      for e in ex["examples"] + ex["unfillable"]}
    redirected = {}
    if args.redirects:
        rpaths = read_paths(args.redirects[0])
        redirected = {p: norm.answer(a) for p, a in zip(rpaths, load(args.redirects[1]))}
    n = len(paths)
    ok = ok_route = unknown = 0
    groups = collections.defaultdict(list)
    kinds = collections.Counter()
    for p, oa, da in zip(paths, ours, django):
        o, d = norm.answer(oa), norm.answer(da)
        ok += agree(o, d)
        ok_route += same_route(o, d)
        if not same_route(o, d):
            nk = not_known(o, d)
            unknown += bool(nk)
            kind = nk or classify(o, d, our_leaves, redirected)
            if nk and our_leaves is not None and classify(o, d, our_leaves, redirected).startswith(MISSING):
                kind += " (Django: a route our tree lacks)"
            kinds[kind] += 1
            # One group per kind for the int precision loss (the view does not matter there), and
            # per include for "not known" at an include we cannot read.
            key = (kind, None, None) if kind.startswith("int kwarg") else (
                (kind, None, show(o)) if kind == NOT_KNOWN_INCLUDE or kind.startswith(NOT_KNOWN_INCLUDE + " ") else (
                    kind, show({**d, "kwargs": None}), show({**o, "kwargs": None})))
            groups[key].append((p, o, d))
    matched = sum(1 for da in django if da.get("match"))
    missing = sum(c for k, c in kinds.items() if k.startswith(MISSING))
    disagree = n - ok - unknown
    summary = {"paths": n, "django_matched": matched, "agree": ok, "agree_route": ok_route, "not_known": unknown,
               "disagree": disagree, "missing_route": missing, "kinds": dict(kinds)}
    if args.json:
        print(json.dumps(summary))
        return
    known = n - unknown
    print("paths %d (django matches %d)  agree %d (%s)  not known %d  disagree %d  +route/name %d (%s)  "
          "without not known and Django's routes we lack: %d / %d (%s)" % (
              n, matched, ok, pct(ok, n), unknown, disagree, ok_route, pct(ok_route, n),
              ok_route, known - missing, pct(ok_route, known - missing)))
    for kind, c in kinds.most_common():
        print("    %5d  %s" % (c, kind))
    shown = 0
    order = lambda kv: (kv[0][0].startswith(MISSING), kv[0][0].startswith("not known"), -len(kv[1]))
    for (kind, dk, ok_), items in sorted(groups.items(), key=order):
        if shown >= args.show:
            print("  ... %d more groups" % (len(groups) - shown))
            break
        shown += 1
        print("  %4d x %s" % (len(items), kind) + ("\n         django %s" % dk if dk else "")
              + ("\n         ours   %s" % ok_ if ok_ else ""))
        for p, o, d in items[:2]:
            print("         e.g. %r\n              ours   %s\n              django %s" % (p, show(o), show(d)))


def settings_mode(args):
    """The fixed parts of every flow against Django's settings (django_flow_settings.py)."""
    dj = load(args.django)
    flows = load(args.ours)
    flows = flows if isinstance(flows, list) else [flows]
    matched = [f for f in flows if f.get("match")]
    f = next((x for x in matched if any(st["kind"] == "context_processor" for st in x["steps"])), None) \
        or (matched[0] if matched else flows[0])
    steps = f["steps"]
    first_resolver = next(i for i, st in enumerate(steps) if st["kind"] == "resolver")
    resp_at = max(i for i, st in enumerate(steps) if st["kind"] == "response")
    req = [st for st in steps[:first_resolver] if st["kind"] == "middleware"]
    pview = [st for st in steps[first_resolver:resp_at] if st["kind"] == "middleware" and st["label"].endswith(".process_view")]
    resp = [st for st in steps[resp_at + 1:] if st["kind"] == "middleware"]
    mw = dj["middleware"]
    paths = [m["path"] for m in mw]
    hooks = {m["path"]: set(m["hooks"]) for m in mw}
    problems = []
    unknown = []

    def check(what, ours, theirs):
        if ours != theirs:
            problems.append("%s:\n      ours   %s\n      django %s" % (what, ours, theirs))

    # Middleware shown "(only under some settings)" that Django's settings leave out: not known.
    cond_mark = " (only under some settings)"
    conditional = {st["label"] for st in req if (st.get("detail") or "").endswith(cond_mark)}
    off = conditional - set(paths)
    for label in sorted(off):
        unknown.append("%s shown as conditional; Django's MIDDLEWARE leaves it out here" % label)
    req = [st for st in req if st["label"] not in off]
    resp = [st for st in resp if st["label"] not in off]
    check("MIDDLEWARE (request phase, in order)", [st["label"] for st in req], paths)
    for st in req:
        if st["label"] not in hooks:
            continue
        detail = st.get("detail") or ""
        detail = detail[:-len(cond_mark)] if detail.endswith(cond_mark) else detail
        ours_h = set() if detail == "no request hook" else set(detail.split(", "))
        theirs_h = hooks.get(st["label"], set()) & {"process_request", "__call__"}
        check("request hooks of %s" % st["label"], sorted(ours_h), sorted(theirs_h))
    check("process_view hooks (in order)", [st.get("detail") for st in pview],
          [m for m in paths if "process_view" in hooks[m]])
    check("response phase (bottom to top)", [st["label"] for st in resp],
          [m for m in reversed(paths) if hooks[m] & {"process_response", "__call__"}])
    entry = [st for st in steps if st["kind"] == "entry"]
    debug = next((st.get("detail") for st in entry if st["label"].startswith("settings:")), None)
    if debug == "DEBUG unknown":
        unknown.append("DEBUG shown as unknown (Django: %s)" % dj["DEBUG"])
    else:
        check("DEBUG", debug, "DEBUG = %s" % dj["DEBUG"])
    wsgi = [st["label"] for st in entry if not st["label"].startswith("settings:")]
    if dj["WSGI_APPLICATION"]:
        check("entry point (WSGI_APPLICATION)", wsgi[:1], [dj["WSGI_APPLICATION"]])
    elif not wsgi:
        # runserver then uses get_wsgi_application(); deployments the project's own wsgi.py.
        problems.append("entry point: none shown (WSGI_APPLICATION is unset; no <package>.wsgi found by convention)")
    cps = [st["label"] for st in steps if st["kind"] == "context_processor"]
    if cps:
        check("context processors", cps, dj["context_processors"])
    if args.json:
        print(json.dumps({"flow": f["path"], "problems": problems, "not_known": unknown}))
        return
    verdict = "all agree" if not problems else "%d difference(s)" % len(problems)
    print("steps of %s %s against Django's settings: %s%s" % (
        f["method"], f["path"], verdict, ", %d not known" % len(unknown) if unknown else ""))
    for u in unknown:
        print("    not known: " + u)
    for p_ in problems:
        print("    " + p_)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    e = sub.add_parser("examples")
    e.add_argument("examples")
    e.add_argument("ours")
    e.add_argument("django")
    e.add_argument("--paths", required=True)
    e.add_argument("--truth")
    p = sub.add_parser("paths")
    p.add_argument("paths")
    p.add_argument("ours")
    p.add_argument("django")
    p.add_argument("--examples", help="examples.js examples output: tells Django's routes we lack")
    p.add_argument("--redirects", nargs=2, metavar=("TARGETS.txt", "DJANGO.json"),
                   help="Django's answers for the APPEND_SLASH redirect targets (a redirect to a route we lack)")
    st = sub.add_parser("settings")
    st.add_argument("ours", help="django-atlas flow --json output")
    st.add_argument("django", help="django_flow_settings.py output")
    st.add_argument("--json", action="store_true")
    for s in (e, p):
        s.add_argument("--root", required=True)
        s.add_argument("--show", type=int, default=10)
        s.add_argument("--json", action="store_true")
    args = ap.parse_args()
    {"examples": examples_mode, "paths": paths_mode, "settings": settings_mode}[args.mode](args)


if __name__ == "__main__":
    main()
