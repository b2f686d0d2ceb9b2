#!/usr/bin/env bash
# Installs nats-server (Debian's package) for `pnpm bench --peers nats`,
# which runs the bench's workload on a 3-node NATS JetStream cluster (R3)
# beside Gregor's (issue #13: peers side by side, as bench/peers did).
#
#   install-nats-server.sh         install it when missing (root needed;
#                                  without root a SKIPPED line, exit 0)
#   install-nats-server.sh check   exit 0 when present, 1 when not
set -euo pipefail

if command -v nats-server >/dev/null 2>&1; then exit 0; fi
if [ "${1:-}" = check ]; then
  echo "nats-server is missing (bash scripts/install-nats-server.sh installs it)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "SKIPPED install-nats-server: nats-server missing and not root or no apt-get (sudo bash scripts/install-nats-server.sh)" >&2
  exit 0
fi
echo "install-nats-server: installing nats-server" >&2
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -q)
"${APT[@]}" update >/dev/null
"${APT[@]}" install -y --no-install-recommends nats-server >/dev/null
command -v nats-server >/dev/null 2>&1 || { echo "install-nats-server: still missing after apt-get install" >&2; exit 1; }
echo "install-nats-server: installed $(nats-server --version)" >&2
