#!/usr/bin/env bash
# The durable embedded store beside the memory backend, in one run (issue 19's figures):
#   tiny     tiny jobs (pi 10^5, ?wait=60): wrk with 32 connections (jobs/s) and with 1 connection
#            (p50, p99), memory and embedded alternately (A B A B), 10 s of load before each row
#   large    pi 4*10^10 on 2 workers, run time from the job's timings, median of 3 per backend
#   retained 1,000,000 finished jobs in the store (rows copied from a real job by sqlite3): RSS and
#            live heap against an empty store after the same traffic, and the job list's first
#            page and a filtered page (median of 20 curl calls)
# Prints figures; asserts nothing. Needs wrk and sqlite3 (apt-get install wrk sqlite3).
#   bench/durable.sh [tiny] [large] [retained]
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/jdk25)
jar=${JAR:-$(bench/jar)}
port=${PORT:-18391}
secs=${BENCH_SECONDS:-10}
sections=${*:-tiny large retained}
for tool in wrk sqlite3; do command -v $tool >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }; done
work=$(mktemp -d)
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; pid=; }
trap 'stop; rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

start() { # backend data-dir [args...]
  local backend=$1 dir=$2; shift 2
  "$java" --add-modules=jdk.incubator.vector -jar "$jar" --server.port="$port" --forkpool.workers.count=2 \
    --forkpool.warmup.enabled=false --forkpool.backend="$backend" --forkpool.store.dir="$dir" "$@" \
    > "$work/service.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "localhost:$port/actuator/health/readiness" | grep -q UP && return; sleep 0.5
  done
  echo "not ready; log:" >&2; tail -30 "$work/service.log" >&2; exit 1
}
printf '%s\n' 'wrk.method = "POST"' "wrk.body = '{\"type\":\"pi\",\"samples\":100000,\"seed\":1}'" \
  'wrk.headers["Content-Type"] = "application/json"' > "$work/tiny.lua"
tinyurl() { echo "http://127.0.0.1:$port/api/v1/jobs?wait=60"; }
rps() { grep -E "Requests/sec" "$1" | awk '{print $2}'; }
pct() { grep -E "^ +$2%" "$1" | awk '{print $2}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if [[ $sections == *tiny* ]]; then
  echo "== tiny jobs (pi 1e5, ?wait=60), ${secs} s per row after ${secs} s of load"
  printf '%-9s %-5s %10s %12s %12s\n' backend round "jobs/s c32" "p50 c1" "p99 c1"
  for round in 1 2; do
    for backend in memory embedded; do
      rm -rf "$work/data"; start "$backend" "$work/data"
      wrk -t2 -c32 -d"${secs}s" -s "$work/tiny.lua" "$(tinyurl)" > /dev/null
      wrk -t2 -c32 -d"${secs}s" -s "$work/tiny.lua" "$(tinyurl)" > "$work/c32"
      wrk -t1 -c1 -d"${secs}s" --latency -s "$work/tiny.lua" "$(tinyurl)" > "$work/c1"
      printf '%-9s %-5s %10s %12s %12s\n' "$backend" "$round" "$(rps "$work/c32")" "$(pct "$work/c1" 50)" "$(pct "$work/c1" 99)"
      echo "$backend $(rps "$work/c32")" >> "$work/tiny.rows"
      stop
    done
  done
  m=$(grep '^memory' "$work/tiny.rows" | awk '{print $2}' | median)
  e=$(grep '^embedded' "$work/tiny.rows" | awk '{print $2}' | median)
  echo "tiny jobs/s, embedded / memory (medians): $(awk -v e="$e" -v m="$m" 'BEGIN {printf "%.2f", e/m}')"
fi

if [[ $sections == *large* ]]; then
  echo "== large job: pi 4e10 on 2 workers, run seconds (timings.runSeconds)"
  for round in 1 2 3; do
    for backend in memory embedded; do
      rm -rf "$work/data"; start "$backend" "$work/data"
      curl -s -XPOST "localhost:$port/api/v1/jobs?wait=60" -H 'Content-Type: application/json' \
        -d '{"type":"pi","samples":4000000000,"seed":3}' > /dev/null # kernels warm
      s=$(curl -s -XPOST "localhost:$port/api/v1/jobs?wait=60" -H 'Content-Type: application/json' \
        -d '{"type":"pi","samples":40000000000,"seed":3}' | grep -oE '"runSeconds":[0-9.eE-]+' | cut -d: -f2)
      echo "$backend $round $s"; echo "$backend $s" >> "$work/large.rows"
      stop
    done
  done
  m=$(grep '^memory' "$work/large.rows" | awk '{print $2}' | median)
  e=$(grep '^embedded' "$work/large.rows" | awk '{print $2}' | median)
  echo "large job speed, embedded / memory (median run times $e s, $m s): $(awk -v e="$e" -v m="$m" 'BEGIN {printf "%.3f", m/e}')"
fi

if [[ $sections == *retained* ]]; then
  echo "== 1,000,000 retained finished jobs"
  traffic() { # the same reads and tiny jobs in both runs, then a full GC
    wrk -t2 -c8 -d5s -s "$work/tiny.lua" "$(tinyurl)" > /dev/null
    for _ in $(seq 1 50); do curl -s "localhost:$port/api/v1/jobs?size=20" > /dev/null; done
    "$(dirname "$java")/jcmd" "$pid" GC.run > /dev/null
  }
  memory() { echo "RSS $(grep VmRSS /proc/$pid/status | awk '{print $2}') kB, live heap $("$(dirname "$java")/jcmd" "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | cut -d' ' -f2)"; }
  rm -rf "$work/data"; start embedded "$work/data" --forkpool.jobs.sweep-interval=1h
  curl -s -XPOST "localhost:$port/api/v1/jobs?wait=60" -H 'Content-Type: application/json' -d '{"type":"dice","rolls":1000000,"seed":7}' > /dev/null
  traffic; echo "empty store (a few thousand jobs):  $(memory)"; stop
  # 1,000,000 copies of the store's first job, each with its own id and sequence
  sqlite3 "$work/data/forkpool.db" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO jobs (seq, id, type, status, request, timeout_seconds, submitted_at, started_at, finished_at,
                  shards_done, shards_total, compute_nanos, error, merged, timeline)
SELECT (SELECT max(seq) FROM jobs) + i, 'copy-' || i, j.type, j.status, j.request, j.timeout_seconds,
       j.submitted_at, j.started_at, j.finished_at + i, j.shards_done, j.shards_total, j.compute_nanos,
       j.error, j.merged, j.timeline
FROM n, (SELECT * FROM jobs WHERE type = 'dice' LIMIT 1) j;
SQL
  echo "store file: $(du -h "$work/data/forkpool.db" | cut -f1), $(sqlite3 "$work/data/forkpool.db" 'SELECT count(*) FROM jobs') jobs"
  start embedded "$work/data" --forkpool.jobs.sweep-interval=1h
  traffic; echo "1,000,000 retained:                 $(memory)"
  for q in "size=20" "status=SUCCEEDED&type=dice&size=20" "status=SUCCEEDED&type=pi&page=2&size=20"; do
    t=$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' "localhost:$port/api/v1/jobs?$q"; done | median)
    echo "GET /api/v1/jobs?$q: median $(awk -v t="$t" 'BEGIN {printf "%.1f", t*1000}') ms"
  done
  stop
fi
