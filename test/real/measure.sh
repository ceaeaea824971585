#!/usr/bin/env bash
# Runs `django-atlas urls --json` on each real project prepared by setup.sh/run.sh and compares it
# with Django's own table (compare.py). Usage: bash test/real/measure.sh [name ...]
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
REAL=${REAL:-/work/real}
declare -A SETTINGS=([babybuddy]=babybuddy.settings.development)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
for n in "${names[@]}"; do
  truth="$REAL/$n.django.json"
  [ -f "$truth" ] || { echo "$n: no ground truth ($truth); run test/real/run.sh first"; continue; }
  args=(urls "$REAL/$n" --json)
  [ -n "${SETTINGS[$n]:-}" ] && args+=(--settings "${SETTINGS[$n]}")
  node "$REPO/dist/cli.js" "${args[@]}" > "/tmp/atlas-$n.json" 2>/dev/null
  echo "== $n"
  python3 "$HERE/compare.py" "/tmp/atlas-$n.json" "$truth" --root "$REAL/$n" --show "${SHOW:-5}"
done
