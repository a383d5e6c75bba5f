# shellcheck shell=bash
# Shared by deploy/kafka.sh (one broker) and deploy/kafka/cluster.sh (three): the jars, the
# logging config, formatting KRaft storage, starting and stopping one JVM. Sourced, not run.
#
# The caller sets REPO_ROOT and KAFKA_HOME (where mvn.log goes) before calling ensure_jars.

KAFKA_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$KAFKA_SCRIPTS_DIR/pom.xml"
LIB_DIR="$REPO_ROOT/.kafka/lib"
LIB_MARKER="$LIB_DIR/.pom.sha256"
STOP_TIMEOUT=30

say() { echo "kafka.sh: $*"; }
die() { echo "kafka.sh: $*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; run deploy/setup.sh (as root) first"
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_of PID_FILE PROPS: prints the pid if PID_FILE names a live Kafka process started on PROPS.
pid_of() {
  [[ -f "$1" ]] || return 1
  local pid
  pid="$(<"$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be a Kafka broker on our config.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2" || return 1
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

# write_log4j FILE: INFO to the console (the broker's log file), WARN for the chatty parts.
write_log4j() {
  cat >"$1" <<'EOF'
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

# new_cluster_id LOG4J: a fresh KRaft cluster id. StorageTool calls exit(), so it is its own JVM.
new_cluster_id() {
  java -Dlog4j.configuration="file:$1" -cp "$LIB_DIR/*" kafka.tools.StorageTool random-uuid |
    tail -n 1
}

# format_storage DATA_DIR PROPS LOG4J CLUSTER_ID [HINT]: formats KRaft storage once (no-op when
# DATA_DIR already holds meta.properties).
format_storage() {
  local data_dir="$1" props="$2" log4j="$3" cluster_id="$4" hint="${5:-}"
  [[ -f "$data_dir/meta.properties" ]] && return 0
  say "formatting KRaft storage in $data_dir (first start)"
  mkdir -p "$data_dir"
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
  local out="$data_dir.format.log"
  if ! java -Dlog4j.configuration="file:$log4j" -cp "$LIB_DIR/*" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$props" >"$out" 2>&1; then
    cat "$out" >&2
    die "formatting $data_dir failed${hint:+; try: $hint}"
  fi
  rm -f "$out"
}

# launch_jvm PID_FILE LOG_FILE PROPS LOG4J HEAP_OPTS: starts a broker JVM in the background,
# detached from this terminal; the pid file names the JVM itself.
launch_jvm() {
  local pid_file="$1" log_file="$2" props="$3" log4j="$4" heap_opts="$5"
  rm -f "$pid_file"
  [[ -f "$log_file" ]] && mv -f "$log_file" "$log_file.1"
  # The inner shell records its own pid and then becomes the JVM, so the pid file is exact
  # whether or not setsid forks. setsid detaches the broker from this terminal's session.
  # shellcheck disable=SC2016,SC2086
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
    java $heap_opts -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Dlog4j.configuration="file:$log4j" \
      -cp "$LIB_DIR/*" kafka.Kafka "$props" \
    >"$log_file" 2>&1 </dev/null &
}

# stop_pid PID WHAT: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds; returns once it is gone.
stop_pid() {
  local pid="$1" what="$2"
  say "stopping $what (pid $pid)"
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
}
