#!/usr/bin/env bash
# The README's main command the way a newcomer meets it: deploy/up.sh against a broker started
# from EMPTY storage (its own port and directory, beside any other broker), so that topics are
# created and used at once, while leaders are still being elected and the coordinators load.
#
#   1. up.sh on the empty broker succeeds the first time and prints the example account's state
#      and the demo portfolio;
#   2. up.sh again succeeds and prints the same state and portfolio (nothing recorded twice);
#   3. from empty storage again, up.sh killed in the middle of the demo (engine included), then
#      run again: it finishes and prints the same portfolio as the first run;
#   4. the broker restarts while an append waits: the append is recorded once the broker is back,
#      and the engine went on by itself.
#
#   tests/cli/first_run_test.sh REPO_ROOT
#
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed".
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/deploy/up.sh" ]; then
  echo "usage: $0 REPO_ROOT" >&2
  exit 2
fi
root="$(cd "$1" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/timeline-first-run.XXXXXX")"

# Three free ports on 127.0.0.1: the broker, its controller, the API.
read -r broker_port controller_port api_port < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
EOF
)
export TIMELINE_KAFKA_HOME="$work/kafka"
export TIMELINE_KAFKA_PORT="$broker_port"
export TIMELINE_KAFKA_CONTROLLER_PORT="$controller_port"
export TIMELINE_KAFKA_HEAP_OPTS="-Xms128m -Xmx512m"
export TIMELINE_DATA="$work/data"
export TIMELINE_API_PORT="$api_port"
export TIMELINE_BROKERS="127.0.0.1:$broker_port"
timeline="$root/build/consumers/timeline"

cleanup() {
  bash "$root/deploy/down.sh" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
# fail WHAT FILE: the last lines of FILE are printed below, one "#" line each.
fail() {
  failed=$((failed + 1))
  echo "not ok - $1"
  [ -n "${2:-}" ] && tail -n 40 "$2" | sed 's/^/#   /'
  return 0
}

# section FILE HEADER: the lines after "== HEADER..." up to the next "== " header or blank line.
section() {
  awk -v header="== $2" '
    index($0, header) == 1 { inside = 1; next }
    inside && (/^== / || /^$/) { exit }
    inside { print }' "$1"
}

# run_up OUTPUT: deploy/up.sh with its output in OUTPUT; its exit status.
run_up() {
  local status=0
  bash "$root/deploy/up.sh" >"$1" 2>&1 </dev/null || status=$?
  return $status
}

# --- 1. the first run on an empty broker ---------------------------------------------------
first="$work/first.out"
if run_up "$first"; then
  pass "up.sh succeeds the first time on a broker started from empty storage"
else
  fail "up.sh succeeds the first time on a broker started from empty storage" "$first"
fi
if grep -q "recorded: account acme-industries sequence 1 " "$first"; then
  pass "the first example event is recorded at once after the topics were created"
else
  fail "the first example event is recorded at once after the topics were created" "$first"
fi
section "$first" "timeline state acme-industries" >"$work/state.1"
section "$first" "timeline view portfolio" >"$work/portfolio.1"
if grep -q '"version": "7"' "$work/state.1" && [ "$(wc -l <"$work/portfolio.1")" -ge 20 ]; then
  pass "the first run prints the example account at version 7 and the demo portfolio"
else
  fail "the first run prints the example account at version 7 and the demo portfolio" "$first"
fi

# --- 2. the same command again --------------------------------------------------------------
second="$work/second.out"
if run_up "$second"; then
  pass "up.sh succeeds a second time"
else
  fail "up.sh succeeds a second time" "$second"
fi
section "$second" "timeline state acme-industries" >"$work/state.2"
section "$second" "timeline view portfolio" >"$work/portfolio.2"
if cmp -s "$work/state.1" "$work/state.2" && cmp -s "$work/portfolio.1" "$work/portfolio.2"; then
  pass "the second run prints the same state and portfolio"
else
  diff "$work/state.1" "$work/state.2" >"$work/diff.2" || true
  diff "$work/portfolio.1" "$work/portfolio.2" >>"$work/diff.2" || true
  fail "the second run prints the same state and portfolio" "$work/diff.2"
fi
if ! grep -q "^[0-9a-z-]*\.json *recorded:" "$second"; then
  pass "the second run records none of the examples again"
else
  fail "the second run records none of the examples again" "$second"
fi

# --- 3. interrupted in the middle, from empty storage ---------------------------------------
bash "$root/deploy/down.sh" >/dev/null 2>&1
bash "$root/deploy/kafka.sh" reset >/dev/null
rm -rf "$TIMELINE_DATA"
partial="$work/partial.out"
setsid bash "$root/deploy/up.sh" >"$partial" 2>&1 </dev/null &
up_pid=$!
# Killed as soon as the demo starts: its submissions are then under way, some decided, some not.
for _ in $(seq 1 6000); do
  grep -q "== timeline demo" "$partial" && break
  kill -0 "$up_pid" 2>/dev/null || break
  sleep 0.02
done
kill -KILL -- "-$up_pid" 2>/dev/null || true
if [ -f "$TIMELINE_DATA/timeline.pid" ]; then
  kill -KILL "$(cat "$TIMELINE_DATA/timeline.pid")" 2>/dev/null || true
fi
wait "$up_pid" 2>/dev/null || true
if grep -q "== timeline demo" "$partial" && ! grep -q "^Dashboard:" "$partial"; then
  pass "up.sh and the engine were killed in the demo, before the end"
else
  fail "up.sh and the engine were killed in the demo, before the end" "$partial"
fi
resumed="$work/resumed.out"
if run_up "$resumed"; then
  pass "up.sh run again after the interruption succeeds"
else
  fail "up.sh run again after the interruption succeeds" "$resumed"
fi
section "$resumed" "timeline state acme-industries" >"$work/state.3"
section "$resumed" "timeline view portfolio" >"$work/portfolio.3"
if cmp -s "$work/portfolio.1" "$work/portfolio.3" && grep -q '"version": "7"' "$work/state.3"; then
  pass "after the interruption it prints the same portfolio and the example account at version 7"
else
  diff "$work/portfolio.1" "$work/portfolio.3" >"$work/diff.3" || true
  cat "$work/state.3" >>"$work/diff.3"
  fail "after the interruption it prints the same portfolio and the example account at version 7" "$work/diff.3"
fi

# --- 4. the broker restarts under an append --------------------------------------------------
bash "$root/deploy/kafka.sh" stop >/dev/null
appended="$work/append.out"
echo '{"accountId": "restart-test", "occurredAt": "2026-11-26T09:00:00Z", "actor": "first-run",
       "event": {"accountOpened": {"name": "Restart Test GmbH", "currency": "EUR"}}}' |
  "$timeline" append --kafka-wait 90 --timeout 90 >"$appended" 2>&1 &
append_pid=$!
# Readers wait for the broker too: the whole log's audit and a subscription from the beginning.
"$timeline" verify --all --data "$TIMELINE_DATA" --kafka-wait 90 >"$work/verify.out" 2>&1 &
verify_pid=$!
"$timeline" subscribe --from BEGINNING --until-idle 2 --kafka-wait 90 >"$work/subscribe.out" 2>&1 &
subscribe_pid=$!
sleep 3  # they are waiting for the broker now
bash "$root/deploy/kafka.sh" start >/dev/null
append_status=0
wait "$append_pid" || append_status=$?
verify_status=0
wait "$verify_pid" || verify_status=$?
subscribe_status=0
wait "$subscribe_pid" || subscribe_status=$?
if [ "$append_status" -eq 0 ] && grep -q "recorded: account restart-test sequence 1 " "$appended"; then
  pass "an append made while the broker restarts is recorded once it is back"
else
  fail "an append made while the broker restarts is recorded once it is back" "$appended"
fi
if [ "$verify_status" -eq 0 ] && grep -q '"accounts"' "$work/verify.out"; then
  pass "verify --all started while the broker was down audits the log once it is back"
else
  fail "verify --all started while the broker was down audits the log once it is back" "$work/verify.out"
fi
if [ "$subscribe_status" -eq 0 ] && grep -q '"accountId": *"acme-industries"\|"accountId":"acme-industries"' "$work/subscribe.out"; then
  pass "a subscription started while the broker was down reads the log once it is back"
else
  fail "a subscription started while the broker was down reads the log once it is back" "$work/subscribe.out"
fi
if kill -0 "$(cat "$TIMELINE_DATA/timeline.pid")" 2>/dev/null; then
  pass "the engine went on by itself through the broker's restart"
else
  fail "the engine went on by itself through the broker's restart" "$TIMELINE_DATA/timeline.log"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
