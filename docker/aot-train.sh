#!/bin/sh
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
# The service, in Spring AOT mode as the image runs it: Spring refreshes its context (every
# singleton created) and exits before the lifecycle starts, so no port is bound; the cache
# records the classes loaded and linked and the method profiles up to there.
# Its job store in a folder of its own, removed after: the image's store is the volume.
store=$(mktemp -d)
FORKPOOL_WORKERS_COUNT=1 FORKPOOL_WORKERS_WARMUP=0s FORKPOOL_STORE_DIR="$store" "$java" -XX:AOTCacheOutput=forkpool.aot \
    -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar app.jar >aot-train-service.log 2>&1
rm -rf "$store"
# A worker: warms its kernels, says hello on stdout (discarded), and exits at the end of its
# stdin; the flags are those the service gives its workers (WorkerLauncher; WorkerLauncherTest
# checks that they agree).
"$java" -XX:AOTCacheOutput=worker.aot -Xmx64m -XX:+UseSerialGC -XX:-UsePerfData \
    -Xlog:disable -Xlog:all=warning:stderr:uptime,level,tags -XX:+DisplayVMOutputToStderr \
    -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,io.forkpool.kind.*::*,0.05' \
    -XX:Tier4BackEdgeThreshold=800000 \
    -Dforkpool.worker.warmup-ms=1000 \
    --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp app.jar io.forkpool.worker.child.WorkerMain \
    </dev/null >/dev/null 2>aot-train-worker.log
test -s forkpool.aot
test -s worker.aot
