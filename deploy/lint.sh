#!/usr/bin/env bash
# Holds the style with tools, on every file git tracks: clang-format (.clang-format) on our C++,
# clang-tidy (.clang-tidy) on every translation unit of engine/, projections/ and consumers/,
# and shellcheck on every script. Exits 1 naming each file out of line.
#
#   deploy/lint.sh          all three
#   deploy/lint.sh --quick  clang-format and shellcheck only (seconds)
#   deploy/lint.sh --tidy   clang-tidy only (minutes: each unit parses protobuf's headers)
#   deploy/lint.sh --deep   clang-tidy with the clang static analyzer too (about 3x longer)
#   deploy/lint.sh --fix    formats the C++ in place first, then all three
#
# clang-tidy needs the build's compile commands: run deploy/build.sh before (deploy/test.sh
# does, and runs --tidy beside the tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fix=0
quick=1
tidy=1
analyzer=()
case "${1:-}" in
  --fix) fix=1 ;;
  --quick) tidy=0 ;;
  --tidy) quick=0 ;;
  --deep) quick=0; analyzer=(--checks='clang-analyzer-*,-clang-analyzer-optin.*,-clang-analyzer-osx.*,-clang-analyzer-cocoa.*') ;;
  "") ;;
  *) echo "usage: deploy/lint.sh [--quick|--tidy|--deep|--fix]" >&2; exit 2 ;;
esac
jobs="${TIMELINE_BUILD_JOBS:-2}"
failed=0

mapfile -t sources < <(git ls-files '*.cc' '*.h' | grep -E '^(engine|projections|consumers|tests)/')
mapfile -t scripts < <(git ls-files '*.sh' .ci/run)

if [ "$quick" = 1 ]; then
  # clang-format: generated code (build/) is never tracked, so never formatted.
  if [ "$fix" = 1 ]; then clang-format -i "${sources[@]}"; fi
  unformatted=()
  for file in "${sources[@]}"; do
    clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
  done
  if [ ${#unformatted[@]} -gt 0 ]; then
    echo "lint: ${#unformatted[@]} file(s) not as clang-format writes them (deploy/lint.sh --fix):"
    printf '  %s\n' "${unformatted[@]}"
    failed=1
  else
    echo "lint: clang-format: ${#sources[@]} files as clang-format writes them"
  fi

  # Sourced files are followed (-x) from each script's folder.
  if shellcheck -x "${scripts[@]}"; then
    echo "lint: shellcheck: ${#scripts[@]} scripts clean"
  else
    failed=1
  fi
fi

if [ "$tidy" = 1 ]; then
  # clang-tidy on each .cc the build compiles (headers are checked through them, see
  # HeaderFilterRegex), every warning an error here. Two at a time: each takes seconds.
  compile_commands="$root/build/compile_commands.json"
  if [ ! -f "$compile_commands" ]; then
    echo "lint: $compile_commands is missing: run deploy/build.sh first" >&2
    exit 1
  fi
  mapfile -t units < <(printf '%s\n' "${sources[@]}" | grep '\.cc$' | grep -v '^tests/')
  tidy_log="$root/build/clang-tidy.log"
  if printf '%s\n' "${units[@]}" |
      xargs -P "$jobs" -n 4 clang-tidy -p "$root/build" --quiet --warnings-as-errors='*' \
        "${analyzer[@]}" \
        >"$tidy_log" 2>&1; then
    echo "lint: clang-tidy: ${#units[@]} translation units clean"
  else
    grep -E '(warning|error):' "$tidy_log" | sort -u || true
    echo "lint: clang-tidy found the above (whole output: $tidy_log)"
    failed=1
  fi
fi

exit "$failed"
