#!/usr/bin/env bash
# The plugin change's cost, in one run: the build before kinds became plugins (commit 16fef25, the
# last one with the sealed JobRequest) beside this tree. Prints figures; asserts nothing.
#   bench/before-after.sh [rounds]     (2 by default; BEFORE_AFTER_E2E="kinds" picks the end-to-end sections, "" none)
# 1. JMH kernels (KernelBench: a shard of pi, dice, dice with 20 faces, projectile through the
#    request's compute, single thread), before and after alternately, `rounds` times each.
# 2. End to end through HTTP (io.forkpool.bench.E2eBench, this tree's, on both jars: per-worker throughput of every kind, tiny-job
#    latency and throughput, a pi 10^10 job), the two packaged jars alternately.
# Figures for docs/benchmarks.md: medians, and after/before ratios, with the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
before_rev=16fef252a895c53a8ff034ada7808ee2d3ecf37c
before=$PWD/target/before
java=$(bench/jdk25)
lscpu | grep -E 'Model name|^CPU\(s\)' | sed 's/  */ /g'
if [ ! -d "$before/.git" ] && [ ! -f "$before/.git" ]; then
  mkdir -p target
  git worktree add -f --detach "$before" "$before_rev" >/dev/null
fi
(cd "$before" && ./mvnw -B -q -DskipTests package >&2)
before_cp="$(cd "$before" && bench/test-classpath)"
before_cp=$(echo "$before_cp" | tr ':' '\n' | sed "s#^target/#$before/target/#" | paste -sd: -)
after_cp=$(bench/test-classpath)
./mvnw -B -q -DskipTests package >&2
before_jar=$(ls "$before"/target/forkpool-*.jar | head -1)
after_jar=$(bench/jar)

jmh() { # label classpath
  local out; out=$(mktemp)
  "$java" --add-modules=jdk.incubator.vector -cp "$2" org.openjdk.jmh.Main -f 1 -wi 3 -i 5 -w 1s -r 1s \
    -rf json -rff "$out" 'io.forkpool.bench.KernelBench' >/dev/null 2>&1
  python3 - "$1" "$out" <<'PY'
import json, sys
for r in json.load(open(sys.argv[2])):
    print("JMH\t%s\t%s\t%.1f" % (sys.argv[1], r["benchmark"].rsplit(".", 1)[1], r["primaryMetric"]["score"] / 1e6))
PY
  rm -f "$out"
}
results=$(mktemp)
for i in $(seq "$rounds"); do
  jmh before "$before_cp" | tee -a "$results"
  jmh after "$after_cp" | tee -a "$results"
done
python3 - "$results" <<'PY'
import sys, statistics, collections
m = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _, label, kernel, v = line.split("\t")
    m[(label, kernel)].append(float(v))
print("kernel      before Ms/s  after Ms/s  after/before (medians)")
for kernel in sorted({k for _, k in m}):
    b, a = statistics.median(m[("before", kernel)]), statistics.median(m[("after", kernel)])
    print("%-10s %12.0f %11.0f %8.3f" % (kernel, b, a, a / b))
PY
# BEFORE_AFTER_E2E: the E2eBench sections to run on both jars ("" skips them)
sections=${BEFORE_AFTER_E2E-kinds tiny bigpi}
[ -n "$sections" ] || exit 0
for i in $(seq "$rounds"); do
  echo "== end to end, before (round $i)"; "$java" -cp "$after_cp" io.forkpool.bench.E2eBench "$before_jar" $sections
  echo "== end to end, after (round $i)"; "$java" -cp "$after_cp" io.forkpool.bench.E2eBench "$after_jar" $sections
done
