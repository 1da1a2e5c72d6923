#!/usr/bin/env bash
# The embedded store's database chosen by measurement (docs/benchmarks.md, "Choosing the embedded
# database"): SQLite (WAL, synchronous=FULL) against H2's MVStore (file database, default settings),
# the same JDBC workload, engines alternated in every round, data files under
# forkpool-service/target (a real disk; STORE_DIR to change it). Prints figures; asserts nothing.
#   bench/store-choice.sh [rounds=3] [rows=1000000] [secondsPerBatchSize=1.5] [rowRounds=2]
# (the rows part, slow on H2, runs in the first rowRounds rounds only)
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
cp=$(bench/test-classpath)
grep -m1 'model name' /proc/cpuinfo
echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg), data on: $(df -P "${STORE_DIR:-forkpool-service/target}" | awk 'NR==2{print $1}')"
exec "$java" -Xmx2g -Dstore.dir="${STORE_DIR:-forkpool-service/target}" -cp "$cp" io.forkpool.bench.StoreChoiceBench "$@"
