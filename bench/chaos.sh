#!/usr/bin/env bash
# Chaos soak of the packaged service on loopback: fault-free references first, then a few thousand
# jobs of every kind from several clients while a random worker is SIGKILLed about every 0.5 s.
# Prints submitted, succeeded, failed, cancelled, differing (must be 0), lost (must be 0), workers
# killed and restarts; exits non-zero if a result differs or a job is lost. Bounded in time.
#   bench/chaos.sh [jobs=3000] [seconds=180] [clients=6] [killEveryMs=500] [workers=2]
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=$(bench/jar)
cp=$(bench/test-classpath)
echo "+ io.forkpool.bench.Chaos $jar $*"
exec "$java" -cp "$cp" io.forkpool.bench.Chaos "$jar" "$@"
