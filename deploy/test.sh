#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and passes the tests: packages, build, the local Kafka
# broker, then every ctest (unit and integration, against the real broker).
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
