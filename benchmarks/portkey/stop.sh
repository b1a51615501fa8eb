#!/usr/bin/env bash
# Stops the gateway started by start.sh (by its recorded pid only).
set -euo pipefail
pidfile="$(cd "$(dirname "$0")" && pwd)/../target/portkey/gateway.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
kill "$pid" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
rm -f "$pidfile"
