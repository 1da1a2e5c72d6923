#!/usr/bin/env bash
# Retention under a flood of tiny jobs: starts the packaged service (2 workers) with the given
# extra arguments, floods it with wrk (32 connections, pi 10^5 with ?wait=60) for SECS seconds
# (20 by default), samples the number of jobs the API lists every second, then prints the
# service's VmRSS and VmHWM, and its live heap after a full GC (jcmd): what the held jobs cost,
# which RSS alone does not show (the heap grows with the allocation rate, up to 1/4 of RAM).
# Prints figures; asserts nothing.
#   bench/retention-flood.sh [jar] [--forkpool.jobs.max-retained=1000 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=${1:-$(bench/jar)}; shift || true
port=${PORT:-18381}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
"$java" --add-modules=jdk.incubator.vector -jar "$jar" --server.port="$port" --forkpool.workers.count=2 "$@" \
  > "${TMPDIR:-/tmp}/retention-flood.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP && break; sleep 1
done
script=$(mktemp --suffix=.lua)
printf '%s\n' 'wrk.method = "POST"' "wrk.body = '{\"type\":\"pi\",\"samples\":100000}'" \
  'wrk.headers["Content-Type"] = "application/json"' > "$script"
echo "ready: $(grep VmRSS /proc/$pid/status)"
wrk -t2 -c32 -d"${SECS:-20}"s -s "$script" "http://127.0.0.1:$port/api/v1/jobs?wait=60" > "$script.out" &
flood=$!
listed() { curl -s "localhost:$port/api/v1/jobs?size=1" | grep -o '"totalElements":[0-9]*' | cut -d: -f2; }
max=0
while kill -0 $flood 2>/dev/null; do
  n=$(listed); [ -n "$n" ] && [ "$n" -gt "$max" ] && max=$n
  sleep 1
done
echo "jobs listed: at most $max while flooding, $(listed) after"
grep -E "requests in|Requests/sec" "$script.out"
grep -E "VmRSS|VmHWM" /proc/$pid/status
jcmd=$(dirname "$java")/jcmd
"$jcmd" "$pid" GC.run >/dev/null
echo "live heap after a full GC: $("$jcmd" "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1)"
rm -f "$script" "$script.out"
