#!/usr/bin/env bash
# Trains the JDK 25 AOT caches (JEP 483/514/515) of forkpool's extracted layout, in place:
#   docker/aot-train.sh DIR      DIR holds app.jar (thin, Class-Path lib/*.jar) and lib/
# Writes DIR/forkpool.aot for the service JVM and DIR/worker.aot for the worker JVMs. Each
# cache is valid only for the JVM build, class path and module options it was made with, so
# it is made with the same `-jar app.jar` / `-cp app.jar` from DIR that the runs use, and the
# worker's with the worker's `--add-modules=jdk.incubator.vector` (a cache made without it
# cannot be mapped by a JVM started with it). Used by the Dockerfile and by the benchmarks.
# JAVA names the java binary (default: java on the PATH).
set -eu
cd "$1"
java=${JAVA:-java}
# The service, in Spring AOT mode as the image runs it, started up to readiness: by then it has
# run its own warm-up (io.forkpool.job.Warmup: every kind's example, then tiny jobs on loopback
# until its JIT is quiet), so the cache records the classes loaded and linked, and the method
# profiles, of the request and job paths as well as of the start. Then SIGTERM: the JVM writes
# the cache as it exits. One worker, no spare, workers without their kernel warm-up (the
# workers' own cache is trained below).
port=${AOT_TRAIN_PORT:-18079}
FORKPOOL_WORKERS_COUNT=1 FORKPOOL_WORKERS_SPARES=0 FORKPOOL_WORKERS_WARMUP=0s "$java" \
    -XX:AOTCacheOutput=forkpool.aot -Dspring.aot.enabled=true -jar app.jar --server.port="$port" \
    >aot-train-service.log 2>&1 &
service=$!
ready() {
    local status
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET /actuator/health/readiness HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3 || return 1
    IFS= read -r -t 3 status <&3 || return 1
    exec 3<&- 3>&-
    [[ "$status" == HTTP/1.[01]\ 200* ]]
}
for _ in $(seq 1 900); do # at most ~3 minutes
    ready 2>/dev/null && break
    kill -0 "$service" 2>/dev/null || { echo "aot-train: the service exited before ready" >&2; tail -20 aot-train-service.log >&2; exit 1; }
    sleep 0.2
done
ready 2>/dev/null || { echo "aot-train: the service not ready in 3 minutes" >&2; kill "$service"; exit 1; }
kill -TERM "$service"
wait "$service" || true
# A worker: warms its kernels, says hello on stdout (discarded), and exits at the end of its
# stdin; the flags are those the service gives its workers (WorkerLauncher; WorkerLauncherTest
# checks that they agree).
"$java" -XX:AOTCacheOutput=worker.aot -Xmx64m -XX:+UseSerialGC -XX:-UsePerfData \
    -Xlog:disable -Xlog:all=warning:stderr:uptime,level,tags -XX:+DisplayVMOutputToStderr \
    -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,io.forkpool.kind.*::*,0.05' \
    -XX:Tier4BackEdgeThreshold=800000 \
    -Dforkpool.worker.warmup-ms=1000 \
    --add-modules=jdk.incubator.vector -cp app.jar io.forkpool.worker.child.WorkerMain \
    </dev/null >/dev/null 2>aot-train-worker.log
test -s forkpool.aot
test -s worker.aot
