#!/usr/bin/env bash
# The `timeline` CLI as a person uses it, from a shell, against the local broker: create topics,
# run the engine, append, read state (also --as-of) and history (also --type), subscribe and resume,
# get refused, repeat an idempotency key, stop the engine with SIGTERM and start it again; issue,
# list and revoke API tokens.
#
#   tests/cli/cli_round_trip_test.sh path/to/timeline
#
# Needs the broker at ${TIMELINE_BROKERS:-127.0.0.1:19092} (deploy/kafka.sh start). Each run uses
# its own topics, consumer groups and data directory. Prints "ok - ..." or "not ok - ..." per
# check, then "N passed, M failed"; exits non-zero when a check failed.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 path/to/timeline (an executable)" >&2
  exit 2
fi
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
brokers="${TIMELINE_BROKERS:-127.0.0.1:19092}"
unique="cli-$$-$(date +%s%N)-"
account="acme-cli"
work="$(mktemp -d "${TMPDIR:-/tmp}/timeline-cli-test.XXXXXX")"
data="$work/data"
engine_pid=""

# Every command shares these; --data only matters to run, state and history.
common=(--brokers "$brokers" --topic-prefix "$unique" --group-prefix "${unique}timeline")

# Stops the engine (SIGTERM, then SIGKILL after 15 s) and removes the scratch directory.
cleanup() {
  if [ -n "$engine_pid" ] && kill -0 "$engine_pid" 2>/dev/null; then
    kill -TERM "$engine_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$engine_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0

# pass WHAT [EVIDENCE]
pass() {
  passed=$((passed + 1))
  local evidence="${2:-}"
  evidence="${evidence//$'\n'/ }"
  echo "ok - $1${evidence:+ ($evidence)}"
}

# fail WHAT [EVIDENCE...]: the evidence is printed below, one "#" line each.
fail() {
  failed=$((failed + 1))
  echo "not ok - $1"
  shift
  local line
  for evidence in "$@"; do
    while IFS= read -r line; do echo "#   $line"; done <<<"$evidence"
  done
}

# run CMD...: runs a command without stopping the script; sets OUT, ERR and RC.
OUT="" ERR="" RC=0
run() {
  set +e
  OUT="$(timeout 120 "$@" 2>"$work/stderr")"
  RC=$?
  set -e
  ERR="$(<"$work/stderr")"
}

# What the last run did, as evidence.
last_run() { printf 'exit %s\nstdout: %s\nstderr: %s' "$RC" "$OUT" "$ERR"; }

# JSON with every space and line break removed, so a pattern need not care about indentation.
flat() { tr -d ' \n' <<<"$1"; }

# The value of a "name":"value" string field in flat JSON (the first one).
field() { sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$1" | head -n 1; }

start_engine() {
  "$bin" run --data "$data" "${common[@]}" >>"$work/engine.log" 2>&1 &
  engine_pid=$!
}

engine_log() { printf 'engine log:\n%s' "$(tail -n 20 "$work/engine.log" 2>/dev/null)"; }

# Polls `timeline state` until the account is at version $1 (30 s at most); sets OUT, ERR, RC.
wait_for_version() {
  local want=$1 deadline=$((SECONDS + 30)) version=""
  while :; do
    run "$bin" state "$account" --data "$data" "${common[@]}"
    version="$(field "$(flat "$OUT")" version)"
    [ "$RC" = 0 ] && [ "$version" = "$want" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.3
  done
}

opened_json() {
  cat <<EOF
{"accountId": "$account", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
 "event": {"accountOpened": {"name": "ACME Industries", "manager": "jane.doe",
                             "currency": "EUR", "regions": ["DE", "FR"]}}}
EOF
}

# order_json ORDER_ID [EXTRA_FIELDS]: 3 x 125000 EUR = 375000 minor units.
order_json() {
  cat <<EOF
{"accountId": "$account", "occurredAt": "2026-02-02T10:30:00Z", "actor": "jane.doe", ${2:-}
 "event": {"orderPlaced": {"orderId": "$1",
   "lines": [{"sku": "PUMP-100", "quantity": 3,
              "unitPrice": {"minorUnits": 125000, "currency": "EUR"}}]}}}
EOF
}

hash_re='[0-9a-f]{64}'
mkdir -p "$data"
echo "# timeline: $bin"
echo "# brokers: $brokers, topic prefix: $unique, data: $data"

# --- help -------------------------------------------------------------------------------------
run "$bin" --help
what="timeline --help exits 0 and lists the commands"
if [ "$RC" = 0 ] && grep -q append <<<"$OUT"; then pass "$what"; else fail "$what" "$(last_run)"; fi

run "$bin" append --help
what="timeline append --help exits 0 and names --file"
if [ "$RC" = 0 ] && grep -q -- --file <<<"$OUT"; then pass "$what"
else fail "$what" "$(last_run)"; fi

run "$bin" topics create --help
what="timeline topics create --help names the six topics it makes, account-state among them"
if [ "$RC" = 0 ] && grep -q "six topics" <<<"$OUT" && grep -q account-state <<<"$OUT" &&
   ! grep -q " 5 \|five" <<<"$OUT"; then pass "$what"
else fail "$what" "$(last_run)"; fi

# --- topics -----------------------------------------------------------------------------------
run "$bin" topics create "${common[@]}"
if [ "$RC" = 0 ]; then pass "topics create" "$OUT"
else fail "topics create" "$(last_run)"; fi

run "$bin" topics create "${common[@]}"
if [ "$RC" = 0 ]; then pass "topics create again is idempotent (exit 0)"
else fail "topics create again is idempotent (exit 0)" "$(last_run)"; fi

# --- run, append ------------------------------------------------------------------------------
start_engine
sleep 1
what="timeline run starts in the background"
if kill -0 "$engine_pid" 2>/dev/null; then pass "$what" "pid $engine_pid"
else fail "$what" "$(engine_log)"; fi

run "$bin" append "${common[@]}" --timeout 60 <<<"$(opened_json)"
first_hash="$(sed -n 's/.* hash \([0-9a-f]*\)$/\1/p' <<<"$OUT")"
if [ "$RC" = 0 ] && grep -Eqx "recorded: account $account sequence 1 hash $hash_re" <<<"$OUT"; then
  pass "append accountOpened from stdin records sequence 1" "$OUT"
else
  fail "append accountOpened from stdin records sequence 1" "$(last_run)" "$(engine_log)"
fi

order_json PO-1 >"$work/order.json"
run "$bin" append "${common[@]}" --timeout 60 --file "$work/order.json"
second_hash="$(sed -n 's/.* hash \([0-9a-f]*\)$/\1/p' <<<"$OUT")"
if [ "$RC" = 0 ] && grep -Eqx "recorded: account $account sequence 2 hash $hash_re" <<<"$OUT"; then
  pass "append orderPlaced with --file records sequence 2" "$OUT"
else
  fail "append orderPlaced with --file records sequence 2" "$(last_run)"
fi

# --- state, history ---------------------------------------------------------------------------
if wait_for_version 2; then
  pass "timeline state reaches version 2 while the engine runs"
else
  fail "timeline state reaches version 2 while the engine runs (30 s)" "$(last_run)" "$(engine_log)"
fi
state="$(flat "$OUT")"
if grep -q '"ordersPlaced":"1"' <<<"$state" &&
   grep -q '"ordered":\[{"currency":"EUR","minorUnits":"375000"}\]' <<<"$state" &&
   grep -q '"name":"ACMEIndustries"' <<<"$state"; then
  pass "state shows the account and its order (ordersPlaced 1, ordered 375000 EUR)"
else
  fail "state shows the account and its order (ordersPlaced 1, ordered 375000 EUR)" "$(last_run)"
fi

run "$bin" history "$account" --data "$data" "${common[@]}"
lines="$(grep -c . <<<"$OUT" || true)"
line1="$(sed -n 1p <<<"$OUT" | tr -d ' ')"
line2="$(sed -n 2p <<<"$OUT" | tr -d ' ')"
if [ "$RC" = 0 ] && [ "$lines" = 2 ] && [ "$(field "$line1" sequence)" = 1 ] &&
   [ "$(field "$line2" sequence)" = 2 ]; then
  pass "history prints 2 JSON lines in sequence order"
else
  fail "history prints 2 JSON lines in sequence order" "$(last_run)"
fi
if [ "$(field "$line1" prevHash)" = "$(printf '0%.0s' $(seq 1 64))" ] &&
   [ -n "$(field "$line1" hash)" ] &&
   [ "$(field "$line2" prevHash)" = "$(field "$line1" hash)" ]; then
  pass "history chains: the first prevHash is 64 zeros, the second prevHash is the first hash"
else
  fail "history chains: the first prevHash is 64 zeros, the second prevHash is the first hash" \
    "$(last_run)"
fi
if [ -n "$first_hash" ] && [ "$(field "$line1" hash)" = "$first_hash" ] &&
   [ "$(field "$line2" hash)" = "$second_hash" ]; then
  pass "history's hashes are the ones append printed"
else
  fail "history's hashes are the ones append printed" \
    "append printed $first_hash and $second_hash" "$(last_run)"
fi

# --- bitemporal state, filtered history ---------------------------------------------------------
# The account opened on 2026-01-05 and the order occurred on 2026-02-02.
run "$bin" state "$account" --as-of 2026-01-31 --data "$data" "${common[@]}"
what="state --as-of 2026-01-31 folds only the opening (version 1, no order)"
if [ "$RC" = 0 ] && [ "$(field "$(flat "$OUT")" version)" = 1 ] &&
   [ "$(field "$(flat "$OUT")" ordersPlaced)" = 0 ]; then pass "$what"
else fail "$what" "$(last_run)"; fi

run "$bin" history "$account" --type orderPlaced --data "$data" "${common[@]}"
what="history --type orderPlaced prints only the order (sequence 2)"
if [ "$RC" = 0 ] && [ "$(grep -c . <<<"$OUT")" = 1 ] &&
   [ "$(field "$(tr -d ' ' <<<"$OUT")" sequence)" = 2 ]; then pass "$what"
else fail "$what" "$(last_run)"; fi

run "$bin" history "$account" --type invoiceSent --data "$data" "${common[@]}"
what="history --type with an unknown type fails naming it and the valid types"
if [ "$RC" != 0 ] && grep -q '"invoiceSent"' <<<"$ERR" && grep -q invoiceIssued <<<"$ERR"; then
  pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

# --- subscribe -------------------------------------------------------------------------------
run "$bin" subscribe --account "$account" --type orderPlaced --from BEGINNING --max 1 "${common[@]}"
what="subscribe --from BEGINNING --max 1 prints the order (sequence 2) with a resume token"
token="$(field "$(grep '"event"' <<<"$OUT" | tr -d ' ')" token)"
if [ "$RC" = 0 ] && [ "$(grep -c '"event"' <<<"$OUT")" = 1 ] &&
   [ "$(field "$(tr -d ' ' <<<"$OUT")" sequence)" = 2 ] && [ -n "$token" ]; then pass "$what"
else fail "$what" "$(last_run)"; fi

run "$bin" subscribe --account "$account" --from "$token" --until-idle 1 "${common[@]}"
what="subscribe resumed from that token prints no event again, only a token line"
if [ "$RC" = 0 ] && [ "$(grep -c '"event"' <<<"$OUT")" = 0 ] && grep -q '"token"' <<<"$OUT"; then
  pass "$what"
else fail "$what" "$(last_run)"; fi

run "$bin" subscribe --from 'not*a*token' --max 1 "${common[@]}"
what="subscribe --from with a malformed token fails saying what is wrong"
if [ "$RC" = 1 ] && grep -q "not BEGINNING, END or a resume token" <<<"$ERR"; then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

# --- refusals ---------------------------------------------------------------------------------
run "$bin" append "${common[@]}" --timeout 60 <<<"$(order_json PO-STALE '"expectedVersion": "0",')"
if [ "$RC" = 2 ] && grep -q VERSION_CONFLICT <<<"$ERR" && grep -q "expected version 0" <<<"$ERR" &&
   grep -q "version 2" <<<"$ERR"; then
  pass "a stale expectedVersion is refused (exit 2) naming both versions" "$ERR"
else
  fail "a stale expectedVersion is refused (exit 2) naming both versions" "$(last_run)"
fi

run "$bin" append "${common[@]}" --timeout 60 <<<"{\"accountId\": \"$account\", \"event\": {"
if [ "$RC" = 2 ] && grep -q MALFORMED_SUBMISSION <<<"$ERR"; then
  pass "malformed JSON is refused (exit 2) as MALFORMED_SUBMISSION" "$ERR"
else
  fail "malformed JSON is refused (exit 2) as MALFORMED_SUBMISSION" "$(last_run)"
fi

# An account whose id is only a prefix of what was sent: the refusal must show all of it.
run "$bin" append "${common[@]}" --timeout 60 \
  <<<'{"accountId": "acme\u0000-rest", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane",
      "event": {"accountOpened": {"name": "NUL"}}}'
what="a zero byte in an account id is shown escaped, and the refusal goes on past it"
if [ "$RC" = 2 ] && grep -qF 'accountId "acme\x00-rest" is not valid' <<<"$ERR" &&
   grep -q "use 1 to 64 characters" <<<"$ERR"; then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

run "$bin" append "${common[@]}" --timeout 60 <<<"$(order_json PO-XYZ | sed 's/"EUR"/"XYZ"/')"
what="a currency that ISO 4217 does not list (XYZ) is refused (exit 2) as INVALID_FIELD"
if [ "$RC" = 2 ] && grep -q "INVALID_FIELD" <<<"$ERR" &&
   grep -q 'currency is "XYZ"; expected an active ISO 4217 currency code' <<<"$ERR"
then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

printf '{"accountId": "%s", "occurredAt": "2026-01-05T09:00:00Z", "actor": "j\xff\xfe",
  "event": {"accountOpened": {"name": "Bad bytes"}}}' "$account" >"$work/not-utf8.json"
run "$bin" append "${common[@]}" --timeout 60 --file "$work/not-utf8.json"
what="a command with bytes that are not UTF-8 is refused (exit 2) with a readable reason"
if [ "$RC" = 2 ] && grep -q "MALFORMED_SUBMISSION: the JSON is not UTF-8" <<<"$ERR" &&
   ! grep -qi corruption <<<"$ERR"; then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

run "$bin" append "${common[@]}" --timeout 60 \
  <<<"{\"accountId\": \"$account\", \"occurredAt\": \"2026-01-05T09:00:00Z\", \"actor\": \"j\",
       \"event\": {\"dealClosed\": {}}}"
what="an unknown event type is refused listing every known type (all 35)"
listed=0
for type in accountOpened orderPlaced milestoneCompleted invoiceIssued trainingDelivered \
    accountScopeChanged accountClosed managerAssigned teamMemberAssigned teamMemberReleased \
    contractSigned contractAmended contractTerminated orderAmended orderFulfilled orderCancelled \
    productProposed proposalAccepted proposalDeclined projectStarted projectCompleted \
    projectCancelled milestonePlanned milestoneRescheduled invoiceCorrected invoiceDisputed \
    invoiceCredited paymentReceived serviceCaseOpened serviceCaseResolved \
    marketingProgrammeLaunched marketingProgrammeCompleted trainingScheduled trainingCancelled \
    accountPurged; do
  grep -q "\b$type\b" <<<"$ERR" && listed=$((listed + 1))
done
if [ "$RC" = 2 ] && grep -q UNKNOWN_EVENT_TYPE <<<"$ERR" && [ "$listed" = 35 ]; then
  pass "$what" "$listed listed"
else fail "$what" "$listed of 35 listed" "$(last_run)"; fi

# A submission of 300 KiB: over the default limit of 256 KiB.
big_name="$(head -c $((300 * 1024)) /dev/zero | tr '\0' n)"
printf '{"accountId": "%s", "occurredAt": "2026-01-05T09:00:00Z", "actor": "j",
  "event": {"orderPlaced": {"orderId": "%s", "lines": [{"sku": "S", "quantity": 1,
  "unitPrice": {"minorUnits": 1, "currency": "EUR"}}]}}}' "$account" "$big_name" >"$work/big.json"
run "$bin" append "${common[@]}" --timeout 60 --file "$work/big.json"
what="append refuses a submission over --max-submission-bytes before sending it (exit 1)"
if [ "$RC" = 1 ] && grep -q "over the limit of 262144 bytes (--max-submission-bytes)" <<<"$ERR"
then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

run "$bin" append "${common[@]}" --timeout 60 --max-submission-bytes 1000000 --file "$work/big.json"
what="the engine refuses it too, as TOO_LARGE by name (exit 2), and keeps deciding"
if [ "$RC" = 2 ] && grep -q "refused: TOO_LARGE: the submission is [0-9]* bytes, over the limit" \
     <<<"$ERR" && kill -0 "$engine_pid" 2>/dev/null; then pass "$what" "$ERR"
else fail "$what" "$(last_run)" "$(engine_log)"; fi

# --- one process per --data --------------------------------------------------------------------
run timeout 20 "$bin" run --data "$data" "${common[@]}"
what="a second run on the same --data stops at once naming the process that has it"
if [ "$RC" = 1 ] && grep -q "another process, pid $engine_pid (timeline sequencer)" <<<"$ERR" &&
   ! grep -q "LOCK" <<<"$ERR"; then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

started=$SECONDS
run timeout 20 "$bin" worker --data "$data" "${common[@]}"
what="a second worker on the same --data says at once that another worker has it"
if [ "$RC" = 1 ] && [ $((SECONDS - started)) -lt 10 ] &&
   grep -q "another projection worker, pid $engine_pid (timeline worker)" <<<"$ERR"
then pass "$what" "$ERR"
else fail "$what" "after $((SECONDS - started)) s" "$(last_run)"; fi

# --- idempotency ------------------------------------------------------------------------------
keyed="$(order_json PO-2 '"idempotencyKey": "cli-order-2",')"
run "$bin" append "${common[@]}" --timeout 60 <<<"$keyed"
keyed_sequence="$(sed -n 's/^recorded: account .* sequence \([0-9]*\) hash .*/\1/p' <<<"$OUT")"
keyed_hash="$(sed -n 's/.* hash \([0-9a-f]*\)$/\1/p' <<<"$OUT")"
if [ "$RC" = 0 ] && [ "$keyed_sequence" = 3 ]; then
  pass "append with an idempotency key records sequence 3" "$OUT"
else
  fail "append with an idempotency key records sequence 3" "$(last_run)"
fi

run "$bin" append "${common[@]}" --timeout 60 <<<"$keyed"
what="the same idempotency key again prints 'already recorded' with the first sequence (exit 0)"
already="^already recorded: account $account sequence ${keyed_sequence:-3} hash ${keyed_hash:-x}"
if [ "$RC" = 0 ] && grep -q "$already" <<<"$OUT"; then
  pass "$what" "$OUT"
else
  fail "$what" "first: sequence $keyed_sequence hash $keyed_hash" "$(last_run)"
fi
expected_version=3

# --- stop and restart -------------------------------------------------------------------------
kill -TERM "$engine_pid"
stop_deadline=$((SECONDS + 15))
while kill -0 "$engine_pid" 2>/dev/null && [ "$SECONDS" -lt "$stop_deadline" ]; do sleep 0.1; done
if kill -0 "$engine_pid" 2>/dev/null; then
  fail "SIGTERM stops the engine within 15 s" "still running after 15 s" "$(engine_log)"
  kill -KILL "$engine_pid" 2>/dev/null || true
  wait "$engine_pid" 2>/dev/null || true
else
  set +e
  wait "$engine_pid"
  engine_rc=$?
  set -e
  if [ "$engine_rc" = 0 ]; then pass "SIGTERM stops the engine within 15 s with exit 0"
  else fail "SIGTERM stops the engine within 15 s with exit 0" "exit $engine_rc" "$(engine_log)"; fi
fi
engine_pid=""

# This time with the HTTP API: stdout holds the address line alone, logs go to stderr.
"$bin" run --data "$data" "${common[@]}" --listen 127.0.0.1:0 --insecure-no-auth \
  >"$work/engine.out" 2>>"$work/engine.log" &
engine_pid=$!
sleep 1
what="timeline run starts again on the same data"
if kill -0 "$engine_pid" 2>/dev/null; then pass "$what" "pid $engine_pid"
else fail "$what" "$(engine_log)"; fi

if wait_for_version "$expected_version"; then
  pass "after the restart state is still at version $expected_version"
else
  fail "after the restart state is still at version $expected_version" "$(last_run)"
fi

url="$(head -n 1 "$work/engine.out")"
ready=0
for _ in $(seq 1 300); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && { ready=1; break; }
  sleep 0.1
done
what="run --listen prints only its address on stdout (logs on stderr) and becomes ready"
if [ "$ready" = 1 ] && [ "$(wc -l <"$work/engine.out")" = 1 ] &&
   grep -Eqx 'http://127\.0\.0\.1:[0-9]+' "$work/engine.out" &&
   grep -q "caught up" "$work/engine.log"; then pass "$what" "$url"
else fail "$what" "stdout: $(cat "$work/engine.out")" "$(engine_log)"; fi

order_json PO-3 >"$work/order3.json"
run "$bin" append "${common[@]}" --timeout 60 --file "$work/order3.json"
next=$((expected_version + 1))
what="after the restart a new append continues the sequence ($next)"
if [ "$RC" = 0 ] && grep -Eqx "recorded: account $account sequence $next hash $hash_re" <<<"$OUT"
then pass "$what" "$OUT"
else fail "$what" "$(last_run)" "$(engine_log)"; fi

if wait_for_version "$next" && [ "$(field "$(flat "$OUT")" ordersPlaced)" = 3 ]; then
  pass "the restarted worker folds it: version $next, ordersPlaced 3"
else
  fail "the restarted worker folds it: version $next, ordersPlaced 3" "$(last_run)"
fi

run "$bin" history "$account" --data "$data" "${common[@]}"
prev=""
chained=1
count=0
while IFS= read -r line; do
  line="$(tr -d ' ' <<<"$line")"
  count=$((count + 1))
  [ "$(field "$line" sequence)" = "$count" ] || chained=0
  [ -z "$prev" ] || [ "$(field "$line" prevHash)" = "$prev" ] || chained=0
  prev="$(field "$line" hash)"
done <<<"$OUT"
if [ "$RC" = 0 ] && [ "$count" = "$next" ] && [ "$chained" = 1 ]; then
  pass "history after the restart: $next events, one unbroken chain"
else
  fail "history after the restart: $next events, one unbroken chain" "$(last_run)"
fi

run "$bin" verify --all --data "$data" "${common[@]}"
what="timeline verify --all checks the log's chains and seals: no problem, exit 0"
if [ "$RC" = 0 ] && grep -q '"source":"log"' <<<"$OUT" && grep -q '"sealChecked":true' <<<"$OUT" &&
   grep -q "\"eventsVerified\":\"$next\"" <<<"$OUT"
then pass "$what" "$OUT"
else fail "$what" "$(last_run)"; fi

run "$bin" verify "$account" --source view --data "$data" "${common[@]}"
what="timeline verify ACCOUNT --source view checks the worker's timeline: exit 0"
if [ "$RC" = 0 ] && grep -q '"source":"view"' <<<"$OUT"
then pass "$what" "$OUT"
else fail "$what" "$(last_run)"; fi

run "$bin" verify --all --source view --data "$data" "${common[@]}"
what="timeline verify --all --source view proves the views complete and counts both sides"
if [ "$RC" = 0 ] && grep -q "\"logEvents\":\"$next\"" <<<"$OUT" &&
   grep -q "the views hold $next event(s); the log's chains hold $next" <<<"$ERR"
then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

run "$bin" verify --data "$data" "${common[@]}"
what="timeline verify without ACCOUNT or --all is refused naming both"
if [ "$RC" = 1 ] && grep -q "ACCOUNT or --all" <<<"$ERR"
then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

# Tokens: issued once, listed without hashes, revoked by name.
tokens="$work/tokens.jsonl"
run "$bin" token new jane --role manager --manager jane.doe --tokens "$tokens"
jane_token="$OUT"
run "$bin" token new audit --role auditor --account '*' --tokens "$tokens"
run "$bin" token list --tokens "$tokens"
what="timeline token new prints a 64-hex token once; token list shows both holders without hashes"
if [[ "$jane_token" =~ ^[0-9a-f]{64}$ ]] && grep -q '"name":"jane"' <<<"$OUT" &&
   grep -q '"name":"audit"' <<<"$OUT" && ! grep -q sha256 <<<"$OUT" &&
   ! grep -q "$jane_token" "$tokens" && [ "$(stat -c %a "$tokens")" = 600 ]
then pass "$what" "$OUT"
else fail "$what" "$(last_run)"; fi

run "$bin" token revoke jane --tokens "$tokens"
revoke_rc="$RC"
run "$bin" token list --tokens "$tokens"
what="timeline token revoke removes exactly that token"
if [ "$revoke_rc" = 0 ] && ! grep -q '"name":"jane"' <<<"$OUT" && grep -q '"name":"audit"' <<<"$OUT"
then pass "$what" "$OUT"
else fail "$what" "$(last_run)"; fi

run "$bin" token revoke nobody --tokens "$tokens"
what="timeline token revoke of an unknown name fails naming it"
if [ "$RC" = 1 ] && grep -q "no token named nobody" <<<"$ERR"
then pass "$what" "$ERR"
else fail "$what" "$(last_run)"; fi

# --- fencing ----------------------------------------------------------------------------------
# A second engine with the same --group-prefix and --instance (its own --data, the deployment's
# seal key) takes over: the first must stop, saying why, instead of staying up doing nothing.
"$bin" run --data "$work/data2" --seal-key "$data/seal.key" "${common[@]}" >"$work/engine2.log" 2>&1 &
second_pid=$!
fence_deadline=$((SECONDS + 90))
while kill -0 "$engine_pid" 2>/dev/null && [ "$SECONDS" -lt "$fence_deadline" ]; do sleep 0.2; done
what="an engine fenced by another with the same --instance exits non-zero naming --instance"
if kill -0 "$engine_pid" 2>/dev/null; then
  fail "$what" "still running after 90 s" "$(engine_log)"
else
  set +e
  wait "$engine_pid"
  engine_rc=$?
  set -e
  if [ "$engine_rc" != 0 ] && grep -q "fenced" "$work/engine.log" &&
     grep -q -- "--instance" "$work/engine.log"; then
    pass "$what" "exit $engine_rc: $(grep -m1 'timeline: fenced' "$work/engine.log")"
  else fail "$what" "exit $engine_rc" "$(engine_log)"; fi
fi
engine_pid="$second_pid"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
