#!/usr/bin/env bash
# forkpool beside what a user would pick instead, on this machine, in one run, 2 processes each:
# multiprocessing.Pool with numpy, Celery (prefork, Redis broker and results), Dask distributed
# (LocalCluster) and forkpool (the packaged jar, embedded backend). Prints figures; asserts only
# that every pi estimate is within 6 sigma of pi. The work is described in bench/python/peers.py.
#   bench/peers.sh
# Environment: PI_SAMPLES (large job, default 4e9), TINY_COUNT (sequential tiny jobs per round,
# 200), BATCH (tiny jobs in the batch, 2000), ROUNDS (3), PEER_TASKS (tasks the peers cut the large
# job into, 16), CLIENTS (forkpool's concurrent POSTs in the batch, 32), JAR (the forkpool jar;
# default this tree's, built if missing), PEERS_JSON (a file to write every figure to, as JSON).
# Installs what is missing with apt-get (Debian's python3-numpy, python3-celery,
# python3-distributed, python3-redis, redis-server); starts Redis and the forkpool service on free
# loopback ports and the Celery worker, and stops all of them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3 # Debian's Python: the one the python3-* packages install into

if ! command -v redis-server >/dev/null || ! "$py" -c 'import numpy, celery, distributed, redis' 2>/dev/null; then
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    python3-numpy python3-celery python3-distributed python3-redis redis-server >/dev/null
fi
java=$(bench/jdk25)
jar=${JAR:-$(ls forkpool-service/target/forkpool-*.jar 2>/dev/null | grep -v plain | head -1 || true)}
if [ -z "$jar" ]; then
  ./mvnw -B -ntp -q -DskipTests package
  jar=$(ls forkpool-service/target/forkpool-*.jar | grep -v plain | head -1)
fi

work=$(mktemp -d /tmp/forkpool-bench-peers.XXXXXX)
groups=() # process groups started here (setsid): each service with its children

cleanup() {
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=0
    for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ "$alive" -eq 1 ] || break
    sleep 0.2
  done
  for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { # $1 what, $2 seconds, $3 pid that must stay alive, then the check command
  local what=$1 secs=$2 pid=$3; shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "$what exited; its log:" >&2; tail -30 "$work/$what.log" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "$what not ready within $secs s; its log:" >&2; tail -30 "$work/$what.log" >&2; exit 1; }
    sleep 0.2
  done
}

redis_port=$(free_port)
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  >"$work/redis.log" 2>&1 &
groups+=($!)
wait_for redis 30 "$!" redis-cli -p "$redis_port" ping

forkpool_port=$(free_port)
setsid "$java" -jar "$jar" --server.address=127.0.0.1 --server.port="$forkpool_port" --forkpool.backend=embedded \
  --forkpool.workers.count=2 --forkpool.workers.spares=0 --logging.level.root=warn >"$work/forkpool.log" 2>&1 &
groups+=($!)
wait_for forkpool 180 "$!" curl -sf "http://127.0.0.1:$forkpool_port/actuator/health/readiness"

export PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$PWD/bench/python" PEERS_REDIS_URL="redis://127.0.0.1:$redis_port" FORKPOOL_PORT="$forkpool_port"
(cd "$work" && exec setsid "$py" -m celery -A peers_celery worker --pool=prefork --concurrency=2 \
  --loglevel=warning >"$work/celery.log" 2>&1) &
groups+=($!)

echo "# bench/peers.sh (commit $(git rev-parse --short HEAD), $(lscpu | awk -F': *' '/Model name/{print $2}'), $(nproc) cores)"
echo "# $("$py" -c 'import sys, numpy, celery, distributed; print("Python", sys.version.split()[0], "numpy", numpy.__version__, "Celery", celery.__version__, "Dask distributed", distributed.__version__)'), $(redis-server --version | awk '{print $1, $2, $3}'), $("$java" -version 2>&1 | head -1)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other engineers' builds)"
setsid "$py" bench/python/peers.py &
driver=$!
groups+=($driver)
wait "$driver"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
