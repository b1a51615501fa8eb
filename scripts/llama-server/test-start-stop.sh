#!/usr/bin/env bash
# Checks start.sh and stop.sh without llama.cpp: a stand-in server (python3's http.server answering
# /health) is started through LLMGATE_LLAMA_COMMAND. stop.sh must stop exactly the servers start.sh
# started, by pid: not a process that merely looks like the test server (the old `pkill -f` pattern
# matched it), not a server started from another state directory (another user's), and not a process
# that now has a pid recorded in a stale pid file. Exits non-zero on the first failed check.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
BYSTANDERS=()
cleanup() {
  for p in "${BYSTANDERS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  LLMGATE_LLAMA_STATE=$WORK/a "$HERE/stop.sh" >/dev/null 2>&1 || true
  LLMGATE_LLAMA_STATE=$WORK/b "$HERE/stop.sh" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$WORK/www"
touch "$WORK/www/health"
cat >"$WORK/fake-llama-server" <<FAKE
#!/usr/bin/env bash
# takes llama-server's arguments, serves $WORK/www (so /health answers 200) on --port
while [ \$# -gt 0 ]; do [ "\$1" = --port ] && PORT=\$2; shift; done
cd "$WORK/www" && exec python3 -m http.server --bind 127.0.0.1 "\$PORT"
FAKE
chmod +x "$WORK/fake-llama-server"
export LLMGATE_LLAMA_COMMAND=$WORK/fake-llama-server

# bystander 1: a process whose command line is what the old stop.sh matched by name
bash -c 'exec -a "llama-server -m /models/llmgate-test-model.gguf --port 1" sleep 300' &
BYSTANDERS+=($!)
disown "$!"
# bystander 2: a server started by start.sh from another state directory (another user, another checkout)
P0=$(free_port)
LLMGATE_LLAMA_STATE=$WORK/b LLMGATE_LLAMA_PORT=$P0 "$HERE/start.sh" >/dev/null
OTHER=$(cut -d' ' -f1 "$WORK/b/$P0.pid")

export LLMGATE_LLAMA_STATE=$WORK/a
P1=$(free_port)
P2=$(free_port)
LLMGATE_LLAMA_PORT=$P1 "$HERE/start.sh" >/dev/null
LLMGATE_LLAMA_PORT=$P2 "$HERE/start.sh" >/dev/null
S1=$(cut -d' ' -f1 "$WORK/a/$P1.pid")
S2=$(cut -d' ' -f1 "$WORK/a/$P2.pid")
LLMGATE_LLAMA_PORT=$P1 "$HERE/start.sh" | grep -q "already running" || fail "a second start.sh on $P1 did not see the first"
[ "$(stat -c %a "$WORK/a")" = 700 ] || fail "the state directory is not private"

"$HERE/stop.sh" "$P1" >/dev/null
alive "$S1" && fail "stop.sh $P1 did not stop its server"
alive "$S2" || fail "stop.sh $P1 stopped the server on $P2"
[ -f "$WORK/a/$P1.pid" ] && fail "stop.sh left the pid file of $P1"

# a stale pid file naming a live process that start.sh did not start (its start time differs)
echo "${BYSTANDERS[0]} 1" >"$WORK/a/$P1.pid"
"$HERE/stop.sh" >/dev/null
alive "$S2" && fail "stop.sh did not stop the server on $P2"
alive "${BYSTANDERS[0]}" || fail "stop.sh killed a process by name or by a stale pid file"
alive "$OTHER" || fail "stop.sh killed a server started from another state directory"
[ -z "$(ls "$WORK/a"/*.pid 2>/dev/null)" ] || fail "stop.sh left pid files: $(ls "$WORK/a")"
"$HERE/stop.sh" >/dev/null || fail "stop.sh with nothing to stop failed"
echo "start.sh/stop.sh: all checks passed"
