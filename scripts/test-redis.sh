#!/usr/bin/env bash
# The redis-server binary for llmgate-redis's tests (RedisStateStoreTest starts its own server on a free loopback
# port and stops it by its process handle; nothing here starts or stops a server).
#
#   eval "$(scripts/test-redis.sh)"     # install Debian's redis-server if missing (root), print the export
#   mvn ... test                         # the tests read LLMGATE_TEST_REDIS_SERVER and fail if it is not executable
#
# Only the export line goes to standard output; progress goes to standard error.
set -euo pipefail

log() { echo "test-redis: $*" >&2; }

bin="$(command -v redis-server || true)"
if [[ -z "$bin" ]]; then
  if [[ "$(id -u)" != "0" ]]; then
    log "redis-server is not installed and this is not root: install the Debian package 'redis-server' first"
    exit 1
  fi
  log "installing redis-server from the Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # policy-rc.d: the package must not start a system-wide server of its own
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends redis-server >&2 || { rm -f /usr/sbin/policy-rc.d; exit 1; }
  rm -f /usr/sbin/policy-rc.d
  bin="$(command -v redis-server || true)"
  if [[ -z "$bin" ]]; then
    log "the redis-server package did not provide redis-server on the PATH"
    exit 1
  fi
fi
log "using $bin ($("$bin" --version | head -n 1))"
echo "export LLMGATE_TEST_REDIS_SERVER=$bin"
