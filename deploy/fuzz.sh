#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (clang, ASan + UBSan, into build-asan/, which
# deploy/sanitize.sh address shares) and runs each for SECONDS (default 60), one after the
# other. New inputs go to build-asan/corpus/<name>/ (seeded from tests/fuzz/corpus/<name>/,
# never written back); a crash leaves its input in build-asan/artifacts/<name>/ and fails the
# run. Prints execs/s and coverage per target.
#   deploy/fuzz.sh [SECONDS] [TARGET...]      e.g. deploy/fuzz.sh 3600, deploy/fuzz.sh 60 http_tokens
#   deploy/fuzz.sh --configure-only           configures build-asan/ and stops (sanitize.sh)
# RELIABILITY.md ("Fuzzing") says what each target checks and how to turn a crash into a test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
build="$root/build-asan"

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing; deploy/setup.sh installs clang and libclang-rt-14-dev" >&2
  exit 1
fi
case "$seconds" in --configure-only) ;; ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 1;; esac

# Optimized like the engine runs, with line tables only: the reports' stacks still name file and
# line, and the objects are half the size (projector.cc 617 KB -> 289 KB; compiles 5-12% faster,
# links faster). No -Werror: the normal build (gcc) holds the warnings; clang's own extra ones
# must not stop a fuzz run.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
  -DCMAKE_CXX_COMPILER=clang++ -DTIMELINE_FUZZ=ON "-DTIMELINE_SANITIZE=address;undefined" >/dev/null
[ "$seconds" = --configure-only ] && exit 0
cmake --build "$build" -j "${TIMELINE_BUILD_JOBS:-2}" --target fuzz_targets

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for corpus in "$root"/tests/fuzz/corpus/*/; do targets+=("$(basename "$corpus")"); done
fi

# libFuzzer's options: a slow input (10 s) is a finding too; 4 KiB inputs reach every rule here.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
failed=()
summary=()
for name in "${targets[@]}"; do
  binary="$build/tests/fuzz/${name}_fuzz"
  [ -x "$binary" ] || { echo "fuzz.sh: no target $name (tests/fuzz/${name}_fuzz.cc)" >&2; exit 1; }
  work="$build/corpus/$name"
  artifacts="$build/artifacts/$name/"
  log="$build/logs/$name.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  # clang 14's entropic scheduler spends 70-90% of the time of the targets with tens of
  # thousands of features in its bookkeeping; without it they run about 10x more inputs.
  case "$name" in submission_rules|worker_envelope) extra=(-entropic=0) ;; *) extra=() ;; esac
  echo "fuzz.sh: $name for ${seconds}s"
  status=0
  "$binary" -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
    "${extra[@]}" -artifact_prefix="$artifacts" "$work" "$root/tests/fuzz/corpus/$name" \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  line="$name: ${runs:-?} runs, ${rate:-?} execs/s, coverage ${cov:-?} edges, corpus $(find "$work" -type f | wc -l) inputs"
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    line="$line, FAILED (exit $status): $(find "$artifacts" -type f | head -3 | tr '\n' ' ')"
    grep -m1 -E "invariant broken|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error" "$log" >&2 || true
    echo "fuzz.sh: the log is $log; replay with: $binary ARTIFACT" >&2
  fi
  summary+=("$line")
done

echo "fuzz.sh: ${seconds}s per target"
printf '  %s\n' "${summary[@]}"
# The closing line in the plain form CI reads ("N passed, N failed").
echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
