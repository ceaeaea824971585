# Shared by the test/real scripts (sourced): where things are, and a Python >= 3.12 finder.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
REAL=${REAL:-/work/real}
DEBIAN_PY=/usr/bin/python3               # Debian bookworm's 3.11

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
