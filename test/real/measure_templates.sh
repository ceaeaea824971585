#!/usr/bin/env bash
# Runs `django-atlas templates --json` on each real project and compares it with Django's own
# listing ($REAL/<name>.templates.django.json, made by run_oracle.sh templates) with compare_templates.py.
# One line per project:
#   name  time  project <ours>/<django> -<missing> +<extra> file ext blk shd | all ...
# (percentages: agreement on the names both list; "project" = names whose winning file is the
# project's own code). Usage: bash test/real/measure_templates.sh [name ...]; SHOW=N lists the
# differences (N per kind) after each line.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
REAL=${REAL:-/work/real}
declare -A SETTINGS=([babybuddy]=babybuddy.settings.development)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
for n in "${names[@]}"; do
  truth="$REAL/$n.templates.django.json"
  [ -f "$truth" ] || { echo "$n: no ground truth ($truth); run test/real/run_oracle.sh templates first"; continue; }
  args=(templates "$REAL/$n" --json)
  [ -n "${SETTINGS[$n]:-}" ] && args+=(--settings "${SETTINGS[$n]}")
  start=$(date +%s%N)
  node "$REPO/dist/cli.js" "${args[@]}" > "/tmp/atlas-templates-$n.json" 2>/dev/null || { echo "$n: CLI failed"; continue; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%-13s %5d ms  %s\n' "$n" "$ms" \
    "$(python3 "$HERE/compare_templates.py" "/tmp/atlas-templates-$n.json" "$truth" --root "$REAL/$n" --line)"
  if [ "${SHOW:-0}" -gt 0 ]; then
    python3 "$HERE/compare_templates.py" "/tmp/atlas-templates-$n.json" "$truth" --root "$REAL/$n" --show "$SHOW" | sed 's/^/    /'
  fi
done
