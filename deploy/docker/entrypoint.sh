#!/bin/sh
# gregor-entrypoint: what the image runs (under tini) before `exec gregor-node "$@"`.
#
# Two opt-in deployment helpers, configured by environment. Their names do not
# start with GREGOR_ on purpose: gregor-node maps every GREGOR_X_Y to the key
# x.y and refuses unknown keys.
#
#   NODE_ID_ORDINAL_OFFSET=N
#     node.id = N + the ordinal at the end of the hostname. A StatefulSet pod
#     gregor-2 with N=1 becomes node 3: each pod keeps its id across restarts
#     and reschedules because its name does. Setting GREGOR_NODE_ID as well is
#     an error (two sources of truth for the one setting that must not drift).
#
#   LOOPBACK_FORWARDS=PORT=HOST:PORT[,PORT=HOST:PORT...]
#     Listen on 127.0.0.1:PORT and forward each connection to HOST:PORT.
#     docker compose uses it so that one advertised CLIENT address,
#     localhost:909x, works both for clients on the host (published port) and
#     for the other nodes (this forward to the service name). A broker
#     registers a single CLIENT endpoint, which serves both Metadata answers to
#     clients and replication fetches between brokers; see deploy/README.md.
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

if [ -n "${LOOPBACK_FORWARDS:-}" ]; then
  command -v socat >/dev/null 2>&1 || fail "LOOPBACK_FORWARDS needs socat on PATH"
  saved_ifs=$IFS
  IFS=,
  for forward in $LOOPBACK_FORWARDS; do
    IFS=$saved_ifs
    port=${forward%%=*}
    target=${forward#*=}
    is_number "$port" && [ "$target" != "$forward" ] && is_number "${target##*:}" && [ -n "${target%:*}" ] ||
      fail "LOOPBACK_FORWARDS entry '$forward' is not PORT=HOST:PORT"
    # fork: one child per connection, so a peer that is down fails only that
    # connection; the name is resolved per connection, so a restarted peer with
    # a new address is found again. Errors go to the container log tagged
    # gregor-forward.
    socat -lp gregor-forward "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:$target" &
  done
  IFS=$saved_ifs
fi

exec gregor-node "$@"
