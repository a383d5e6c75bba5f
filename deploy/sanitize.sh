#!/usr/bin/env bash
# Builds with a sanitizer into its own directory and runs the tests it can check there:
#   deploy/sanitize.sh [address]   ASan + UBSan (build-asan/, clang): every unit test (ctest -L
#                                  unit), the fuzz corpora's replays included; any finding fails
#                                  it. deploy/fuzz.sh builds its targets in the same directory.
#   deploy/sanitize.sh thread      TSan (build-tsan/): the threaded parts' tests: the query
#                                  server and its connection server, the event streams, the
#                                  worker's readiness and the state changelog publisher
# --build-only (right after the mode) builds and stops; deploy/test.sh builds beside the tests
# and runs them after. Extra arguments go to ctest (address) or to the Catch2 test binary
# (thread).
# What each covers, and what it cannot, is in RELIABILITY.md ("Sanitizers"); the suppressions,
# each with its reason, are in tests/sanitizers/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-address}"
shift || true
build_only=0
if [ "${1:-}" = --build-only ]; then build_only=1; shift; fi
jobs="${TIMELINE_BUILD_JOBS:-2}"
supp="$root/tests/sanitizers"

configure() {  # DIR SANITIZERS: RelWithDebInfo like the engine runs; -Werror stays with the gcc
  # build, since sanitizer instrumentation makes gcc warn about code it cannot see through.
  cmake -S "$root" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DTIMELINE_SANITIZE=$2" >/dev/null
}

case "$mode" in
  address)
    # clang with libFuzzer's coverage, configured exactly as deploy/fuzz.sh does: one
    # compilation of the libraries serves the sanitized unit tests and the fuzz targets.
    build="$root/build-asan"
    bash "$root/deploy/fuzz.sh" --configure-only
    cmake --build "$build" -j "$jobs" --target engine_tests projections_tests consumers_tests fuzz_replays
    [ "$build_only" = 1 ] && exit 0
    # ASan's defaults plus leak checking; use-after-return detection (fake stacks for every
    # frame) is left to a deliberate run: the connection server's tests hold hundreds of threads.
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:suppressions=$supp/asan.supp}"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
    ctest --test-dir "$build" -L unit -j "$jobs" --output-on-failure --timeout 900 "$@"
    ;;
  thread)
    build="$root/build-tsan"
    configure "$build" "thread"
    cmake --build "$build" -j "$jobs" --target consumers_tests
    [ "$build_only" = 1 ] && exit 0
    export TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=1:second_deadlock_stack=1:history_size=4"
    # Catch2's -# tags each test with its file's name, so the threaded parts' files are chosen.
    threaded="[#connection_server_test],[#query_server_test],[#event_stream_test],[#worker_readiness_test],[#state_changelog_publisher_test],[#token_file_test]"
    "$build/tests/consumers_tests" -# "$threaded" --reporter compact "$@"
    ;;
  *)
    echo "sanitize.sh: the mode is address or thread, not '$mode'" >&2
    exit 1
    ;;
esac
