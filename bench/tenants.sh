#!/usr/bin/env bash
# Fair share and priorities (issue 20), on the packaged service with 2 workers and tenants a (weight
# 2), b (weight 1) and root (admin): io.forkpool.bench.TenantsBench's figures (the worker-seconds
# split, b's tiny jobs under a's flood, a high job's start), on the embedded backend and then on
# redis (one replica, a redis-server of its own). Prints figures; asserts nothing.
#   bench/tenants.sh [seconds=60] [backends="embedded redis"]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
backends=${2:-embedded redis}
java=$(bench/jdk25)
jar=${JAR:-$(bench/jar)}
cp=$(bench/test-classpath)
port=${PORT:-18393}
work=$(mktemp -d)
pid=
rpid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$rpid" ] && kill "$rpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $backends; do
  extra=()
  if [ "$backend" = redis ]; then
    rport=$((port + 1))
    redis-server --port "$rport" --save '' --appendonly no > "$work/redis.log" 2>&1 &
    rpid=$!
    extra=(--spring.data.redis.port="$rport")
  fi
  "$java" --add-modules=jdk.incubator.vector -jar "$jar" --server.port="$port" --forkpool.workers.count=2 \
    --forkpool.backend="$backend" "${extra[@]}" \
    --forkpool.warmup.enabled=false --forkpool.store.dir="$work/data-$backend" \
    --forkpool.security.tenants.a.key=a-key --forkpool.security.tenants.a.weight=2 \
    --forkpool.security.tenants.b.key=b-key \
    --forkpool.security.tenants.root.key=root-key --forkpool.security.tenants.root.admin=true \
    > "$work/service-$backend.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP && break; sleep 0.5
  done
  curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP || { tail -30 "$work/service-$backend.log" >&2; exit 1; }
  echo "== $backend"
  "$java" -cp "$cp" io.forkpool.bench.TenantsBench "http://127.0.0.1:$port" "$seconds"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  if [ -n "$rpid" ]; then kill "$rpid"; wait "$rpid" 2>/dev/null || true; rpid=; fi
  echo "load after $backend: $(cut -d' ' -f1-3 /proc/loadavg)"
done
