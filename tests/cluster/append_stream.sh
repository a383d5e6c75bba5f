#!/usr/bin/env bash
# One client of the broker-fault test: submits events with `timeline append`, one at a time, as
# a person or a script would, until STOP_FILE exists; every attempt is one line of ATTEMPTS.
#
#   append_stream.sh TIMELINE CLIENT ACCOUNTS STOP_FILE ATTEMPTS
#
# The client owns ACCOUNTS accounts named <prefix>c<CLIENT>-a<k> and goes round them: each
# account is opened first, then sent orders. Every submission has its own idempotency key
# (c<CLIENT>-<n>), and an attempt that ends in an error is repeated with the same key (up to
# MAX_ATTEMPTS times) until it reports "recorded" or "already recorded": the sequencer must then
# record it once, whatever the broker did. The next submission starts only after that.
#
# Environment: TIMELINE_BROKERS, TIMELINE_TOPIC_PREFIX (the topics' prefix, also the accounts'),
#              APPEND_TIMEOUT (20 s for an outcome), APPEND_KAFKA_WAIT (20 s for the broker),
#              MAX_ATTEMPTS (8).
#
# ATTEMPTS, tab-separated: start_ms end_ms client account key attempt exit_status kind sequence
# message; kind is recorded, already (a retried success), refused (exit 2), error (exit 1) or
# silent (no answer within the watchdog's bound: killed).
set -uo pipefail

if [ $# -ne 5 ]; then
  echo "usage: $0 TIMELINE CLIENT ACCOUNTS STOP_FILE ATTEMPTS" >&2
  exit 2
fi
timeline="$1" client="$2" accounts="$3" stop_file="$4" attempts_log="$5"
prefix="${TIMELINE_TOPIC_PREFIX:?set TIMELINE_TOPIC_PREFIX}"
append_timeout="${APPEND_TIMEOUT:-20}"
kafka_wait="${APPEND_KAFKA_WAIT:-20}"
max_attempts="${MAX_ATTEMPTS:-8}"
# An append answers within its two waits; anything longer is silence.
watchdog=$((append_timeout + kafka_wait + 30))

now_ms() { date +%s%3N; }
# What `timeline append` prints on success (consumers/cli/append_command.cc).
already_pattern='already recorded: account [^ ]+ sequence ([0-9]+)'
recorded_pattern='recorded: account [^ ]+ sequence ([0-9]+)'

# submission_json ACCOUNT KEY N: the account's opening for N = 0, else an order.
submission_json() {
  local account="$1" key="$2" n="$3"
  if [ "$n" -eq 0 ]; then
    printf '{"accountId":"%s","occurredAt":"2026-01-05T09:00:00Z","actor":"fault-test","idempotencyKey":"%s","event":{"accountOpened":{"name":"Client %s","currency":"EUR"}}}' \
      "$account" "$key" "$account"
  else
    printf '{"accountId":"%s","occurredAt":"2026-01-05T10:00:00Z","actor":"fault-test","idempotencyKey":"%s","event":{"orderPlaced":{"orderId":"PO-%s","lines":[{"sku":"SKU-%d","quantity":"%d","unitPrice":{"minorUnits":"%d","currency":"EUR"}}]}}}' \
      "$account" "$key" "$key" $((n % 7)) $((1 + n % 3)) $((100 + n))
  fi
}

# attempt ACCOUNT KEY N TRY: one `timeline append`; its line in ATTEMPTS; exit status 0 when the
# submission is decided as recorded (now or earlier).
attempt() {
  local account="$1" key="$2" n="$3" try="$4" out status kind sequence="" message start end
  start="$(now_ms)"
  out="$(submission_json "$account" "$key" "$n" |
         timeout -s KILL "$watchdog" "$timeline" append --topic-prefix "$prefix" --timeout "$append_timeout" \
           --kafka-wait "$kafka_wait" 2>&1)"
  status=$?
  end="$(now_ms)"
  # The command's answer is its last line; log lines come before it.
  message="$(printf '%s' "$out" | tail -n 1 | tr '\t' ' ')"
  case "$status" in
    0)
      if [[ "$out" =~ $already_pattern ]]; then
        kind=already
      elif [[ "$out" =~ $recorded_pattern ]]; then
        kind=recorded
      else
        kind=error  # exit 0 without saying what: treated as an error, the checker names it
      fi
      sequence="${BASH_REMATCH[1]:-}"
      ;;
    2) kind=refused ;;
    137) kind=silent; message="no answer within ${watchdog} s (killed)" ;;
    *) kind=error ;;
  esac
  if [ "$kind" != recorded ] && [ "$kind" != already ]; then
    # The whole answer, log lines included, on this client's stdout.
    printf '== %s try %s, exit %s, %s ms:\n%s\n' "$key" "$try" "$status" $((end - start)) "$out"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$start" "$end" "$client" "$account" "$key" \
    "$try" "$status" "$kind" "$sequence" "$message" >>"$attempts_log"
  [ "$kind" = recorded ] || [ "$kind" = already ]
}

declare -a sent_to  # submissions per account so far
n=0
while [ ! -e "$stop_file" ]; do
  k=$((n % accounts))
  account="${prefix}c${client}-a${k}"
  key="c${client}-${n}"
  for try in $(seq 1 "$max_attempts"); do
    attempt "$account" "$key" "${sent_to[$k]:-0}" "$try" && break
    sleep 1
  done
  sent_to[k]=$((${sent_to[$k]:-0} + 1))
  n=$((n + 1))
done
