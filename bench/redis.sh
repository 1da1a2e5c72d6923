#!/usr/bin/env bash
# The redis backend beside the embedded one, in one run, on loopback. Prints figures; asserts nothing.
#   bench/redis.sh [sections]   sections: tiny commands durability (all by default)
#   tiny:        tiny jobs (pi 10^5, ?wait=60, wrk): embedded, then Redis with 1, 2 and 3 replicas;
#                one connection back to back (latency percentiles), then 32 connections (jobs/s;
#                with n replicas, one wrk per replica with 32/n connections each, summed); each
#                Redis row ends with its ratio to the embedded row of the same run (jobs/s), and a
#                summary table of all four closes the section ("scale" is another name for it)
#   commands:    Redis commands per shard of one large job (pi, ~300 shards, 1 replica): INFO
#                commandstats (every command Redis ran, those inside scripts included) and MONITOR
#                (the commands the replicas sent: the round trips, pipelined or not)
#   durability:  32-connection jobs/s on one replica with appendonly no, then appendfsync always
# Environment: BENCH_SECONDS (wrk duration, default 10), BENCH_WARMUP (seconds of load before each
# row's figures, default 6: half one connection, half 32; the JVMs compile while it runs), BENCH_WORKERS (per replica, default 1),
# REDIS_PORT (default 16390), BASE_PORT (first service port, default 18090), JAR (the jar to run,
# e.g. an older commit's, to compare builds on one machine; default: this tree's).
# Needs redis-server and wrk (.ci/setup installs redis-server; wrk: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
sections=${*:-tiny commands durability}
[[ " $sections " != *" scale "* ]] || sections+=" tiny"
seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-6}
workers=${BENCH_WORKERS:-1}
redis_port=${REDIS_PORT:-16390}
base_port=${BASE_PORT:-18090}
java=$(bench/jdk25)
jar=${JAR:-$(bench/jar)}
work=$(mktemp -d /tmp/forkpool-bench-redis.XXXXXX)
pids=()
redis_pid=

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -z "$redis_pid" ] || { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; }
}
trap cleanup EXIT

rcli() { redis-cli -p "$redis_port" "$@"; }

start_redis() { # $@: extra redis-server options
  [ -z "$redis_pid" ] || { kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=; }
  rm -rf "$work/redis" && mkdir -p "$work/redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --dir "$work/redis" "$@" \
    >"$work/redis.log" 2>&1 &
  redis_pid=$!
  until rcli ping >/dev/null 2>&1; do sleep 0.05; done
}

start_service() { # $1 port, $2 backend
  "$java" -Dspring.aot.enabled=true -jar "$jar" --server.port="$1" --forkpool.backend="$2" \
    --spring.data.redis.port="$redis_port" --forkpool.workers.count="$workers" --forkpool.workers.spares=0 \
    --logging.level.root=warn >"$work/service-$1.log" 2>&1 &
  pids+=($!)
  until curl -sf "localhost:$1/actuator/health/readiness" >/dev/null 2>&1; do sleep 0.2; done
}

stop_services() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

cat >"$work/tiny.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"type":"pi","samples":100000}'
wrk.headers["Content-Type"] = "application/json"
bad = 0
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"status":"SUCCEEDED"', 1, true) then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %.0f %.0f %.0f %.0f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max, summary.errors.status, bad))
end
EOF

# wrk on each port at once; $1 connections in all, $2 seconds, then ports. Prints jobs/s p50 p99 (ms) bad
load() {
  local conns=$1 secs=$2; shift 2
  local per=$(( conns / $# )); [ "$per" -ge 1 ] || per=1
  local outs=() wrks=()
  for port in "$@"; do
    wrk -t1 -c"$per" -d"${secs}s" -s "$work/tiny.lua" "http://127.0.0.1:$port/api/v1/jobs?wait=60" \
      >"$work/wrk-$port.out" 2>&1 &
    wrks+=($!)
    outs+=("$work/wrk-$port.out")
  done
  wait "${wrks[@]}"
  awk '/^WRK/ { n += $2; d = $3; p50 = (p50 > $4 ? p50 : $4); p99 = (p99 > $5 ? p99 : $5); bad += $7 + $8 }
       END { printf "%8.0f jobs/s  p50 %6.2f ms  p99 %6.2f ms  bad %d\n", n / (d / 1e6), p50 / 1e3, p99 / 1e3, bad }' \
    "${outs[@]}"
}

redis_cpu() { # Redis's CPU seconds so far (user + sys), 0 without Redis
  if [ -n "$redis_pid" ]; then rcli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { t += $2 } END { print t }'
  else echo 0; fi
}

summary=()
embedded_one= embedded_many=

ratio() { # $1 jobs/s, $2 embedded jobs/s: "0.62x", or "-" without an embedded figure
  if [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; else echo -; fi
}

tiny_row() { # $1 label, then ports
  local label=$1; shift
  load 1 $(( (warmup + 1) / 2 )) "$1" >/dev/null # warm
  load 32 $(( (warmup + 1) / 2 )) "$@" >/dev/null
  local one one_jobs cpu0 out jobs extra=
  one=$(load 1 "$seconds" "$1")
  one_jobs=$(awk '{ print $1 }' <<<"$one")
  printf '%-22s 1 conn: %s' "$label" "$one"
  [ -z "$embedded_one" ] || printf '  (%s embedded)' "$(ratio "$one_jobs" "$embedded_one")"
  echo
  [ -z "$redis_pid" ] || rcli config resetstat >/dev/null
  cpu0=$(redis_cpu)
  out=$(load 32 "$seconds" "$@")
  jobs=$(awk '{ print $1 }' <<<"$out")
  printf '%-22s 32 conn: %s' "$label" "$out"
  if [ -n "$redis_pid" ]; then
    extra=$(awk -v a="$cpu0" -v b="$(redis_cpu)" -v n="$(awk -v j="$jobs" -v s="$seconds" 'BEGIN { print j * s }')" \
      'BEGIN { printf "Redis CPU %.1f us/job (one Redis core: ~%.0f tiny jobs/s)", (b - a) * 1e6 / n, n / (b - a) }')
    printf '  (%s embedded)  %s' "$(ratio "$jobs" "$embedded_many")" "$extra"
    rcli info commandstats | tr -d '\r' | awk -F'[:=,]' -v n="$(awk -v j="$jobs" -v s="$seconds" 'BEGIN { print j * s }')" '
      /^cmdstat_/ { if ($1 ~ /(monitor|config|info)/) next; all += $3; if ($1 ~ /evalsha|eval$/) ev += $3; if ($1 ~ /xreadgroup/) xr += $3 }
      END { printf "  per job: %.1f commands, %.2f scripts, %.2f XREADGROUP", all / n, ev / n, xr / n }'
  fi
  echo
  if [ -z "$redis_pid" ]; then embedded_one=$one_jobs; embedded_many=$jobs; fi
  summary+=("$(awk -v l="$label" -v r="$(ratio "$jobs" "$embedded_many")" '
    NR == 1 { p50 = $4; p99 = $7 } NR == 2 { j = $1 }
    END { printf "| %-20s | %8s | %8s | %8.0f | %6s |", l, p50, p99, j, r }' <(echo "$one"; echo "$out"))")
}

echo "# bench/redis.sh $sections  (commit $(git rev-parse --short HEAD), $(lscpu | awk -F': *' '/Model name/{print $2}'), $(nproc) cores, workers/replica $workers, wrk ${seconds}s)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ " $sections " == *" tiny "* ]]; then
  start_service "$base_port" embedded
  tiny_row "embedded" "$base_port"
  stop_services
  for n in 1 2 3; do
    start_redis --appendonly no
    ports=()
    for ((r = 0; r < n; r++)); do start_service $((base_port + r)) redis; ports+=($((base_port + r))); done
    tiny_row "redis, $n replica(s)" "${ports[@]}"
    stop_services
  done
  echo "tiny jobs, summary (1 conn: p50, p99 ms; 32 conn: jobs/s and its ratio to embedded, same run):"
  echo "| backend              | p50 (ms) | p99 (ms) | jobs/s 32 | ratio  |"
  printf '%s\n' "${summary[@]}"
fi

if [[ " $sections " == *" commands "* ]]; then
  start_redis --appendonly no
  start_service "$base_port" redis
  body='{"type":"pi","samples":10000000000,"seed":7}'
  curl -sf -XPOST "localhost:$base_port/api/v1/jobs?wait=60" -H 'Content-Type: application/json' -d "$body" >/dev/null # warm
  rcli config resetstat >/dev/null
  cpu0=$(redis_cpu)
  job=$(curl -sf -XPOST "localhost:$base_port/api/v1/jobs?wait=60" -H 'Content-Type: application/json' -d "$body")
  shards=$(sed -E 's/.*"shardsTotal":([0-9]+).*/\1/' <<<"$job")
  echo "commands per shard, pi 10^10 ($shards shards), 1 replica, $workers worker(s):"
  rcli info commandstats | tr -d '\r' | awk -F'[:=,]' -v s="$shards" '/^cmdstat_/ {
      sub("cmdstat_", "", $1); if ($1 ~ /^(monitor|config|info)/) next;
      all += $3; printf "  %-14s %7d  %6.2f/shard\n", $1, $3, $3 / s }
      END { printf "  all (inside scripts too) %d: %.2f per shard\n", all, all / s }'
  rcli info commandstats | tr -d '\r' | awk -F'[:=,]' -v s="$shards" '/^cmdstat_(evalsha|eval):/ { u += $5 }
      END { printf "  time inside scripts: %.1f us/shard (commandstats; the I/O around them not included)\n", u / s }'
  rcli info commandstats | tr -d '\r' | awk -F'[:=,]' -v s="$shards" -v a="$cpu0" -v b="$(redis_cpu)" '
      /^cmdstat_/ { if ($1 ~ /(monitor|config|info)/) next; all += $3 }
      END { printf "  Redis CPU: %.1f us/shard, %d commands/s of one core (all commands, I/O and its idle cron while the job ran included: an upper bound per shard): ~%.0f shards/s per Redis core at least\n",
                   (b - a) * 1e6 / s, all / (b - a), s / (b - a) }'
  rcli monitor >"$work/monitor.txt" &
  mon=$!
  sleep 0.3
  curl -sf -XPOST "localhost:$base_port/api/v1/jobs?wait=60" -H 'Content-Type: application/json' -d "$body" >/dev/null
  sleep 0.3
  kill "$mon"; wait "$mon" 2>/dev/null || true
  # MONITOR lines from scripts carry "[0 lua]"; the rest came from the replicas
  # (heartbeats and other periodic commands included)
  awk -v s="$shards" '/^[0-9]/ { if ($0 ~ /\[[0-9]+ lua\]/) lua++; else { sent++; c = tolower($4); gsub("\"", "", c); by[c]++ } }
      END { printf "  sent by the replica: %d (%.2f per shard):", sent, sent / s;
            for (c in by) printf " %s %d", c, by[c]; printf "\n  run inside scripts: %d (%.2f per shard)\n", lua, lua / s }' \
    "$work/monitor.txt"
  stop_services
fi

if [[ " $sections " == *" durability "* ]]; then
  for mode in "--appendonly no" "--appendonly yes --appendfsync everysec" "--appendonly yes --appendfsync always"; do
    # shellcheck disable=SC2086
    start_redis $mode
    start_service "$base_port" redis
    load 32 3 "$base_port" >/dev/null
    printf '%-40s 32 conn: %s' "redis $mode" "$(load 32 "$seconds" "$base_port")"; echo
    stop_services
  done
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
