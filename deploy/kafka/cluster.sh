#!/usr/bin/env bash
# A local three-node Apache Kafka cluster (KRaft, 127.0.0.1) for fault tests: every node is
# broker and controller (a 3-voter quorum), replication factor 3, min.insync.replicas 2.
# Run it as `deploy/kafka.sh cluster COMMAND`:
#
#   start [ID]    all three nodes (or node ID): format storage once, start, wait until ready
#   stop [ID]     SIGTERM, then SIGKILL after 30 s; fine if already stopped
#   kill ID       SIGKILL node ID (a crash), returns once it is gone
#   status        one line per node and the active controller; exit 0 if all three run, 3 if
#                 none does, 4 if some do
#   controller    prints the id of the active controller (exit 1 if no node knows one)
#   bootstrap     prints the bootstrap list, e.g. 127.0.0.1:19192,127.0.0.1:19193,127.0.0.1:19194
#   reset         stop all and delete the cluster's data (topics, offsets, its ports)
#
# Everything lives in .kafka-cluster/ at the repo root (git-ignored), or in $TIMELINE_KAFKA_HOME:
# cluster.conf (the cluster id and ports, fixed at the first start), node-<id>/ with the
# node's server.properties, data/, broker.log and broker.pid. The jars are the single broker's,
# shared in .kafka/lib. The broker at 127.0.0.1:19092 (deploy/kafka.sh start) is not touched.
# Environment: TIMELINE_KAFKA_CLUSTER_BASE_PORT (19192: brokers on BASE..BASE+2, controllers on
#              BASE+3..BASE+5), TIMELINE_KAFKA_HEAP_OPTS ("-Xms128m -Xmx512m" a node),
#              TIMELINE_KAFKA_START_TIMEOUT (120 s), TIMELINE_KAFKA_HOME (.kafka-cluster).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
TEMPLATE="$SCRIPT_DIR/cluster-node.properties.template"
KAFKA_HOME="${TIMELINE_KAFKA_HOME:-$REPO_ROOT/.kafka-cluster}"
# shellcheck source=deploy/kafka/common.sh
source "$SCRIPT_DIR/common.sh"

CONF="$KAFKA_HOME/cluster.conf"
LOG4J="$KAFKA_HOME/log4j.properties"
NODES=(1 2 3)
HEAP_OPTS="${TIMELINE_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
START_TIMEOUT="${TIMELINE_KAFKA_START_TIMEOUT:-120}"
ME="deploy/kafka.sh cluster"

usage() {
  echo "usage: $ME {start [ID]|stop [ID]|kill ID|status|controller|bootstrap|reset}" >&2
  exit 2
}

# Sets BASE_PORT and CLUSTER_ID: from cluster.conf once the cluster exists (its ports are part
# of the quorum's identity), else from the environment and a fresh id.
load_conf() {
  local wanted="${TIMELINE_KAFKA_CLUSTER_BASE_PORT:-}"
  if [[ -f "$CONF" ]]; then
    # shellcheck source=/dev/null
    source "$CONF"
    if [[ -n "$wanted" && "$wanted" != "$BASE_PORT" ]]; then
      die "the cluster in $KAFKA_HOME uses base port $BASE_PORT, not $wanted; unset TIMELINE_KAFKA_CLUSTER_BASE_PORT or run: $ME reset"
    fi
    return 0
  fi
  BASE_PORT="${wanted:-19192}"
  if ! [[ "$BASE_PORT" =~ ^[0-9]+$ ]] || ((BASE_PORT < 1 || BASE_PORT + 5 > 65535)); then
    die "TIMELINE_KAFKA_CLUSTER_BASE_PORT must be a port number with 5 more above it, got '$BASE_PORT'"
  fi
  CLUSTER_ID=""
}

broker_port() { echo $((BASE_PORT + $1 - 1)); }
controller_port() { echo $((BASE_PORT + 3 + $1 - 1)); }
node_dir() { echo "$KAFKA_HOME/node-$1"; }
node_props() { echo "$(node_dir "$1")/server.properties"; }
node_pid_file() { echo "$(node_dir "$1")/broker.pid"; }
node_log() { echo "$(node_dir "$1")/broker.log"; }
node_pid() { pid_of "$(node_pid_file "$1")" "$(node_props "$1")"; }

bootstrap_list() {
  local id list=()
  for id in "${NODES[@]}"; do list+=("127.0.0.1:$(broker_port "$id")"); done
  (IFS=,; echo "${list[*]}")
}

check_id() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "a node id is 1, 2 or 3, got '${1:-}'"
}

write_node_config() {
  local id="$1" voters="" v
  for v in "${NODES[@]}"; do voters+="${voters:+,}$v@127.0.0.1:$(controller_port "$v")"; done
  mkdir -p "$(node_dir "$id")"
  sed -e "s|@NODE_ID@|$id|g" \
      -e "s|@VOTERS@|$voters|g" \
      -e "s|@BROKER_PORT@|$(broker_port "$id")|g" \
      -e "s|@CONTROLLER_PORT@|$(controller_port "$id")|g" \
      -e "s|@DATA_DIR@|$(node_dir "$id")/data|g" \
      "$TEMPLATE" >"$(node_props "$id").tmp"
  mv "$(node_props "$id").tmp" "$(node_props "$id")"
}

# The first start: one cluster id for all three nodes, each node's storage formatted with it.
ensure_cluster() {
  mkdir -p "$KAFKA_HOME"
  ensure_jars
  write_log4j "$LOG4J"
  local id
  for id in "${NODES[@]}"; do write_node_config "$id"; done
  if [[ -z "$CLUSTER_ID" ]]; then
    CLUSTER_ID="$(new_cluster_id "$LOG4J")"
    [[ -n "$CLUSTER_ID" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
    # Kept before formatting, so that a node formatted later joins the same cluster.
    printf 'BASE_PORT=%s\nCLUSTER_ID=%s\n' "$BASE_PORT" "$CLUSTER_ID" >"$CONF"
  fi
  for id in "${NODES[@]}"; do
    format_storage "$(node_dir "$id")/data" "$(node_props "$id")" "$LOG4J" "$CLUSTER_ID" "$ME reset"
  done
}

# Launches node ID unless it runs; its ports must be free.
launch_node() {
  local id="$1" p
  for p in "$(broker_port "$id")" "$(controller_port "$id")"; do
    if port_open "$p"; then
      die "port $p on 127.0.0.1 (node $id) is taken by another process; stop it or set TIMELINE_KAFKA_CLUSTER_BASE_PORT (with $ME reset)"
    fi
  done
  launch_jvm "$(node_pid_file "$id")" "$(node_log "$id")" "$(node_props "$id")" "$LOG4J" "$HEAP_OPTS"
  say "starting node $id (log: $(node_log "$id"))"
}

# Waits until every node named is ready: "Kafka Server started" (the broker caught up with the
# metadata and was unfenced by the controller) and its port answers.
wait_ready() {
  local t0=$SECONDS deadline=$((SECONDS + START_TIMEOUT)) id pid waiting
  while ((SECONDS < deadline)); do
    waiting=()
    for id in "$@"; do
      pid=""
      [[ -s "$(node_pid_file "$id")" ]] && pid="$(<"$(node_pid_file "$id")")"
      if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
        echo "----- last lines of $(node_log "$id") -----" >&2
        tail -n 40 "$(node_log "$id")" >&2
        rm -f "$(node_pid_file "$id")"
        die "node $id exited during start-up (see above); if storage is broken, try: $ME reset"
      fi
      if [[ -z "$pid" ]] || ! grep -q "Kafka Server started" "$(node_log "$id")" 2>/dev/null ||
         ! port_open "$(broker_port "$id")"; then
        waiting+=("$id")
      fi
    done
    if ((${#waiting[@]} == 0)); then
      say "node(s) $* ready in $((SECONDS - t0)) s, bootstrap $(bootstrap_list)"
      return 0
    fi
    sleep 0.5
  done
  for id in "${waiting[@]}"; do
    echo "----- last lines of $(node_log "$id") -----" >&2
    tail -n 20 "$(node_log "$id")" >&2
  done
  die "node(s) ${waiting[*]} not ready after ${START_TIMEOUT} s (a node waits for a quorum: two of three must run); check: $ME status"
}

cmd_start() {
  need java
  local ids=("${NODES[@]}") id pid started=()
  if [[ -n "${1:-}" ]]; then check_id "$1"; ids=("$1"); fi
  ensure_cluster
  for id in "${ids[@]}"; do
    if pid="$(node_pid "$id")"; then
      say "node $id already running (pid $pid)"
    else
      launch_node "$id"
      started+=("$id")
    fi
  done
  ((${#started[@]} == 0)) || wait_ready "${started[@]}"
  echo "bootstrap: $(bootstrap_list)"
}

# All at once: a node stopping alone while the other two are gone would wait for a quorum.
cmd_stop() {
  local ids=("${NODES[@]}") id pid pids=()
  if [[ -n "${1:-}" ]]; then check_id "$1"; ids=("$1"); fi
  for id in "${ids[@]}"; do
    if pid="$(node_pid "$id")"; then
      say "stopping node $id (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    else
      say "node $id not running"
    fi
  done
  local deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid did not exit after ${STOP_TIMEOUT} s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
  done
  for id in "${ids[@]}"; do rm -f "$(node_pid_file "$id")"; done
  ((${#pids[@]} == 0)) || say "stopped"
}

cmd_kill() {
  check_id "${1:-}"
  local pid
  if ! pid="$(node_pid "$1")"; then
    say "node $1 not running"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(node_pid_file "$1")"
  say "node $1 killed (SIGKILL, pid $pid)"
}

# The active controller, as the running nodes last persisted it: each voter writes the leader
# it follows and that leader's epoch to data/__cluster_metadata-0/quorum-state; the highest
# epoch's leader is the current one.
active_controller() {
  local id file best_epoch=-1 best_leader="" line epoch leader
  for id in "${NODES[@]}"; do
    node_pid "$id" >/dev/null || continue
    file="$(node_dir "$id")/data/__cluster_metadata-0/quorum-state"
    [[ -r "$file" ]] || continue
    line="$(<"$file")"
    [[ "$line" =~ \"leaderEpoch\":([0-9]+) ]] || continue
    epoch="${BASH_REMATCH[1]}"
    [[ "$line" =~ \"leaderId\":([0-9]+) ]] || continue
    leader="${BASH_REMATCH[1]}"
    if ((epoch > best_epoch)); then
      best_epoch=$epoch
      best_leader=$leader
    fi
  done
  [[ -n "$best_leader" ]] || return 1
  # Only a running leader is active; a killed one is still named until a new one is elected.
  node_pid "$best_leader" >/dev/null || return 1
  echo "$best_leader"
}

cmd_status() {
  local id pid running=0 controller
  for id in "${NODES[@]}"; do
    if pid="$(node_pid "$id")"; then
      running=$((running + 1))
      say "node $id running (pid $pid), broker 127.0.0.1:$(broker_port "$id"), controller port $(controller_port "$id")"
    else
      say "node $id stopped"
    fi
  done
  if controller="$(active_controller)"; then
    say "active controller: node $controller"
  else
    say "active controller: none known"
  fi
  echo "bootstrap: $(bootstrap_list)"
  ((running == ${#NODES[@]})) && return 0
  ((running == 0)) && return 3
  return 4
}

cmd_controller() {
  active_controller || die "no running node knows an active controller (is the cluster up? $ME status)"
}

cmd_reset() {
  cmd_stop
  local id
  for id in "${NODES[@]}"; do rm -rf "$(node_dir "$id")"; done
  rm -f "$CONF" "$LOG4J"
  say "deleted the cluster in $KAFKA_HOME; the next start formats fresh storage"
}

(($# >= 1 && $# <= 2)) || usage
load_conf
case "$1" in
  start)      cmd_start "${2:-}" ;;
  stop)       cmd_stop "${2:-}" ;;
  kill)       cmd_kill "${2:-}" ;;
  status)     cmd_status ;;
  controller) cmd_controller ;;
  bootstrap)  bootstrap_list ;;
  reset)      cmd_reset ;;
  *)          usage ;;
esac
