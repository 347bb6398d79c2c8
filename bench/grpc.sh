#!/usr/bin/env bash
# gRPC probe benchmark: two builds of Lifeguard side by side, A and B (git revisions), each watching a real gRPC
# server (grpc-java with its standard health service) through lifeguard.upstream.url=grpc://...: what the packaged
# app weighs (lib/ size, jars), start to the first correct /q/health/ready, idle RSS, and CPU per probe.
#
# Run from the repository root:   A=<rev> B=<rev> bash bench/grpc.sh
# See bench/README.md for the environment variables and what each figure means.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

# ---- settings (all overridable from the environment) -------------------------------------------------------------
A=${A:-HEAD}
B=${B:?set B to the revision to compare with A (and A, default HEAD)}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx64m -Xms16m -Xss512k -XX:TieredStopAtLevel=1}
RUNS=${RUNS:-3}                           # fresh starts of each build, alternating A B, B A, ...
MVN_ARGS=${MVN_ARGS:--o}                  # extra build arguments
IDLE_SETTLE=${IDLE_SETTLE:-3}             # seconds between the first correct answer and the idle RSS reading
CPU_WINDOW=${CPU_WINDOW:-15}              # seconds over which CPU per probe is measured
PROBE_INTERVAL=${PROBE_INTERVAL:-50ms}    # the upstream's interval during the whole run
POLL_INTERVAL=${POLL_INTERVAL:-0.01}      # seconds between curl polls
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}    # seconds
STOP_TIMEOUT=${STOP_TIMEOUT:-10}          # seconds a process gets after SIGTERM before SIGKILL
OUT_DIR=${OUT_DIR:-$ROOT/bench/out/grpc-$(date +%Y%m%d-%H%M%S)}

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ns() { date +%s%N; }

command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required"
"$JAVA" -version >/dev/null 2>&1 || die "JAVA=$JAVA does not run"
AGENT_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
CLK_TCK=$(getconf CLK_TCK)

# ---- processes we start, and only those, are stopped on exit --------------------------------------------------------
SERVER_PID=
AGENT_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeguard-grpc-bench.XXXXXX")

stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$AGENT_PID"
    stop_pid "$SERVER_PID"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---- build both revisions, each in a tree of its own ------------------------------------------------------------------
mkdir -p "$OUT_DIR"
build() {
    local name=$1 rev=$2 dir=$WORK/$1
    mkdir -p "$dir"
    git -C "$ROOT" archive "$rev" | tar -x -C "$dir"
    log "building $name ($(git -C "$ROOT" rev-parse --short "$rev")): mvn -B -q package -DskipTests $MVN_ARGS (AppCDS)"
    # shellcheck disable=SC2086
    (cd "$dir" && mvn -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true $MVN_ARGS) >"$OUT_DIR/build-$name.log" 2>&1 \
        || die "the build of $name failed: $(tail -5 "$OUT_DIR/build-$name.log")"
    [ -f "$dir/target/quarkus-app/app-cds.jsa" ] || die "$name has no AppCDS archive"
    ls "$dir/target/quarkus-app/lib/main" | sort >"$OUT_DIR/jars-$name.txt"
}
build A "$A"
build B "$B"

# ---- the gRPC server: grpc-java with its health service, from this tree's test classes --------------------------------
# shellcheck disable=SC2086
mvn -B -q $MVN_ARGS test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
SERVER_PORT=$(free_port)
"$JAVA" -cp "$ROOT/target/test-classes:$(cat "$WORK/cp.txt")" dev.lifeguard.testing.HealthServer "$SERVER_PORT" >"$OUT_DIR/server.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; i < 200; i++)); do
    grep -q "serving on" "$OUT_DIR/server.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the gRPC server exited: $(tail -3 "$OUT_DIR/server.log")"
    sleep 0.05
done
log "gRPC server on 127.0.0.1:$SERVER_PORT (PID $SERVER_PID)"

# ---- one run: start, first correct answer, idle RSS, CPU per probe ----------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
probes() {
    curl -s --max-time 2 "http://127.0.0.1:$AGENT_PORT/q/metrics" \
        | awk '/^lifeguard_probe_duration_seconds_count\{.*check="upstream"/ {n += $NF} END {printf "%d", n}'
}

run() {
    local name=$1 run=$2 app=$WORK/$1/target/quarkus-app t0 t code first rss c0 c1 p0 p1
    AGENT_PORT=$(free_port)
    local agent_log=$OUT_DIR/agent-$name-run$run.log
    t0=$(now_ns)
    (cd "$app" && JAVA_HOME="$AGENT_JAVA_HOME" JAVA_OPTS="$JAVA_OPTS" JAVA_OPTS_APPEND='-Xlog:cds*=warning' \
        exec ./lifeguard -Dquarkus.http.port="$AGENT_PORT" -Dlifeguard.upstream.url="grpc://127.0.0.1:$SERVER_PORT" \
        -Dlifeguard.upstream.interval="$PROBE_INTERVAL") >"$agent_log" 2>&1 &
    AGENT_PID=$!
    while :; do
        code=$(curl -s --max-time 1 -o "$WORK/body" -w '%{http_code}' "http://127.0.0.1:$AGENT_PORT/q/health/ready" 2>/dev/null || true)
        t=$(now_ns)
        if [ "$code" = 200 ] && grep -q '"UP"' "$WORK/body"; then
            first=$(((t - t0) / 1000000))
            break
        fi
        kill -0 "$AGENT_PID" 2>/dev/null || die "$name exited during start-up: $(tail -5 "$agent_log")"
        [ $((t - t0)) -lt $((STARTUP_TIMEOUT * 1000000000)) ] || die "$name: no correct answer within ${STARTUP_TIMEOUT}s"
        sleep "$POLL_INTERVAL"
    done
    sleep "$IDLE_SETTLE"
    rss=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$AGENT_PID/status")
    c0=$(cpu_ticks "$AGENT_PID"); p0=$(probes)
    sleep "$CPU_WINDOW"
    c1=$(cpu_ticks "$AGENT_PID"); p1=$(probes)
    grep -q '"UP"' <(curl -s "http://127.0.0.1:$AGENT_PORT/q/health/ready") || die "$name was not ready at the end of its run"
    stop_pid "$AGENT_PID"
    AGENT_PID=
    # CPU of the whole agent over the window (scheduler, health endpoint polls included), per probe made in it.
    awk -v n="$name" -v r="$run" -v f="$first" -v rss="$rss" -v c=$((c1 - c0)) -v p=$((p1 - p0)) -v hz="$CLK_TCK" \
        'BEGIN {printf "%s %s %d %.1f %.3f %d\n", n, r, f, rss / 1024, c * 1000 / hz / p, p}' | tee -a "$OUT_DIR/runs.txt" >&2
}

: >"$OUT_DIR/runs.txt"
for ((r = 1; r <= RUNS; r++)); do
    if ((r % 2)); then run A "$r"; run B "$r"; else run B "$r"; run A "$r"; fi
done

# ---- the table --------------------------------------------------------------------------------------------------------
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
range() { sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s–%s", lo, hi}'; }
col() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$OUT_DIR/runs.txt"; }
libsize() { du -sk "$WORK/$1/target/quarkus-app/lib" | awk '{printf "%.1f MiB", $1 / 1024}'; }
{
    echo "A = $(git -C "$ROOT" rev-parse --short "$A") ($(git -C "$ROOT" log -1 --format=%s "$A" | cut -c1-80)…)"
    echo "B = $(git -C "$ROOT" rev-parse --short "$B") ($(git -C "$ROOT" log -1 --format=%s "$B" | cut -c1-80)…)"
    echo "$RUNS fresh starts each, alternating; upstream interval $PROBE_INTERVAL; CPU over ${CPU_WINDOW}s; JAVA_OPTS=$JAVA_OPTS, AppCDS"
    echo
    echo "| metric | A | B |"
    echo "|---|---|---|"
    echo "| quarkus-app/lib | $(libsize A), $(wc -l <"$OUT_DIR/jars-A.txt") jars | $(libsize B), $(wc -l <"$OUT_DIR/jars-B.txt") jars |"
    echo "| start to the first correct /q/health/ready (ms), median (range) | $(col A 3 | median) ($(col A 3 | range)) | $(col B 3 | median) ($(col B 3 | range)) |"
    echo "| idle RSS (MiB), median (range) | $(col A 4 | median) ($(col A 4 | range)) | $(col B 4 | median) ($(col B 4 | range)) |"
    echo "| agent CPU per probe (ms), median (range) | $(col A 5 | median) ($(col A 5 | range)) | $(col B 5 | median) ($(col B 5 | range)) |"
    echo
    echo "jars in B, not in A: $(comm -13 "$OUT_DIR/jars-A.txt" "$OUT_DIR/jars-B.txt" | tr '\n' ' ')"
    echo "jars in A, not in B: $(comm -23 "$OUT_DIR/jars-A.txt" "$OUT_DIR/jars-B.txt" | tr '\n' ' ')"
} | tee "$OUT_DIR/result.md"
