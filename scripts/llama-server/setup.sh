#!/usr/bin/env bash
# Installs a real llama-server for llmgate's integration tests, on a Debian host, as root:
# a Debian sid chroot (llama.cpp's llama-server is packaged there as llama.cpp-tools) plus
# llmgate's deterministic test model. Idempotent: a second run only checks what is there.
# Uses only Debian's package mirror. About 600 MB of disk.
set -euo pipefail
ROOT=${LLMGATE_SIDROOT:-/opt/llmgate-sidroot}
HERE=$(cd "$(dirname "$0")" && pwd)
MODEL=$ROOT/models/llmgate-test-model.gguf

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh must run as root (it builds a chroot with debootstrap)" >&2
  exit 2
fi
if [ -x "$ROOT/usr/bin/llama-server" ] && [ -f "$MODEL" ] && cmp -s "$HERE/make_test_model.py" "$ROOT/models/make_test_model.py" \
   && cmp -s "$HERE/chat_template.jinja" "$ROOT/models/chat_template.jinja"; then
  echo "llama-server and the test model are ready in $ROOT"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -q; DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
  MIRROR=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
  debootstrap --variant=minbase sid "$ROOT" "$MIRROR"
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
if [ ! -x "$ROOT/usr/bin/llama-server" ]; then
  chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -q
  chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false \
    install -y -q --no-install-recommends llama.cpp-tools python3-gguf python3-numpy
fi
mkdir -p "$ROOT/models"
cp "$HERE/make_test_model.py" "$HERE/chat_template.jinja" "$ROOT/models/"
chroot "$ROOT" python3 /models/make_test_model.py /models/llmgate-test-model.gguf /models/chat_template.jinja
chroot "$ROOT" llama-server --version 2>&1 | tail -n 2
