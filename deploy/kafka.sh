#!/usr/bin/env bash
# Runs a local single-node Apache Kafka broker (KRaft, 127.0.0.1) for Account Timeline.
#
#   deploy/kafka.sh start    resolve jars once, format storage once, start, wait until ready
#   deploy/kafka.sh stop     SIGTERM, then SIGKILL after 30 s; fine if already stopped
#   deploy/kafka.sh status   exit 0 if running, 3 if stopped
#   deploy/kafka.sh reset    stop and delete the broker's data (topics, offsets)
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

POM="$SCRIPT_DIR/kafka/pom.xml"
TEMPLATE="$SCRIPT_DIR/kafka/server.properties.template"

KAFKA_HOME="${TIMELINE_KAFKA_HOME:-$REPO_ROOT/.kafka}"
LIB_DIR="$REPO_ROOT/.kafka/lib"
LIB_MARKER="$LIB_DIR/.pom.sha256"
DATA_DIR="$KAFKA_HOME/data"
PROPS="$KAFKA_HOME/server.properties"
LOG4J="$KAFKA_HOME/log4j.properties"
LOG_FILE="$KAFKA_HOME/broker.log"
PID_FILE="$KAFKA_HOME/broker.pid"

PORT="${TIMELINE_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${TIMELINE_KAFKA_CONTROLLER_PORT:-19093}"
HEAP_OPTS="${TIMELINE_KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
START_TIMEOUT="${TIMELINE_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT=30
BOOTSTRAP="127.0.0.1:$PORT"

say() { echo "kafka.sh: $*"; }
die() { echo "kafka.sh: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 {start|stop|status|reset}" >&2
  exit 2
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; run deploy/setup.sh (as root) first"
}

check_ports() {
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "TIMELINE_KAFKA_PORT must be a number, got '$PORT'"
  [[ "$CONTROLLER_PORT" =~ ^[0-9]+$ ]] || die "TIMELINE_KAFKA_CONTROLLER_PORT must be a number, got '$CONTROLLER_PORT'"
  [[ "$PORT" != "$CONTROLLER_PORT" ]] || die "broker and controller ports must differ (both $PORT)"
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the broker's pid if the pid file names a live Kafka process of ours.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(<"$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be a Kafka broker on our config.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$PROPS" || return 1
  fi
  echo "$pid"
}

# Resolves the broker's jars into .kafka/lib (shared by every broker of this checkout), once per
# version of pom.xml.
ensure_jars() {
  local want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$LIB_MARKER" && "$(<"$LIB_MARKER")" == "$want" ]]; then
    return 0
  fi
  need mvn
  say "resolving Kafka jars with Maven into .kafka/lib (once; needs network)"
  local tmp="$LIB_DIR.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp" "$KAFKA_HOME"
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_HOME/mvn.log" 2>&1; then
    tail -n 30 "$KAFKA_HOME/mvn.log" >&2
    die "Maven could not resolve the jars (full output: $KAFKA_HOME/mvn.log); check network access to Maven Central"
  fi
  echo "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  rm -f "$KAFKA_HOME/mvn.log"
}

write_config() {
  sed -e "s|@BROKER_PORT@|$PORT|g" \
      -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$DATA_DIR|g" \
      "$TEMPLATE" >"$PROPS.tmp"
  mv "$PROPS.tmp" "$PROPS"

  cat >"$LOG4J" <<'EOF'
# Written by deploy/kafka.sh. INFO to the console (.kafka/broker.log), WARN for chatty parts.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log=WARN
log4j.logger.kafka.cluster=WARN
log4j.logger.kafka.coordinator=WARN
log4j.logger.kafka.server.metadata=WARN
# The full KafkaConfig dump (300 lines); the settings are in .kafka/server.properties.
log4j.logger.kafka.server.KafkaConfig=WARN
log4j.logger.kafka.server.ReplicaFetcherManager=WARN
log4j.logger.kafka.server.ReplicaAlterLogDirsManager=WARN
log4j.logger.org.apache.kafka.storage=WARN
log4j.logger.org.apache.kafka.raft=WARN
log4j.logger.org.apache.kafka.controller=WARN
log4j.logger.org.apache.kafka.image=WARN
log4j.logger.org.apache.kafka.metadata=WARN
log4j.logger.org.apache.kafka.coordinator=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.apache.kafka.common.config=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
log4j.logger.org.apache.kafka.common.metrics=WARN
EOF
}

# Formats the KRaft storage once. StorageTool calls exit(), so each step is its own JVM.
ensure_formatted() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  say "formatting KRaft storage in $DATA_DIR (first start)"
  mkdir -p "$DATA_DIR"
  local cluster_id
  cluster_id="$(java -Dlog4j.configuration="file:$LOG4J" -cp "$LIB_DIR/*" \
                 kafka.tools.StorageTool random-uuid | tail -n 1)"
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
  if ! java -Dlog4j.configuration="file:$LOG4J" -cp "$LIB_DIR/*" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" >"$KAFKA_HOME/format.log" 2>&1; then
    cat "$KAFKA_HOME/format.log" >&2
    die "formatting $DATA_DIR failed; try: $0 reset"
  fi
  rm -f "$KAFKA_HOME/format.log"
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

  rm -f "$PID_FILE"
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  local t0=$SECONDS
  # The inner shell records its own pid and then becomes the JVM, so the pid file is exact
  # whether or not setsid forks. setsid detaches the broker from this terminal's session.
  # shellcheck disable=SC2016,SC2086
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Dlog4j.configuration="file:$LOG4J" \
      -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    >"$LOG_FILE" 2>&1 </dev/null &

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
  say "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "no exit after ${STOP_TIMEOUT} s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
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
