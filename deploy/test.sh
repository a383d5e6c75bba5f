#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and passes the tests: packages, build, the local Kafka
# broker, then every ctest (unit and integration, against the real broker), then the unit tests
# again under ASan+UBSan (deploy/sanitize.sh) and every fuzz target for 30 s (deploy/fuzz.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash deploy/setup.sh
bash deploy/build.sh

# Start the broker unless one is already running; stop it again only if we started it.
started_broker=0
if ! bash deploy/kafka.sh status >/dev/null 2>&1; then
  bash deploy/kafka.sh start
  started_broker=1
fi
cleanup() { if [ "$started_broker" = 1 ]; then bash deploy/kafka.sh stop; fi; }
trap cleanup EXIT

export TIMELINE_BROKERS="${TIMELINE_BROKERS:-127.0.0.1:${TIMELINE_KAFKA_PORT:-19092}}"
ctest --test-dir build --output-on-failure --timeout 600 "$@"

# The short forms of the sanitizer and fuzz runs (RELIABILITY.md): the unit tests under ASan and
# UBSan, then every fuzz target for TIMELINE_FUZZ_SECONDS (30) each. A run given ctest arguments
# is a chosen subset, so it stops at ctest; so does TIMELINE_SANITIZE_AND_FUZZ=0.
if [ $# -eq 0 ] && [ "${TIMELINE_SANITIZE_AND_FUZZ:-1}" != 0 ]; then
  stage_started=$SECONDS
  bash deploy/sanitize.sh address
  echo "test.sh: unit tests under ASan+UBSan took $((SECONDS - stage_started)) s"
  stage_started=$SECONDS
  bash deploy/fuzz.sh "${TIMELINE_FUZZ_SECONDS:-30}"
  echo "test.sh: the fuzz targets took $((SECONDS - stage_started)) s"
fi
