#!/usr/bin/env bash
# Starts the installed Portkey gateway on 127.0.0.1:${PORTKEY_PORT:-8787} (loopback only, see
# loopback-preload.cjs) in the background; writes its pid to benchmarks/target/portkey/gateway.pid
# and its log to gateway.log, and waits until it answers. Stop it with stop.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/../target/portkey"
port="${PORTKEY_PORT:-8787}"
[ -d "$dest/node_modules/@portkey-ai/gateway" ] || { echo "not installed: run $here/install.sh first" >&2; exit 2; }
cd "$dest"
main="$(node -p "const p=require('@portkey-ai/gateway/package.json'); require.resolve('@portkey-ai/gateway/' + (typeof p.bin === 'string' ? p.bin : Object.values(p.bin)[0]))")"
nohup node --require ./loopback-preload.cjs "$main" --port="$port" >gateway.log 2>&1 &
echo $! > gateway.pid
for _ in $(seq 1 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "portkey gateway pid $(cat gateway.pid) on http://127.0.0.1:$port"; exit 0
  fi
  kill -0 "$(cat gateway.pid)" 2>/dev/null || { echo "gateway exited; log:" >&2; cat gateway.log >&2; exit 1; }
  sleep 0.1
done
echo "gateway did not answer within 10 s; log:" >&2; cat gateway.log >&2; exit 1
