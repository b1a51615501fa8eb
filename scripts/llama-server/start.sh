#!/usr/bin/env bash
# Starts the integration tests' llama-server on 127.0.0.1 (port LLMGATE_LLAMA_PORT, default 18080)
# with API key LLMGATE_LLAMA_KEY (default sk-llmgate-it) and a context of LLMGATE_LLAMA_CTX tokens
# (default 2048), and waits (at most 60 s) until it answers. Run setup.sh first; stop with stop.sh.
# Several servers can run side by side on different ports (each has its own pid file and log).
set -euo pipefail
ROOT=${LLMGATE_SIDROOT:-/opt/llmgate-sidroot}
PORT=${LLMGATE_LLAMA_PORT:-18080}
KEY=${LLMGATE_LLAMA_KEY:-sk-llmgate-it}
CTX=${LLMGATE_LLAMA_CTX:-2048}
PIDFILE=/tmp/llmgate-llama-server-$PORT.pid
LOG=/tmp/llmgate-llama-server-$PORT.log
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "llama-server already running (pid $(cat "$PIDFILE"))"
  exit 0
fi
chroot "$ROOT" llama-server -m /models/llmgate-test-model.gguf --host 127.0.0.1 --port "$PORT" \
  -a llmgate-test-model -c "$CTX" -t 1 --no-webui --jinja --api-key "$KEY" >"$LOG" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; then
    echo "llama-server ready on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
    exit 0
  fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "llama-server exited; its log:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done
echo "llama-server did not answer within 60 s; its log:" >&2
tail -n 30 "$LOG" >&2
exit 1
