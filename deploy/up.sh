#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set up, build, start the local Kafka broker, create
# the topics, start the engine (`timeline run`) in the background, append the example events in
# deploy/examples/ and print that account's state and history, then submit the demo portfolio
# (`timeline demo`: 20 national accounts, 24 months) and print it by manager. Safe to run again:
# every event carries an idempotency key, so a second run records nothing twice.
# Stop with deploy/down.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash deploy/setup.sh
bash deploy/build.sh
bash deploy/kafka.sh start

timeline="$root/build/consumers/timeline"
data="$root/data"
mkdir -p "$data"
"$timeline" topics create --partitions 3

if [ -f "$data/timeline.pid" ] && kill -0 "$(cat "$data/timeline.pid")" 2>/dev/null; then
  echo "up.sh: timeline run is already running (pid $(cat "$data/timeline.pid"))"
else
  nohup "$timeline" run --data "$data" >"$data/timeline.log" 2>&1 &
  echo $! >"$data/timeline.pid"
  echo "up.sh: timeline run started (pid $!, log $data/timeline.log)"
fi

for example in deploy/examples/*.json; do
  printf '%-40s ' "$(basename "$example")"
  "$timeline" append --file "$example"
done

# The worker folds in the background; give it a moment to reach the last event.
for _ in $(seq 1 50); do
  version=$("$timeline" state acme-industries --data "$data" 2>/dev/null | sed -n 's/.*"version": "\([0-9]*\)".*/\1/p')
  [ "${version:-0}" -ge 7 ] && break
  sleep 0.2
done

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
sleep 2
echo
echo "== timeline view portfolio --on $reference (as a table; the JSON has every figure)"
"$timeline" view portfolio --data "$data" --on "$reference" | python3 "$root/deploy/portfolio_table.py"

echo
echo "The engine keeps running. Try:"
echo "  build/consumers/timeline view compliance $first_demo_account --data data --on $reference"
echo "  build/consumers/timeline view summary $first_demo_account --data data --on $reference"
echo "  build/consumers/timeline --help"
echo "Stop everything with: deploy/down.sh"
