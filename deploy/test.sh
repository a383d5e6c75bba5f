#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and passes the tests: packages, build, lint, the local Kafka
# broker, every ctest (unit, integration and fault against the real broker, the three-broker
# cluster test), then the short forms of the sanitizer and fuzz runs (RELIABILITY.md).
#
#   deploy/test.sh            everything, as CI runs it
#   deploy/test.sh -L unit    ctest arguments pass through; then only lint and that ctest run
#
# The broker tests mostly wait on the broker, so the CPU-bound work runs beside them at low
# priority: clang-tidy (minutes of parsing) and the sanitizer build; both are waited for after.
# TIMELINE_SANITIZE_AND_FUZZ=0 skips the sanitizer and fuzz stages, TIMELINE_FUZZ_SECONDS (20)
# sets each fuzz target's time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started=$SECONDS
stage() { echo "test.sh: $1 took $((SECONDS - started)) s"; started=$SECONDS; }

bash deploy/setup.sh
stage "setup"
bash deploy/build.sh
stage "the build"
# The style the tools hold: clang-format and shellcheck first (seconds), so a slip shows at once.
bash deploy/lint.sh --quick
# Start the broker unless one is already running (before the background work: it starts faster
# on a quiet machine); stop it again only if we started it.
started_broker=0
if ! bash deploy/kafka.sh status >/dev/null 2>&1; then
  bash deploy/kafka.sh start
  started_broker=1
fi
cleanup() { if [ "$started_broker" = 1 ]; then bash deploy/kafka.sh stop; fi; }
trap cleanup EXIT

nice -n 19 bash deploy/lint.sh --tidy >build/lint-tidy.out 2>&1 &
tidy_pid=$!
# A run given ctest arguments is a chosen subset: it skips the sanitizer and fuzz stages.
sanitize=0
if [ $# -eq 0 ] && [ "${TIMELINE_SANITIZE_AND_FUZZ:-1}" != 0 ]; then sanitize=1; fi
if [ "$sanitize" = 1 ]; then
  nice -n 10 bash deploy/sanitize.sh address --build-only >build/sanitize-build.out 2>&1 &
  sanitize_build_pid=$!
fi

export TIMELINE_BROKERS="${TIMELINE_BROKERS:-127.0.0.1:${TIMELINE_KAFKA_PORT:-19092}}"
failed=()
ctest --test-dir build --output-on-failure --timeout 600 "$@" || failed+=("ctest")
stage "ctest"

# The short forms: the unit tests again under ASan+UBSan, then every fuzz target in the same
# build.
if [ "$sanitize" = 1 ]; then
  if ! wait "$sanitize_build_pid"; then
    tail -n 40 build/sanitize-build.out
    failed+=("the ASan+UBSan build")
  fi
  stage "waiting for the ASan+UBSan build"
  bash deploy/sanitize.sh address || failed+=("sanitize.sh address")
  stage "the unit tests under ASan+UBSan"
  bash deploy/fuzz.sh "${TIMELINE_FUZZ_SECONDS:-20}" || failed+=("fuzz.sh")
  stage "the fuzz targets"
fi

wait "$tidy_pid" || failed+=("lint.sh --tidy")
cat build/lint-tidy.out
stage "waiting for clang-tidy"
if [ ${#failed[@]} -gt 0 ]; then
  echo "test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: all passed"
