#!/usr/bin/env bash
# The service's own cost per shard (dispatch -> pipe -> worker -> frame back -> merge), kernel time
# excluded: real Dispatcher and worker processes, shards of 1 sample.  Prints figures; asserts nothing.
#   bench/shard-overhead.sh [shards] [rounds]      (default 20000 5)
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
cp=$(bench/test-classpath)
exec "$java" --add-modules=jdk.incubator.vector -cp "$cp" io.forkpool.bench.ShardOverhead "$@"
