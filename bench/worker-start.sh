#!/usr/bin/env bash
# Time from spawning a worker JVM to its Hello (warm-up included), and its first shards' speed.
#   bench/worker-start.sh [warmup-ms ...]     (default 0 300 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
cp=$(bench/test-classpath)
exec "$java" --add-modules=jdk.incubator.vector -cp "$cp" io.forkpool.bench.WorkerStartBench "$@"
