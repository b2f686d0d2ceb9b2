#!/bin/sh
# gregor-entrypoint: what the image runs (under tini) before `exec gregor-node "$@"`.
#
# An opt-in deployment helper, configured by environment. Its name does not
# start with GREGOR_ on purpose: gregor-node maps every GREGOR_X_Y to the key
# x.y and refuses unknown keys.
#
#   NODE_ID_ORDINAL_OFFSET=N
#     node.id = N + the ordinal at the end of the hostname. A StatefulSet pod
#     gregor-2 with N=1 becomes node 3: each pod keeps its id across restarts
#     and reschedules because its name does. Setting GREGOR_NODE_ID as well is
#     an error (two sources of truth for the one setting that must not drift).
#
set -eu

fail() {
  echo "gregor-entrypoint: $*" >&2
  exit 1
}

# A decimal without a leading zero ($(( )) would read 08 as octal).
is_number() {
  case "$1" in '' | *[!0-9]* | 0?*) return 1 ;; *) return 0 ;; esac
}

if [ -n "${NODE_ID_ORDINAL_OFFSET:-}" ]; then
  [ -z "${GREGOR_NODE_ID:-}" ] || fail "set GREGOR_NODE_ID or NODE_ID_ORDINAL_OFFSET, not both"
  is_number "$NODE_ID_ORDINAL_OFFSET" || fail "NODE_ID_ORDINAL_OFFSET must be a non-negative integer, got '$NODE_ID_ORDINAL_OFFSET'"
  host=${HOSTNAME:-$(cat /proc/sys/kernel/hostname)}
  ordinal=${host##*-}
  is_number "$ordinal" || fail "hostname '$host' does not end in -N (a StatefulSet pod ordinal), needed by NODE_ID_ORDINAL_OFFSET"
  GREGOR_NODE_ID=$((ordinal + NODE_ID_ORDINAL_OFFSET))
  export GREGOR_NODE_ID
fi

exec gregor-node "$@"
