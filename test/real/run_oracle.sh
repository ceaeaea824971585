#!/usr/bin/env bash
# Template and model ground truth: runs test/oracle/django_templates.py (Django's own template
# loader) or test/oracle/django_models.py (its app registry) on each real project and writes
# $REAL/<name>.<kind>.django.json (outside the repository).
#
#   bash test/real/run_oracle.sh templates                 # all projects
#   bash test/real/run_oracle.sh models babybuddy ...      # some of them
#
# Reuses the $REAL/<name>/.venv made by run.sh (run that first) and the same interpreter per
# project. Two things differ from the URL ground truth:
# - the oracle runs with the project root as working directory, as `manage.py runserver` is run:
#   bakerydemo ("bakerydemo/templates") and babybuddy ("babybuddy/templates", ...) have relative
#   TEMPLATES DIRS, which Django's filesystem loader resolves against the working directory;
# - building the template engine imports every installed templatetags module, so babybuddy needs
#   pydantic for django-qr-code (stubs/babybuddy/pydantic, linked into the .venv by run.sh).
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
KIND=${1:?usage: run_oracle.sh templates|models [name ...]}
shift
case "$KIND" in
    templates|models) ORACLE="$REPO/test/oracle/django_$KIND.py" ;;
    *) echo "unknown kind '$KIND' (templates or models)" >&2; exit 2 ;;
esac


# One line about an oracle's output.
summary() {
    "$DEBIAN_PY" - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if "templates" in d:
    t = d["templates"]
    print(d["settings"], len(t), "names,", sum("error" in x for x in t), "not compiling")
else:
    m = d["models"]
    print(d["settings"], len(m), "models,", sum(len(x["fields"]) for x in m), "fields, AUTH_USER_MODEL", d["auth_user_model"])
PY
}

# run NAME PYTHON [oracle args...]
run() {
    local name=$1 py=$2; shift 2
    local out="$REAL/$name.$KIND.django.json" sp
    sp=$(ls -d "$REAL/$name"/.venv/lib/python3*/site-packages 2>/dev/null | head -1)
    [ -n "$sp" ] || { echo "$name: no $REAL/$name/.venv; run test/real/run.sh $name first" >&2; return 1; }
    printf '%-36s ' "$(basename "$out")" >&2
    if (cd "$REAL/$name" && PYTHONPATH="$sp" PYTHONDONTWRITEBYTECODE=1 PYTHONWARNINGS=ignore \
        "$py" "$ORACLE" "$REAL/$name" "$@" > "$out.tmp" 2> "$out.stderr"); then
        mv "$out.tmp" "$out"
        [ -s "$out.stderr" ] || rm -f "$out.stderr"
        summary "$out" >&2
    else
        rm -f "$out.tmp"
        echo "FAILED (see $out.stderr)" >&2
        return 1
    fi
}

project_locallibrary() { run locallibrary "$DEBIAN_PY"; }
project_djangoproject() {
    local py; py=$(find_py312) || { echo "djangoproject: no Python >= 3.12" >&2; return 1; }
    run djangoproject "$py"
}
project_bakerydemo() { run bakerydemo "$DEBIAN_PY"; }
project_babybuddy() {
    [ -e "$REAL/babybuddy/.venv/lib/python3.11/site-packages/pydantic" ] || {
        echo "babybuddy: no pydantic stub in the .venv; run test/real/run.sh babybuddy again" >&2; return 1; }
    run babybuddy "$DEBIAN_PY" --settings babybuddy.settings.development
}
project_drf-tutorial() {
    local py; py=$(find_py312) || { echo "drf-tutorial: no Python >= 3.12" >&2; return 1; }
    run drf-tutorial "$py"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
status=0
for n in "${names[@]}"; do
    "project_$n" || status=1
done
exit $status
