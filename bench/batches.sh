#!/usr/bin/env bash
# Batches against single POSTs, jobs/s from one client in one run of the packaged service (issue 22):
# tiny jobs (pi 1000 samples) as single POSTs and as batches of 100, alternating, on the default
# (durable) backend with 2 workers. Prints figures; asserts nothing.
#   bench/batches.sh [jobs=2000] [batch size=100] [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=${JAR:-$(bench/jar)}
cp=$(bench/test-classpath)
port=${PORT:-18392}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" --add-modules=jdk.incubator.vector -jar "$jar" --server.port="$port" --forkpool.workers.count=2 \
  --forkpool.warmup.enabled=false --forkpool.store.dir="$work/data" --forkpool.queue.max-jobs=10000 \
  > "$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP && break; sleep 0.5
done
curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP || { tail -30 "$work/service.log" >&2; exit 1; }
"$java" -cp "$cp" io.forkpool.bench.BatchBench "http://127.0.0.1:$port" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
