#!/usr/bin/env bash
# The README's "Running with Docker" walkthrough against a real Docker engine:
#
#   bash deploy/test/docker-e2e.sh        (from anywhere; root; CI runs it in .ci/run)
#
# 1. tools: a Docker engine (if none answers, Debian's docker.io is installed
#    if missing and this script starts dockerd, and stops it at the end), a
#    docker client that builds with BuildKit, and `docker compose` or else
#    `docker-compose` (v1, installed if missing);
# 2. the base image node:20-bookworm-slim: pulled when a registry answers,
#    else the local one, else a stand-in made here: Debian bookworm minbase
#    (debootstrap from Debian's mirror; the rootfs tarball is cached, see
#    CACHE_DIR) plus this machine's own Node.js 20 and npm, `docker import`ed
#    under that name;
# 3. `up -d --build` as project "gregor-e2e" with the published host ports
#    moved to free ones (the .env variables, set in the environment), then
#    every container healthy;
# 4. the walkthrough: create topic demo, produce 1..1000 through gregor-1,
#    check the published ports from the host, kill gregor-2, wait until its
#    leaderships and ISR places are gone, produce 1001..2000 through gregor-3,
#    start gregor-2, wait until it is healthy and back in every ISR, consume
#    exactly 2000 records, the values 1..2000 each once;
# 5. `down -v`, and a check that no container, network or volume of the
#    project is left.
#
# Whatever happens, the EXIT trap takes the project down (-v), stops the
# dockerd it started (and deletes the docker0 bridge that dockerd made),
# and removes its temp dir. Kept on purpose, for fast reruns: the images
# gregor:latest and node:20-bookworm-slim (the stand-in, if made: its
# `docker image inspect -f '{{.Comment}}'` says so), BuildKit's cache, the
# engine's /var/lib/docker, the packages installed, and the rootfs tarball.
# Network: the project's bridge network, loopback (published ports are bound
# to 127.0.0.1), and the build's downloads (npm registry, Debian mirror).
#
# Settings (environment): DOCKER_E2E_CACHE_DIR (rootfs tarball; default
# ${XDG_CACHE_HOME:-~/.cache}/gregor-docker-e2e), DOCKER_E2E_BUILD_TIMEOUT_S
# (1800), DOCKER_E2E_HEALTHY_TIMEOUT_S (300).
set -Eeuo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$repo"

PROJECT=gregor-e2e
BASE_IMAGE=node:20-bookworm-slim
IMAGE=gregor:latest
SERVICES=(gregor-1 gregor-2 gregor-3)
DEBIAN_MIRROR=http://deb.debian.org/debian
CACHE_DIR=${DOCKER_E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gregor-docker-e2e}
BUILD_TIMEOUT_S=${DOCKER_E2E_BUILD_TIMEOUT_S:-1800}
HEALTHY_TIMEOUT_S=${DOCKER_E2E_HEALTHY_TIMEOUT_S:-300}
# One CLI command inside a container (the CLI's own timeouts are shorter).
EXEC_TIMEOUT_S=180
CLUSTER_CHANGE_TIMEOUT_S=120
PROGRESS_EVERY_S=5

started_at=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/gregor-docker-e2e-XXXXXX")
dockerd_pid=
docker0_existed=1
project_up=

log() { printf '[docker-e2e %4ds] %s\n' "$(($(date +%s) - started_at))" "$*"; }
fail() {
  log "FAILED: $*" >&2
  exit 1
}
trap 'rc=$?; log "FAILED: line $LINENO: \`$BASH_COMMAND\` exited $rc" >&2' ERR

cleanup() {
  local rc=$?
  trap - ERR
  set +e
  if [ -n "$project_up" ]; then
    log "cleanup: ${compose[*]} down -v"
    timeout 180 "${compose[@]}" down -v --remove-orphans >"$work/down.log" 2>&1 || cat "$work/down.log" >&2
  fi
  if [ -n "$dockerd_pid" ]; then
    log "cleanup: stopping the dockerd this script started (pid $dockerd_pid)"
    kill -TERM "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      log "cleanup: dockerd still running after 30 s: SIGKILL" >&2
      kill -KILL "$dockerd_pid" 2>/dev/null
    fi
    wait "$dockerd_pid" 2>/dev/null
    [ "$rc" -eq 0 ] || { echo "--- dockerd log (tail)" >&2; tail -20 "$work/dockerd.log" >&2; }
    if [ -z "$docker0_existed" ] && ip link show docker0 >/dev/null 2>&1; then ip link delete docker0; fi
  fi
  # An interrupted debootstrap can leave proc/sys mounted in its rootfs.
  awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l
  rm -rf --one-file-system "$work"
  if [ "$rc" -eq 0 ]; then log "PASSED in $(($(date +%s) - started_at)) s"; else log "FAILED (exit $rc) after $(($(date +%s) - started_at)) s" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until the check `$@` exits 0, printing progress (the check's last
# output) every PROGRESS_EVERY_S; fails after DEADLINE_S, or at once when
# the check exits GIVE_UP (it saw something that will not get better).
GIVE_UP=3
give_up() {
  echo "$*"
  exit "$GIVE_UP"
}
wait_until() {
  local what=$1 deadline_s=$2
  shift 2
  local start now last_note=0 out rc
  start=$(date +%s)
  while true; do
    rc=0
    out=$("$@" 2>&1) || rc=$?
    [ "$rc" -ne 0 ] || {
      log "$what: done after $(($(date +%s) - start)) s"
      return 0
    }
    [ "$rc" -ne "$GIVE_UP" ] || fail "$what: $out"
    now=$(date +%s)
    [ $((now - start)) -lt "$deadline_s" ] || fail "$what: not done after $deadline_s s; last check said: $out"
    if [ $((now - last_note)) -ge "$PROGRESS_EVERY_S" ]; then
      log "$what: waiting ($((now - start)) s): $out"
      last_note=$now
    fi
    sleep 1
  done
}

# ---------------------------------------------------------------- 1. tools
apt_updated=
apt_install() {
  [ "$(id -u)" -eq 0 ] || fail "$* missing, and installing needs root"
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -q || fail "apt-get update failed"
    apt_updated=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" || fail "apt-get install $* failed"
}

engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

command -v docker >/dev/null || apt_install docker.io
if engine_answers; then
  log "engine: a Docker engine already answers; using it (and leaving it running)"
else
  command -v dockerd >/dev/null || apt_install docker.io
  ip link show docker0 >/dev/null 2>&1 || docker0_existed=
  log "engine: none answers; starting dockerd (log: $work/dockerd.log)"
  dockerd >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  dockerd_alive() {
    kill -0 "$dockerd_pid" 2>/dev/null || give_up "dockerd exited: $(tail -20 "$work/dockerd.log")"
    engine_answers || { echo "docker info: no answer yet"; return 1; }
  }
  wait_until "dockerd answering" 60 dockerd_alive
fi
log "engine: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}')"

# Docker 23+ clients build with BuildKit only through the buildx plugin;
# older ones (Debian bookworm's docker.io, 20.10) have it built in.
buildkit_client() {
  "$1" buildx version >/dev/null 2>&1 && return 0
  local version
  version=$("$1" version --format '{{.Client.Version}}' 2>/dev/null) || return 1
  [ "${version%%.*}" -lt 23 ] 2>/dev/null
}
if ! buildkit_client docker; then
  [ -x /usr/bin/docker ] || apt_install docker.io
  buildkit_client /usr/bin/docker || fail "no docker client here builds with BuildKit: $(command -v docker) lacks buildx, and so does /usr/bin/docker"
  log "client: $(command -v docker) builds with BuildKit only through buildx, which is missing; using /usr/bin/docker"
  mkdir -p "$work/bin"
  ln -s /usr/bin/docker "$work/bin/docker"
  PATH=$work/bin:$PATH
fi

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  command -v docker-compose >/dev/null || apt_install docker-compose
  compose=(docker-compose)
  # Compose v1 builds with BuildKit only through the docker CLI.
  export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
fi
log "compose: ${compose[*]} ($("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version | head -1))"
compose+=(-p "$PROJECT" --project-directory "$repo" -f "$repo/docker-compose.yml")
export BUILDKIT_PROGRESS=plain # line by line in CI logs

# The host ports the project publishes (.env's variables): free ones, so that
# neither a dev cluster nor the user's own compose project is in the way.
read -r -a ports <<<"$(node -e '
  const net = require("net");
  Promise.all(Array.from({ length: 6 }, () => new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => resolve(s));
  }))).then((servers) => {
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  });')"
export HOST_CLIENT_PORT_1=${ports[0]} HOST_CLIENT_PORT_2=${ports[1]} HOST_CLIENT_PORT_3=${ports[2]}
export HOST_HTTP_PORT_1=${ports[3]} HOST_HTTP_PORT_2=${ports[4]} HOST_HTTP_PORT_3=${ports[5]}
log "host ports: CLIENT ${ports[*]:0:3}, HTTP ${ports[*]:3:3}"

# A run killed before its cleanup left the project behind.
if [ -n "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ]; then
  log "a previous run left project $PROJECT behind: down -v"
  "${compose[@]}" down -v --remove-orphans
fi

# ---------------------------------------------------------------- 2. base image
# Debian bookworm minbase, without Node.js (the host's is added per run, so
# a Node.js update does not invalidate the cache).
make_rootfs_tarball() {
  local tarball=$1 rootfs=$work/rootfs
  command -v debootstrap >/dev/null || apt_install debootstrap
  log "debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR (a minute or two; its progress follows)"
  debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" || fail "debootstrap failed"
  # As in debian:bookworm-slim: updates and security too, no package lists or .debs.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*
  mkdir -p "$(dirname "$tarball")"
  log "caching the rootfs: $tarball"
  tar --numeric-owner -C "$rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -czf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  rm -rf --one-file-system "$rootfs"
}

# The stand-in's ingredients from this machine: its Node.js 20 with npm (the
# Dockerfile's build stage runs `npm install -g pnpm@...`), and the CA bundle
# its Node.js trusts (NODE_EXTRA_CA_CERTS), so that npm and pnpm in the build
# reach the registry when egress goes through a TLS-intercepting proxy, as
# here. The image's comment names them: a stand-in made from other
# ingredients (an older Node.js) is made again.
node_bin=$(readlink -f "$(command -v node)")
node_version=$("$node_bin" --version)
ca_bundle=
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then ca_bundle=$NODE_EXTRA_CA_CERTS; fi
STAND_IN_COMMENT="stand-in for $BASE_IMAGE made by deploy/test/docker-e2e.sh: Debian bookworm minbase + Node.js $node_version${ca_bundle:+ + the CA bundle of this machine}"

make_stand_in() {
  local npm_dir arch tarball base=$work/base
  local changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change "ENV NODE_VERSION=${node_version#v}" --change 'CMD ["node"]')
  [[ $node_version == v20.* ]] || fail "the stand-in for $BASE_IMAGE needs Node.js 20; $node_bin is $node_version"
  npm_dir=$(dirname "$node_bin")/../lib/node_modules/npm
  [ -f "$npm_dir/bin/npm-cli.js" ] || fail "no npm next to $node_bin (looked in $npm_dir)"
  arch=$(dpkg --print-architecture)
  tarball=$CACHE_DIR/debian-bookworm-minbase-$arch.tar.gz
  if [ -s "$tarball" ]; then
    log "stand-in: Debian rootfs from the cache ($tarball; delete it to refresh)"
  else
    make_rootfs_tarball "$tarball"
  fi
  log "stand-in: rootfs + Node.js $node_version and npm from this machine, in /usr/local as in the official image${ca_bundle:+, + $ca_bundle}"
  mkdir -p "$base"
  tar --numeric-owner -C "$base" -xzf "$tarball"
  install -D -m 0755 "$node_bin" "$base/usr/local/bin/node"
  mkdir -p "$base/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$base/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$base/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$base/usr/local/bin/npx"
  if [ -n "$ca_bundle" ]; then
    install -D -m 0644 "$ca_bundle" "$base/usr/local/share/docker-e2e/ca-bundle.crt"
    changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/docker-e2e/ca-bundle.crt')
  fi
  tar --numeric-owner -C "$base" -cf - . | docker import -m "$STAND_IN_COMMENT" "${changes[@]}" - "$BASE_IMAGE" >/dev/null
  rm -rf --one-file-system "$base"
  log "stand-in: imported as $BASE_IMAGE: $(docker run --rm "$BASE_IMAGE" sh -c 'echo node $(node --version), npm $(npm --version)')"
}

log "base image: docker pull $BASE_IMAGE"
if timeout 300 docker pull "$BASE_IMAGE" >"$work/pull.log" 2>&1; then
  log "base image: pulled"
else
  log "base image: cannot pull: $(tail -1 "$work/pull.log")"
  local_comment=$(docker image inspect -f '{{.Comment}}' "$BASE_IMAGE" 2>/dev/null) || local_comment='(none)'
  case $local_comment in
    "$STAND_IN_COMMENT") log "base image: the local stand-in made by an earlier run" ;;
    'stand-in for '*)
      log "base image: the local one is a stand-in from other ingredients ($local_comment); making it again"
      old_base=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")
      make_stand_in
      docker image rm "$old_base" >/dev/null 2>&1 || true
      ;;
    '(none)') make_stand_in ;;
    *) log "base image: the local one (pulled earlier)" ;;
  esac
fi

# ---------------------------------------------------------------- 3. up
old_image=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
log "${compose[*]} up -d --build (the build's progress follows)"
project_up=1
timeout "$BUILD_TIMEOUT_S" "${compose[@]}" up -d --build || fail "up -d --build failed (or took over $BUILD_TIMEOUT_S s)"
new_image=$(docker image inspect -f '{{.Id}}' "$IMAGE")
# The image this build replaced, unless something else still uses it.
if [ -n "$old_image" ] && [ "$old_image" != "$new_image" ]; then docker image rm "$old_image" >/dev/null 2>&1 || true; fi
log "image $IMAGE: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%d MB", $1 / 1e6 }')"

container_of() { docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1"; }

# "gregor-1=healthy gregor-2=starting ..."; succeeds when every one is healthy.
all_healthy() {
  local s id state summary='' ok=0
  for s in "$@"; do
    id=$(container_of "$s")
    [ -n "$id" ] || give_up "no container for service $s"
    state=$(docker inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")
    case $state in
      running/healthy) ;;
      running/*) ok=1 ;;
      *) give_up "$s is $state; its log ends: $(docker logs --tail 30 "$id" 2>&1)" ;;
    esac
    summary="$summary $s=${state#running/}"
  done
  echo "${summary# }"
  return "$ok"
}
wait_until "every node healthy" "$HEALTHY_TIMEOUT_S" all_healthy "${SERVICES[@]}"

# ---------------------------------------------------------------- 4. walkthrough
# `exec -T`: no TTY, so the CLI's stderr (its summary lines) stays out of pipes.
cx() { timeout "$EXEC_TIMEOUT_S" "${compose[@]}" exec -T "$@"; }

# Exit 0 when topic demo's leaders and ISRs are as wanted (without-2: node 2
# leads nothing and is in no ISR; all-3: every node in every ISR), else 1;
# prints the partitions either way.
demo_isr_is() {
  local json
  json=$(cx gregor-1 gregor topic describe demo --json) || return 1
  node -e '
    const want = process.argv[1];
    const [topic] = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const rows = topic.partitions.map((p) => `${p.partition}: leader ${p.leader ?? "none"}, isr ${p.isr.join(",")}`);
    const ok = want === "without-2"
      ? topic.partitions.every((p) => p.leader !== null && p.leader !== 2 && !p.isr.includes(2))
      : topic.partitions.every((p) => p.leader !== null && [1, 2, 3].every((id) => p.isr.includes(id)));
    console.log(rows.join("; "));
    process.exit(ok ? 0 : 1);' "$1" <<<"$json"
}

log "walkthrough: topic create demo --partitions 3 (replication factor 3 by default)"
cx gregor-1 gregor topic create demo --partitions 3
log "walkthrough: produce 1..1000 through gregor-1"
seq 1 1000 | cx gregor-1 gregor produce demo
cx gregor-1 gregor topic describe demo

log "host: the published ports answer (.env's variables)"
HEALTHCHECK_URL=http://127.0.0.1:$HOST_HTTP_PORT_1/readyz bash deploy/docker/healthcheck.sh ||
  fail "gregor-1's /readyz is not 200 on its published HTTP port $HOST_HTTP_PORT_1"
if [ -f packages/cli/dist/bin.js ]; then
  # The advertised CLIENT address must be the published port, or the client
  # cannot follow Metadata's answer to the partition leaders.
  got=$(timeout 60 env -u GREGOR_CLI_BOOTSTRAP node packages/cli/dist/bin.js consume demo --from-beginning --max-messages 1000 --timeout-ms 30000 \
    --bootstrap "127.0.0.1:$HOST_CLIENT_PORT_2" | sort -n | uniq | wc -l)
  [ "$got" -eq 1000 ] || fail "a host client through 127.0.0.1:$HOST_CLIENT_PORT_2 read $got distinct values, expected 1000"
  log "host: a client at 127.0.0.1:$HOST_CLIENT_PORT_2 read all 1000 through the advertised CLIENT addresses"
else
  log "host: packages/cli/dist/bin.js not built; skipping the host client check (pnpm build first)"
fi

log "walkthrough: kill gregor-2 (SIGKILL)"
"${compose[@]}" kill gregor-2
wait_until "leaderships and ISR places of node 2 gone" "$CLUSTER_CHANGE_TIMEOUT_S" demo_isr_is without-2
cx gregor-1 gregor cluster status
cx gregor-1 gregor topic describe demo

log "walkthrough: produce 1001..2000 through gregor-3 with gregor-2 down (acks=all, min.insync.replicas=2)"
seq 1001 2000 | cx gregor-3 gregor produce demo

log "walkthrough: start gregor-2"
"${compose[@]}" start gregor-2
wait_until "gregor-2 healthy" "$HEALTHY_TIMEOUT_S" all_healthy gregor-2
wait_until "gregor-2 back in every ISR" "$CLUSTER_CHANGE_TIMEOUT_S" demo_isr_is all-3
cx gregor-1 gregor topic describe demo

log "walkthrough: consume everything through gregor-3"
cx gregor-3 gregor consume demo --from-beginning --max-messages 2000 >"$work/consumed.txt"
total=$(wc -l <"$work/consumed.txt")
[ "$total" -eq 2000 ] || fail "consumed $total lines, expected exactly 2000"
seq 1 2000 >"$work/expected.txt"
sort -n "$work/consumed.txt" | uniq | cmp -s - "$work/expected.txt" ||
  fail "the consumed values are not 1..2000 each once ($(sort -n "$work/consumed.txt" | uniq | wc -l) distinct)"
log "walkthrough: consumed exactly 2000 records, the values 1..2000 each once"

# What the health probes cost: Docker keeps the start and end of each one's
# last five runs.
probe_ms=$(for s in "${SERVICES[@]}"; do
  docker inspect -f '{{range .State.Health.Log}}{{json .Start}} {{json .End}}{{"\n"}}{{end}}' "$(container_of "$s")"
done | tr -d '"' | while read -r from to; do
  if [ -n "$to" ]; then echo $(($(date -d "$to" +%s%3N) - $(date -d "$from" +%s%3N))); fi
done | sort -n | tr '\n' ' ')
log "health probes (the last few of each node): ${probe_ms}ms"

# ---------------------------------------------------------------- 5. down
log "${compose[*]} down -v"
"${compose[@]}" down -v --remove-orphans
project_up=
left=$(
  docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"
  docker network ls -q --filter "label=com.docker.compose.project=$PROJECT"
  docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT"
)
[ -z "$left" ] || fail "down -v left containers, networks or volumes of $PROJECT: $left"
log "down: no container, network or volume of $PROJECT left"
