#!/usr/bin/env bash
# Trains llmgate's learned prompt-injection model from the sources in llmgate-policy/training/manifest.json and
# writes the model (llmgate-policy/target/injection-model.bin; not shipped yet, see the report) and the training
# report with the held-out-source measurements (llmgate-policy/training/report.md). Deterministic: the same data
# give the same bytes.
#
#   scripts/train-injection-model.sh [DATA_DIR]
#
# DATA_DIR (default: $LLMGATE_TRAINING_DATA, else ../training-data beside the project) holds raw/<source id>/<path>:
# the files the manifest lists under "raw" for each source, taken from the repository at the commit it names
# (nothing is downloaded here). extract.py checks each against its SHA-256 and writes DATA_DIR/sources/; a missing
# or different file stops the run with the list of what to fetch. Needs python3 and a JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="${1:-${LLMGATE_TRAINING_DATA:-../training-data}}"
python3 llmgate-policy/training/extract.py "$DATA_DIR"
mvn -B -q ${MVN_ARGS:-} -pl llmgate-policy -am test-compile
CP="llmgate-policy/target/test-classes:llmgate-policy/target/classes:llmgate-api/target/classes:$(mvn -B -q ${MVN_ARGS:-} -pl llmgate-policy \
  dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
java -cp "$CP" dev.llmgate.policy.training.InjectionModelTrainer \
  llmgate-policy/training/manifest.json "$DATA_DIR" \
  llmgate-policy/target/injection-model.bin \
  llmgate-policy/training/report.md
