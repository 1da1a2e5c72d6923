#!/usr/bin/env bash
# A worker JVM's start (spawn -> hello, its CPU up to the hello, its first shards' speed), for
# variants of extra worker JVM options, interleaved in one run. Runs from the image's layout
# (target/aot: the extracted jar and its AOT caches, made by bench/run.sh start or here), so the
# workers map worker.aot as in the container.
#   bench/worker-warmup.sh [rounds [name=options ...]]
#   default: 5 rounds of "image" (-XX:AOTCache=worker.aot) and "no-cache"
#   WARMUP_OPTS="-Dworker.shards=20 -Dworker.clock=cpu -Dworker.stderr=DIR": shards per kernel,
#   speeds per second of the worker's CPU time (for a loaded machine), each worker's stderr kept
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=$(bench/jar)
bench/test-classpath >/dev/null # compiles the bench
tests=$PWD/forkpool-service/target/test-classes
dir=$PWD/target/aot
from="$jar $(stat -c %Y "$jar")"
if [ "$(cat "$dir/built-from" 2>/dev/null)" != "$from" ]; then
  echo "(extracting the jar to target/aot and training its AOT caches, ~30 s)"
  rm -rf "$dir"
  "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" --application-filename app.jar
  JAVA="$java" docker/aot-train.sh "$dir"
  echo "$from" > "$dir/built-from"
fi
rounds=${1:-5}; shift || true
[ $# -gt 0 ] || set -- "image=-XX:AOTCache=$dir/worker.aot" "no-cache="
cd "$dir"
# the bench's classes beside the image's; the workers get the image's class path alone (app.jar)
exec "$java" ${WARMUP_OPTS:-} --add-modules=jdk.incubator.vector -cp "app.jar:$tests" -Dworker.classpath=app.jar \
  io.forkpool.bench.WorkerWarmup "$rounds" "$@"
