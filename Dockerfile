# syntax=docker/dockerfile:1
#
# forkpool image: build the fat jar with the JDK, run it on the JRE in extracted form
# with a JDK 25 AOT cache (JEP 483/514/515) made at image build time.
#
#   docker build -t forkpool:0.1.0 .
#   docker run --rm -p 8080:8080 --cpus 2 forkpool:0.1.0
#
# Worker count: the service forks one worker JVM per core it sees. The JVM's container
# support (on by default) makes Runtime.availableProcessors() follow the container's CPU
# limit (docker --cpus, Kubernetes limits.cpu), so no flag is needed for that; set
# FORKPOOL_WORKERS_COUNT to override it.

# ---- build: compile and package the Spring Boot fat jar ------------------------------
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY --chmod=755 mvnw ./
COPY .mvn .mvn
COPY pom.xml ./
COPY forkpool-kind-api forkpool-kind-api
COPY examples examples
COPY forkpool-kinds forkpool-kinds
COPY forkpool-service/pom.xml forkpool-service/pom.xml
COPY forkpool-service/src forkpool-service/src
# The reactor's last module, the generated-client test, and the API snapshot it generates from: the
# build compiles that client too (its test runs only with the tests, not here).
COPY forkpool-openapi-client-it forkpool-openapi-client-it
COPY docs/openapi.json docs/openapi.json
# The BuildKit cache mount keeps ~/.m2 (Maven, plugins, dependencies) between builds.
# Then Boot 4's extracted layout: /app/app.jar (a thin jar whose manifest Class-Path
# names lib/*.jar) + /app/lib/. The AOT cache works only with this form, not with
# the nested jars of the fat jar.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests package \
 && cp forkpool-service/target/forkpool-*.jar /tmp/forkpool.jar \
 && java -Djarmode=tools -jar /tmp/forkpool.jar extract --destination /app --application-filename app.jar

# ---- runtime ------------------------------------------------------------------------
FROM eclipse-temurin:25-jre
# A fixed numeric non-root user, so Kubernetes' runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 forkpool \
 && useradd --system --uid 10001 --gid forkpool --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin forkpool
WORKDIR /app
# Dependencies change less often than the application: separate layers.
COPY --from=build /app/lib/ /app/lib/
COPY --from=build /app/app.jar /app/app.jar
COPY --chmod=755 docker/healthcheck.sh /app/healthcheck.sh

# AOT cache training runs (JEP 514 one-step: record at exit, then assemble), by the same
# script the benchmarks use: /app/forkpool.aot for the service (-jar app.jar; the context is
# refreshed, then the JVM exits before the lifecycle starts) and /app/worker.aot for the
# workers (-cp app.jar with --add-modules=jdk.incubator.vector: a cache is only mapped by a
# JVM with the same class path and module options). Made in the runtime image: a cache is
# also tied to the JVM build.
COPY --chmod=755 docker/aot-train.sh /app/aot-train.sh
RUN /app/aot-train.sh /app && rm /app/aot-train-*.log

# Worker JVMs get their cache through forkpool.workers.jvm-options (an env var, so an
# operator can still replace it; keep the AOT flag when you do).
ENV FORKPOOL_WORKERS_JVMOPTIONS="-XX:AOTCache=/app/worker.aot"

# Job kinds an operator installs (docs/kinds.md): jars mounted here are loaded at start by the
# service and every worker. Empty in the image: the five built-in kinds only.
RUN mkdir -p /opt/forkpool/kinds
ENV FORKPOOL_KINDS_DIR=/opt/forkpool/kinds

# The durable job store (forkpool.store.dir, docs/operations.md "The data folder"): a volume
# owned by the service's user, so accepted jobs and results outlive the container.
RUN mkdir -p /var/lib/forkpool && chown 10001:10001 /var/lib/forkpool
ENV FORKPOOL_STORE_DIR=/var/lib/forkpool
VOLUME /var/lib/forkpool

USER 10001:10001
EXPOSE 8080

# Healthy = readiness UP (worker pool started). bash /dev/tcp: this image has no curl/wget.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/app/healthcheck.sh"]

# Flags on the command line, not in JAVA_TOOL_OPTIONS (which every JVM in the container,
# jcmd included, would pick up and announce on stderr).
#  - AOTCache: faster start and warm-up; if the cache cannot be used the JVM runs without it.
#  - spring.aot.enabled: the bean definitions generated at build time (Spring AOT, pom.xml)
#    instead of parsing configuration classes and evaluating conditions at every start.
#  - MaxRAMPercentage=40: the service heap leaves room in the container's memory limit
#    for the worker JVMs (each -Xmx64m plus ~60-90 MB native) and the service's own
#    metaspace, code cache and thread stacks.
#  - ExitOnOutOfMemoryError: die and be restarted rather than limp on.
# exec form: java is PID 1 and gets SIGTERM directly, which starts the graceful shutdown.
ENTRYPOINT ["java", "-XX:AOTCache=/app/forkpool.aot", "-Dspring.aot.enabled=true", "-XX:MaxRAMPercentage=40", "-XX:+ExitOnOutOfMemoryError", "-jar", "app.jar"]
