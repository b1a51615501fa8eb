#!/usr/bin/env bash
# Fuzzes every parser with Jazzer for a bounded time: each target runs for its @FuzzTest maxDuration
# (10 s) in its own JVM, as Jazzer's fuzzing mode requires. Needs the modules built (mvn install or
# a prior verify in the same reactor); extra Maven flags (e.g. -o) are passed through.
# A finding fails the run; Jazzer writes the crashing input next to the test's seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(
  "llmgate-providers WireFormatFuzzTest#openAiStream"
  "llmgate-providers WireFormatFuzzTest#anthropicStream"
  "llmgate-providers WireFormatFuzzTest#geminiStream"
  "llmgate-providers WireFormatFuzzTest#ollamaStream"
  "llmgate-providers WireFormatFuzzTest#blockingBodies"
  "llmgate-providers WireFormatFuzzTest#errorBodies"
  "llmgate-providers WireFormatFuzzTest#interceptedRequests"
  "llmgate-policy PolicyFuzzTest#config"
  "llmgate-policy PolicyFuzzTest#scan"
  "llmgate-policy PolicyFuzzTest#foldedValuesStayFound"
)
for t in "${targets[@]}"; do
  set -- $t
  echo "== fuzzing $2"
  JAZZER_FUZZ=1 mvn -B -q "${@:3}" -pl "$1" test -Dtest="$2" -Dsurefire.failIfNoSpecifiedTests=false
done
echo "fuzzing: ${#targets[@]} targets, no findings"
