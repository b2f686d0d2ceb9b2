#!/usr/bin/env bash
# The classic failover demo with Kafka's own tools, narrated (issue 12 item 8):
#   a 3-node dev cluster in a temp dir, a topic with replication factor 3 and
#   min.insync.replicas 2; a Python producer (kafka-python) sending a counter
#   every 200 ms through node 1's KAFKA listener; a console consumer (kcat)
#   bootstrapped only from node 2's, reading the partition node 2 leads;
#   kill -9 node 2, watch kcat carry on from the new leader with no gap,
#   restart node 2 and watch it rejoin the ISR.
# Exits 0 only if kcat received every acknowledged counter value exactly once
# and in order; cleans up every process it started. Needs kcat and Debian's
# python3-kafka (bash scripts/install-kafka-clients.sh installs them).
#
# Environment:
#   DEMO_SECONDS    rough length of the whole demo (default 60; CI uses ~24)
#   DEMO_BASE_PORT  base port of the cluster (default: a free one found at start)
#   DEMO_KEEP_DIR   set to keep the cluster dir (logs) after the demo
#   DEMO_BUILD      "always" to run `pnpm build` even when dist/ exists
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEMO_SECONDS="${DEMO_SECONDS:-60}"
TOPIC=counter
NODE=(node --enable-source-maps)
CLI="$ROOT/packages/cli/dist/bin.js"
CLIENT="$ROOT/scripts/dist/failover-demo-client.js"
PYTHON=/usr/bin/python3 # where Debian's python3-kafka lives, whatever python3 is first on PATH

# shellcheck source=scripts/demo-lib.sh
source "$ROOT/scripts/demo-lib.sh"
gregor() { printf '$ gregor %s\n' "$*"; "${NODE[@]}" "$CLI" "$@"; }
demo_client() { "${NODE[@]}" "$CLIENT" "$@"; }

bash "$ROOT/scripts/install-kafka-clients.sh" check || {
  say "FAILED: the demo needs kcat and kafka-python: sudo bash scripts/install-kafka-clients.sh"
  exit 1
}
demo_build_if_needed

DIR="$(mktemp -d "${TMPDIR:-/tmp}/gregor-kafka-demo.XXXXXX")"
PRODUCER_PID=""
CONSUMER_PID=""
NARRATOR_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in $PRODUCER_PID $CONSUMER_PID; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in $PRODUCER_PID $CONSUMER_PID; do wait "$pid" 2>/dev/null || true; done
  # The narrator ends when the last writer of fd 3 (kcat, and this shell) has closed it.
  exec 3>&-
  [ -z "$NARRATOR_PID" ] || wait "$NARRATOR_PID" 2>/dev/null || true
  demo_remove_cluster
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BASE="${DEMO_BASE_PORT:-$(demo_client free-port)}"
RATE=5 # counter values per second (one every 200 ms)
PHASE=$((DEMO_SECONDS / 6)); ((PHASE >= 3)) || PHASE=3

# ---- cluster -------------------------------------------------------------------
step "Starting a 3-node Gregor cluster in $DIR"
# kafka-python 2.0.2 has no idempotent producer: a send that is in flight when
# leadership moves can be written twice by its retry (Kafka behaves the same).
# The kill lands between two sends for that reason, and node 2 does not take
# back its preferred partition on return (auto.leader.rebalance.enable=false),
# which would be a second leadership move under the producer.
gregor dev-cluster up --nodes 3 --dir "$DIR" --base-port "$BASE" --config auto.leader.rebalance.enable=false
GRPC_ALL="127.0.0.1:$BASE,127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2))"
KAFKA1="127.0.0.1:$((BASE + 300))"
KAFKA2="127.0.0.1:$((BASE + 301))"
say "Each node speaks Kafka's protocol on its KAFKA listener: node 1 $KAFKA1, node 2 $KAFKA2, node 3 127.0.0.1:$((BASE + 302))."
printf '$ kcat -b %s -L\n' "$KAFKA2"
kcat -b "$KAFKA2" -L | head -n 5

step "Creating topic '$TOPIC': 3 partitions, replication factor 3, min.insync.replicas 2"
gregor topic create "$TOPIC" --partitions 3 --replication-factor 3 --config min.insync.replicas=2 --bootstrap "$GRPC_ALL"
PARTITION="$(demo_client partition-led-by --bootstrap "$GRPC_ALL" --topic "$TOPIC" --node 2)" || {
  say "FAILED: node 2 leads no partition of $TOPIC"
  exit 1
}
say "Node 2 leads partition $PARTITION: the counter goes there, so killing node 2 kills the leader kcat reads from."

# ---- producer and consumer -------------------------------------------------------
step "kafka-python producer (bootstrap: node 1 only) and kcat consumer (bootstrap: node 2 only)"
ACKED="$DIR/acked.txt"
RECEIVED="$DIR/received.txt"
INFLIGHT="$DIR/in-flight.txt"
: > "$ACKED"
: > "$RECEIVED"
"$PYTHON" "$ROOT/scripts/kafka-demo-producer.py" "$KAFKA1" "$TOPIC" "$PARTITION" 200 "$ACKED" "$INFLIGHT" &
PRODUCER_PID=$!
printf '$ kcat -C -b %s -t %s -p %s -o beginning -u -f %s\n' "$KAFKA2" "$TOPIC" "$PARTITION" "'%s\\n'"
# kcat's own messages (connection refused, leader changes) are narrated with
# a prefix, by a sed on fd 3 that the script closes and waits for at the end.
exec 3> >(sed -u 's/^/consumer | kcat: /' >&2)
NARRATOR_PID=$!
kcat -C -b "$KAFKA2" -t "$TOPIC" -p "$PARTITION" -o beginning -u -f '%s\n' > "$RECEIVED" 2>&3 &
CONSUMER_PID=$!
say "producer pid $PRODUCER_PID, consumer pid $CONSUMER_PID"

received_at_least() { (($(count_lines "$RECEIVED") >= $1)); }
wait_for 60 "kcat to receive $((PHASE * RATE)) values" received_at_least $((PHASE * RATE))
say "kcat has received $(count_lines "$RECEIVED") values, the last $(tail -n 1 "$RECEIVED")."

# ---- kill -9 node 2 -------------------------------------------------------------
NODE2_PID="$(node -e 'console.log(require(process.argv[1]).nodes.find((n) => n.id === 2).pid)' "$DIR/cluster.json")"
step "kill -9 node 2 (pid $NODE2_PID): the partition leader and kcat's only bootstrap node"
# kafka-python 2.0.2 has no idempotent producer: if node 2 died after
# replicating a value but before its answer left, the retry would append it
# a second time (the SDK's and librdkafka's idempotent producers deduplicate
# that case; scripts/failover-demo.sh kills mid-send on purpose). So the kill
# lands between two sends: just after an acknowledgement, ~200 ms before the
# next value.
deadline=$((SECONDS + 10))
until [ ! -e "$INFLIGHT" ] || ((SECONDS >= deadline)); do :; done
kill -9 "$NODE2_PID"
AT_KILL="$(count_lines "$ACKED")"
if [ -e "$INFLIGHT" ]; then
  say "killed with value $(cat "$INFLIGHT" 2>/dev/null) in flight (no quiet moment came within 10 s); $AT_KILL values acknowledged before."
else
  say "killed between two sends; $AT_KILL values acknowledged before."
fi
say "The controller fences node 2 when its session expires and elects a new leader from the ISR."
say "kcat knows every broker from its first Metadata answer, so it asks node 1 or 3 who leads now and fetches from there."
wait_for 90 "kcat to receive values sent after the kill" received_at_least $((AT_KILL + 2 * RATE))
SERVING="$(demo_client serving-node --cluster-dir "$DIR" --topic "$TOPIC" --timeout-ms 10000)" || {
  say "FAILED: no node served kcat after the failover"
  exit 1
}
NEW_LEADER="$(demo_client leader-of --bootstrap "127.0.0.1:$BASE" --topic "$TOPIC" --partition "$PARTITION")"
say "kcat carried on from node $SERVING (the new leader of $TOPIC-$PARTITION is node $NEW_LEADER), without a gap: $(count_lines "$RECEIVED") values, the last $(tail -n 1 "$RECEIVED")."
gregor topic describe "$TOPIC" --bootstrap "127.0.0.1:$BASE"
sleep "$PHASE" # let the demo run on two nodes for a moment (pacing for the watcher, not a wait for a condition)

# ---- restart node 2 ---------------------------------------------------------------
step "Restarting node 2: it rejoins, catches up from the leader and re-enters the ISR"
gregor dev-cluster restart 2 --dir "$DIR"
demo_client wait-isr --bootstrap "127.0.0.1:$BASE" --topic "$TOPIC" --partition "$PARTITION" --node 2 --timeout-ms 90000 || {
  say "FAILED: node 2 did not rejoin the ISR of $TOPIC-$PARTITION"
  exit 1
}
say "Node 2 is back in the ISR of $TOPIC-$PARTITION (as a follower: leadership stays where it is in this demo, see the top of the script):"
gregor topic describe "$TOPIC" --bootstrap "127.0.0.1:$BASE"
sleep "$PHASE" # keep producing for a moment with all three nodes back (pacing)

# ---- stop and check ------------------------------------------------------------------
step "Stopping the producer, letting kcat catch up, checking every value"
kill -TERM "$PRODUCER_PID"
PRODUCER_STATUS=0
wait "$PRODUCER_PID" || PRODUCER_STATUS=$?
PRODUCER_PID=""
LAST="$(sort -n "$ACKED" | tail -n 1)"
consumer_has_last() { [ "$(tail -n 1 "$RECEIVED")" = "$LAST" ] || (($(count_lines "$RECEIVED") > LAST + 1)); }
wait_for 60 "kcat to receive the last acknowledged value $LAST" consumer_has_last || true
kill -TERM "$CONSUMER_PID"
wait "$CONSUMER_PID" || true
CONSUMER_PID=""
say "consumer | kcat stopped; received up to $(tail -n 1 "$RECEIVED")"

if [ "$PRODUCER_STATUS" -ne 0 ]; then say "FAILED: the producer could not send a value (see above)"; exit 1; fi
check_counter "$ACKED" "$RECEIVED" "$LAST" || exit 1
say "OK: every value 0..$LAST arrived exactly once and in order at kcat, through kill -9 of node 2 and its return."
