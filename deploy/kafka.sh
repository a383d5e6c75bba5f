#!/usr/bin/env bash
# Runs a local single-node Apache Kafka broker (KRaft, 127.0.0.1) for Account Timeline.
#
#   deploy/kafka.sh start    resolve jars once, format storage once, start, wait until ready
#   deploy/kafka.sh stop     SIGTERM, then SIGKILL after 30 s; fine if already stopped
#   deploy/kafka.sh status   exit 0 if running, 3 if stopped
#   deploy/kafka.sh reset    stop and delete the broker's data (topics, offsets)
#   deploy/kafka.sh cluster ...  three brokers instead, beside this one (deploy/kafka/cluster.sh)
#
# Everything lives in .kafka/ at the repo root (git-ignored), or in $TIMELINE_KAFKA_HOME for a
# second broker (a test's, from empty storage); the jars stay shared in .kafka/lib.
# See deploy/kafka/README.md.
# Environment: TIMELINE_KAFKA_PORT (19092), TIMELINE_KAFKA_CONTROLLER_PORT (19093),
#              TIMELINE_KAFKA_HEAP_OPTS ("-Xms256m -Xmx768m"), TIMELINE_KAFKA_START_TIMEOUT (90 s),
#              TIMELINE_KAFKA_HOME (.kafka: config, data, log and pid of this broker).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

# The three-broker cluster has its own script, home and ports; it shares only the jars.
if [[ "${1:-}" == "cluster" ]]; then
  shift
  exec bash "$SCRIPT_DIR/kafka/cluster.sh" "$@"
fi

TEMPLATE="$SCRIPT_DIR/kafka/server.properties.template"

KAFKA_HOME="${TIMELINE_KAFKA_HOME:-$REPO_ROOT/.kafka}"
# shellcheck source=deploy/kafka/common.sh
source "$SCRIPT_DIR/kafka/common.sh"
DATA_DIR="$KAFKA_HOME/data"
PROPS="$KAFKA_HOME/server.properties"
LOG4J="$KAFKA_HOME/log4j.properties"
LOG_FILE="$KAFKA_HOME/broker.log"
PID_FILE="$KAFKA_HOME/broker.pid"

PORT="${TIMELINE_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${TIMELINE_KAFKA_CONTROLLER_PORT:-19093}"
HEAP_OPTS="${TIMELINE_KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
START_TIMEOUT="${TIMELINE_KAFKA_START_TIMEOUT:-90}"
BOOTSTRAP="127.0.0.1:$PORT"

usage() {
  echo "usage: $0 {start|stop|status|reset}" >&2
  echo "       $0 cluster {start [ID]|stop [ID]|kill ID|status|controller|bootstrap|reset}" >&2
  exit 2
}

check_ports() {
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "TIMELINE_KAFKA_PORT must be a number, got '$PORT'"
  [[ "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "TIMELINE_KAFKA_CONTROLLER_PORT must be a number, got '$CONTROLLER_PORT'"
  [[ "$PORT" != "$CONTROLLER_PORT" ]] || die "broker and controller ports must differ (both $PORT)"
}

running_pid() { pid_of "$PID_FILE" "$PROPS"; }

write_config() {
  sed -e "s|@BROKER_PORT@|$PORT|g" \
      -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$DATA_DIR|g" \
      "$TEMPLATE" >"$PROPS.tmp"
  mv "$PROPS.tmp" "$PROPS"
  write_log4j "$LOG4J"
}

# Formats the KRaft storage once.
ensure_formatted() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  format_storage "$DATA_DIR" "$PROPS" "$LOG4J" "$(new_cluster_id "$LOG4J")" "$0 reset"
}

cmd_start() {
  check_ports
  local pid
  if pid="$(running_pid)"; then
    say "already running (pid $pid), bootstrap $BOOTSTRAP"
    return 0
  fi
  need java
  for p in "$PORT" "$CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $p on 127.0.0.1 is taken by another process; stop it or set TIMELINE_KAFKA_PORT / TIMELINE_KAFKA_CONTROLLER_PORT"
    fi
  done

  mkdir -p "$KAFKA_HOME"
  ensure_jars
  write_config
  ensure_formatted

  local t0=$SECONDS
  launch_jvm "$PID_FILE" "$LOG_FILE" "$PROPS" "$LOG4J" "$HEAP_OPTS"

  say "starting broker (log: $LOG_FILE)"
  local deadline=$((SECONDS + START_TIMEOUT))
  pid=""
  while ((SECONDS < deadline)); do
    [[ -z "$pid" && -s "$PID_FILE" ]] && pid="$(<"$PID_FILE")"
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "----- last lines of $LOG_FILE -----" >&2
      tail -n 40 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      die "the broker exited during start-up (see above); if storage is broken, try: $0 reset"
    fi
    if [[ -n "$pid" ]] && grep -q "Kafka Server started" "$LOG_FILE" 2>/dev/null && port_open "$PORT"; then
      say "running (pid $pid), ready in $((SECONDS - t0)) s, bootstrap $BOOTSTRAP"
      return 0
    fi
    sleep 0.5
  done
  echo "----- last lines of $LOG_FILE -----" >&2
  tail -n 40 "$LOG_FILE" >&2
  die "broker not ready after ${START_TIMEOUT} s (still starting? check: $0 status); stop it with: $0 stop"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  stop_pid "$pid" broker
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    say "running (pid $pid), bootstrap $BOOTSTRAP"
    return 0
  fi
  say "stopped (start it with: $0 start)"
  return 3
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA_DIR"
  say "deleted $DATA_DIR; the next start formats fresh storage"
}

[[ $# -eq 1 ]] || usage
case "$1" in
  start)  cmd_start ;;
  stop)   cmd_stop ;;
  status) cmd_status ;;
  reset)  cmd_reset ;;
  *)      usage ;;
esac
