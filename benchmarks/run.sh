#!/usr/bin/env bash
# Builds the benchmarks and runs them with JMH; extra arguments go to JMH (e.g. a benchmark regex,
# "-prof gc"). Results: benchmarks/target/jmh-result.json and the console table.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
java -cp "$CP" org.openjdk.jmh.Main -rf json -rff benchmarks/target/jmh-result.json "$@"
