#!/bin/sh
# Regenerate test/oracle/expected/ from Django itself (Debian python3-django 4.2 + DRF 3.14 + Jinja2 3.1):
# <name>.json (URLs, django_urls.py), <name>.templates.json (templates, django_templates.py),
# <name>.models.json (models, django_models.py), and for the resolve oracle test/oracle/paths/<name>.gen.txt
# (gen_paths.py), <name>.resolve.json (django_urls.py --resolve-file) and <name>.mro.json (django_mro.py).
# Usage: test/oracle/regenerate.sh        (PYTHON=/path/to/python to use another interpreter)
set -eu
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
ORACLE=test/oracle/django_urls.py
TEMPLATES_ORACLE=test/oracle/django_templates.py
MODELS_ORACLE=test/oracle/django_models.py
OUT=test/oracle/expected
for dir in test/fixtures/*/; do
    name=$(basename "$dir")
    [ -e "$dir/.no-oracle" ] && continue
    [ -e "$dir/manage.py" ] || continue
    "$PY" "$ORACLE" "$dir" > "$OUT/$name.json"
    "$PY" "$TEMPLATES_ORACLE" "$dir" > "$OUT/$name.templates.json"
    "$PY" "$MODELS_ORACLE" "$dir" > "$OUT/$name.models.json"
done
# Several projects in one workspace: each service is its own project root.
for svc in test/fixtures/monorepo/services/*/; do
    name=monorepo.$(basename "$svc")
    "$PY" "$ORACLE" "$svc" > "$OUT/$name.json"
    "$PY" "$TEMPLATES_ORACLE" "$svc" > "$OUT/$name.templates.json"
    "$PY" "$MODELS_ORACLE" "$svc" > "$OUT/$name.models.json"
done
# The same project under its production settings (DEBUG = False: no debug URLs, no static()).
"$PY" "$ORACLE" test/fixtures/split_src --settings config.settings.prod > "$OUT/split_src.prod.json"

# The resolve oracle, for every case of the URL oracle (name=folder[:settings], as in resolve.test.ts):
# first the generated paths (paths/<name>.gen.txt, gen_paths.py), then Django's answers
# (<name>.resolve.json) for the fixture's hand-written paths (paths/<first part of name>.txt) followed
# by the generated paths of every case on the same folder.
CASES="demo=demo split_src=split_src split_src.prod=split_src:config.settings.prod drf_i18n=drf_i18n
monorepo.api=monorepo/services/api monorepo.web=monorepo/services/web templates_site=templates_site
models_site=models_site"
PATHS=test/oracle/paths
for c in $CASES; do
    name=${c%%=*}; rest=${c#*=}; dir=${rest%%:*}
    case $rest in *:*) set -- --settings "${rest#*:}" ;; *) set -- ;; esac
    "$PY" test/oracle/gen_paths.py "test/fixtures/$dir" "$@" > "$PATHS/$name.gen.txt"
done
for c in $CASES; do
    name=${c%%=*}; rest=${c#*=}; dir=${rest%%:*}
    case $rest in *:*) set -- --settings "${rest#*:}" ;; *) set -- ;; esac
    hand="$PATHS/${name%%.*}.txt"
    if [ -e "$hand" ]; then set -- "$@" --resolve-file "$hand"; fi
    for o in $CASES; do
        orest=${o#*=}
        if [ "${orest%%:*}" = "$dir" ]; then set -- "$@" --resolve-file "$PATHS/${o%%=*}.gen.txt"; fi
    done
    "$PY" "$ORACLE" "test/fixtures/$dir" "$@" > "$OUT/$name.resolve.json"
done
# The MRO oracle (django_mro.py): the __mro__ of every class-based view, for the same cases.
for c in $CASES; do
    name=${c%%=*}; rest=${c#*=}; dir=${rest%%:*}
    case $rest in *:*) set -- --settings "${rest#*:}" ;; *) set -- ;; esac
    "$PY" test/oracle/django_mro.py "test/fixtures/$dir" "$@" > "$OUT/$name.mro.json"
done
echo "regenerated: $(ls "$OUT" | tr '\n' ' ')"
