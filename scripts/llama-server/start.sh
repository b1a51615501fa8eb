#!/usr/bin/env bash
# Starts the integration tests' llama-server on 127.0.0.1 (port LLMGATE_LLAMA_PORT, default 18080)
# with API key LLMGATE_LLAMA_KEY (default sk-llmgate-it) and a context of LLMGATE_LLAMA_CTX tokens
# (default 2048), and waits (at most 60 s) until it answers. Run setup.sh first; stop with stop.sh.
# LLMGATE_LLAMA_EMBEDDINGS=1 starts it in embedding mode (--embeddings --pooling mean): it then serves
# /v1/embeddings, and nothing else (llama-server serves embeddings only when started for them).
# Several servers can run side by side on different ports (each has its own pid file and log, in
# ${TMPDIR:-/tmp}/llmgate-llama-server-<uid>/, or LLMGATE_LLAMA_STATE). The pid file records the
# server's pid and start time, so that stop.sh stops exactly this process and nothing else.
# LLMGATE_LLAMA_COMMAND replaces "chroot $LLMGATE_SIDROOT llama-server" (for testing these scripts).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/proc.sh"
ROOT=${LLMGATE_SIDROOT:-/opt/llmgate-sidroot}
PORT=${LLMGATE_LLAMA_PORT:-18080}
KEY=${LLMGATE_LLAMA_KEY:-sk-llmgate-it}
CTX=${LLMGATE_LLAMA_CTX:-2048}
MODE=(--jinja)
if [ "${LLMGATE_LLAMA_EMBEDDINGS:-}" = 1 ]; then
  MODE=(--embeddings --pooling mean)
fi
PIDFILE=$STATE/$PORT.pid
LOG=$STATE/$PORT.log
if [ -f "$PIDFILE" ] && recorded_running "$PIDFILE"; then
  echo "llama-server already running (pid $(cut -d' ' -f1 "$PIDFILE"))"
  exit 0
fi
if [ -n "${LLMGATE_LLAMA_COMMAND:-}" ]; then
  read -r -a COMMAND <<<"$LLMGATE_LLAMA_COMMAND"
else
  COMMAND=(chroot "$ROOT" llama-server)
fi
# chroot execs llama-server: $! is the server's own pid
"${COMMAND[@]}" -m /models/llmgate-test-model.gguf --host 127.0.0.1 --port "$PORT" \
  -a llmgate-test-model -c "$CTX" -t 1 --no-webui "${MODE[@]}" --api-key "$KEY" >"$LOG" 2>&1 &
PID=$!
STARTED=$(start_time "$PID")
if [ -z "$STARTED" ]; then
  echo "llama-server exited at once; its log:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi
echo "$PID $STARTED" >"$PIDFILE"
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; then
    echo "llama-server ready on http://127.0.0.1:$PORT (pid $PID)"
    exit 0
  fi
  if ! recorded_running "$PIDFILE"; then
    echo "llama-server exited; its log:" >&2
    tail -n 30 "$LOG" >&2
    rm -f "$PIDFILE"
    exit 1
  fi
  sleep 0.5
done
echo "llama-server did not answer within 60 s (still running as pid $PID; stop.sh stops it); its log:" >&2
tail -n 30 "$LOG" >&2
exit 1
