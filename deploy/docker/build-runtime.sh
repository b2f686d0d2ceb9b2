#!/bin/sh
# Builds the image's runtime tree: the Dockerfile's build stage runs this in
# the workspace root after `pnpm fetch` has filled the store, and
# deploy/docker/simulate-build.sh runs the same file without Docker.
#
#   build-runtime.sh OUT_DIR
#
# OUT_DIR gets, for gregor-node, the gregor CLI and the workspace packages they
# depend on: package.json, dist/ and node_modules/ (production dependencies
# only), plus the .proto files the gRPC loader reads at run time. Nothing else
# of the workspace: no sources, tests, type declarations or dev tools.
# PNPM_STORE_DIR (optional) is the store that `pnpm fetch` filled.
# --prefer-offline, not --offline: in Docker the store is a BuildKit cache
# mount, which can be empty when the fetch layer itself came from a layer
# cache (a fresh CI builder); then pnpm downloads what is missing.
set -eu

out=${1:?usage: build-runtime.sh OUT_DIR}
root=$(pwd -P)
store=${PNPM_STORE_DIR:+--store-dir=$PNPM_STORE_DIR}
# Only what gregor-node and the gregor CLI load: the `...` selects each
# package with its workspace dependencies.
select="--filter=@gregor/node... --filter=@gregor/cli..."

# shellcheck disable=SC2086 # $store and $select are lists of flags
pnpm install --prefer-offline --frozen-lockfile --reporter=append-only $store
pnpm exec tsc -b packages/node packages/cli

# Start again with production dependencies of the selected packages only:
# `pnpm install --prod` on top of a full install would keep the dev tools.
find . -name node_modules -type d -prune -exec rm -rf {} +
# shellcheck disable=SC2086
pnpm install --prefer-offline --frozen-lockfile --prod --reporter=append-only $store $select

mkdir -p "$out"
# The virtual store (node_modules/.pnpm); each package's node_modules holds
# relative symlinks into it, so the relative layout is kept as it is.
cp -a node_modules "$out/"
# shellcheck disable=SC2086
for dir in $(pnpm $select ls --depth -1 --parseable); do
  rel=${dir#"$root"/}
  [ "$rel" != "$dir" ] || { echo "build-runtime: $dir is outside $root" >&2; exit 1; }
  mkdir -p "$out/$rel"
  cp -a "$rel/package.json" "$rel/dist" "$out/$rel/"
  if [ -d "$rel/node_modules" ]; then cp -a "$rel/node_modules" "$out/$rel/"; fi
done
# @gregor/proto loads the .proto files at run time (PROTO_ROOT = proto/).
cp -a proto/gregor "$out/proto/"
find "$out" -path "$out/node_modules" -prune -o -type f \( -name '*.tsbuildinfo' -o -name '*.d.ts' -o -name '*.map' \) -exec rm -f {} +
chmod 0755 "$out/packages/node/dist/bin.js" "$out/packages/cli/dist/bin.js" "$out/packages/connect/dist/bin.js"
