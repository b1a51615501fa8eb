#!/usr/bin/env bash
# Stops every llama-server that start.sh started.
for PIDFILE in /tmp/llmgate-llama-server-*.pid; do
  [ -f "$PIDFILE" ] || continue
  PID=$(cat "$PIDFILE")
  kill "$PID" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$PID" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$PID" 2>/dev/null || true
  rm -f "$PIDFILE"
done
pkill -f 'llama-server -m /models/llmgate-test-model.gguf' 2>/dev/null || true
