#!/usr/bin/env bash
# Container HEALTHCHECK for forkpool: GET the readiness group over bash's /dev/tcp.
# The eclipse-temurin JRE image (Ubuntu) ships neither curl nor wget, and a second
# JVM per probe would cost ~100 ms of CPU; bash is there and needs nothing else.
# Healthy only on an HTTP 200 status line: Spring Boot answers 503 while readiness is
# not UP (worker pool still starting, or the service refusing traffic).
# Exit 0 = healthy, 1 = unhealthy (Docker reserves 2).
port="${1:-${SERVER_PORT:-8080}}"
path="${2:-/actuator/health/readiness}"

probe() {
    local status
    exec 3<>"/dev/tcp/127.0.0.1/${port}" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n' "$path" >&3 || return 1
    IFS= read -r -t 3 status <&3 || return 1
    exec 3<&- 3>&-
    [[ "$status" == HTTP/1.[01]\ 200* ]]
}

probe 2>/dev/null || exit 1
