#!/bin/sh
# Generates Python stubs for gregor.v1.Records into OUT_DIR (records_pb2.py,
# records_pb2_grpc.py), installing Debian's gRPC packages first when missing.
#
#   examples/python/gen-stubs.sh /tmp/gregor-stubs
#   PYTHONPATH=/tmp/gregor-stubs /usr/bin/python3 examples/python/publish.py ...
#
# Debian's python3-grpcio + python3-grpc-tools (not pip): what a Debian/Ubuntu
# service would use, and what the tests use. /usr/bin/python3 on purpose: a
# pyenv or venv python3 first on PATH does not see Debian's packages.
set -eu
OUT_DIR=${1:?usage: gen-stubs.sh OUT_DIR}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
PROTO_ROOT=$(cd "$HERE/../../proto" && pwd)

if ! "$PY" -c 'import grpc, grpc_tools.protoc' 2>/dev/null; then
  echo "gen-stubs: installing python3-grpcio python3-grpc-tools (Debian packages)" >&2
  SUDO=
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  # Other installs may hold the dpkg lock: wait for it rather than fail.
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-grpcio python3-grpc-tools >&2
fi

mkdir -p "$OUT_DIR"
# The stubs import each other as top-level modules: generate from the folder
# that holds gregor/v1/, then flatten nothing (records.proto has no imports).
"$PY" -m grpc_tools.protoc -I"$PROTO_ROOT" --python_out="$OUT_DIR" --grpc_python_out="$OUT_DIR" gregor/v1/records.proto
touch "$OUT_DIR/gregor/__init__.py" "$OUT_DIR/gregor/v1/__init__.py"
echo "$OUT_DIR"
