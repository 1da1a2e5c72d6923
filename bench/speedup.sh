#!/usr/bin/env bash
# Two workers over one, warm, per kind: the packaged jar with 1 then 2 workers (no spare), two
# warm-up jobs per kind, then the wall time of 5 jobs per kind (?wait, curl); prints each time and
# the median, then the speed-ups. Prints figures; asserts nothing.
#   bench/speedup.sh            PORT=18900 by default (PORT+1, PORT+2 are used)
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=$(bench/jar)
base=${PORT:-18900}
declare -A body=(
  [pi]='{"type":"pi","samples":8000000000,"seed":1}'
  [dice]='{"type":"dice","rolls":8000000000,"seed":1}'
  [projectile]='{"type":"projectile","samples":800000000,"seed":1}')
declare -A median
echo "$(lscpu | grep 'Model name' | sed 's/  */ /g'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for w in 1 2; do
  port=$((base + w))
  "$java" -jar "$jar" --server.port=$port --server.address=127.0.0.1 --forkpool.workers.count=$w \
    --forkpool.workers.spares=0 >/dev/null 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/actuator/health/readiness")" = 200 ] && break
    sleep 0.5
  done
  for k in pi dice projectile; do
    post() { curl -s -o /dev/null -w '%{time_total}\n' -X POST "127.0.0.1:$port/api/v1/jobs?wait=60" \
      -H 'Content-Type: application/json' -d "${body[$k]}"; }
    post >/dev/null; post >/dev/null
    times=$(for _ in 1 2 3 4 5; do post; done)
    median[$k$w]=$(sort -n <<<"$times" | sed -n 3p)
    echo "workers=$w $k: $(tr '\n' ' ' <<<"$times")s; median ${median[$k$w]} s"
  done
  kill $pid; wait $pid 2>/dev/null || true
done
for k in pi dice projectile; do
  awk -v k=$k -v a="${median[${k}1]}" -v b="${median[${k}2]}" 'BEGIN { printf "%s: 2 workers over 1: %.2fx\n", k, a / b }'
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
