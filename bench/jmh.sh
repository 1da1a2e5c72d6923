#!/usr/bin/env bash
# JMH benchmarks of the kernels (forkpool-service/src/test/java/io/forkpool/bench/KernelBench.java), single core,
# with the JDK 25 java on the test class path. Prints JMH's table, then samples/s per kernel as TSV
# (lines "JMH<TAB>kernel<TAB>Msamples_per_s<TAB>error").
#   bench/jmh.sh [extra JMH options, e.g. -wi 2 -i 3 -r 1s]      (a benchmark regex may follow)
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
cp=$(bench/test-classpath)
out=$(mktemp -t forkpool-jmh.XXXXXX.json)
trap 'rm -f "$out"' EXIT
"$java" --add-modules=jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main \
  -rf json -rff "$out" "$@" 'io.forkpool.bench.KernelBench' >&2
python3 - "$out" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    m = r["primaryMetric"]
    err = m["scoreError"] if isinstance(m["scoreError"], (int, float)) else 0.0
    print("JMH\t%s\t%.1f\t%.1f" % (r["benchmark"].rsplit(".", 1)[1], m["score"] / 1e6, err / 1e6))
PY
