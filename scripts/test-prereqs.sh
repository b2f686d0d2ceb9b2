#!/usr/bin/env bash
# Run by `pnpm test` before jest: installs the system programs the
# whole-system tests drive, so the README's one test command works from a
# clean clone on a fresh Debian/Ubuntu machine (CI runs it as root).
# Without root each installer skips with a SKIPPED line (the tests that need
# what is missing are then skipped too), except under CI=true, where a missing
# program is a failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/install-kafka-clients.sh"
bash "$ROOT/scripts/postgres.sh" install
