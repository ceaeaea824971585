#!/usr/bin/env python3
"""Agreement of a `django-atlas models --json` table with Django's app registry (run_oracle.sh models output).

    python3 test/real/compare_models.py OURS.json DJANGO.json [--root DIR] [--show N] [--line] [--json]

Models are matched on (app_label, name); when a side lists two models with the same pair (two
abstract models of the same name in different modules), the module is added to the key.

For every model both sides list:
  model attributes   module, file (after os.path.realpath), line, abstract, proxy, swapped
                     (each counted separately, and "all six agree")
  field list         the same field names in the same order
For every field both sides list (matched by name inside a matched model):
  type               the field class's __name__
  related_model      app_label.Model, or the string Django left unresolved (abstract models), or null
  position           (file, line) of the field's assignment: the field's own `file` if given, else
                     the model's file, after realpath
Where Django gives no line, there is nothing to compare the position with, and the model's file
and line, or the field's position, are left out of the percentages (listed as "no line in
Django"): fields Django adds at run time (taggit's `tagged_items`, django-money's `<name>_currency`,
Wagtail's `index_entries`) have no assignment, and a class whose `__module__` was reassigned
(`Page.__module__ = "wagtail.models"`) is looked for by the oracle in the wrong file (then none
of that model's field positions is compared either: the oracle could only find the ones its
abstract bases declare, even where the class redefines them).

Two scopes:
  project   models whose file is the project's own code: inside --root once symlinks are resolved,
            and not under a virtualenv/site-packages. For models both sides list Django's file
            decides; for one-sided models, that side's own file.
  all       every model.

--root defaults to DJANGO.json's name without `.models.django.json` (run_oracle.sh models writes
/work/real/<name>.models.django.json next to the checkout /work/real/<name>). Ours names library
files through the project's .venv symlinks, Django after realpath, hence the realpath on both sides.
--line prints one summary line (measure_models.sh); --json prints everything as JSON.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real_paths import Paths  # noqa: E402

MODEL_ATTRS = ("module", "file", "line", "abstract", "proxy", "swapped")
FIELD_ATTRS = ("type", "related_model", "position")



def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = data["models"] if isinstance(data, dict) else data
    pairs = {}
    for r in rows:
        pairs.setdefault((r["app_label"], r["name"]), []).append(r)
    out = {}
    for (app, name), rs in pairs.items():
        if len(rs) == 1:
            out["%s.%s" % (app, name)] = rs[0]
        else:
            for r in rs:
                key = "%s.%s [%s]" % (app, name, r["module"])
                if key in out:
                    sys.stderr.write("%s: model listed twice: %s\n" % (path, key))
                out.setdefault(key, r)
    return out


def model_value(row, attr, paths):
    if attr == "file":
        return paths.real(row.get("file"))
    if attr in ("abstract", "proxy"):
        return bool(row.get(attr))
    return row.get(attr)


def field_value(model, field, attr, paths):
    if attr == "position":
        return (paths.real(field.get("file") or model.get("file")), field.get("line"))
    return field.get(attr)


def compare(ours, django, paths, scope):
    """scope(row) -> bool. Counts and differences for the models in scope."""
    common = sorted(k for k in set(ours) & set(django) if scope(django[k]))
    missing = sorted(k for k in django if k not in ours and scope(django[k]))   # Django has, we do not
    extra = sorted(k for k in ours if k not in django and scope(ours[k]))       # we have, Django does not
    res = {
        "ours": sum(1 for r in ours.values() if scope(r)),
        "django": sum(1 for r in django.values() if scope(r)),
        "common": len(common),
        "missing": missing,
        "extra": extra,
        "model_agreement": {},
        "model_diffs": {a: [] for a in MODEL_ATTRS},
        "fields": {"ours": 0, "django": 0, "common": 0},
        "field_list": [0, 0],
        "field_list_diffs": [],
        "field_missing": [],
        "field_extra": [],
        "field_agreement": {},
        "field_diffs": {a: [] for a in FIELD_ATTRS},
        "no_line_models": [],
        "no_line_fields": [],
    }
    all_ok = 0
    res["no_line_models"] = [k for k in common if django[k].get("line") is None]

    def attrs_of(k):
        return [a for a in MODEL_ATTRS if not (a in ("file", "line") and django[k].get("line") is None)]

    for attr in MODEL_ATTRS:
        agree = total = 0
        for k in common:
            if attr not in attrs_of(k):
                continue
            total += 1
            a, b = model_value(ours[k], attr, paths), model_value(django[k], attr, paths)
            if a == b:
                agree += 1
            else:
                res["model_diffs"][attr].append((k, a, b))
        res["model_agreement"][attr] = (agree, total)
    for k in common:
        if all(model_value(ours[k], a, paths) == model_value(django[k], a, paths) for a in attrs_of(k)):
            all_ok += 1
    res["model_agreement"]["all"] = (all_ok, len(common))

    fagree = {a: 0 for a in FIELD_ATTRS}
    ftotal = {a: 0 for a in FIELD_ATTRS}
    fall = 0
    for k in common:
        om, dm = ours[k], django[k]
        onames = [f["name"] for f in om["fields"]]
        dnames = [f["name"] for f in dm["fields"]]
        res["fields"]["ours"] += len(onames)
        res["fields"]["django"] += len(dnames)
        res["field_list"][1] += 1
        if onames == dnames:
            res["field_list"][0] += 1
        else:
            res["field_list_diffs"].append((k, onames, dnames))
        ofields = {f["name"]: f for f in om["fields"]}
        dfields = {f["name"]: f for f in dm["fields"]}
        for n in dnames:
            if n not in ofields:
                res["field_missing"].append("%s.%s" % (k, n))
        for n in onames:
            if n not in dfields:
                res["field_extra"].append("%s.%s" % (k, n))
        for n in dnames:
            if n not in ofields:
                continue
            res["fields"]["common"] += 1
            ok = True
            for attr in FIELD_ATTRS:
                if attr == "position" and (dfields[n].get("line") is None or dm.get("line") is None):
                    res["no_line_fields"].append(("%s.%s" % (k, n), field_value(om, ofields[n], attr, paths)))
                    continue
                ftotal[attr] += 1
                a = field_value(om, ofields[n], attr, paths)
                b = field_value(dm, dfields[n], attr, paths)
                if a == b:
                    fagree[attr] += 1
                else:
                    ok = False
                    res["field_diffs"][attr].append(("%s.%s" % (k, n), a, b))
            fall += ok
    # fields of models only one side lists count too
    res["fields"]["ours_total"] = sum(len(r["fields"]) for r in ours.values() if scope(r))
    res["fields"]["django_total"] = sum(len(r["fields"]) for r in django.values() if scope(r))
    for attr in FIELD_ATTRS:
        res["field_agreement"][attr] = (fagree[attr], ftotal[attr])
    res["field_agreement"]["all"] = (fall, res["fields"]["common"])
    # the headline: a Django field counts as right when we list it with the same type, related
    # model and position (out of every field Django has in scope, including unmatched models')
    res["field_agreement"]["of_django"] = (fall, res["fields"]["django_total"])
    # and the other way: our fields that Django lists the same (extra fields count against)
    res["field_agreement"]["of_ours"] = (fall, res["fields"]["ours_total"])
    return res


def pct(pair):
    agree, total = pair
    return "%.1f %%" % (100.0 * agree / total) if total else "n/a"


def fmt(attr, v, paths):
    if attr == "file":
        return paths.short(v)
    if attr == "position":
        return "%s:%s" % (paths.short(v[0]), v[1])
    return json.dumps(v)


def report(name, res, paths, show):
    f = res["fields"]
    print("  %s: models ours %d / django %d, common %d; missing (django only) %d, extra (ours only) %d"
          % (name, res["ours"], res["django"], res["common"], len(res["missing"]), len(res["extra"])))
    print("    model attributes: " + ", ".join("%s %s" % (a, pct(res["model_agreement"][a])) for a in MODEL_ATTRS + ("all",)))
    print("    fields: django %d (in common models %d), ours %d (in common models %d); common %d, missing %d, extra %d"
          % (f["django_total"], f["django"], f["ours_total"], f["ours"], f["common"],
             len(res["field_missing"]), len(res["field_extra"])))
    print("    field lists (names, order) %s (%d/%d); per field: %s; all three %s; of all Django's fields %s; of all ours %s"
          % (pct(res["field_list"]), *res["field_list"],
             ", ".join("%s %s" % (a, pct(res["field_agreement"][a])) for a in FIELD_ATTRS),
             pct(res["field_agreement"]["all"]), pct(res["field_agreement"]["of_django"]),
             pct(res["field_agreement"]["of_ours"])))
    if show <= 0:
        return

    def listing(label, items):
        if items:
            print("    %s (%d):" % (label, len(items)))
            for i in items[:show]:
                print("      %s" % i)
            if len(items) > show:
                print("      ... %d more" % (len(items) - show))

    if res["no_line_models"] or res["no_line_fields"]:
        print("    no line in Django (file/line not compared): %d models, %d fields"
              % (len(res["no_line_models"]), len(res["no_line_fields"])))
    listing("models without a line in Django", res["no_line_models"])
    listing("fields without a line in Django (ours at)", ["%s (%s)" % (k, fmt("position", v, paths)) for k, v in res["no_line_fields"]])
    listing("missing models (django only)", res["missing"])
    listing("extra models (ours only)", res["extra"])
    for attr in MODEL_ATTRS:
        diffs = res["model_diffs"][attr]
        if diffs:
            print("    model %s differs (%d):" % (attr, len(diffs)))
            for k, a, b in diffs[:show]:
                print("      %s: ours %s, django %s" % (k, fmt(attr, a, paths), fmt(attr, b, paths)))
            if len(diffs) > show:
                print("      ... %d more" % (len(diffs) - show))
    if res["field_list_diffs"]:
        print("    field list differs (%d):" % len(res["field_list_diffs"]))
        for k, a, b in res["field_list_diffs"][:show]:
            note = " (order only)" if sorted(a) == sorted(b) else ""
            print("      %s%s\n        ours:   %s\n        django: %s" % (k, note, " ".join(a), " ".join(b)))
        if len(res["field_list_diffs"]) > show:
            print("      ... %d more" % (len(res["field_list_diffs"]) - show))
    listing("missing fields (django only)", res["field_missing"])
    listing("extra fields (ours only)", res["field_extra"])
    for attr in FIELD_ATTRS:
        diffs = res["field_diffs"][attr]
        if diffs:
            print("    field %s differs (%d):" % (attr, len(diffs)))
            for k, a, b in diffs[:show]:
                print("      %s: ours %s, django %s" % (k, fmt(attr, a, paths), fmt(attr, b, paths)))
            if len(diffs) > show:
                print("      ... %d more" % (len(diffs) - show))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ours")
    p.add_argument("django")
    p.add_argument("--root", help="project root (default: from DJANGO.json's name)")
    p.add_argument("--show", type=int, default=10, help="list at most N items per kind of difference")
    p.add_argument("--line", action="store_true", help="one summary line")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    root = args.root
    if root is None and args.django.endswith(".models.django.json"):
        guess = args.django[: -len(".models.django.json")]
        if os.path.isdir(guess):
            root = guess
    paths = Paths(root)
    ours, django = load(args.ours), load(args.django)
    scopes = {
        "project": compare(ours, django, paths, lambda r: paths.is_project(r.get("file"))),
        "all": compare(ours, django, paths, lambda r: True),
    }
    if args.json:
        json.dump(scopes, sys.stdout, indent=2, default=list)
        print()
        return 0
    if args.line:
        def part(s):
            r = scopes[s]
            fa = r["field_agreement"]
            return "%s %d/%d -%d +%d attrs %s | fields %d/%d -%d +%d lists %s type %s rel %s pos %s => %s / %s" % (
                s, r["ours"], r["django"], len(r["missing"]), len(r["extra"]), pct(r["model_agreement"]["all"]),
                r["fields"]["ours_total"], r["fields"]["django_total"], len(r["field_missing"]), len(r["field_extra"]),
                pct(r["field_list"]), pct(fa["type"]), pct(fa["related_model"]), pct(fa["position"]), pct(fa["of_django"]),
                pct(fa["of_ours"]))
        print("%s || %s" % (part("project"), part("all")))
        return 0
    print("root: %s" % (paths.root or "(none: relative files compared as written)"))
    for s in ("project", "all"):
        report(s, scopes[s], paths, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
