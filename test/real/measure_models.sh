#!/usr/bin/env bash
# Runs `django-atlas models --json` on each real project and compares it with Django's app registry
# ($REAL/<name>.models.django.json, made by run_oracle.sh models) with compare_models.py. One line per
# project:
#   name  time  project <ours>/<django> -<missing> +<extra> attrs <%> | fields <ours>/<django>
#         -<missing> +<extra> lists <%> type <%> rel <%> pos <%> => <R%> / <P%>  || all ...
# attrs: models whose module, file, line, abstract, proxy and swapped all agree; lists: models
# whose field names agree in order; type/rel/pos: fields both list; "=> R / P": the fields both
# list with the same type, related model and position, out of all Django's fields in the scope (R)
# and out of all ours (P; our extra fields count against it).
# "project" = models whose file is the project's own code. Usage: bash test/real/measure_models.sh
# [name ...]; SHOW=N lists the differences (N per kind) after each line.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
REAL=${REAL:-/work/real}
declare -A SETTINGS=([babybuddy]=babybuddy.settings.development)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(locallibrary djangoproject bakerydemo babybuddy drf-tutorial)
for n in "${names[@]}"; do
  truth="$REAL/$n.models.django.json"
  [ -f "$truth" ] || { echo "$n: no ground truth ($truth); run test/real/run_oracle.sh models first"; continue; }
  args=(models "$REAL/$n" --json)
  [ -n "${SETTINGS[$n]:-}" ] && args+=(--settings "${SETTINGS[$n]}")
  start=$(date +%s%N)
  node "$REPO/dist/cli.js" "${args[@]}" > "/tmp/atlas-models-$n.json" 2>/dev/null || { echo "$n: CLI failed"; continue; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%-13s %5d ms  %s\n' "$n" "$ms" \
    "$(python3 "$HERE/compare_models.py" "/tmp/atlas-models-$n.json" "$truth" --root "$REAL/$n" --line)"
  if [ "${SHOW:-0}" -gt 0 ]; then
    python3 "$HERE/compare_models.py" "/tmp/atlas-models-$n.json" "$truth" --root "$REAL/$n" --show "$SHOW" | sed 's/^/    /'
  fi
done
