#!/usr/bin/env bash
# Builds the benchmarks and runs them with JMH; extra arguments go to JMH (e.g. a benchmark regex,
# "-prof gc"). Results: benchmarks/target/jmh-result.json, the console table, and
# benchmarks/target/jmh-tables.md (the tables of docs/benchmarks.md, made by report.py).
#
# The Portkey peer (peer_*portkey benchmarks) needs node and npm: it is installed into
# benchmarks/target/portkey on first use (benchmarks/portkey/install.sh). Without node, exclude it
# with a regex, e.g. run.sh -e portkey.
# MVN_ARGS adds Maven options, e.g. MVN_ARGS=-o for an offline build.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q ${MVN_ARGS:-} -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
if [ ! -d benchmarks/target/portkey/node_modules/@portkey-ai/gateway ] && command -v npm >/dev/null; then
  benchmarks/portkey/install.sh || echo "Portkey install failed; the peer_*portkey benchmarks will fail" >&2
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
java -cp "$CP" org.openjdk.jmh.Main -rf json -rff benchmarks/target/jmh-result.json "$@"
python3 benchmarks/report.py benchmarks/target/jmh-result.json > benchmarks/target/jmh-tables.md \
  && echo "tables: benchmarks/target/jmh-tables.md" || true
