#!/bin/sh
# Runs the Dockerfile's steps without a Docker engine, in a temporary
# directory, and smoke-tests the result the way the image runs it:
#
#   sh deploy/docker/simulate-build.sh [GIT_REF [WORK_DIR]]   (from the repo root)
#
# 1. context: the files of GIT_REF (default HEAD: a clean checkout, not the
#    working tree with whatever is half-done in it) minus what .dockerignore
#    excludes (its patterns read as `find -name` for **/X and as paths
#    otherwise: enough for the patterns we use);
# 2. build stage: `pnpm fetch` with only the lockfile, workspace file and
#    .npmrc present, then the context copied over it, then
#    deploy/docker/build-runtime.sh /out — the same commands as the RUN lines;
# 3. runtime stage: /out as /opt/gregor, gregor-node and gregor as symlinks on
#    PATH, and the checks the Dockerfile runs (--help of both);
# 4. a real start through tini and the entrypoint with the image's
#    environment (ports moved to free ones, CLIENT advertised on loopback as
#    `docker run -e GREGOR_ADVERTISED_LISTENERS=...` would), until the
#    HEALTHCHECK script reports ready; a produce/consume round trip with the
#    built CLI; then SIGTERM through tini and a clean exit.
#
# WORK_DIR is kept for inspection (default: a new temp dir). Needs the npm
# registry for `pnpm fetch` (the store is WORK_DIR/store), and tini on PATH for
# step 4 (Debian: apt-get install tini). The start of three nodes from the
# built tree with the compose file's environment is a jest test:
#   DEPLOY_NODE_BIN=WORK_DIR/image/opt/gregor/packages/node/dist/bin.js \
#     pnpm exec jest deploy/test/compose-processes.test.ts
set -eu

repo=$(pwd -P)
[ -f "$repo/Dockerfile" ] && [ -f "$repo/pnpm-lock.yaml" ] || { echo "run from the repository root" >&2; exit 1; }
ref=${1:-HEAD}
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/gregor-image-XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd -P)
ctx=$work/context
src=$work/src
image=$work/image
store=$work/store
rm -rf "$ctx" "$src" "$image"
mkdir -p "$ctx" "$src" "$image/opt" "$image/bin" "$image/var-lib-gregor"

step() { printf '\n== %s\n' "$*"; }

step "context: $ref ($ctx)"
git -C "$repo" archive --format=tar "$ref" | tar -xf - -C "$ctx"
patterns=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$ctx/.dockerignore")
printf '%s\n' "$patterns" | while read -r pattern; do
  case "$pattern" in
    '**/'*) find "$ctx" -name "${pattern#\*\*/}" -prune -exec rm -rf {} + ;;
    *) rm -rf "${ctx:?}/$pattern" ;;
  esac
done
echo "$(find "$ctx" -type f | wc -l) files"

step "build stage: pnpm fetch (lockfile only)"
cp "$ctx/pnpm-lock.yaml" "$ctx/pnpm-workspace.yaml" "$ctx/.npmrc" "$src/"
(cd "$src" && CI=true pnpm fetch --store-dir="$store" --reporter=append-only >"$work/fetch.log" 2>&1) || { tail -20 "$work/fetch.log"; exit 1; }

step "build stage: COPY . . and build-runtime.sh /out"
(cd "$ctx" && tar -cf - .) | tar -xf - -C "$src"
(cd "$src" && CI=true PNPM_STORE_DIR="$store" sh deploy/docker/build-runtime.sh "$image/opt/gregor" >"$work/build.log" 2>&1) || { tail -30 "$work/build.log"; exit 1; }

step "runtime stage"
cp "$ctx/deploy/docker/healthcheck.sh" "$image/bin/gregor-healthcheck"
chmod 0755 "$image/bin/gregor-healthcheck"
cp "$ctx/deploy/docker/entrypoint.sh" "$image/bin/gregor-entrypoint"
chmod 0755 "$image/bin/gregor-entrypoint"
ln -s "$image/opt/gregor/packages/node/dist/bin.js" "$image/bin/gregor-node"
ln -s "$image/opt/gregor/packages/cli/dist/bin.js" "$image/bin/gregor"
PATH=$image/bin:$PATH
export PATH
gregor-node --help >/dev/null
gregor --help >/dev/null
echo "runtime tree: $(du -sh "$image/opt/gregor" | cut -f1); node_modules/.pnpm: $(ls "$image/opt/gregor/node_modules/.pnpm" | wc -l) entries"
leftovers=$(find "$image/opt/gregor" -path "$image/opt/gregor/node_modules" -prune -o \( -name '*.ts' -o -name src -o -name test \) -print | head -5)
[ -z "$leftovers" ] || { echo "sources or tests in the runtime tree: $leftovers" >&2; exit 1; }
for dev in typescript jest @swc; do
  [ ! -e "$image/opt/gregor/node_modules/.pnpm/node_modules/$dev" ] || { echo "dev dependency $dev in the runtime tree" >&2; exit 1; }
done

step "start through tini and the entrypoint with the image's environment"
command -v tini >/dev/null || { echo "tini not on PATH: skipping the start (apt-get install tini)"; exit 0; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
client=$(free_port)
controller=$(free_port)
http=$(free_port)
env -i PATH="$PATH" HOME="$work" NODE_ENV=production \
  GREGOR_LOG_DIRS="$image/var-lib-gregor/data" \
  GREGOR_LISTENERS="CLIENT://0.0.0.0:$client,CONTROLLER://0.0.0.0:$controller,HTTP://0.0.0.0:$http" \
  GREGOR_ADVERTISED_LISTENERS="CLIENT://127.0.0.1:$client" \
  tini -- gregor-entrypoint >"$work/node.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT
deadline=$(($(date +%s) + 60))
until env -i GREGOR_LISTENERS="CLIENT://0.0.0.0:$client,HTTP://0.0.0.0:$http" "$image/bin/gregor-healthcheck"; do
  kill -0 $pid 2>/dev/null || { echo "gregor-node exited:"; cat "$work/node.log"; exit 1; }
  [ "$(date +%s)" -lt "$deadline" ] || { echo "not ready after 60 s:"; cat "$work/node.log"; exit 1; }
  sleep 0.5
done
gregor topic create smoke --partitions 2 --bootstrap "127.0.0.1:$client" >/dev/null
printf 'a\nb\n' | gregor produce smoke --bootstrap "127.0.0.1:$client"
got=$(gregor consume smoke --from-beginning --max-messages 2 --timeout-ms 10000 --bootstrap "127.0.0.1:$client" | sort | tr '\n' ' ')
[ "$got" = "a b " ] || { echo "consumed '$got', expected 'a b '" >&2; exit 1; }
kill -TERM $pid
code=0
wait $pid || code=$?
trap - EXIT
[ "$code" -eq 0 ] || { echo "gregor-node exited $code after SIGTERM:"; tail -20 "$work/node.log"; exit 1; }
grep -q '"gregor-node stopped"' "$work/node.log" || { echo "no clean-stop line in the log" >&2; exit 1; }
step "ok: built, started, produced and consumed, stopped cleanly (logs in $work)"
