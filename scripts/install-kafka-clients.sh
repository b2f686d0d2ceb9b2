#!/usr/bin/env bash
# Installs the real Kafka clients the tests and scripts/kafka-demo.sh drive
# (issue 12 item 7), from Debian packages, when any is missing:
#   kcat                      (librdkafka's command line tool)
#   python3-kafka             (kafka-python) + python3-snappy/-lz4/-zstandard
#                             (its codecs are optional imports)
#   python3-confluent-kafka   (librdkafka's Python binding)
# The Python clients are imported by the system interpreter, /usr/bin/python3
# (not whatever python3 comes first on PATH).
#
#   install-kafka-clients.sh          install what is missing (root needed);
#                                     without root: under CI=true a failure,
#                                     else a SKIPPED line and exit 0
#   install-kafka-clients.sh check    exit 0 when all are present, 1 (with the
#                                     list on stderr) when not; installs nothing
set -euo pipefail

PYTHON=/usr/bin/python3


# Prints the Debian packages whose program or module is missing, one a line.
missing() {
  command -v kcat >/dev/null 2>&1 || echo kcat
  local pkg mod
  for pair in python3-kafka:kafka python3-snappy:snappy python3-lz4:lz4 python3-zstandard:zstandard python3-confluent-kafka:confluent_kafka; do
    pkg="${pair%%:*}" mod="${pair#*:}"
    [ -x "$PYTHON" ] && "$PYTHON" -c "import $mod" >/dev/null 2>&1 || echo "$pkg"
  done
}

MISSING="$(missing | tr '\n' ' ')"
MISSING="${MISSING% }"
if [ -z "$MISSING" ]; then exit 0; fi
if [ "${1:-}" = check ]; then
  echo "missing Kafka clients: $MISSING (bash scripts/install-kafka-clients.sh installs them)" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  why="not root"; command -v apt-get >/dev/null 2>&1 || why="no apt-get"
  if [ "${CI:-}" = true ]; then
    echo "install-kafka-clients: $MISSING missing and cannot be installed ($why); CI=true needs them" >&2
    exit 1
  fi
  echo "SKIPPED install-kafka-clients: $MISSING missing and $why; the Kafka client tests will be skipped (sudo bash scripts/install-kafka-clients.sh installs them)" >&2
  exit 0
fi

echo "install-kafka-clients: installing $MISSING" >&2
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -q)
"${APT[@]}" update >/dev/null
# shellcheck disable=SC2086 # one word per package
"${APT[@]}" install -y --no-install-recommends $MISSING >/dev/null
LEFT="$(missing | tr '\n' ' ')"
if [ -n "${LEFT% }" ]; then
  echo "install-kafka-clients: still missing after apt-get install: $LEFT" >&2
  exit 1
fi
echo "install-kafka-clients: installed $MISSING" >&2
