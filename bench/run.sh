#!/usr/bin/env bash
# End-to-end benchmark through the HTTP API of the packaged service. Prints figures; asserts nothing.
#   bench/run.sh            packages the jar if needed, then runs bench/E2eBench.java
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=$(ls target/forkpool-*.jar 2>/dev/null | grep -v plain | head -1 || true)
[ -n "$jar" ] || { ./mvnw -B -q -DskipTests package; jar=$(ls target/forkpool-*.jar | head -1); }
exec "$java" bench/E2eBench.java "$jar" "$@"
