#!/usr/bin/env bash
# Ground truth: runs test/oracle/django_urls.py (Django's own resolver) on each real project
# prepared by setup.sh and writes $REAL/<name>.django.json (outside the repository).
#
#   bash test/real/run.sh                 # all projects
#   bash test/real/run.sh babybuddy ...   # some of them
#
# Each project runs with its own interpreter and PYTHONPATH (see README.md for why).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
REAL=${REAL:-/work/real}
ORACLE="$REPO/test/oracle/django_urls.py"
DEBIAN_PY=/usr/bin/python3               # Debian bookworm's 3.11
DIST=/usr/lib/python3/dist-packages      # Debian's packages (bookworm)
OV=usr/lib/python3/dist-packages         # inside an unpacked .deb

# Django 6.x (and djangoproject.com's own code) needs Python >= 3.12, which bookworm lacks.
find_py312() {
    local c
    for c in "${PY312:-}" python3.13 python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3; do
        [ -n "$c" ] || continue
        c=$(command -v "$c" 2>/dev/null) || continue
        "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$c"; return 0; }
    done
    return 1
}

join() { local IFS=:; echo "$*"; }

# run NAME OUTPUT PYTHON PYTHONPATH [oracle args...]
run() {
    local name=$1 out=$2 py=$3 pp=$4; shift 4
    printf '%-28s ' "$(basename "$out")" >&2
    if PYTHONPATH="$pp" PYTHONDONTWRITEBYTECODE=1 PYTHONWARNINGS=ignore \
        "$py" "$ORACLE" "$REAL/$name" "$@" > "$out.tmp" 2> "$out.stderr"; then
        mv "$out.tmp" "$out"
        [ -s "$out.stderr" ] || rm -f "$out.stderr"
        "$DEBIAN_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["root_urlconf"], len(d["urls"]), "leaves")' "$out" >&2
    else
        rm -f "$out.tmp"
        echo "FAILED (see $out.stderr)" >&2
        return 1
    fi
}

project_locallibrary() {
    # Debian bookworm-backports Django 4.2 (project pins 5.1); no extra packages.
    run locallibrary "$REAL/locallibrary.django.json" "$DEBIAN_PY" ""
}

project_djangoproject() {
    local py; py=$(find_py312) || { echo "djangoproject: no Python >= 3.12" >&2; return 1; }
    local pp; pp=$(join "$REAL/vendor/djangoproject" "$REAL/deb/django-6.1/$OV" "$REAL/deb/sid/$OV" \
        "$HERE/stubs/djangoproject" "$HERE/settings" "$DIST")
    run djangoproject "$REAL/djangoproject.django.json" "$py" "$pp"
    # The other django-hosts hosts (djangoproject/hosts.py): same settings, other ROOT_URLCONF.
    run djangoproject "$REAL/djangoproject.docs.django.json" "$py" "$pp" --settings gt_djangoproject_docs
    run djangoproject "$REAL/djangoproject.dashboard.django.json" "$py" "$pp" --settings gt_djangoproject_dashboard
}

project_bakerydemo() {
    local pp; pp=$(join "$REAL/vendor/bakerydemo" "$REAL/deb/django-5.2/$OV" "$REAL/deb/sid/$OV" \
        "$HERE/stubs/bakerydemo")
    run bakerydemo "$REAL/bakerydemo.django.json" "$DEBIAN_PY" "$pp"
}

project_babybuddy() {
    local pp; pp=$(join "$REAL/vendor/babybuddy" "$REAL/deb/django-5.2/$OV" "$REAL/deb/sid/$OV" \
        "$HERE/stubs/babybuddy")
    # manage.py sets no default; the docs and .devcontainer.json use the development settings
    run babybuddy "$REAL/babybuddy.django.json" "$DEBIAN_PY" "$pp" --settings babybuddy.settings.development
}

project_drf-tutorial() {
    local py; py=$(find_py312) || { echo "drf-tutorial: no Python >= 3.12" >&2; return 1; }
    local pp; pp=$(join "$REAL/vendor/drf-tutorial" "$REAL/deb/django-6.1/$OV" "$REAL/deb/sid/$OV" \
        "$HERE/stubs/drf-tutorial" "$DIST")
    run drf-tutorial "$REAL/drf-tutorial.django.json" "$py" "$pp"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
status=0
for n in "${names[@]}"; do
    "project_$n" || status=1
done
exit $status
