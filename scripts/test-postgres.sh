#!/usr/bin/env bash
# A throwaway PostgreSQL server for the JDBC audit sink's tests (llmgate-core JdbcAuditSinkTest).
#
#   eval "$(scripts/test-postgres.sh)"     # install if missing (root, Debian), start, print exports
#   mvn ... test                            # the tests read LLMGATE_TEST_PG_URL/_USER/_PASSWORD
#   scripts/test-postgres.sh stop           # stop the server and delete its files
#
# The cluster lives in $LLMGATE_PG_DIR (default /tmp/llmgate-pg) and listens on 127.0.0.1 only, on
# $LLMGATE_PG_PORT (default 54329). Only the export lines go to standard output; progress goes to
# standard error. Running it again while the server runs just prints the exports again.
set -euo pipefail

PG_DIR="${LLMGATE_PG_DIR:-/tmp/llmgate-pg}"
PG_PORT="${LLMGATE_PG_PORT:-54329}"
PG_USER="llmgate"
PG_PASSWORD="llmgate-test"
PG_DB="llmgate_test"

log() { echo "test-postgres: $*" >&2; }

pg_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$bin" && -x "$bin/initdb" ]]; then
    echo "$bin"
  fi
}

# Runs a command as the unprivileged owner of the cluster (PostgreSQL refuses to run as root).
as_owner() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

print_exports() {
  echo "export LLMGATE_TEST_PG_URL=jdbc:postgresql://127.0.0.1:${PG_PORT}/${PG_DB}"
  echo "export LLMGATE_TEST_PG_USER=${PG_USER}"
  echo "export LLMGATE_TEST_PG_PASSWORD=${PG_PASSWORD}"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [[ -n "$bin" && -f "$PG_DIR/data/postmaster.pid" ]]; then
    log "stopping the server in $PG_DIR"
    as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$PG_DIR"
  log "stopped"
}

start() {
  local bin
  bin="$(pg_bin)"
  if [[ -z "$bin" ]]; then
    if [[ "$(id -u)" != "0" ]]; then
      log "PostgreSQL is not installed and this is not root: install the Debian package 'postgresql' first"
      exit 1
    fi
    log "installing PostgreSQL from the Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    bin="$(pg_bin)"
    if [[ -z "$bin" ]]; then
      log "the postgresql package did not provide initdb under /usr/lib/postgresql/*/bin"
      exit 1
    fi
  fi
  if [[ "$(id -u)" == "0" ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  if [[ -f "$PG_DIR/data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    log "already running on 127.0.0.1:$PG_PORT"
    print_exports
    return
  fi

  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  if [[ "$(id -u)" == "0" ]]; then
    chown postgres: "$PG_DIR"
  fi
  printf '%s\n' "$PG_PASSWORD" > "$PG_DIR/pwfile"
  chmod 600 "$PG_DIR/pwfile"
  if [[ "$(id -u)" == "0" ]]; then
    chown postgres: "$PG_DIR/pwfile"
  fi
  log "initializing a cluster in $PG_DIR/data"
  as_owner "$bin/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$PG_DIR/pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >&2
  log "starting on 127.0.0.1:$PG_PORT"
  as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off" start >&2
  as_owner "$bin/createdb" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" >&2
  print_exports
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
