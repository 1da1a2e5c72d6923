#!/usr/bin/env bash
# End-to-end benchmark through the HTTP API of the packaged service. Prints figures; asserts nothing.
#   bench/run.sh [sections]   packages the jar if needed, then runs io.forkpool.bench.E2eBench (test sources)
#   sections: start kinds tiny fanout bigpi (all by default)
#   E2E_LAUNCH=image: the sections after start run the image's form (target/aot: extracted jar,
#   AOT caches, the Dockerfile's entry point) instead of java -jar
#   E2E_SERVICE_OPTS="...": extra JVM options for every service started (to compare flags)
# The tiny-job figures use wrk (Debian's HTTP load generator), installed here if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -q wrk >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q wrk >/dev/null; }
fi
java=$(bench/jdk25)
jar=$(bench/jar)
cp=$(bench/test-classpath)
exec "$java" -cp "$cp" io.forkpool.bench.E2eBench "$jar" "$@"
