#!/usr/bin/env bash
# A small network lab for partition tests: each node in its own Linux network
# namespace, all plugged into one bridge, and the root namespace (where the
# test process and its SDK client run) plugged in too, so faults can be cut
# between any two nodes, or between the client and a node. Needs root.
#
#   netns.sh check             can this machine run the lab? (installs iproute2
#                              and iptables with apt-get when missing)
#   netns.sh up RUN N          namespaces gregor-pt-RUN-hub (bridge br0) and
#                              gregor-pt-RUN-n1..nN; prints "SUBNET" (10.231.S):
#                              node i is 10.231.S.(10+i), the client (root
#                              namespace) 10.231.S.1, the hub 10.231.S.2 (it can
#                              play a host on the nodes' network)
#   netns.sh down RUN          kills every process in the run's namespaces and
#                              deletes them, their /etc/netns/NS files and the
#                              root end of the link
#   netns.sh sweep             `down` for every run whose owner process is gone
#                              (leftovers of a crashed run)
#   netns.sh cut RUN A B [A B]...
#                              drop everything between A and B (both ways),
#                              for every pair at once
#   netns.sh block RUN A B [A B]...
#                              one-way: connections A opens to B are dropped
#                              (every packet of them, SYN included), while B's
#                              connections to A work, replies and all
#   netns.sh heal RUN          remove every fault rule of the run (the one
#                              `up` puts in each node's mangle table to keep
#                              connection tracking on stays)
#   netns.sh rules RUN         print each namespace's rules (for failure logs)
#
# A and B are node numbers, or "client" (the root namespace). RUN is the pid
# of the process that owns the lab: two runs never share a name, and `sweep`
# knows a run is a leftover when that process is gone. Every rule lives in
# the filter table of the node namespaces this script made; the root
# namespace gets only the veth end gpt<RUN> with 10.231.S.1/24, and the
# subnet S is one no other interface of the root namespace uses.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

PREFIX=gregor-pt-
LOCK=/run/lock/gregor-netns.lock

die() { echo "netns.sh: $*" >&2; exit 1; }
ns_of() { echo "${PREFIX}$1-n$2"; }
hub_of() { echo "${PREFIX}$1-hub"; }
root_if() { echo "gpt$1"; }
check_run() { [[ "$1" =~ ^[0-9]+$ ]] || die "RUN must be the owner's pid, got \"$1\""; }

# The namespaces of a run, hub last.
run_namespaces() {
  ip netns list | awk '{print $1}' | grep -E "^${PREFIX}$1-n[0-9]+\$" || true
  if ip netns list | awk '{print $1}' | grep -qx "$(hub_of "$1")"; then hub_of "$1"; fi
}

cmd_check() {
  [ "$(id -u)" = 0 ] || die "needs root (uid is $(id -u))"
  [ "$(uname -s)" = Linux ] || die "needs Linux network namespaces"
  if ! command -v ip >/dev/null || ! command -v iptables >/dev/null; then
    command -v apt-get >/dev/null || die "ip or iptables missing and no apt-get to install iproute2/iptables"
    echo "netns.sh: installing iproute2 and iptables" >&2
    (apt-get install -y --no-install-recommends iproute2 iptables >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends iproute2 iptables >/dev/null 2>&1; }) ||
      die "apt-get install iproute2 iptables failed"
  fi
  local probe="${PREFIX}probe-$$"
  ip netns add "$probe" 2>/dev/null || die "cannot create a network namespace (ip netns add failed)"
  local ok=1
  ip netns exec "$probe" iptables -A OUTPUT -m conntrack --ctdir ORIGINAL -d 10.231.0.1 -j DROP 2>/dev/null || ok=0
  ip netns del "$probe"
  [ "$ok" = 1 ] || die "iptables with the conntrack match does not work inside a namespace"
  echo ok
}

# A /24 in 10.231/16 that no interface of the root namespace uses.
free_subnet() {
  local used s
  used=$(ip -4 -o addr show | awk '{print $4}' | awk -F. '$1 == 10 && $2 == 231 {print $3}')
  for s in $(seq 1 254); do
    grep -qx "$s" <<<"$used" || { echo "10.231.$s"; return; }
  done
  die "no free 10.231.x.0/24 subnet"
}

cmd_up() {
  local run=$1 n=$2 hub net i ns
  check_run "$run"
  [[ "$n" =~ ^[1-9]$ ]] || die "N must be 1..9, got \"$n\""
  hub=$(hub_of "$run")
  mkdir -p "$(dirname "$LOCK")"
  exec 9>"$LOCK"
  flock 9 # two runs must not pick the same subnet
  [ -z "$(run_namespaces "$run")" ] || die "run $run already has namespaces; netns.sh down $run first"
  net=$(free_subnet)
  ip netns add "$hub"
  ip -n "$hub" link set lo up
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" addr add "$net.2/24" dev br0
  ip -n "$hub" link set br0 up
  for i in $(seq 1 "$n"); do
    ns=$(ns_of "$run" "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add "n$i" netns "$hub" type veth peer name eth0 netns "$ns"
    ip -n "$hub" link set "n$i" master br0 up
    ip -n "$ns" addr add "$net.$((10 + i))/24" dev eth0
    ip -n "$ns" link set eth0 up
    # Connection tracking from the first packet on, for the life of the
    # namespace: it starts only when a rule needs it and stops when the
    # last such rule goes (heal flushes the filter table), and a connection
    # it first sees mid-stream gets as ORIGINAL direction that of whichever
    # packet comes first — so `block` cut long-lived connections (gRPC
    # channels) opened the other way, or not, by chance. This rule in the
    # mangle table, which heal leaves alone, keeps it on; it matches
    # nothing that it changes.
    ip netns exec "$ns" iptables -w -t mangle -A OUTPUT -m conntrack --ctstate INVALID -j RETURN
  done
  ip link add "$(root_if "$run")" type veth peer name client netns "$hub"
  ip -n "$hub" link set client master br0 up
  ip addr add "$net.1/24" dev "$(root_if "$run")"
  ip link set "$(root_if "$run")" up
  echo "$net"
}

cmd_down() {
  local run=$1 ns pids
  check_run "$run"
  for ns in $(run_namespaces "$run"); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns" # files `ip netns exec` mounts into it (a caller's hosts file)
  done
  ip link del "$(root_if "$run")" 2>/dev/null || true
}

cmd_sweep() {
  local run
  for run in $(ip netns list | awk '{print $1}' | sed -nE "s/^${PREFIX}([0-9]+)-.*/\\1/p" | sort -u); do
    if ! kill -0 "$run" 2>/dev/null; then
      echo "netns.sh: removing leftovers of run $run (its process is gone)" >&2
      cmd_down "$run"
    fi
  done
}

# 10.231.S of a run, from the root end of its link.
subnet_of() {
  local net
  net=$(ip -4 -o addr show dev "$(root_if "$1")" 2>/dev/null | awk '{split($4, a, "/"); print a[1]}')
  [ -n "$net" ] || die "no lab for run $1"
  echo "${net%.1}"
}

addr_of() {
  local net=$1 who=$2
  if [ "$who" = client ]; then echo "$net.1"
  elif [[ "$who" =~ ^[1-9]$ ]]; then echo "$net.$((10 + who))"
  else die "\"$who\" is neither a node number nor client"
  fi
}

# Rules are collected per node namespace (the client's side of a rule is
# always put in the node's namespace: the root namespace gets none) and then
# go in with one iptables-restore per namespace, so that a fault of several
# links starts at once rather than rule by rule.
declare -A RULES=()
rule() { [ "$1" = client ] || RULES[$1]+="$2"$'\n'; }
apply_rules() {
  local run=$1 who
  for who in "${!RULES[@]}"; do
    printf '*filter\n%sCOMMIT\n' "${RULES[$who]}" | ip netns exec "$(ns_of "$run" "$who")" iptables-restore -w --noflush &
  done
  wait_all
}
# Waits for every background job; fails if any failed.
wait_all() {
  local pid failed=0
  for pid in $(jobs -p); do wait "$pid" || failed=1; done
  [ "$failed" = 0 ] || die "an iptables call failed"
}

# cut RUN A B [A B]...: drop everything between each pair, both ways.
cmd_cut() {
  local run=$1 net a b
  shift
  net=$(subnet_of "$run")
  while [ $# -ge 2 ]; do
    a=$(addr_of "$net" "$1") b=$(addr_of "$net" "$2")
    rule "$1" "-A OUTPUT -d $b -j DROP"
    rule "$1" "-A INPUT -s $b -j DROP"
    rule "$2" "-A OUTPUT -d $a -j DROP"
    rule "$2" "-A INPUT -s $a -j DROP"
    shift 2
  done
  apply_rules "$run"
}

# block RUN A B [A B]...: one-way, connections A opens to B are dropped.
cmd_block() {
  local run=$1 net a b
  shift
  net=$(subnet_of "$run")
  while [ $# -ge 2 ]; do
    a=$(addr_of "$net" "$1") b=$(addr_of "$net" "$2")
    # conntrack's ORIGINAL direction is that of the side that opened the
    # connection: in A, packets of connections A opened to B; in B, packets
    # of connections that arrive from A. B's own connections to A (and A's
    # replies on them) are in the REPLY direction on both sides: they pass.
    rule "$1" "-A OUTPUT -d $b -m conntrack --ctdir ORIGINAL -j DROP"
    rule "$2" "-A INPUT -s $a -m conntrack --ctdir ORIGINAL -j DROP"
    shift 2
  done
  apply_rules "$run"
}

cmd_heal() {
  local run=$1 ns
  for ns in $(run_namespaces "$run"); do
    [ "$ns" = "$(hub_of "$run")" ] || ip netns exec "$ns" iptables -w -F &
  done
  wait_all
}

cmd_rules() {
  local run=$1 ns
  for ns in $(run_namespaces "$run"); do
    [ "$ns" = "$(hub_of "$run")" ] || { echo "== $ns"; ip netns exec "$ns" iptables -w -S | grep -v '^-P' || true; }
  done
}

case "${1:-}" in
  check) cmd_check ;;
  up) [ $# = 3 ] || die "usage: netns.sh up RUN N"; cmd_up "$2" "$3" ;;
  down) [ $# = 2 ] || die "usage: netns.sh down RUN"; cmd_down "$2" ;;
  sweep) cmd_sweep ;;
  cut | block)
    [ $# -ge 4 ] && [ $(($# % 2)) = 0 ] || die "usage: netns.sh $1 RUN A B [A B]..."
    check_run "$2"
    cmd=$1
    shift
    "cmd_$cmd" "$@"
    ;;
  heal) [ $# = 2 ] || die "usage: netns.sh heal RUN"; cmd_heal "$2" ;;
  rules) [ $# = 2 ] || die "usage: netns.sh rules RUN"; cmd_rules "$2" ;;
  *) die "usage: netns.sh check | up RUN N | down RUN | sweep | cut RUN A B [A B]... | block RUN A B [A B]... | heal RUN | rules RUN" ;;
esac
