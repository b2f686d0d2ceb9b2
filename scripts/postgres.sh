#!/usr/bin/env bash
# PostgreSQL for the Connect tests (issue 16): Debian's server, installed when
# missing, and throwaway instances started with initdb in a temp dir on a free
# loopback port with wal_level=logical (what the CDC source needs).
#
#   postgres.sh install      install Debian's `postgresql` when initdb is missing
#                            (root needed; without root: under CI=true a failure,
#                            else a SKIPPED line and exit 0)
#   postgres.sh check        exit 0 when the server programs are there, 1 (reason
#                            on stderr) when not; installs nothing
#   postgres.sh start DIR    initdb a new instance and start it; prints the port on stdout.
#                            Superuser `postgres`, trust authentication on 127.0.0.1 only.
#                            DIR holds the logs and the path of the data directory (its own
#                            temp dir, which the server's user can reach even when DIR's
#                            parents are private to root).
#   postgres.sh stop DIR     stop that instance (fast shutdown) and delete its data; no-op when
#                            not running
#
# initdb refuses to run as root, so as root the instance runs as the `postgres`
# user the Debian package creates.
set -euo pipefail

# The newest server's bin dir: Debian keeps them in /usr/lib/postgresql/N/bin, off PATH.
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

cmd="${1:-}"
case "$cmd" in
  check)
    if ! pg_bin >/dev/null; then
      echo "PostgreSQL server not installed (bash scripts/postgres.sh install installs Debian's postgresql)" >&2
      exit 1
    fi
    ;;
  install)
    pg_bin >/dev/null && exit 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      why="not root"; command -v apt-get >/dev/null 2>&1 || why="no apt-get"
      if [ "${CI:-}" = true ]; then
        echo "postgres.sh: PostgreSQL missing and cannot be installed ($why); CI=true needs it" >&2
        exit 1
      fi
      echo "SKIPPED postgres.sh install: PostgreSQL missing and $why; the PostgreSQL connector tests will be skipped (sudo bash scripts/postgres.sh install installs it)" >&2
      exit 0
    fi
    echo "postgres.sh: installing postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    APT=(apt-get -o DPkg::Lock::Timeout=600 -q)
    "${APT[@]}" update >/dev/null
    # The package's own cluster is not needed: tests start their own instances.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/gregor-no-main.conf
    "${APT[@]}" install -y --no-install-recommends postgresql >/dev/null
    pg_bin >/dev/null || { echo "postgres.sh: still no initdb after apt-get install postgresql" >&2; exit 1; }
    echo "postgres.sh: installed postgresql ($(pg_bin))" >&2
    ;;
  start)
    dir="${2:?usage: postgres.sh start DIR}"
    bin="$(pg_bin)" || { echo "postgres.sh: PostgreSQL is not installed (bash scripts/postgres.sh install)" >&2; exit 1; }
    mkdir -p "$dir"
    home="$(mktemp -d "${TMPDIR:-/tmp}/gregor-pg.XXXXXX")"
    chmod 755 "$home"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$home"; fi
    echo "$home" >"$dir/pg-home"
    data="$home/data"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$home'
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    as_owner "$bin/pg_ctl" -D "$data" -l "$home/postgres.log" -w -t 60 start >/dev/null \
      || { cat "$home/postgres.log" >&2; exit 1; }
    echo "$port"
    ;;
  stop)
    dir="${2:?usage: postgres.sh stop DIR}"
    [ -f "$dir/pg-home" ] || exit 0
    home="$(cat "$dir/pg-home")"
    if bin="$(pg_bin)" && [ -f "$home/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$home/data" -m fast -w -t 60 stop >/dev/null || true
    fi
    cp "$home/postgres.log" "$dir/postgres.log" 2>/dev/null || true
    rm -rf "$home" "$dir/pg-home"
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 1
    ;;
esac
