#!/usr/bin/env bash
# The breaking-change check refuses what would break readers of stored events and allows what
# only adds: each case edits a copy of proto/ with sed and runs deploy/proto_compat.py on it.
#
#   tests/contract/proto_compat_test.sh PYTHON REPO_ROOT
#
# PYTHON must import google.protobuf (Debian's python3-protobuf). Prints "ok - ..." or
# "not ok - ..." per case, then "N passed, M failed"; exits non-zero when a case failed.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PYTHON REPO_ROOT" >&2
  exit 2
fi
python="$1"
root="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/timeline-proto-compat.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# check WHAT FILE SED_EXPR WANT_RC [WANT_TEXT]: edits FILE (under timeline/v1/) of a fresh copy
# of proto/ with SED_EXPR, runs the check, and wants its exit code and a line of its output.
check() {
  local what="$1" file="$2" expr="$3" want_rc="$4" want_text="${5:-}" rc=0 out
  rm -rf "$work/proto" && cp -r "$root/proto" "$work/proto"
  if [ -n "$file" ]; then
    sed -i "$expr" "$work/proto/timeline/v1/$file"
    if cmp -s "$root/proto/timeline/v1/$file" "$work/proto/timeline/v1/$file"; then
      failed=$((failed + 1)); echo "not ok - $what: the sed expression changed nothing"; return
    fi
  fi
  out="$("$python" "$root/deploy/proto_compat.py" --proto-dir "$work/proto" \
           --baseline "$root/proto/descriptor/timeline_v1.binpb" 2>&1)" || rc=$?
  if [ "$rc" = "$want_rc" ] && { [ -z "$want_text" ] || grep -qF -- "$want_text" <<<"$out"; }; then
    passed=$((passed + 1)); echo "ok - $what (exit $rc)"
  else
    failed=$((failed + 1)); echo "not ok - $what: wanted exit $want_rc and \"$want_text\""
    printf 'exit %s\n%s\n' "$rc" "$out" | sed 's/^/#   /'
  fi
}

check "the committed baseline matches proto/ as it is" "" "" 0 "compatible with"
check "adding a field is allowed" money.proto \
  's/^  string currency = 2;.*/&\n  string note_added_by_test = 3;/' 0
check "adding an enum value is allowed" rejection.proto \
  's/^  NEGATIVE_AMOUNT = 4;.*/&\n  ADDED_BY_TEST = 999;/' 0
check "a renumbered field is refused and named" envelope.proto \
  's/^  uint64 sequence = 2;/  uint64 sequence = 16;/' 1 \
  "field timeline.v1.EventEnvelope.sequence (2) was renumbered to 16"
check "a retyped field is refused and named" money.proto \
  's/^  int64 minor_units = 1;/  int32 minor_units = 1;/' 1 \
  "field timeline.v1.Money.minor_units (1) changed type from int64 to int32"
check "a field made repeated is refused and named" envelope.proto \
  's/^  string actor = 6;/  repeated string actor = 6;/' 1 \
  "field timeline.v1.EventEnvelope.actor (6) changed label from singular to repeated"
check "a renamed field is refused (its JSON name changes)" money.proto \
  's/^  string currency = 2;/  string currency_code = 2;/' 1 \
  "field timeline.v1.Money.currency (2) was renamed to currency_code"
check "a field removed without reserved is refused" events.proto \
  '/^message OrderCancelled {/,/^}/{/  string reason = 2;/d}' 1 \
  "field timeline.v1.OrderCancelled.reason (2) was removed without reserving"
check "a field removed with its number and name reserved is allowed" events.proto \
  '/^message OrderCancelled {/,/^}/s/  string reason = 2;.*/  reserved 2;\n  reserved "reason";/' 0
check "a renumbered enum value is refused and named" rejection.proto \
  's/^  NEGATIVE_AMOUNT = 4;/  NEGATIVE_AMOUNT = 40;/' 1 \
  "enum value timeline.v1.RejectionCode.NEGATIVE_AMOUNT (4) was renumbered to 40"
check "a removed message is refused and named" events.proto \
  '/^message ShipmentLine {/,/^}/d; s/repeated ShipmentLine lines = 3;/repeated OrderLine lines = 3;/' 1 \
  "message timeline.v1.ShipmentLine was removed"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
