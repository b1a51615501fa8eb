#!/usr/bin/env bash
# Reproducible builds: builds the published artifacts twice from clean and fails unless every jar and POM
# is byte-identical (SHA-256) across the two builds. Both builds use the same JDK (a jar's manifest names
# the JDK's major version in Build-Jdk-Spec). Arguments are passed to Maven, e.g. -o.
set -euo pipefail
cd "$(dirname "$0")/.."

MODULES=llmgate-bom,llmgate-dependencies,llmgate-api,llmgate-core,llmgate-providers,llmgate-policy
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build() {
  mvn -B -q "$@" -pl "$MODULES" clean package -Dmaven.test.skip=true
  # Everything install/deploy would publish: the jars (main, sources, javadoc, verifier) and the POMs
  # (the BOMs' flattened ones).
  (ls llmgate-*/target/*.jar llmgate-*/target/flattened-pom.xml | sort | xargs sha256sum)
}

build "$@" > "$WORK/first"
sleep 2   # a different second on the clock: nothing may depend on when the build ran
build "$@" > "$WORK/second"

if ! diff -u "$WORK/first" "$WORK/second"; then
  echo "check-reproducible: the two builds differ (lines above)" >&2
  exit 1
fi
echo "check-reproducible: $(wc -l < "$WORK/first") artifacts byte-identical across two clean builds"
cat "$WORK/first"
