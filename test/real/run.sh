#!/usr/bin/env bash
# Ground truth: runs test/oracle/django_urls.py (Django's own resolver) on each real project
# prepared by setup.sh and writes $REAL/<name>.django.json (outside the repository).
#
#   bash test/real/run.sh                 # all projects
#   bash test/real/run.sh babybuddy ...   # some of them
#
# Each project runs with its own interpreter and PYTHONPATH (see README.md for why).
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ORACLE="$REPO/test/oracle/django_urls.py"
DIST=/usr/lib/python3/dist-packages      # Debian's packages (bookworm)
OV=usr/lib/python3/dist-packages         # inside an unpacked .deb


# make_venv NAME PYTHON DIR... : $REAL/NAME/.venv/lib/pythonX.Y/site-packages made of symlinks to
# every entry of DIR... (the first DIR that has a name wins, like sys.path). The oracle imports
# from it, and django-atlas finds it the way it finds any project's virtualenv, so both read the
# very same library code. Prints the site-packages path.
make_venv() {
    local name=$1 py=$2; shift 2
    local ver; ver=$("$py" -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
    local venv="$REAL/$name/.venv" sp="$REAL/$name/.venv/lib/$ver/site-packages"
    rm -rf "$venv"; mkdir -p "$sp"
    printf 'home = %s\nversion = %s\n# made by test/real/run.sh: symlinks, not a real virtualenv\n' \
        "$(dirname "$py")" "${ver#python}" > "$venv/pyvenv.cfg"
    local d e b
    for d in "$@"; do
        [ -d "$d" ] || continue
        for e in "$d"/*; do
            b=$(basename "$e")
            case "$b" in __pycache__|*.pth) continue ;; esac
            [ -e "$sp/$b" ] || [ -L "$sp/$b" ] || ln -s "$e" "$sp/$b"
        done
    done
    echo "$sp"
}

# run NAME OUTPUT PYTHON PYTHONPATH [oracle args...]
run() {
    local name=$1 out=$2 py=$3 pp=$4; shift 4
    printf '%-36s ' "$(basename "$out")" >&2
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
    # Debian bookworm-backports Django 4.2 (the project pins 5.1); nothing else needed.
    local sp; sp=$(make_venv locallibrary "$DEBIAN_PY" "$DIST")
    run locallibrary "$REAL/locallibrary.django.json" "$DEBIAN_PY" "$sp"
}

project_djangoproject() {
    local py; py=$(find_py312) || { echo "djangoproject: no Python >= 3.12" >&2; return 1; }
    local sp; sp=$(make_venv djangoproject "$py" "$REAL/vendor/djangoproject" "$REAL/deb/django-6.1/$OV" \
        "$REAL/deb/sid/$OV" "$HERE/stubs/djangoproject" "$DIST")
    run djangoproject "$REAL/djangoproject.django.json" "$py" "$sp"
    # The other django-hosts hosts (djangoproject/hosts.py): same settings, another ROOT_URLCONF.
    run djangoproject "$REAL/djangoproject.docs.django.json" "$py" "$sp:$HERE/settings" --settings gt_djangoproject_docs
    run djangoproject "$REAL/djangoproject.dashboard.django.json" "$py" "$sp:$HERE/settings" --settings gt_djangoproject_dashboard
}

project_bakerydemo() {
    local sp; sp=$(make_venv bakerydemo "$DEBIAN_PY" "$REAL/vendor/bakerydemo" "$REAL/deb/django-5.2/$OV" \
        "$REAL/deb/sid/$OV" "$HERE/stubs/bakerydemo" "$DIST")
    run bakerydemo "$REAL/bakerydemo.django.json" "$DEBIAN_PY" "$sp"
}

project_babybuddy() {
    local sp; sp=$(make_venv babybuddy "$DEBIAN_PY" "$REAL/vendor/babybuddy" "$REAL/deb/django-5.2/$OV" \
        "$REAL/deb/sid/$OV" "$HERE/stubs/babybuddy" "$DIST")
    # manage.py sets no default; the docs and .devcontainer.json use the development settings
    run babybuddy "$REAL/babybuddy.django.json" "$DEBIAN_PY" "$sp" --settings babybuddy.settings.development
}

project_drf-tutorial() {
    local py; py=$(find_py312) || { echo "drf-tutorial: no Python >= 3.12" >&2; return 1; }
    local sp; sp=$(make_venv drf-tutorial "$py" "$REAL/vendor/drf-tutorial" "$REAL/deb/django-6.1/$OV" \
        "$REAL/deb/sid/$OV" "$HERE/stubs/drf-tutorial" "$DIST")
    run drf-tutorial "$REAL/drf-tutorial.django.json" "$py" "$sp"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
status=0
for n in "${names[@]}"; do
    "project_$n" || status=1
done
exit $status
