#!/usr/bin/env bash
# The classic failover demo, narrated (issue 6 item 7):
#   a 3-node dev cluster in a temp dir, a topic with replication factor 3,
#   a producer sending a counter every 200 ms through node 1, a consumer
#   bootstrapped only from node 2 reading the partition node 2 leads;
#   kill -9 node 2 while a send is in flight (the producer sends the
#   SIGKILL itself, right after handing a value over), watch the consumer
#   switch to another node with no gap, restart node 2, watch it rejoin the
#   ISR and take back the leadership of its preferred partition.
# Exits 0 only if the consumer received every acknowledged counter value
# exactly once and in order; cleans up every process it started.
#
# Environment:
#   DEMO_SECONDS    rough length of the whole demo (default 60; CI uses ~30)
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

# shellcheck source=scripts/demo-lib.sh
source "$ROOT/scripts/demo-lib.sh"
gregor() { printf '$ gregor %s\n' "$*"; "${NODE[@]}" "$CLI" "$@"; }
demo_client() { "${NODE[@]}" "$CLIENT" "$@"; }

# ---- build if needed ---------------------------------------------------------
demo_build_if_needed

DIR="$(mktemp -d "${TMPDIR:-/tmp}/gregor-failover-demo.XXXXXX")"
PRODUCER_PID=""
CONSUMER_PID=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # Only still set when the demo failed half-way: no graceful stop needed (a
  # producer waiting on a dead cluster would retry for its delivery timeout).
  for pid in $PRODUCER_PID $CONSUMER_PID; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in $PRODUCER_PID $CONSUMER_PID; do wait "$pid" 2>/dev/null || true; done
  demo_remove_cluster
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BASE="${DEMO_BASE_PORT:-$(demo_client free-port)}"
RATE=5 # counter values per second (one every 200 ms)
PHASE=$((DEMO_SECONDS / 6)); ((PHASE >= 3)) || PHASE=3

# ---- cluster -------------------------------------------------------------------
step "Starting a 3-node Gregor cluster (combined broker+controller nodes) in $DIR"
gregor dev-cluster up --nodes 3 --dir "$DIR" --base-port "$BASE"
BOOT1="127.0.0.1:$BASE"
BOOT2="127.0.0.1:$((BASE + 1))"
ALL="$BOOT1,$BOOT2,127.0.0.1:$((BASE + 2))"

step "Creating topic '$TOPIC': 3 partitions, replication factor 3, min.insync.replicas 2"
gregor topic create "$TOPIC" --partitions 3 --replication-factor 3 --config min.insync.replicas=2 --bootstrap "$ALL"
gregor topic describe "$TOPIC" --bootstrap "$ALL"
PARTITION="$(demo_client partition-led-by --bootstrap "$ALL" --topic "$TOPIC" --node 2)" || {
  say "FAILED: node 2 leads no partition of $TOPIC"
  exit 1
}
say "Node 2 leads partition $PARTITION: the counter goes there, so killing node 2 kills the leader the consumer reads from."

# ---- producer and consumer -------------------------------------------------------
step "Producer (bootstrap: node 1 only) and consumer (bootstrap: node 2 only)"
ACKED="$DIR/acked.txt"
RECEIVED="$DIR/received.txt"
: > "$ACKED"
: > "$RECEIVED"
KILL_REQUEST="$DIR/kill-request"
# What is happening to the cluster, for the producer to explain a slow send with (nothing: no excuse).
PHASE_FILE="$DIR/phase"
phase() { printf '%s\n' "$*" > "$PHASE_FILE"; }
# Started directly (not through a shell function) so that $! is the node process itself.
"${NODE[@]}" "$CLIENT" produce --bootstrap "$BOOT1" --topic "$TOPIC" --partition "$PARTITION" --interval-ms 200 --acked-file "$ACKED" \
  --kill-request-file "$KILL_REQUEST" --phase-file "$PHASE_FILE" &
PRODUCER_PID=$!
"${NODE[@]}" "$CLIENT" consume --bootstrap "$BOOT2" --topic "$TOPIC" --partition "$PARTITION" --out-file "$RECEIVED" --cluster-dir "$DIR" &
CONSUMER_PID=$!
say "producer pid $PRODUCER_PID, consumer pid $CONSUMER_PID"

received_at_least() { (($(count_lines "$RECEIVED") >= $1)); }
wait_for 60 "the consumer to receive $((PHASE * RATE)) values" received_at_least $((PHASE * RATE))

# ---- kill -9 node 2 -------------------------------------------------------------
NODE2_PID="$(node -e 'console.log(require(process.argv[1]).nodes.find((n) => n.id === 2).pid)' "$DIR/cluster.json")"
step "kill -9 node 2 (pid $NODE2_PID): the partition leader and the consumer's only bootstrap node"
# The kill lands while a send is in flight: the producer sends the SIGKILL
# itself, right after handing its next value to the client, so that value
# (and any other not yet answered) is in flight at that instant. Where
# exactly it lands — before node 2 got the request, after node 2 appended
# the value, after the followers copied it but before the answer left, or
# in the answer's way back — is chance; the idempotent producer (on by
# default) must make every case come out exactly once: its retry carries
# the same producer id and sequence, and the new leader, which has the
# producer state replicated with the log, answers it as a duplicate
# instead of appending the value again (KIP-98).
phase "the failover after node 2's kill"
echo "$NODE2_PID" > "$KILL_REQUEST"
kill_done() { [ -s "$KILL_REQUEST.done" ]; }
wait_for 10 "the producer to kill node 2" kill_done
IN_FLIGHT_AT_KILL="$(tr -s ' \n' ' ' < "$KILL_REQUEST.done" | sed 's/ *$//')"
AT_KILL="$(count_lines "$ACKED")"
say "kill -9 $NODE2_PID sent by the producer with value(s) $IN_FLIGHT_AT_KILL in flight (handed to the producer, not yet acknowledged); $AT_KILL values acknowledged before."
say "The controller fences node 2 when its session expires and elects a new leader from the ISR; the producer retries what was in flight."
wait_for 90 "the consumer to receive values sent after the kill" received_at_least $((AT_KILL + 2 * RATE))
# Where the consumer fetches from now, as the nodes count the records they serve it.
SERVING="$(demo_client serving-node --cluster-dir "$DIR" --topic "$TOPIC" --timeout-ms 10000)" || {
  say "FAILED: no node served the consumer after the failover"
  exit 1
}
NEW_LEADER="$(demo_client leader-of --bootstrap "$BOOT1" --topic "$TOPIC" --partition "$PARTITION")"
say "The consumer carried on from node $SERVING (the new leader of $TOPIC-$PARTITION is node $NEW_LEADER), without a gap:"
rm -f "$PHASE_FILE" # the failover is over: a slow send from here on has no excuse
gregor topic describe "$TOPIC" --bootstrap "$BOOT1"
sleep "$PHASE" # let the demo run on two nodes for a moment (pacing for the watcher, not a wait for a condition)

# ---- restart node 2 ---------------------------------------------------------------
step "Restarting node 2: it rejoins, catches up from the leader and re-enters the ISR"
gregor dev-cluster restart 2 --dir "$DIR"
# Node 2 is the preferred leader of the partition (the first of its
# replicas, as placement made it): once it is in sync again, the active
# controller's leader rebalance (every leader.imbalance.check.interval.seconds)
# hands the leadership back, as Kafka's auto.leader.rebalance does, and the
# consumer follows it.
say "Node 2 is the preferred leader of $TOPIC-$PARTITION (first in its replica list): once it is in sync again, the controller hands the leadership back to it at its next leader rebalance, and the consumer follows it back to node 2."
phase "node 2 taking back the leadership of $TOPIC-$PARTITION (preferred leader)"
demo_client wait-isr --bootstrap "$BOOT1" --topic "$TOPIC" --partition "$PARTITION" --node 2 --timeout-ms 90000 || {
  say "FAILED: node 2 did not rejoin the ISR of $TOPIC-$PARTITION"
  exit 1
}
say "Node 2 is back in the ISR of $TOPIC-$PARTITION:"
gregor topic describe "$TOPIC" --bootstrap "$BOOT1"
leader_is_2() { [ "$(demo_client leader-of --bootstrap "$BOOT1" --topic "$TOPIC" --partition "$PARTITION")" = 2 ]; }
deadline=$((SECONDS + 30))
until leader_is_2 || ((SECONDS >= deadline)); do sleep 0.5; done
if leader_is_2; then
  say "Node 2 leads $TOPIC-$PARTITION again."
else
  say "Node 2 has not taken $TOPIC-$PARTITION back within 30 s; it will at a later rebalance (not a failure of the demo)."
fi
sleep "$PHASE" # keep producing for a moment with all three nodes back (pacing)
rm -f "$PHASE_FILE"

# ---- stop and check ------------------------------------------------------------------
step "Stopping the producer, letting the consumer catch up, checking every value"
kill -TERM "$PRODUCER_PID"
PRODUCER_STATUS=0
wait "$PRODUCER_PID" || PRODUCER_STATUS=$?
PRODUCER_PID=""
# Answers can arrive out of order in the file only across a failure (the
# producer then exits non-zero); the highest acknowledged value is the bar.
LAST="$(sort -n "$ACKED" | tail -n 1)"
consumer_has_last() { [ "$(tail -n 1 "$RECEIVED")" = "$LAST" ] || (($(count_lines "$RECEIVED") > LAST + 1)); }
wait_for 60 "the consumer to receive the last acknowledged value $LAST" consumer_has_last || true
kill -TERM "$CONSUMER_PID"
wait "$CONSUMER_PID" || true
CONSUMER_PID=""

if [ "$PRODUCER_STATUS" -ne 0 ]; then say "FAILED: the producer could not send a value (see above)"; exit 1; fi
check_counter "$ACKED" "$RECEIVED" "$LAST" || exit 1
say "OK: every value 0..$LAST arrived exactly once and in order, through kill -9 of node 2 and its return."
