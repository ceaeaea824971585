#!/bin/sh
# Regenerate test/oracle/expected/ from Django itself (Debian python3-django 4.2 + DRF 3.14 + Jinja2 3.1):
# <name>.json (URLs, django_urls.py), <name>.templates.json (templates, django_templates.py) and
# <name>.models.json (models, django_models.py).
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
    if [ -e "test/oracle/paths/$name.txt" ]; then
        "$PY" "$ORACLE" "$dir" --resolve-file "test/oracle/paths/$name.txt" > "$OUT/$name.resolve.json"
    fi
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
"$PY" "$ORACLE" test/fixtures/split_src --settings config.settings.prod \
    --resolve-file test/oracle/paths/split_src.txt > "$OUT/split_src.prod.resolve.json"
echo "regenerated: $(ls "$OUT" | tr '\n' ' ')"
