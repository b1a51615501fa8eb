#!/usr/bin/env bash
# Stops the llama-servers that start.sh started: by default all of them, else those on the ports
# given as arguments (e.g. stop.sh 18080). Each is stopped by the pid start.sh recorded, and only if
# that pid is still the process start.sh started (same start time): a server that already exited,
# or a pid reused by another process, is left alone and its stale pid file removed. Nothing is
# stopped by name: other llama-servers on the machine are never touched.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/proc.sh"
if [ $# -gt 0 ]; then
  PIDFILES=()
  for PORT in "$@"; do
    PIDFILES+=("$STATE/$PORT.pid")
  done
else
  PIDFILES=("$STATE"/*.pid)
fi
for PIDFILE in "${PIDFILES[@]}"; do
  [ -f "$PIDFILE" ] || continue
  PORT=$(basename "$PIDFILE" .pid)
  if ! recorded_running "$PIDFILE"; then
    echo "llama-server on port $PORT is not running (stale pid file removed)"
    rm -f "$PIDFILE"
    continue
  fi
  read -r PID _ <"$PIDFILE"
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 20); do
    recorded_running "$PIDFILE" || break
    sleep 0.25
  done
  if recorded_running "$PIDFILE"; then
    kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  echo "stopped llama-server on port $PORT (pid $PID)"
done
