#!/usr/bin/env bash
# The throughput benchmark of issue 14, in one run on the local broker (never a timed test):
#   deploy/bench.sh [--accounts N] [--months M] [--seed S]     (defaults: 1000, 24, 11: ~300k events)
# 1. ingest: `timeline demo` submits the history through `timeline run` (exactly once: each
#    submission decided by the sequencer in a Kafka transaction, its outcome awaited);
# 2. fold: `timeline rebuild` folds the same account-events into fresh views, cold start to the
#    log's end;
# 3. the ceilings: a raw librdkafka read of that topic (read_committed, discarding), and raw
#    RocksDB WriteBatch puts of its records (tests/bench/log_ceiling_bench.cc);
# 4. the peer: a stock Kafka Streams application folding the same topic into its RocksDB stores
#    (deploy/bench/streams-peer/), at_least_once and exactly_once_v2.
# Prints a table and writes it as JSON to build/bench/results.json; peak RSS from /usr/bin/time.
# Each run uses topics of its own (prefix bench-<time>-), left on the broker (a 300k-event run
# holds about 150 MB; `deploy/kafka.sh reset` empties the broker).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

accounts=1000
months=24
seed=11
while [ $# -gt 0 ]; do
  case "$1" in
    --accounts) accounts="$2"; shift 2 ;;
    --months) months="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: deploy/bench.sh [--accounts N] [--months M] [--seed S]" >&2; exit 2 ;;
  esac
done

command -v mvn >/dev/null || apt-get install -y -q maven >/dev/null
if [ ! -x build/consumers/timeline ] || [ ! -x build/tests/log_ceiling_bench ]; then
  bash deploy/build.sh
fi
bash deploy/kafka.sh status >/dev/null 2>&1 || bash deploy/kafka.sh start
export TIMELINE_BROKERS="${TIMELINE_BROKERS:-127.0.0.1:${TIMELINE_KAFKA_PORT:-19092}}"

timeline="$root/build/consumers/timeline"
out="$root/build/bench"
scratch="$(mktemp -d /tmp/timeline-bench.XXXXXX)"
prefix="bench-$(date +%s)-"
topic="${prefix}account-events"
engine_pid=""
cleanup() {
  [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null && wait "$engine_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -p "$out"

# Seconds and peak RSS (MB) of a command, its stdout to FILE: timed FILE COMMAND...
timed() {
  local file="$1"; shift
  /usr/bin/time -f "%e %M" -o "$scratch/time" "$@" >"$file" 2>"$file.err"
  read -r seconds rss_kb <"$scratch/time"
  echo "$seconds $((rss_kb / 1024))"
}

echo "bench: building the Kafka Streams peer (Maven Central)" >&2
peer="$root/deploy/bench/streams-peer"
mkdir -p "$peer/target/generated-sources/proto"
protoc -I "$root/proto" --java_out="$peer/target/generated-sources/proto" "$root"/proto/timeline/v1/*.proto
mvn -q -B -f "$peer/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$peer/target/classpath" >/dev/null
peer_classpath="$peer/target/classes:$(cat "$peer/target/classpath")"

"$timeline" topics create --topic-prefix "$prefix" >/dev/null
echo "bench: ingest: timeline demo --accounts $accounts --months $months --seed $seed" >&2
"$timeline" run --topic-prefix "$prefix" \
  --data "$scratch/engine" --seal-key "$scratch/seal.key" >"$scratch/engine.out" 2>"$scratch/engine.err" &
engine_pid=$!
read -r ingest_seconds demo_rss < <(timed "$scratch/demo.out" "$timeline" demo --topic-prefix "$prefix" \
  --data "$scratch/engine" --seal-key "$scratch/seal.key" --accounts "$accounts" --months "$months" --seed "$seed")
events=$(sed -n 's/^events recorded: *//p' "$scratch/demo.out" | tr -d ',')
"$timeline" wait --topic-prefix "$prefix" --data "$scratch/engine" --timeout 600 >/dev/null
# The engine's peak RSS from the kernel, before it stops.
engine_rss=$(( $(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$engine_pid/status") / 1024 ))
kill "$engine_pid"; wait "$engine_pid" 2>/dev/null || true; engine_pid=""

echo "bench: fold: timeline rebuild of $events events" >&2
read -r _ fold_rss < <(timed "$scratch/fold.out" "$timeline" rebuild --topic-prefix "$prefix" \
  --data "$scratch/fold" --seal-key "$scratch/seal.key")
fold_rate=$(sed -n 's/.*events in [0-9.]* s (\([0-9]*\) events\/s).*/\1/p' "$scratch/fold.out")
views_bytes=$(du -sb "$scratch/fold/views" | cut -f1)

echo "bench: ceilings: raw read and raw RocksDB puts" >&2
read -r _ ceiling_rss < <(timed "$scratch/ceiling.out" "$root/build/tests/log_ceiling_bench" "$topic" "$scratch/raw-rocksdb")
read_rate=$(sed -n 's/^raw read: .* = \([0-9]*\) records\/s/\1/p' "$scratch/ceiling.out")
put_rate=$(sed -n 's/^raw RocksDB puts: .* = \([0-9]*\) records\/s/\1/p' "$scratch/ceiling.out")

peer_run() {  # GUARANTEE -> "rate rss"
  local result
  read -r _ rss < <(timed "$scratch/peer-$1.out" java -cp "$peer_classpath" timeline.bench.StreamsPeer \
    "$TIMELINE_BROKERS" "$topic" "$events" "$1" "$scratch/peer-$1")
  result=$(sed -n 's/.*"events_per_second": \([0-9]*\).*/\1/p' "$scratch/peer-$1.out")
  echo "$result $rss"
}
echo "bench: the Kafka Streams peer, at_least_once" >&2
read -r alo_rate alo_rss < <(peer_run at_least_once)
echo "bench: the Kafka Streams peer, exactly_once_v2" >&2
read -r eos_rate eos_rss < <(peer_run exactly_once_v2)

ingest_rate=$(python3 -c "print(round($events / $ingest_seconds))")
python3 - "$out/results.json" <<PY
import json, sys
r = {
  "events": $events, "accounts": $accounts, "months": $months, "seed": $seed,
  "ingest": {"seconds": $ingest_seconds, "submissions_per_second": $ingest_rate,
             "engine_peak_rss_mb": $engine_rss, "demo_peak_rss_mb": $demo_rss},
  "fold": {"events_per_second": $fold_rate, "peak_rss_mb": $fold_rss,
           "views_bytes_per_event": round($views_bytes / $events)},
  "ceilings": {"raw_read_records_per_second": $read_rate,
               "raw_rocksdb_puts_per_second": $put_rate, "peak_rss_mb": $ceiling_rss},
  "kafka_streams_peer": {"at_least_once_events_per_second": $alo_rate,
                         "at_least_once_peak_rss_mb": $alo_rss,
                         "exactly_once_v2_events_per_second": $eos_rate,
                         "exactly_once_v2_peak_rss_mb": $eos_rss},
  "ratios": {"fold_over_peer_alo": round($fold_rate / $alo_rate, 2),
             "fold_over_peer_eos": round($fold_rate / $eos_rate, 2),
             "fold_over_raw_read": round($fold_rate / $read_rate, 3)},
}
json.dump(r, open(sys.argv[1], "w"), indent=2)
rows = [
  ("events", f"{r['events']:,} over {r['accounts']} accounts, {r['months']} months"),
  ("ingest (demo through timeline run)", f"{r['ingest']['submissions_per_second']:,} submissions/s decided exactly once"),
  ("fold (timeline rebuild, cold to the end)", f"{r['fold']['events_per_second']:,} events/s"),
  ("raw read ceiling (librdkafka, read_committed)", f"{r['ceilings']['raw_read_records_per_second']:,} records/s"),
  ("raw RocksDB WriteBatch puts", f"{r['ceilings']['raw_rocksdb_puts_per_second']:,} records/s"),
  ("Kafka Streams peer, at_least_once", f"{r['kafka_streams_peer']['at_least_once_events_per_second']:,} events/s"),
  ("Kafka Streams peer, exactly_once_v2", f"{r['kafka_streams_peer']['exactly_once_v2_events_per_second']:,} events/s"),
  ("fold / peer (ALO, EOS)", f"{r['ratios']['fold_over_peer_alo']}x, {r['ratios']['fold_over_peer_eos']}x"),
  ("fold / raw read", f"{r['ratios']['fold_over_raw_read']:.1%}"),
  ("views on disk", f"{r['fold']['views_bytes_per_event']} bytes/event"),
  ("peak RSS (engine, rebuild, peer ALO, peer EOS)",
   f"{r['ingest']['engine_peak_rss_mb']}, {r['fold']['peak_rss_mb']}, {r['kafka_streams_peer']['at_least_once_peak_rss_mb']}, {r['kafka_streams_peer']['exactly_once_v2_peak_rss_mb']} MB"),
]
print("| what | figure |\n|---|---|")
for name, figure in rows: print(f"| {name} | {figure} |")
print(f"\n(JSON: {sys.argv[1]})")
PY
