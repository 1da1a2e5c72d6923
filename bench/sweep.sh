#!/usr/bin/env bash
# The tutorial's figure: runtime against n for pi and dice, forkpool (HTTP API, 1 and 2 workers)
# beside the tutorial's Python (bench/python/*.py, 1 and 2 processes). Writes target/sweep.md
# and docs/sweep.svg. Prints figures; asserts nothing.
#   bench/sweep.sh [max-exponent] [python-seconds-cap]     (default 10 20)
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=$(bench/jar)
cp=$(bench/test-classpath)
exec "$java" -cp "$cp" io.forkpool.bench.Sweep "$jar" "$@"
