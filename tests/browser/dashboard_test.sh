#!/usr/bin/env bash
# The dashboard end to end, in Debian's headless Chromium: a real engine on the local broker
# (its own topics and data), a small demo portfolio, the dashboard opened with a token, real
# figures checked against the API, an event appended and seen on the page, a screenshot saved.
# The browser part is dashboard_test.mjs (playwright-core from deploy/web, deploy/setup.sh).
#
#   tests/browser/dashboard_test.sh path/to/timeline REPO_ROOT ARTIFACT_DIR
#
# Needs the broker at ${TIMELINE_BROKERS:-127.0.0.1:19092}. Writes ARTIFACT_DIR/dashboard.png.
set -euo pipefail

if [ $# -ne 3 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/timeline REPO_ROOT ARTIFACT_DIR" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$2"
artifacts="$3"
chromium="${TIMELINE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "not ok - no Chromium at $chromium: run deploy/setup.sh (apt chromium)" >&2
  exit 1
fi
if [ ! -f "$root/deploy/web/node_modules/playwright-core/package.json" ]; then
  echo "not ok - playwright-core is not installed in deploy/web: run deploy/setup.sh (npm ci)" >&2
  exit 1
fi
brokers="${TIMELINE_BROKERS:-127.0.0.1:19092}"
unique="browser-$$-$(date +%s%N)-"
work="$(mktemp -d "${TMPDIR:-/tmp}/timeline-browser-test.XXXXXX")"
data="$work/data"
engine_pid=""
common=(--brokers "$brokers" --topic-prefix "$unique" --group-prefix "${unique}timeline")

cleanup() {
  if [ -n "$engine_pid" ] && kill -0 "$engine_pid" 2>/dev/null; then
    kill -TERM "$engine_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
die() {
  echo "not ok - $1" >&2
  [ -f "$work/engine.log" ] && sed 's/^/#   engine: /' <(tail -n 20 "$work/engine.log") >&2
  exit 1
}

"$bin" topics create --partitions 1 "${common[@]}" >"$work/topics.log" 2>&1 ||
  die "timeline topics create: $(cat "$work/topics.log")"
token="$("$bin" token new browser-test --role auditor --account '*' --tokens "$work/tokens.jsonl")" ||
  die "timeline token new failed"

"$bin" run --data "$data" --listen 127.0.0.1:0 --tokens "$work/tokens.jsonl" "${common[@]}" \
  >"$work/engine.out" 2>"$work/engine.log" &
engine_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -m1 -o 'http://[0-9.:]*' "$work/engine.out" 2>/dev/null || true)"
  [ -n "$url" ] && break
  kill -0 "$engine_pid" 2>/dev/null || die "timeline run --listen exited"
  sleep 0.1
done
[ -n "$url" ] || die "timeline run --listen printed no address within 10 s"

"$bin" demo --accounts 3 --months 6 --seed 7 "${common[@]}" >"$work/demo.log" 2>&1 ||
  die "timeline demo: $(tail -n 5 "$work/demo.log")"
ready=0
for _ in $(seq 1 150); do
  if curl -fsS "$url/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.2
done
[ "$ready" = 1 ] || die "$url/readyz did not answer ready within 30 s"

mkdir -p "$artifacts"
DASHBOARD_URL="$url" DASHBOARD_TOKEN="$token" TIMELINE_BIN="$bin" \
  TIMELINE_COMMON_FLAGS="${common[*]}" CHROMIUM="$chromium" \
  SCREENSHOT="$(cd "$artifacts" && pwd)/dashboard.png" \
  WEB_MODULES="$root/deploy/web/node_modules" \
  timeout 90 node "$root/tests/browser/dashboard_test.mjs"
