#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set up, build, start the local Kafka broker, create
# the topics, start the engine (`timeline run`) in the background, append the example events in
# deploy/examples/ and print that account's state and history, then submit the demo portfolio
# (`timeline demo`: 20 national accounts, 24 months) and print it by manager. The engine serves
# the HTTP API and the dashboard beside it (`timeline run --listen`); the script ends by printing
# the API's address and an auditor token that sees every account, and the dashboard's address
# with that token in its fragment. Safe to run again: every event carries an
# idempotency key, so a second run records nothing twice, and the token is kept (data/api-token,
# readable by you only; data/tokens.jsonl holds only its SHA-256).
# Interrupted at any step, it finishes when run again and prints the same state and portfolio.
# Environment: TIMELINE_API_PORT (8080), TIMELINE_DATA (data/: the engine's RocksDB, seal key,
# token, pid and log), TIMELINE_KAFKA_PORT and the other deploy/kafka.sh variables (a broker of
# its own, e.g. from empty storage in TIMELINE_KAFKA_HOME). Stop with deploy/down.sh (same
# environment).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash deploy/setup.sh
bash deploy/build.sh
broker_port="${TIMELINE_KAFKA_PORT:-19092}"
if ! bash deploy/kafka.sh status >/dev/null 2>&1 && (exec 3<>"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null; then
  echo "up.sh: using the broker already listening on 127.0.0.1:$broker_port"
else
  bash deploy/kafka.sh start
fi
# Every command below talks to that broker, whatever TIMELINE_BROKERS said before.
export TIMELINE_BROKERS="127.0.0.1:$broker_port"

timeline="$root/build/consumers/timeline"
data="${TIMELINE_DATA:-$root/data}"
mkdir -p "$data"
"$timeline" topics create --partitions 3

# An auditor token for every account, made once; the server knows only its hash.
api_port="${TIMELINE_API_PORT:-8080}"
tokens="$data/tokens.jsonl"
token_file="$data/api-token"
if [ ! -s "$token_file" ]; then
  (umask 077 && "$timeline" token new "up-sh-$(date +%s)" --role auditor --account '*' \
    --tokens "$tokens" >"$token_file")
fi
token=$(cat "$token_file")

# True while the pid file names a live `timeline run` (not a pid reused by something else, nor
# the zombie an interrupted up.sh leaves behind until someone reaps it).
engine_running() {
  local pid
  pid=$(cat "$data/timeline.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "timeline run" || return 1
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

if engine_running; then
  echo "up.sh: timeline run is already running (pid $(cat "$data/timeline.pid"))"
else
  nohup "$timeline" run --data "$data" --listen "127.0.0.1:$api_port" --tokens "$tokens" \
    >"$data/timeline.log" 2>&1 &
  echo $! >"$data/timeline.pid"
  echo "up.sh: timeline run started (pid $!, log $data/timeline.log)"
fi
# The engine answers /healthz once it runs; if it stopped instead, say why now rather than let
# every append below time out.
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$api_port/healthz" >/dev/null 2>&1 && break
  if ! engine_running; then
    echo "up.sh: timeline run stopped; the end of $data/timeline.log:" >&2
    tail -n 20 "$data/timeline.log" >&2
    exit 1
  fi
  sleep 0.2
done

for example in deploy/examples/*.json; do
  printf '%-40s ' "$(basename "$example")"
  "$timeline" append --file "$example"
done

# The worker folds in the background: read once it holds every event on the log.
"$timeline" wait --data "$data" --timeout 120 >/dev/null

echo
echo "== timeline state acme-industries"
"$timeline" state acme-industries --data "$data"
echo
echo "== timeline history acme-industries"
"$timeline" history acme-industries --data "$data"
echo
echo "== timeline demo --accounts 20 --months 24 --seed 1"
"$timeline" demo --accounts 20 --months 24 --seed 1
reference=2027-01-01
first_demo_account=$("$timeline" demo --accounts 20 --months 24 --seed 1 --print-findings |
  sed -n '1s/.*"accountId":"\([^"]*\)".*/\1/p')

# Let the worker fold the demo before reading the portfolio.
"$timeline" wait --data "$data" --timeout 120 >/dev/null
echo
echo "== timeline view portfolio --on $reference (as a table; the JSON has every figure)"
"$timeline" view portfolio --data "$data" --on "$reference" | python3 "$root/deploy/portfolio_table.py"

echo
# Ready once the worker has folded everything on the log.
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$api_port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo
echo "The engine keeps running. Try:"
shown_data=$([ "$data" = "$root/data" ] && echo data || echo "$data")
echo "  build/consumers/timeline view compliance $first_demo_account --data $shown_data --on $reference"
echo "  build/consumers/timeline view summary $first_demo_account --data $shown_data --on $reference"
echo "  build/consumers/timeline --help"
echo "  curl -H \"Authorization: Bearer $token\" http://127.0.0.1:$api_port/api/accounts"
echo "  curl -N -H \"Authorization: Bearer $token\" http://127.0.0.1:$api_port/api/portfolio/events"
echo "  curl http://127.0.0.1:$api_port/metrics"
echo "Stop everything with: deploy/down.sh"
echo
echo "API: http://127.0.0.1:$api_port  token: $token"
echo "Dashboard: http://127.0.0.1:$api_port/#token=$token"
