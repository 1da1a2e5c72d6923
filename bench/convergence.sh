#!/usr/bin/env bash
# Issue 21's figures, in one run of the service (embedded store, 2 workers):
#   overhead  pi 4*10^10 jobs, alternately unwatched and watched (a GET of the job every 200 ms,
#             which makes its partialResult each time it is due, plus an SSE follower, whose
#             progress events carry it): run time from the job's timings; medians of ROUNDS pairs
#             and their ratio (watched / unwatched)
#   until     pi capped at 4*10^10 with until stdError 1e-5, against the fixed-size job of the cap:
#             samples used, run time, stdError reached; and n*, the samples a fixed-size job needs
#             for that stdError at p = pi/4 (16 p (1-p) / 1e-10), the least a user who knew it could ask
# Prints figures; asserts nothing.   [ROUNDS=5] [SEEDS="1 2 3"] bench/convergence.sh [overhead] [until]
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=${JAR:-$(bench/jar)}
port=${PORT:-18393}
rounds=${ROUNDS:-5}
sections=${*:-overhead until}
work=$(mktemp -d)
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=; }
trap 'stop; rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" --add-modules=jdk.incubator.vector -jar "$jar" --server.port="$port" --forkpool.workers.count=2 \
  --forkpool.store.dir="$work/data" > "$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP && break; sleep 0.5; done
curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP || { tail -30 "$work/service.log" >&2; exit 1; }
base="http://127.0.0.1:$port/api/v1/jobs"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { python3 -c "import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
submit() { curl -sf -XPOST "$base" -H 'Content-Type: application/json' -d "$1" | field 'j["id"]'; }
# whether a job's JSON says it ended: grep, not python, so that watching costs the 2 cores the
# workers run on no more than the GETs themselves (a python start per GET, 5 a second, took ~10 %)
ended() { echo "$1" | grep -Eq '"status":"(SUCCEEDED|FAILED|CANCELLED)"'; }
finished() { # id -> the job once it ended
  while :; do
    local j; j=$(curl -sf "$base/$1")
    if ended "$j"; then echo "$j"; return; fi
    sleep 0.5
  done
}
watched() { # id: GET every 200 ms and an SSE follower until the job ends
  curl -sfN "$base/$1/events" > "$work/events" &
  local sse=$! gets=0
  while :; do
    local j; j=$(curl -sf "$base/$1"); gets=$((gets + 1))
    if ended "$j"; then break; fi
    sleep 0.2
  done
  wait $sse 2>/dev/null || true
  echo "$gets GETs, $(grep -c '^event:progress' "$work/events") progress events, $(grep -c '"partialResult":{' "$work/events") with a partial result" >&2
}

if [[ $sections == *overhead* ]]; then
  echo "== partialResult overhead: pi 4e10, unwatched and watched alternately, $rounds pairs"
  printf '%-6s %-10s %12s %10s\n' round mode runSeconds load1
  submit '{"type":"pi","samples":4000000000,"seed":1}' > /dev/null # warm the kernels
  sleep 5
  for r in $(seq 1 "$rounds"); do
    for mode in unwatched watched; do
      id=$(submit "{\"type\":\"pi\",\"samples\":40000000000,\"seed\":$r}")
      if [ "$mode" = watched ]; then watched "$id"; fi
      s=$(finished "$id" | field 'j["timings"]["runSeconds"]')
      printf '%-6s %-10s %12.3f %10s\n' "$r" "$mode" "$s" "$(cut -d' ' -f1 /proc/loadavg)"
      echo "$mode $s" >> "$work/overhead"
    done
  done
  u=$(grep '^unwatched' "$work/overhead" | awk '{print $2}' | median)
  w=$(grep '^watched' "$work/overhead" | awk '{print $2}' | median)
  echo "median run seconds: unwatched $u, watched $w; watched / unwatched = $(awk -v u="$u" -v w="$w" 'BEGIN {printf "%.3f", w/u}')"
fi

if [[ $sections == *until* ]]; then
  echo "== until stdError 1e-5 (cap 4e10) against the fixed-size job of the cap"
  printf '%-6s %-7s %14s %12s %12s %10s\n' seed job samples stdError runSeconds load1
  for seed in ${SEEDS:-1 2 3}; do
    id=$(submit "{\"type\":\"pi\",\"samples\":40000000000,\"seed\":$seed,\"until\":{\"stdError\":1e-5}}")
    j=$(finished "$id")
    printf '%-6s %-7s %14s %12.3g %12.3f %10s\n' "$seed" until "$(echo "$j" | field 'j["convergence"]["samplesUsed"]')" \
      "$(echo "$j" | field 'j["result"]["stdError"]')" "$(echo "$j" | field 'j["timings"]["runSeconds"]')" "$(cut -d' ' -f1 /proc/loadavg)"
    id=$(submit "{\"type\":\"pi\",\"samples\":40000000000,\"seed\":$seed}")
    j=$(finished "$id")
    printf '%-6s %-7s %14s %12.3g %12.3f %10s\n' "$seed" fixed "$(echo "$j" | field 'j["result"]["samples"]')" \
      "$(echo "$j" | field 'j["result"]["stdError"]')" "$(echo "$j" | field 'j["timings"]["runSeconds"]')" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  python3 -c "import math; p=math.pi/4; print('n* = 16 p (1-p) / 1e-10 = %.4g samples (shards of 2^26 = 67,108,864)' % (16*p*(1-p)/1e-10))"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
