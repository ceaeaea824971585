#!/usr/bin/env bash
# Request flow on the real projects (issue 6): for every route of our URL tree, the example path
# routeExamples() fills in (what "Trace" and the Trace URL picker use) goes through
# `django-atlas flow --json` and through Django's resolve() (test/oracle/django_urls.py
# --resolve-file, in the project's .venv and interpreter, as run_oracle.sh runs the oracles);
# compare_flow.py says whether both give the same view and kwargs, or whether ours is "not known"
# (an include we cannot read, an extra-kwarg value '…': counted apart). One line per project:
#   leaves  examples  unfillable  compared  agree (view + kwargs)  not known  disagree  +route/name
#   own leaf (ours, django)  django 404  | Django's leaves, and how many no example reached (run.sh's table)
# then every difference (SHOW=N per kind, default 20), and a line comparing the fixed steps of a
# flow (MIDDLEWARE order and hooks, response phase, DEBUG, entry point, context processors) with
# what Django's settings say (django_flow_settings.py).
#
# GEN=1 adds a harder check: every path test/oracle/gen_paths.py generates from Django's own
# patterns (valid and invalid values, near misses, slash variants), resolved by our core's Resolver
# (the one `flow` uses; examples.js resolve) and by Django: a second line per project.
#
# Usage: bash test/real/measure_flow.sh [name ...]   (run setup.sh and run.sh first; build dist/
# with `node scripts/build.mjs`). Outputs in $OUT (default /tmp/atlas-real-flow).
# SAMPLE=N prints the text flow of N example paths per project (for reading the steps).
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
OUT=${OUT:-/tmp/atlas-real-flow}
ORACLE="$REPO/test/oracle"
SHOW=${SHOW:-20}
mkdir -p "$OUT"
declare -A SETTINGS=([babybuddy]=babybuddy.settings.development)

# The analyzer's helper (test/real/examples.ts) bundled as dist/ is, outside the repository.
"$REPO/node_modules/.bin/esbuild" "$REPO/test/real/examples.ts" --bundle --platform=node --target=node20 \
    --format=cjs --main-fields=module,main --define:import.meta.url=__importMetaUrl \
    "--banner:js=const __importMetaUrl = require('url').pathToFileURL(__filename).href;" \
    --outfile="$OUT/examples.js" --log-level=warning || { echo "cannot bundle examples.ts" >&2; exit 1; }
atlas_helper() { (cd "$REPO" && node "$OUT/examples.js" "$@"); }

# django NAME PYTHON SCRIPT [args...]: an oracle script in the project's .venv, from its root
django() {
    local name=$1 py=$2; shift 2
    local sp; sp=$(ls -d "$REAL/$name"/.venv/lib/python3*/site-packages 2>/dev/null | head -1)
    [ -n "$sp" ] || { echo "$name: no $REAL/$name/.venv; run test/real/run.sh $name first" >&2; return 1; }
    (cd "$REAL/$name" && PYTHONPATH="$sp" PYTHONDONTWRITEBYTECODE=1 PYTHONWARNINGS=ignore \
        DJANGO_URLS_ORACLE_TIMEOUT=600 "$py" "$1" "$REAL/$name" "${@:2}")
}

interpreter() {
    case "$1" in
        djangoproject|drf-tutorial) find_py312 ;;
        *) echo "$DEBIAN_PY" ;;
    esac
}

measure() {
    local n=$1 root="$REAL/$n" py
    py=$(interpreter "$n") || { echo "$n: no Python >= 3.12" >&2; return 1; }
    local sargs=()
    [ -n "${SETTINGS[$n]:-}" ] && sargs=(--settings "${SETTINGS[$n]}")
    echo "== $n"
    atlas_helper examples "$root" "${sargs[@]}" > "$OUT/$n.examples.json" 2> "$OUT/$n.examples.stderr" ||
        { echo "$n: examples.js failed (see $OUT/$n.examples.stderr)"; return 1; }
    # One path a line, each once (a path with a newline cannot be passed this way: compare_flow.py lists it).
    "$DEBIAN_PY" - "$OUT/$n.examples.json" > "$OUT/$n.paths.txt" <<'PY'
import json, sys
seen = set()
for e in json.load(open(sys.argv[1]))["examples"]:
    p = e["example"]
    if "\n" in p or "\r" in p or p in seen:
        continue
    seen.add(p)
    print(p)
PY
    local paths=()
    mapfile -t paths < "$OUT/$n.paths.txt"
    local start; start=$(date +%s%N)
    node "$REPO/dist/cli.js" flow "$root" "${paths[@]}" "${sargs[@]}" --json > "$OUT/$n.flow.json" 2> "$OUT/$n.flow.stderr"
    local rc=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))
    [ $rc -le 1 ] || { echo "$n: flow failed (see $OUT/$n.flow.stderr)"; return 1; }
    echo "   flow: ${#paths[@]} paths in $ms ms"
    django "$n" "$py" "$ORACLE/django_urls.py" "${sargs[@]}" --resolve-file "$OUT/$n.paths.txt" \
        > "$OUT/$n.django-resolve.json" 2> "$OUT/$n.django-resolve.stderr" ||
        { echo "$n: Django failed (see $OUT/$n.django-resolve.stderr)"; return 1; }
    local truth=()
    [ -f "$REAL/$n.django.json" ] && truth=(--truth "$REAL/$n.django.json")
    "$DEBIAN_PY" "$HERE/compare_flow.py" examples "$OUT/$n.examples.json" "$OUT/$n.flow.json" \
        "$OUT/$n.django-resolve.json" --paths "$OUT/$n.paths.txt" --root "$root" "${truth[@]}" --show "$SHOW"
    # The fixed steps (middleware, hooks, response phase, DEBUG, entry, context processors).
    django "$n" "$py" "$HERE/../oracle/django_flow_settings.py" "${sargs[@]}" > "$OUT/$n.settings.json" 2> "$OUT/$n.settings.stderr" ||
        { echo "$n: django_flow_settings.py failed (see $OUT/$n.settings.stderr)"; return 1; }
    printf '   '
    "$DEBIAN_PY" "$HERE/compare_flow.py" settings "$OUT/$n.flow.json" "$OUT/$n.settings.json"
    if [ "${GEN:-0}" = 1 ]; then
        django "$n" "$py" "$ORACLE/gen_paths.py" "${sargs[@]}" > "$OUT/$n.gen.txt" 2> "$OUT/$n.gen.stderr" ||
            { echo "$n: gen_paths.py failed (see $OUT/$n.gen.stderr)"; return 1; }
        django "$n" "$py" "$ORACLE/django_urls.py" "${sargs[@]}" --resolve-file "$OUT/$n.gen.txt" \
            > "$OUT/$n.gen.django.json" 2> "$OUT/$n.gen.django.stderr" ||
            { echo "$n: Django failed on the generated paths (see $OUT/$n.gen.django.stderr)"; return 1; }
        # Where Django's APPEND_SLASH redirects lead (a redirect to a route we lack is that gap).
        "$DEBIAN_PY" -c 'import json, sys
for a in json.load(open(sys.argv[1])):
    if a["redirect"]: print(a["redirect"])' "$OUT/$n.gen.django.json" > "$OUT/$n.gen.redirects.txt"
        if [ -s "$OUT/$n.gen.redirects.txt" ]; then
            django "$n" "$py" "$ORACLE/django_urls.py" "${sargs[@]}" --resolve-file "$OUT/$n.gen.redirects.txt" \
                > "$OUT/$n.gen.redirects.django.json" 2>> "$OUT/$n.gen.django.stderr" ||
                { echo "$n: Django failed on the redirect targets"; return 1; }
        else
            echo '[]' > "$OUT/$n.gen.redirects.django.json"
        fi
        atlas_helper resolve "$root" "${sargs[@]}" --paths-file "$OUT/$n.gen.txt" > "$OUT/$n.gen.ours.json" ||
            { echo "$n: examples.js resolve failed"; return 1; }
        printf '   generated: '
        "$DEBIAN_PY" "$HERE/compare_flow.py" paths "$OUT/$n.gen.txt" "$OUT/$n.gen.ours.json" \
            "$OUT/$n.gen.django.json" --examples "$OUT/$n.examples.json" \
            --redirects "$OUT/$n.gen.redirects.txt" "$OUT/$n.gen.redirects.django.json" --root "$root" --show "$SHOW"
    fi
    if [ "${SAMPLE:-0}" -gt 0 ]; then
        local step=$(( (${#paths[@]} + SAMPLE - 1) / SAMPLE )) i
        for ((i = 0; i < ${#paths[@]}; i += step)); do
            node "$REPO/dist/cli.js" flow "$root" "${paths[$i]}" "${sargs[@]}" | sed 's/^/    /'
        done
    fi
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
status=0
for n in "${names[@]}"; do
    measure "$n" || status=1
done
exit $status
