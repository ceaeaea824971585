#!/usr/bin/env bash
# Model ground truth: runs test/oracle/django_models.py (Django's own app registry) on each real
# project and writes $REAL/<name>.models.django.json (outside the repository).
#
#   bash test/real/run_models.sh                 # all projects
#   bash test/real/run_models.sh babybuddy ...   # some of them
#
# Same layout as run_templates.sh: reuses the $REAL/<name>/.venv made by run.sh (run that first),
# the same interpreter per project (Debian's 3.11, or Python >= 3.12 for djangoproject and
# drf-tutorial), PYTHONPATH = the .venv's site-packages, and the project root as working directory
# (as `manage.py` runs; settings may use relative paths). Only django.setup() runs (every installed
# app's models module is imported, then each AppConfig.ready()); no database is opened.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ORACLE="$REPO/test/oracle/django_models.py"

# run NAME PYTHON [oracle args...]
run() {
    local name=$1 py=$2; shift 2
    local out="$REAL/$name.models.django.json" sp
    sp=$(ls -d "$REAL/$name"/.venv/lib/python3*/site-packages 2>/dev/null | head -1)
    [ -n "$sp" ] || { echo "$name: no $REAL/$name/.venv; run test/real/run.sh $name first" >&2; return 1; }
    printf '%-36s ' "$(basename "$out")" >&2
    if (cd "$REAL/$name" && PYTHONPATH="$sp" PYTHONDONTWRITEBYTECODE=1 PYTHONWARNINGS=ignore \
        "$py" "$ORACLE" "$REAL/$name" "$@" > "$out.tmp" 2> "$out.stderr"); then
        mv "$out.tmp" "$out"
        [ -s "$out.stderr" ] || rm -f "$out.stderr"
        "$DEBIAN_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["models"]; print(d["settings"], len(m), "models,", sum(len(x["fields"]) for x in m), "fields, AUTH_USER_MODEL", d["auth_user_model"])' "$out" >&2
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
project_babybuddy() { run babybuddy "$DEBIAN_PY" --settings babybuddy.settings.development; }
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
