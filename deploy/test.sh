#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and passes the tests: packages, build, lint, the local Kafka
# broker, then every ctest (unit and integration, against the real broker).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash deploy/setup.sh
bash deploy/build.sh
# The style the tools hold: clang-format and shellcheck first (seconds), so a slip shows at
# once; clang-tidy (minutes of parsing) runs beside the tests at low priority, which also keeps
# the machine busy under them, and is waited for at the end.
bash deploy/lint.sh --quick
nice -n 19 bash deploy/lint.sh --tidy >build/lint-tidy.out 2>&1 &
tidy_pid=$!

# Start the broker unless one is already running; stop it again only if we started it.
started_broker=0
if ! bash deploy/kafka.sh status >/dev/null 2>&1; then
  bash deploy/kafka.sh start
  started_broker=1
fi
cleanup() { if [ "$started_broker" = 1 ]; then bash deploy/kafka.sh stop; fi; }
trap cleanup EXIT

export TIMELINE_BROKERS="${TIMELINE_BROKERS:-127.0.0.1:${TIMELINE_KAFKA_PORT:-19092}}"
tests_failed=0
ctest --test-dir build --output-on-failure --timeout 600 "$@" || tests_failed=1

tidy_failed=0
wait "$tidy_pid" || tidy_failed=1
cat build/lint-tidy.out
if [ "$tests_failed" = 1 ] || [ "$tidy_failed" = 1 ]; then exit 1; fi
