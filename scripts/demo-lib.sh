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
