#!/usr/bin/env bash
# Broker and cluster faults under a stream of submissions (issue 16, item 2): a three-node KRaft
# cluster on 127.0.0.1 of its own (deploy/kafka.sh cluster; replication factor 3,
# min.insync.replicas 2), started from empty storage; topics with 6 partitions; `timeline run`
# against it; three clients appending one event after another with idempotency keys, repeating
# an attempt that ended in an error with the same key (tests/cluster/append_stream.sh).
# Mid-stream:
#
#   1. a broker that is not the active controller is killed (SIGKILL), later restarted;
#   2. the active controller is killed (SIGKILL), later restarted;
#   --long adds: every round again, a node stopped (SIGTERM) for 30 s and started, and the
#   single-broker case: a one-node broker of its own stopped for 30 s under the same stream.
#
# Afterwards, for each deployment: the engine ran through it all by itself; every submission a
# client was told is recorded is in account-events exactly once at the sequence it was told,
# one that saw only errors at most once, each history is 1..N in the client's order; every
# attempt ended in an answer (never silence); the chains verify (log and views); the views'
# digest equals a rebuild of the same log in a fresh directory; and the outage the clients saw
# (the longest time without a successful append, around each fault) is printed.
#
#   tests/cluster/broker_faults_test.sh [--long] REPO_ROOT [TIMELINE_BINARY]
#
# Prints "ok - ..." or "not ok - ..." per check and "# ..." figures, then "N passed, M failed".
# The short form takes about 5 minutes; --long about 15. TIMELINE_KEEP_WORK=1 keeps the work
# directory (logs, the clients' attempts, the log dump) for a look afterwards.
set -euo pipefail

long=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --long) long=1; shift ;;
    --only) only="${2:-}"; shift 2 ;;
    *) break ;;
  esac
done
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -f "$1/deploy/kafka.sh" ] ||
   { [ -n "$only" ] && [ "$only" != cluster ] && [ "$only" != single ]; }; then
  echo "usage: $0 [--long] [--only cluster|single] REPO_ROOT [TIMELINE_BINARY]" >&2
  exit 2
fi
root="$(cd "$1" && pwd)"
timeline="${2:-$root/build/consumers/timeline}"
[ -x "$timeline" ] || { echo "$0: no timeline binary at $timeline (build it first)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/timeline-broker-faults.XXXXXX")"
kafka=(bash "$root/deploy/kafka.sh")
# The brokers' homes, apart from the deployments' own directories ($work/cluster, $work/single).
cluster_home="$work/kafka-cluster"
single_home="$work/kafka-single"

clients=3
accounts_per_client=4
# How long a killed node stays down: long enough for the cluster to move its leaders and for
# the clients to succeed again while it is still gone.
down_seconds=25
rounds=1
if [ "$long" = 1 ]; then rounds=2; fi

engine_pid=""
client_pids=()
single_started=0

cleanup() {
  set +e
  local pid
  for pid in "${client_pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  [ -n "$engine_pid" ] && kill -KILL "$engine_pid" 2>/dev/null
  TIMELINE_KAFKA_HOME="$cluster_home" "${kafka[@]}" cluster stop >/dev/null 2>&1
  if [ "$single_started" = 1 ]; then
    TIMELINE_KAFKA_HOME="$single_home" TIMELINE_KAFKA_PORT="$single_port" \
      TIMELINE_KAFKA_CONTROLLER_PORT="$single_controller_port" "${kafka[@]}" stop >/dev/null 2>&1
  fi
  if [ "${TIMELINE_KEEP_WORK:-0}" = 1 ]; then
    echo "# the work directory is kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
# fail WHAT [FILE]: the last lines of FILE are printed below, one "#" line each.
fail() {
  failed=$((failed + 1))
  echo "not ok - $1"
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/#   /'
  return 0
}
now_ms() { date +%s%3N; }

# free_base_port COUNT: a port with COUNT free ports from it up on 127.0.0.1.
free_base_port() {
  python3 - "$1" <<'EOF'
import random, socket, sys
count = int(sys.argv[1])
for _ in range(200):
    base = random.randint(20000, 60000)
    socks = []
    try:
        for p in range(base, base + count):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
        print(base)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
else:
    sys.exit("no free ports")
EOF
}

# successes ATTEMPTS: how many attempts so far ended recorded or already recorded.
successes() {
  [ -f "$1" ] || { echo 0; return; }
  awk -F'\t' '$8 == "recorded" || $8 == "already"' "$1" | wc -l
}

# wait_for_successes ATTEMPTS N SECONDS: true once N more attempts succeeded than now.
wait_for_successes() {
  local target=$(($(successes "$1") + $2)) deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    (($(successes "$1") >= target)) && return 0
    sleep 0.5
  done
  return 1
}

# successes_between ATTEMPTS FROM_MS TO_MS: successful appends that ended in that window.
successes_between() {
  awk -F'\t' -v from="$2" -v to="$3" \
    '($8 == "recorded" || $8 == "already") && $2 > from && $2 <= to' "$1" | wc -l
}

# A deployment under test: its bootstrap list, topic prefix and data directory.
name="" brokers="" prefix="" data="" attempts="" faults=""

# start_deployment NAME BROKERS REPLICATION: topics, the engine and the clients.
start_deployment() {
  name="$1" brokers="$2"
  prefix="bf$(date +%s)$RANDOM-"
  data="$work/$name/data"
  attempts="$work/$name/attempts.tsv"
  faults="$work/$name/faults.tsv"
  mkdir -p "$work/$name"
  : >"$faults"
  if "$timeline" topics create --brokers "$brokers" --topic-prefix "$prefix" --partitions 6 \
       --replication "$3" --kafka-wait 60 >"$work/$name/topics.out" 2>&1; then
    pass "$name: timeline topics create makes 6 partitions a topic with replication factor $3"
  else
    fail "$name: timeline topics create makes 6 partitions a topic with replication factor $3" \
      "$work/$name/topics.out"
  fi
  setsid "$timeline" run --brokers "$brokers" --topic-prefix "$prefix" --group-prefix "$prefix" \
    --data "$data" >"$work/$name/engine.log" 2>&1 </dev/null &
  engine_pid=$!
  rm -f "$work/$name/stop"
  client_pids=()
  local c
  for c in $(seq 1 "$clients"); do
    # Each client in its own process group, so that it goes with its `timeline append`.
    TIMELINE_BROKERS="$brokers" TIMELINE_TOPIC_PREFIX="$prefix" \
      setsid bash "$root/tests/cluster/append_stream.sh" "$timeline" "$c" "$accounts_per_client" \
        "$work/$name/stop" "$attempts" >"$work/$name/client-$c.log" 2>&1 &
    client_pids+=($!)
  done
  if wait_for_successes "$attempts" 15 180; then
    pass "$name: the clients' stream runs (15 appends recorded)"
  else
    fail "$name: the clients' stream runs (15 appends recorded)" "$work/$name/engine.log"
    tail -n 5 "$attempts" 2>/dev/null | sed 's/^/#   /'
    echo "$passed passed, $failed failed (stopped: no stream to inject faults into)"
    exit 1
  fi
}

# fault WHAT COMMAND...: runs COMMAND and notes the moment as a fault.
fault() {
  local what="$1"
  shift
  printf '%s\t%s\n' "$(now_ms)" "$what" >>"$faults"
  echo "# $(date +%T) $what"
  "$@" >>"$work/$name/faults.log" 2>&1
}

cluster() { TIMELINE_KAFKA_HOME="$cluster_home" "${kafka[@]}" cluster "$@"; }

# kill_and_restart WHICH ID: SIGKILL node ID, keep it down, restart it; checks progress.
kill_and_restart() {
  local which="$1" id="$2" killed_at restarted_at
  killed_at="$(now_ms)"
  fault "kill node $id ($which)" cluster kill "$id"
  sleep "$down_seconds"
  restarted_at="$(now_ms)"
  local while_down
  while_down="$(successes_between "$attempts" "$killed_at" "$restarted_at")"
  if ((while_down > 0)); then
    pass "$name: appends are recorded while node $id ($which) is down ($while_down in ${down_seconds} s)"
  else
    fail "$name: appends are recorded while node $id ($which) is down ($while_down in ${down_seconds} s)" "$attempts"
  fi
  if fault "restart node $id" cluster start "$id"; then
    pass "$name: node $id restarts and rejoins"
  else
    fail "$name: node $id restarts and rejoins" "$work/$name/faults.log"
  fi
  if wait_for_successes "$attempts" 10 120; then
    pass "$name: appends go on after node $id ($which) was killed and restarted"
  else
    fail "$name: appends go on after node $id ($which) was killed and restarted" "$work/$name/engine.log"
  fi
}

# stop_for WHAT SECONDS STOP START: a clean stop for SECONDS, then a start; checks progress.
stop_for() {
  local what="$1" seconds="$2" stop_command="$3" start_command="$4"
  fault "stop $what for $seconds s" bash -c "$stop_command"
  sleep "$seconds"
  if fault "start $what" bash -c "$start_command"; then
    pass "$name: $what starts again after $seconds s"
  else
    fail "$name: $what starts again after $seconds s" "$work/$name/faults.log"
  fi
  if wait_for_successes "$attempts" 10 180; then
    pass "$name: appends go on after $what was stopped for $seconds s"
  else
    fail "$name: appends go on after $what was stopped for $seconds s" "$work/$name/engine.log"
  fi
}

# stop_clients: each finishes its current submission (bounded), then the engine is alone.
stop_clients() {
  touch "$work/$name/stop"
  local deadline=$((SECONDS + 240)) pid
  for pid in "${client_pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  client_pids=()
}

# check_deployment REPLICATION: everything the clients were told, against the log and views.
check_deployment() {
  local kafka_flags=(--brokers "$brokers" --topic-prefix "$prefix" --group-prefix "$prefix"
                     --kafka-wait 60)
  local common=("${kafka_flags[@]}" --data "$data")
  stop_clients
  if kill -0 "$engine_pid" 2>/dev/null; then
    pass "$name: the engine ran through every fault by itself (the same process from start to end)"
  else
    fail "$name: the engine ran through every fault by itself (the same process from start to end)" "$work/$name/engine.log"
  fi
  if "$timeline" wait "${common[@]}" --timeout 180 >"$work/$name/wait.out" 2>&1; then
    pass "$name: the views catch up with the log"
  else
    fail "$name: the views catch up with the log" "$work/$name/wait.out"
  fi
  if timeout 300 "$timeline" subscribe "${common[@]}" --from BEGINNING --until-idle 3 \
       >"$work/$name/events.jsonl" 2>"$work/$name/subscribe.err"; then
    pass "$name: account-events reads from the beginning"
  else
    fail "$name: account-events reads from the beginning" "$work/$name/subscribe.err"
  fi
  python3 "$root/tests/cluster/check_stream.py" "$attempts" "$work/$name/events.jsonl" \
    "$faults" >"$work/$name/check.out" 2>&1 || true
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) pass "$name: ${line#ok - }" ;;
      "not ok - "*) fail "$name: ${line#not ok - }" ;;
      *) echo "$line" ;;
    esac
  done <"$work/$name/check.out"
  grep -q '^ok - \|^not ok - ' "$work/$name/check.out" ||
    fail "$name: the stream checker ran" "$work/$name/check.out"

  local source
  for source in log view; do
    if "$timeline" verify --all --source "$source" "${common[@]}" \
         >"$work/$name/verify-$source.out" 2>&1; then
      pass "$name: timeline verify --all --source $source finds every chain intact"
    else
      fail "$name: timeline verify --all --source $source finds every chain intact" "$work/$name/verify-$source.out"
    fi
  done

  local t0=$SECONDS
  kill -TERM "$engine_pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$engine_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if ! kill -0 "$engine_pid" 2>/dev/null; then
    pass "$name: the engine exits on SIGTERM (in $((SECONDS - t0)) s)"
  else
    kill -KILL "$engine_pid" 2>/dev/null || true
    fail "$name: the engine exits on SIGTERM (not within 30 s)" "$work/$name/engine.log"
  fi
  wait "$engine_pid" 2>/dev/null || true
  engine_pid=""

  # The views the engine built through the faults, against a replay of the same log.
  "$timeline" digest --data "$data" >"$work/$name/digest.live" 2>&1 || true
  local fresh="$work/$name/rebuilt"
  "$timeline" rebuild "${kafka_flags[@]}" --data "$fresh" --seal-key "$data/seal.key" \
    >"$work/$name/rebuild.out" 2>&1 || true
  "$timeline" digest --data "$fresh" >"$work/$name/digest.rebuilt" 2>&1 || true
  if grep -q '"sha256"' "$work/$name/digest.live" &&
     cmp -s "$work/$name/digest.live" "$work/$name/digest.rebuilt"; then
    pass "$name: the views' digest equals a rebuild of the same log in a fresh directory"
  else
    diff "$work/$name/digest.live" "$work/$name/digest.rebuilt" >"$work/$name/digest.diff" 2>&1 || true
    cat "$work/$name/rebuild.out" >>"$work/$name/digest.diff"
    fail "$name: the views' digest equals a rebuild of the same log in a fresh directory" "$work/$name/digest.diff"
  fi
}

export TIMELINE_KAFKA_HEAP_OPTS="-Xms128m -Xmx512m"
export TIMELINE_KAFKA_START_TIMEOUT=180

# --- the three-node cluster ----------------------------------------------------------------
cluster_faults() {
  export TIMELINE_KAFKA_CLUSTER_BASE_PORT
  TIMELINE_KAFKA_CLUSTER_BASE_PORT="$(free_base_port 6)"
  mkdir -p "$cluster_home"
  local t0=$SECONDS
  if cluster start >"$work/cluster-start.out" 2>&1; then
    pass "a three-node KRaft cluster starts from empty storage (in $((SECONDS - t0)) s)"
  else
    fail "a three-node KRaft cluster starts from empty storage" "$work/cluster-start.out"
    return
  fi
  start_deployment cluster "$(cluster bootstrap)" 3

  # RF 3: every node holds a replica of every partition of account-events.
  replicas=0
  for id in 1 2 3; do
    replicas=$((replicas + $(find "$cluster_home/node-$id/data" -maxdepth 1 -type d \
                               -name "${prefix}account-events-[0-9]*" | wc -l)))
  done
  if [ "$replicas" -eq 18 ]; then
    pass "cluster: each of the 3 nodes holds a replica of each of account-events' 6 partitions"
  else
    fail "cluster: each of the 3 nodes holds a replica of each of account-events' 6 partitions ($replicas of 18)"
  fi

  for round in $(seq 1 "$rounds"); do
    controller="$(cluster controller 2>/dev/null || echo 0)"
    # A different node each round, never the controller.
    victim=$(( (round - 1) % 3 + 1 ))
    [ "$victim" = "$controller" ] && victim=$(( victim % 3 + 1 ))
    echo "# round $round: active controller node $controller; killing node $victim first"
    kill_and_restart "not the controller" "$victim"
    if controller="$(cluster controller 2>"$work/controller.err")"; then
      kill_and_restart "the active controller" "$controller"
      if now="$(cluster controller 2>/dev/null)"; then
        pass "cluster: a new active controller was elected (node $now)"
      else
        fail "cluster: a new active controller was elected" "$work/controller.err"
      fi
    else
      fail "cluster: the active controller is known" "$work/controller.err"
    fi
  done
  if [ "$long" = 1 ]; then
    stop_for "node 3" 30 "TIMELINE_KAFKA_HOME='$cluster_home' bash '$root/deploy/kafka.sh' cluster stop 3" \
      "TIMELINE_KAFKA_HOME='$cluster_home' bash '$root/deploy/kafka.sh' cluster start 3"
  fi
  check_deployment
  cluster stop >/dev/null 2>&1 || true
}

# --- a single-broker deployment, its only broker stopped for 30 s ---------------------------
single_broker_stop() {
  read -r single_port single_controller_port < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
EOF
)
  single() {
    TIMELINE_KAFKA_HOME="$single_home" TIMELINE_KAFKA_PORT="$single_port" \
      TIMELINE_KAFKA_CONTROLLER_PORT="$single_controller_port" "${kafka[@]}" "$@"
  }
  single_started=1
  if single start >"$work/single-start.out" 2>&1; then
    pass "a single broker starts from empty storage"
  else
    fail "a single broker starts from empty storage" "$work/single-start.out"
  fi
  start_deployment single "127.0.0.1:$single_port" 1
  env_prefix="TIMELINE_KAFKA_HOME='$single_home' TIMELINE_KAFKA_PORT=$single_port TIMELINE_KAFKA_CONTROLLER_PORT=$single_controller_port"
  stop_for "the only broker" 30 "$env_prefix bash '$root/deploy/kafka.sh' stop" \
    "$env_prefix bash '$root/deploy/kafka.sh' start"
  check_deployment
  single stop >/dev/null 2>&1 || true
}

if [ "$only" != single ]; then cluster_faults; fi
if [ "$only" = single ] || { [ "$long" = 1 ] && [ "$only" != cluster ]; }; then
  single_broker_stop
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
