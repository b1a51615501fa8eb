#!/usr/bin/env bash
# Builds and runs the consumer projects under consumer-check/ against the llmgate artifacts in the local
# Maven repository, as a user's build would resolve them. Run `mvn install` in the llmgate tree first.
# Arguments are passed to every Maven call, e.g. -o or -Dmaven.repo.local=/tmp/m2. Fails on any failure.
set -euo pipefail
cd "$(dirname "$0")"

# The version of the build that was installed: the root POM's own <version> (the first one in the file).
VERSION=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' ../pom.xml | head -1)
if [ -z "$VERSION" ]; then
  echo "consumer-check: could not read the project version from ../pom.xml" >&2
  exit 2
fi
MVN=(mvn -B -q "$@" -Dllmgate.version="$VERSION")

echo "== consumer-check/classpath: llmgate $VERSION with llmgate-bom and llmgate-dependencies, openai-java, anthropic-java"
"${MVN[@]}" -f classpath/pom.xml clean verify

if unshare -n true 2>/dev/null; then
  echo "== the verifier jar again, in a process without network access"
  unshare -n java -jar classpath/target/verifier/llmgate-verifier.jar verify \
    --key classpath/target/audit/audit-key.pub classpath/target/audit/log | grep -E '^  result:'
fi

echo "== consumer-check/classpath without llmgate-dependencies: the classpath check must catch two OkHttp lines"
set +e
OUT=$("${MVN[@]}" -f classpath/pom.xml -Dwithout.alignment clean verify 2>&1)
RC=$?
set -e
if [ $RC -eq 0 ] || ! grep -q 'duplicate classes: .* in okhttp-4\..*okhttp-jvm-5\.' <<<"$OUT"; then
  echo "$OUT"
  echo "consumer-check: without llmgate-dependencies the classpath check should have failed on okhttp 4 beside okhttp-jvm 5" >&2
  exit 1
fi
grep -E '^  - ' <<<"$OUT" || true
echo "as expected: failed without llmgate-dependencies"

echo "== consumer-check/spring-boot: a Spring Boot 4 application on the starter (Spring Boot's BOM, then llmgate's)"
"${MVN[@]}" -f spring-boot/pom.xml clean package
SPRING_CP="spring-boot/target/classes:$(cat spring-boot/target/runtime-classpath.txt)"
java -classpath "$SPRING_CP" com.example.springconsumer.SpringConsumer
java -Dlocal.repository="$(cat spring-boot/target/classes/local-repository.txt)" \
  -classpath "classpath/target/classes:$SPRING_CP" com.example.consumer.ClasspathCheck

echo "== consumer-check/modular: a consumer with its own module-info, on the module path"
"${MVN[@]}" -f modular/pom.xml clean package
MODULE_PATH="modular/target/classes:$(cat modular/target/module-path.txt)"
java --module-path "$MODULE_PATH" --module com.example.modular/com.example.modular.ModularMain

echo "== consumer-check/modular/internal-use: importing an internal package must not compile"
set +e
OUT=$(javac -d modular/target/internal-use --module-path "$(cat modular/target/module-path.txt)" \
  $(find modular/internal-use -name '*.java') 2>&1)
RC=$?
set -e
if [ $RC -eq 0 ] || ! grep -q 'package dev.llmgate.core.internal is not visible' <<<"$OUT"; then
  echo "$OUT"
  echo "consumer-check: a module importing dev.llmgate.core.internal should not have compiled (package not exported)" >&2
  exit 1
fi
grep -m1 'is not visible' <<<"$OUT" || true
echo "as expected: internal packages are not visible to a module"
echo "consumer-check: passed"
