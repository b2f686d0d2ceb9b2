#!/bin/sh
# docker-compose.yml without Docker: each service in its own network
# namespace, as a container would be, to check the addressing end to end —
# the host client bootstraps from localhost:9092,9093,9094 (published ports,
# the CLIENT listeners), brokers replicate over their INTERNAL listeners
# (advertised by service name), controllers find each other by service
# name. Manual; needs root, iproute2, socat and tini:
#
#   sh deploy/docker/simulate-compose.sh IMAGE_DIR      (from the repo root)
#
# IMAGE_DIR is the `image` folder that deploy/docker/simulate-build.sh made
# (WORK_DIR/image). Layout (scripts/netns.sh): its hub namespace plays the
# Docker host (the bridge, and one socat per published port standing in for
# docker-proxy); the three node namespaces play the containers, with
# /etc/netns/<ns>/hosts giving the service names (Docker's embedded DNS). All
# traffic stays inside these namespaces. Each service runs under tini with exactly its compose
# environment (log.dirs moved to a temp dir). Then, from the "host": create a
# replicated topic, produce, SIGKILL gregor-2 (`docker compose kill`), produce
# again, consume everything through localhost:9094 only, produce and consume
# with the CLI inside a container (GREGOR_CLI_BOOTSTRAP), restart gregor-2
# (`docker compose start`), and wait for it to rejoin every ISR.
set -eu

repo=$(pwd -P)
image=$(cd "${1:?usage: simulate-compose.sh IMAGE_DIR}" && pwd -P)
work=$(mktemp -d "${TMPDIR:-/tmp}/gregor-compose-sim-XXXXXX")
PATH=$image/bin:$PATH
export PATH
# The namespaces, bridge and addresses come from the project's network lab
# (scripts/netns.sh, also behind the partition test), named after this
# shell's pid so that a leftover of a killed run is swept by the next one.
lab() { bash "$repo/scripts/netns.sh" "$@"; }
run=$$
host_ns=gregor-pt-$run-hub
node_ns() { echo "gregor-pt-$run-n$1"; }
cli() { ip netns exec "$host_ns" gregor "$@"; }
# The published host ports (HOST_CLIENT_PORT_i, HOST_HTTP_PORT_i, HOST_KAFKA_PORT_i), as compose
# reads them: the shell's value, else .env's.
while IFS='=' read -r name value; do
  case $name in '' | '#'*) continue ;; esac
  [ -n "$(printenv "$name")" ] || export "$name=$value"
done <"$repo/.env"
published() { printenv "HOST_$1_PORT_$2"; }

cleanup() {
  for i in 1 2 3; do
    [ ! -f "$work/pid-$i" ] || kill -9 "$(cat "$work/pid-$i")" 2>/dev/null || true
  done
  lab down "$run" # kills what still runs in the namespaces (socat too)
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that the EXIT trap runs on a signal too
lab sweep

net=$(lab up "$run" 3) # node i at $net.1i, the host (bridge) at $net.2
for i in 1 2 3; do
  mkdir -p "/etc/netns/$(node_ns "$i")"
  printf '127.0.0.1 localhost\n%s.11 gregor-1\n%s.12 gregor-2\n%s.13 gregor-3\n' "$net" "$net" "$net" >"/etc/netns/$(node_ns "$i")/hosts"
done

# The services' environments, ${...} interpolated from the environment (the
# .env values above) and merge keys applied, one KEY=VALUE per line.
node -e '
  const { parse } = require(process.argv[1]);
  const text = require("fs").readFileSync(process.argv[2], "utf8").replace(/\$\{(\w+)(?::?[?-][^}]*)?\}/g, (_, name) => process.env[name]);
  const doc = parse(text, { merge: true });
  for (const [name, s] of Object.entries(doc.services)) {
    if (s.profiles !== undefined) continue; // optional services (connect) are not simulated
    const lines = Object.entries(s.environment).map(([k, v]) => `${k}=${v}`);
    require("fs").writeFileSync(`${process.argv[3]}/${name}.env`, lines.join("\n") + "\n");
  }' "$repo/deploy/node_modules/yaml" "$repo/docker-compose.yml" "$work"

start_node() {
  i=$1
  env_args=$(grep -v '^GREGOR_LOG_DIRS=' "$work/gregor-$i.env" | tr '\n' ' ')
  # shellcheck disable=SC2086 # one word per KEY=VALUE (no spaces in our values)
  ip netns exec "$(node_ns "$i")" env -i PATH="$PATH" HOSTNAME="gregor-$i" HOME="$work" $env_args \
    GREGOR_LOG_DIRS="$work/data-$i" tini -s -- gregor-entrypoint >>"$work/gregor-$i.log" 2>&1 &
  echo $! >"$work/pid-$i"
}

# docker-proxy: host 127.0.0.1:PUBLISHED → container:TARGET.
for i in 1 2 3; do
  ip netns exec "$host_ns" socat "TCP-LISTEN:$(published CLIENT "$i"),bind=127.0.0.1,reuseaddr,fork" "TCP:$net.1$i:$((9091 + i))" &
  ip netns exec "$host_ns" socat "TCP-LISTEN:$(published HTTP "$i"),bind=127.0.0.1,reuseaddr,fork" "TCP:$net.1$i:$((9291 + i))" &
  ip netns exec "$host_ns" socat "TCP-LISTEN:$(published KAFKA "$i"),bind=127.0.0.1,reuseaddr,fork" "TCP:$net.1$i:$((9391 + i))" &
  start_node "$i"
done

wait_ready() {
  deadline=$(($(date +%s) + 90))
  until ip netns exec "$host_ns" env -i HEALTHCHECK_URL="http://127.0.0.1:$(published HTTP "$1")/readyz" "$image/bin/gregor-healthcheck" >/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "gregor-$1 not ready:"; tail -20 "$work/gregor-$1.log"; exit 1; }
    sleep 0.5
  done
  echo "gregor-$1 ready"
}
for i in 1 2 3; do wait_ready "$i"; done

all=localhost:$(published CLIENT 1),localhost:$(published CLIENT 2),localhost:$(published CLIENT 3)
cli topic create sim --partitions 3 --bootstrap "$all"
cli topic describe sim --bootstrap "$all"
seq 1 100 | cli produce sim --bootstrap "$all"

echo "== SIGKILL gregor-2 (docker compose kill gregor-2)"
kill -9 "$(cat "$work/pid-2")"
ip netns pids "$(node_ns 2)" | xargs -r kill -9 2>/dev/null || true
seq 101 200 | cli produce sim --bootstrap "$all"
got=$(cli consume sim --from-beginning --max-messages 200 --timeout-ms 20000 --bootstrap "localhost:$(published CLIENT 3)" | sort -n | uniq | wc -l)
[ "$got" -eq 200 ] || { echo "consumed $got distinct values through localhost:$(published CLIENT 3), expected 200"; exit 1; }
echo "consumed 200 distinct values through localhost:$(published CLIENT 3) with gregor-2 down"
cli topic describe sim --bootstrap "$all"

echo "== the CLI inside a container (docker compose exec gregor-3 gregor ...), bootstrapping from INTERNAL"
# shellcheck disable=SC2046 # one word per KEY=VALUE
in3() { ip netns exec "$(node_ns 3)" env -i PATH="$PATH" HOME="$work" $(grep '^GREGOR_CLI_' "$work/gregor-3.env") gregor "$@"; }
seq 201 300 | in3 produce sim
got=$(in3 consume sim --from-beginning --max-messages 300 --timeout-ms 20000 | sort -n | uniq | wc -l)
[ "$got" -eq 300 ] || { echo "consumed $got distinct values inside gregor-3's namespace, expected 300"; exit 1; }
echo "produced and consumed inside gregor-3's namespace: 300 distinct values"

echo "== restart gregor-2 (docker compose start gregor-2)"
start_node 2
wait_ready 2
deadline=$(($(date +%s) + 60))
until cli topic describe sim --json --bootstrap "$all" | node -e '
  const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const topic = Array.isArray(d) ? d[0] : d;
  process.exit(topic.partitions.every((p) => p.isr.length === 3) ? 0 : 1)'; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "gregor-2 did not rejoin every ISR"; cli topic describe sim --bootstrap "$all"; exit 1; }
  sleep 1
done
cli topic describe sim --bootstrap "$all"
echo "== ok: gregor-2 is back in every ISR (logs in $work)"
