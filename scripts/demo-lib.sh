# Shared by the narrated demos (scripts/failover-demo.sh, scripts/kafka-demo.sh);
# sourced, not run.

# Bold headings on a terminal only: no escape codes in a log or a pipe.
if [ -t 1 ]; then BOLD=$'\033[1m' PLAIN=$'\033[0m'; else BOLD='' PLAIN=''; fi
step() { printf '\n%s=== %s%s\n' "$BOLD" "$*" "$PLAIN"; }
say() { printf '>>> %s\n' "$*"; }
# Polls a condition (a shell command) every 0.2 s until it holds or SECONDS pass.
wait_for() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then say "FAILED: waited ${seconds}s for $what"; return 1; fi
    sleep 0.2
  done
}
count_lines() { [ -f "$1" ] && wc -l < "$1" | tr -d ' ' || echo 0; }

# check_counter ACKED RECEIVED LAST: the consumer's file must hold 0..LAST
# (the highest acknowledged value), each exactly once and in order. Prints
# the verdict; returns 1 on any duplicate, gap or disorder.
check_counter() {
  local acked="$1" received="$2" last="$3"
  local duplicates missing in_order=yes
  duplicates="$(sort -n "$received" | uniq -d | head -n 5 | tr '\n' ' ')"
  missing="$(comm -23 <(seq 0 "$last" | sort) <(sort -u "$received") | sort -n | head -n 5 | tr '\n' ' ')"
  seq 0 "$last" | cmp -s - "$received" || in_order=no
  say "producer: $(count_lines "$acked") values acknowledged (0..$last); consumer: $(count_lines "$received") received"
  if [ -n "$duplicates" ]; then say "FAILED: duplicated values: $duplicates"; return 1; fi
  if [ -n "$missing" ]; then say "FAILED: missing values: $missing"; return 1; fi
  if [ "$in_order" != yes ]; then say "FAILED: values out of order or unexpected extra values"; return 1; fi
}

# Builds Gregor when a program the demo runs is missing (or DEMO_BUILD=always).
# Uses the caller's ROOT, CLI and CLIENT.
demo_build_if_needed() {
  if [ "${DEMO_BUILD:-}" = always ] || [ ! -f "$ROOT/packages/node/dist/bin.js" ] || [ ! -f "$CLI" ] || [ ! -f "$CLIENT" ]; then
    step "Building Gregor (pnpm build)"
    pnpm -s build
  fi
}

# Stops the demo's cluster in $DIR — and, belt and braces, kill -9 of any of
# its nodes still running — then removes $DIR unless DEMO_KEEP_DIR is set.
demo_remove_cluster() {
  if [ -f "$DIR/cluster.json" ]; then
    "${NODE[@]}" "$CLI" dev-cluster down --dir "$DIR" >/dev/null 2>&1 || true
    for pid in $(node -e 'for (const n of require(process.argv[1]).nodes) console.log(n.pid)' "$DIR/cluster.json" 2>/dev/null); do
      kill -9 "$pid" 2>/dev/null || true
    done
  fi
  if [ -n "${DEMO_KEEP_DIR:-}" ]; then echo "(cluster dir kept: $DIR)"; else rm -rf "$DIR"; fi
}
