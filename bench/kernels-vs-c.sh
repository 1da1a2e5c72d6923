#!/usr/bin/env bash
# The kernels beside the hand-vectorised C reference, in the same run, single core: runs
# ../shared/bench-reference/run.sh, then bench/jmh.sh, then the C reference again, and prints
# Java/C per kernel (against the mean of the two C runs), plus ×numpy and ×tutorial-Python from
# the figures in ../shared/PERFORMANCE.md (not measured here).
#   bench/kernels-vs-c.sh [JMH options]        e.g. bench/kernels-vs-c.sh -wi 3 -i 5
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${FORKPOOL_BENCH_REFERENCE:-../shared/bench-reference/run.sh}
tmp=$(mktemp -d -t forkpool-vs-c.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$ref" 0.3 7 > "$tmp/c1.tsv"
bench/jmh.sh "$@" > "$tmp/jmh.tsv"
"$ref" 0.3 7 > "$tmp/c2.tsv"
cat "$tmp/c1.tsv" "$tmp/c2.tsv" | grep -v '^#' >&2
python3 - "$tmp/c1.tsv" "$tmp/c2.tsv" "$tmp/jmh.tsv" <<'PY'
import sys
def c(path):
    out = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "C":
            out[(f[1], f[2])] = float(f[5])
    return out
c1, c2 = c(sys.argv[1]), c(sys.argv[2])
jmh = {}
for line in open(sys.argv[3]):
    f = line.split("\t")
    if f[0] == "JMH":
        jmh[f[1]] = (float(f[2]), float(f[3]))
# kernel: (JMH benchmark, C kernel, C variant, numpy M/s, tutorial Python M/s) - the last two are
# the upper ends of the ranges in ../shared/PERFORMANCE.md, not measured here.
rows = [("pi", "pi", "pi", "avx512-xoshiro-f64", 200, 6),
        ("dice d6", "dice", "dice", "avx512-xoshiro-lemire16", 320, 4.0),
        ("projectile", "projectile", "proj", "avx512-xoshiro-poly", 60, 2.3)]
print("kernel\tjava_Msps\t±\tC_Msps(run1,run2)\tjava/C\tx_numpy*\tx_tutorial_python*")
for name, bench, ck, cv, numpy, py in rows:
    if bench not in jmh:
        continue
    j, err = jmh[bench]
    key = next((k for k in c1 if k[0] == ck and k[1].endswith(cv.split("-", 1)[1])), None)
    if key is None:
        continue
    cm = (c1[key] + c2.get(key, c1[key])) / 2
    print(f"{name}\t{j:.0f}\t{err:.0f}\t{cm:.0f} ({c1[key]:.0f},{c2.get(key, float('nan')):.0f})\t{j / cm:.2f}\t{j / numpy:.0f}\t{j / py:.0f}")
if "dice20" in jmh:
    print(f"dice d20 (Java only)\t{jmh['dice20'][0]:.0f}\t{jmh['dice20'][1]:.0f}")
print("* numpy and tutorial-Python figures from ../shared/PERFORMANCE.md (same machine kind), not this run")
PY
