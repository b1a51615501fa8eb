# Sourced by start.sh and stop.sh: where they keep their pid files and logs, and how a recorded
# process is recognised. A process is identified by its pid together with its start time, so a pid
# that the system has since reused for another process is never signalled.

# A directory of this user's own (mode 700): pid files and logs are not at predictable /tmp paths
# that another user could plant or point elsewhere.
STATE=${LLMGATE_LLAMA_STATE:-${TMPDIR:-/tmp}/llmgate-llama-server-$(id -u)}
if [ -L "$STATE" ]; then
  echo "$STATE is a symbolic link: refusing to use it (set LLMGATE_LLAMA_STATE to a directory of yours)" >&2
  exit 2
fi
mkdir -p -m 700 "$STATE"
if [ ! -O "$STATE" ]; then
  echo "$STATE belongs to another user: refusing to use it (set LLMGATE_LLAMA_STATE to a directory of yours)" >&2
  exit 2
fi

# The start time of process $1 (clock ticks since boot from /proc, else ps's start time); empty if it is not running.
start_time() {
  if [ -r "/proc/$1/stat" ]; then
    # the command name (field 2) may hold spaces and parentheses: count fields after its closing ')'
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'
  else
    ps -o lstart= -p "$1" 2>/dev/null
  fi
}

# Whether the process recorded in pid file $1 (a line "<pid> <start time>") is still that same process.
recorded_running() {
  local pid started
  read -r pid started <"$1" || return 1
  [ -n "$pid" ] && [ -n "$started" ] && [ "$(start_time "$pid")" = "$started" ]
}
