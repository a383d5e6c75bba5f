#!/usr/bin/env bash
# Stops what deploy/up.sh started: the engine (SIGTERM, a clean stop) and the local broker.
# Environment: as for up.sh (TIMELINE_DATA, and deploy/kafka.sh's TIMELINE_KAFKA_HOME...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pid_file="${TIMELINE_DATA:-$root/data}/timeline.pid"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  pid=$(cat "$pid_file")
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo "down.sh: timeline run (engine and API) stopped"
fi
rm -f "$pid_file"
bash "$root/deploy/kafka.sh" stop
