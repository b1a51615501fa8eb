#!/usr/bin/env bash
# Installs @portkey-ai/gateway (pinned in package.json) into benchmarks/target/portkey with npm.
# Nothing is installed globally; benchmarks/target is ignored by git.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/../target/portkey"
mkdir -p "$dest"
cp "$here/package.json" "$here/loopback-preload.cjs" "$dest/"
cd "$dest"
npm install --no-audit --no-fund --omit=dev --loglevel=error
node -e "console.log('portkey gateway', require('@portkey-ai/gateway/package.json').version, 'installed in', process.cwd())" 2>/dev/null \
  || echo "installed in $dest"
