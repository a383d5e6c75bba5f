#!/usr/bin/env bash
# The public contract from another language, against the local broker: examples/python/ (a PyPI
# Kafka client and classes protoc generates from proto/) submit an order the sequencer accepts,
# get a refusal back, and read account-events with every chain verified and order totals equal to
# `timeline state`; a record forged onto account-events is then refused by the Python reader.
#
#   tests/contract/python_client_test.sh path/to/timeline PYTHON REPO_ROOT
#
# PYTHON is the venv deploy/setup.sh makes (.venv-python/bin/python: confluent-kafka and Debian's
# protobuf). Needs the broker at ${TIMELINE_BROKERS:-127.0.0.1:19092}. Each run uses its own topics,
# groups and data directory. Prints "ok - ..." or "not ok - ..." per check, then a count.
set -euo pipefail

if [ $# -ne 3 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/timeline PYTHON REPO_ROOT" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
python="$2"
root="$3"
if ! "$python" -c "import confluent_kafka, google.protobuf" 2>/dev/null; then
  echo "not ok - $python cannot import confluent_kafka and google.protobuf: run deploy/setup.sh" >&2
  exit 1
fi
brokers="${TIMELINE_BROKERS:-127.0.0.1:19092}"
unique="py-$$-$(date +%s%N)-"
account="acme-industries"  # the account of deploy/examples/
work="$(mktemp -d "${TMPDIR:-/tmp}/timeline-python-test.XXXXXX")"
data="$work/data"
engine_pid=""
common=(--brokers "$brokers" --topic-prefix "$unique" --group-prefix "${unique}timeline")
python_common=(--brokers "$brokers" --topic-prefix "$unique")

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

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() {
  failed=$((failed + 1)); echo "not ok - $1"; shift
  for evidence in "$@"; do printf '%s\n' "$evidence" | sed 's/^/#   /'; done
}

# run CMD...: runs without stopping the script; sets OUT, ERR and RC.
OUT="" ERR="" RC=0
run() {
  set +e
  OUT="$(timeout 120 "$@" 2>"$work/stderr")"
  RC=$?
  set -e
  ERR="$(<"$work/stderr")"
}
last_run() { printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$OUT" "$ERR"; }
engine_log() { printf 'engine log:\n%s' "$(tail -n 20 "$work/engine.log" 2>/dev/null)"; }
# json EXPR: evaluates a Python expression over the JSON in $OUT (bound to j).
json() { "$python" -c "import json, sys; j = json.loads(sys.stdin.read()); print($1)" <<<"$OUT"; }

mkdir -p "$data" "$work/gen"
protoc -I "$root/proto" --python_out="$work/gen" "$root"/proto/timeline/v1/*.proto
export PYTHONPATH="$work/gen"
echo "# timeline: $bin, python: $python, topic prefix: $unique"

run "$bin" topics create "${common[@]}"
if [ "$RC" = 0 ]; then pass "topics create"; else fail "topics create" "$(last_run)"; fi
"$bin" run --data "$data" "${common[@]}" >>"$work/engine.log" 2>&1 &
engine_pid=$!
# New topics take a moment to have leaders: wait until the sequencer holds its partitions.
deadline=$((SECONDS + 60))
until grep -q "sequencer: assigned .* heads caught up" "$work/engine.log" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then fail "the engine's sequencer starts in 60 s" "$(engine_log)"; break; fi
  sleep 0.2
done

examples=("$root"/deploy/examples/*.json)
appended=0
for example in "${examples[@]}"; do
  run "$bin" append "${common[@]}" --timeout 60 --file "$example"
  if [ "$RC" = 0 ]; then
    appended=$((appended + 1))
  else
    fail "append $(basename "$example")" "$(last_run)" "$(engine_log)"
  fi
done
[ "$appended" = "${#examples[@]}" ] && pass "timeline append recorded the $appended examples"

# --- the Python producer ----------------------------------------------------------------------
want=$((appended + 1))
run "$python" "$root/examples/python/submit_order.py" "${python_common[@]}" --account "$account" \
  --order-id PO-PY-1 --sku PUMP-100 --quantity 3 --unit-price 2500 --currency EUR
if [ "$RC" = 0 ] && [ "$(json 'j["recorded"], j["sequence"]')" = "True $want" ]; then
  pass "the Python producer's SubmitEvent is recorded as sequence $want"
else
  fail "the Python producer's SubmitEvent is recorded as sequence $want" "$(last_run)" "$(engine_log)"
fi

run "$python" "$root/examples/python/submit_order.py" "${python_common[@]}" --account "$account" \
  --order-id PO-PY-2 --sku PUMP-100 --quantity -1 --unit-price 2500
if [ "$RC" = 2 ] && [ "$(json 'j["recorded"], j["code"]')" = "False NEGATIVE_AMOUNT" ]; then
  pass "the Python producer gets a refusal back from account-rejections (NEGATIVE_AMOUNT)"
else
  fail "the Python producer gets a refusal back from account-rejections" "$(last_run)"
fi

# An amendment and a cancellation change the totals too: the consumer must fold them as the engine.
amend='{"accountId": "'$account'", "occurredAt": "2026-04-02T09:00:00Z", "actor": "jane.doe",
 "event": {"orderAmended": {"orderId": "PO-2026-0001", "reason": "fewer sites",
   "lines": [{"sku": "PUMP-100", "quantity": 30, "unitPrice": {"minorUnits": 125000, "currency": "EUR"}}]}}}'
cancel='{"accountId": "'$account'", "occurredAt": "2026-04-03T09:00:00Z", "actor": "jane.doe",
 "event": {"orderCancelled": {"orderId": "PO-PY-1", "reason": "ordered twice"}}}'
for submission in "$amend" "$cancel"; do
  run "$bin" append "${common[@]}" --timeout 60 <<<"$submission"
  if [ "$RC" = 0 ]; then want=$((want + 1)); else fail "append $submission" "$(last_run)"; fi
done

# --- the Python consumer against timeline state -----------------------------------------------
deadline=$((SECONDS + 30))
while :; do
  run "$bin" state "$account" --data "$data" "${common[@]}"
  [ "$RC" = 0 ] && [ "$(json 'j.get("version")')" = "$want" ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then fail "timeline state reaches version $want" "$(last_run)"; break; fi
  sleep 0.3
done
state_ordered="$(json '{t["currency"]: int(t.get("minorUnits", 0)) for t in j.get("ordered", []) if int(t.get("minorUnits", 0))}')"

run "$python" "$root/examples/python/consume_events.py" "${python_common[@]}"
consumed=("$(json "j['accounts']['$account']['events']")" "$(json "j['accounts']['$account']['ordered']")")
if [ "$RC" = 0 ] && [ "${consumed[0]}" = "$want" ]; then
  pass "the Python consumer verifies the chain of all $want events"
else
  fail "the Python consumer verifies the chain of all $want events" "$(last_run)"
fi
if [ "$RC" = 0 ] && [ "${consumed[1]}" = "$state_ordered" ] && [ "$state_ordered" != "{}" ]; then
  pass "its order totals equal timeline state's ordered ${consumed[1]}"
else
  fail "its order totals equal timeline state's ordered" "python: ${consumed[1]}" \
    "timeline state: $state_ordered" "$(last_run)"
fi

# --- a record forged onto account-events: the next event with a body the hash does not cover ---
"$python" - "$brokers" "${unique}account-events" "$account" <<'PYTHON'
import sys, uuid
from confluent_kafka import Consumer, Producer, TopicPartition
from timeline.v1 import envelope_pb2
brokers, topic, account = sys.argv[1:]
consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"forger-{uuid.uuid4()}",
                     "enable.partition.eof": True, "isolation.level": "read_committed"})
partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
last, at_end = None, 0
while at_end < len(partitions):  # the account's last event
    m = consumer.poll(10)
    if m is None or m.error(): at_end += 1
    elif m.key() == account.encode(): last = envelope_pb2.EventEnvelope.FromString(m.value())
consumer.close()
forged = envelope_pb2.EventEnvelope()
forged.CopyFrom(last)
forged.sequence, forged.prev_hash, forged.body = last.sequence + 1, last.hash, last.body + b"\x00"
producer = Producer({"bootstrap.servers": brokers, "partitioner": "murmur2_random"})
producer.produce(topic, key=account.encode(), value=forged.SerializeToString())
producer.flush(30)
PYTHON
run "$python" "$root/examples/python/consume_events.py" "${python_common[@]}"
if [ "$RC" = 1 ] && grep -q "account $account sequence $((want + 1)): the contents do not hash" <<<"$ERR"; then
  pass "the Python consumer refuses a forged record and names it" "$ERR"
else
  fail "the Python consumer refuses a forged record and names it" "$(last_run)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
