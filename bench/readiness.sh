#!/usr/bin/env bash
# Readiness benchmark for Lifeguard: start-up time to the first correct /q/health/ready, idle RSS, and the cost of
# /q/health/ready under load while the upstream is UP and while it is DOWN (throughput, p99, memory, log lines).
#
# Run from the repository root:   bash bench/readiness.sh
# See bench/README.md for the environment variables and what each figure means.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

# ---- settings (all overridable from the environment) -------------------------------------------------------------
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx64m -Xms16m -Xss512k -XX:TieredStopAtLevel=1}
RUNS=${RUNS:-5}                           # start-up runs (median / min / max)
SKIP_BUILD=${SKIP_BUILD:-0}
MVN_ARGS=${MVN_ARGS:-}                    # extra build arguments
APPCDS=${APPCDS:-1}                       # 1: build an AppCDS archive (with the mvn JVM) and run with it
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-50}
WRK_DURATION=${WRK_DURATION:-10}          # seconds
IDLE_SETTLE=${IDLE_SETTLE:-3}             # seconds between the first correct answer and the idle RSS reading
POLL_INTERVAL=${POLL_INTERVAL:-0.01}      # seconds between curl polls
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}    # seconds
DOWN_TIMEOUT=${DOWN_TIMEOUT:-30}          # seconds to wait for 503 after the upstream stops
STOP_TIMEOUT=${STOP_TIMEOUT:-10}          # seconds a process gets after SIGTERM before SIGKILL
OUT_DIR=${OUT_DIR:-$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)}
APP_DIR=$ROOT/target/quarkus-app
JAR=$APP_DIR/quarkus-run.jar
LAUNCHER=$APP_DIR/lifeguard

# The agent runs through the launcher, with JAVA_OPTS as its flags and this as its JAVA_OPTS_APPEND.
if [ "$APPCDS" = 1 ]; then
    MVN_ARGS="$MVN_ARGS -Dquarkus.package.jar.appcds.enabled=true"
    # The launcher adds the archive (it matches as the agent is started from target/quarkus-app, below); keep the
    # JVM's CDS warnings, which the launcher silences, so that a mismatch shows in the report.
    AGENT_OPTS_APPEND='-Xlog:cds*=warning'
else
    # An -Xshare option of our own: the launcher leaves its archive out.
    AGENT_OPTS_APPEND='-Xshare:auto'
fi

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_ns() { date +%s%N; }

# ---- tools ----------------------------------------------------------------------------------------------------------
have() { command -v "$1" >/dev/null 2>&1; }
have python3 || die "python3 is required"
have curl || die "curl is required"
if ! have wrk; then
    if [ "$(id -u)" = 0 ] && have apt-get; then
        log "installing wrk"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    fi
    have wrk || die "wrk is required (apt-get install wrk)"
fi
"$JAVA" -version >/dev/null 2>&1 || die "JAVA=$JAVA does not run"
# The launcher runs $JAVA_HOME/bin/java: the JDK that JAVA belongs to.
AGENT_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
[ -x "$AGENT_JAVA_HOME/bin/java" ] || die "cannot find the JDK of JAVA=$JAVA"
# python3 may be a shim (pyenv) that forks: run the real interpreter so the PID we record is the server's.
PY=$(python3 -c 'import sys; print(sys.executable)')
[ -x "$PY" ] || die "cannot resolve the python3 interpreter"

# ---- processes we start, and only those, are stopped on exit --------------------------------------------------------
UPSTREAM_PID=
AGENT_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeguard-bench.XXXXXX")

# Stops one of our child processes: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds; reaps it.
stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
        if ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
            wait "$pid" 2>/dev/null || true
            return 0
        fi
        sleep 0.05
    done
    log "PID $pid ignored SIGTERM for ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$AGENT_PID"
    stop_pid "$UPSTREAM_PID"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---- build ----------------------------------------------------------------------------------------------------------
if [ "$SKIP_BUILD" != 1 ]; then
    log "building: mvn -B -q package -DskipTests $MVN_ARGS"
    # shellcheck disable=SC2086
    mvn -B -q package -DskipTests $MVN_ARGS
fi
[ -f "$JAR" ] || die "$JAR is missing: build first (or unset SKIP_BUILD)"
[ -x "$LAUNCHER" ] || die "$LAUNCHER is missing: build first (or unset SKIP_BUILD)"
[ "$APPCDS" != 1 ] || [ -f "$APP_DIR/app-cds.jsa" ] || die "$APP_DIR/app-cds.jsa is missing: build with APPCDS=1 (unset SKIP_BUILD)"
mkdir -p "$OUT_DIR"

# ---- upstream ---------------------------------------------------------------------------------------------------------
start_upstream() {
    UPSTREAM_PORT=$(free_port)
    mkdir -p "$WORK/www"
    echo ok >"$WORK/www/index.html"
    (cd "$WORK/www" && exec "$PY" -m http.server "$UPSTREAM_PORT" --bind 127.0.0.1) >"$OUT_DIR/upstream.log" 2>&1 &
    UPSTREAM_PID=$!
    local deadline=$(($(now_ns) + 10 * 1000000000))
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$UPSTREAM_PORT/"; do
        kill -0 "$UPSTREAM_PID" 2>/dev/null || die "the upstream exited: $(tail -3 "$OUT_DIR/upstream.log")"
        [ "$(now_ns)" -lt "$deadline" ] || die "the upstream did not answer within 10 s"
        sleep 0.05
    done
    log "upstream: python http.server on 127.0.0.1:$UPSTREAM_PORT (PID $UPSTREAM_PID)"
}

# ---- agent ------------------------------------------------------------------------------------------------------------
# Sets AGENT_PID, AGENT_PORT, AGENT_LOG; T0 is taken just before the fork.
start_agent() {
    local run=$1
    AGENT_PORT=$(free_port)
    AGENT_LOG=$OUT_DIR/agent-run$run.log
    T0=$(now_ns)
    # Started from target/quarkus-app, as Quarkus documents (its AppCDS archive only matches there). The launcher
    # execs java, so AGENT_PID is the JVM's.
    (cd "$APP_DIR" && JAVA_HOME="$AGENT_JAVA_HOME" JAVA_OPTS="$JAVA_OPTS" JAVA_OPTS_APPEND="$AGENT_OPTS_APPEND" \
        exec ./lifeguard -Dquarkus.http.port="$AGENT_PORT" -Dlifeguard.upstream.url="http://127.0.0.1:$UPSTREAM_PORT/") \
        >"$AGENT_LOG" 2>&1 &
    AGENT_PID=$!
}

# One GET of /q/health/ready: prints "<status> <body>" (status 000 when nothing answers).
ready() {
    curl -s --max-time 1 -o "$WORK/body" -w '%{http_code}' "http://127.0.0.1:$AGENT_PORT/q/health/ready" 2>/dev/null || true
}

# Polls until /q/health/ready answers 200 with "UP"; sets FIRST_ANY_MS and FIRST_OK_MS (since T0).
wait_first_correct() {
    local code deadline=$((T0 + STARTUP_TIMEOUT * 1000000000)) t
    FIRST_ANY_MS=
    while :; do
        code=$(ready)
        t=$(now_ns)
        if [ "$code" != 000 ] && [ -z "$FIRST_ANY_MS" ]; then
            FIRST_ANY_MS=$(((t - T0) / 1000000))
        fi
        if [ "$code" = 200 ] && grep -q '"UP"' "$WORK/body"; then
            FIRST_OK_MS=$(((t - T0) / 1000000))
            return 0
        fi
        kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited during start-up: $(tail -5 "$AGENT_LOG")"
        [ "$t" -lt "$deadline" ] || die "no correct answer within ${STARTUP_TIMEOUT}s (last status $code)"
        sleep "$POLL_INTERVAL"
    done
}

rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
mib() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }
lines() { wc -l <"$1" | tr -d ' '; }

# ---- wrk --------------------------------------------------------------------------------------------------------------
# One measured phase: the load, the agent's log lines during it (also saved) and its memory right after, into
# <PREFIX>_RPS, _P50, _P99, _REQS, _NON2XX, _SOCKERR, _LOG, _RSS_KB, _HWM_KB.
load_phase() {
    local prefix=$1 name=$2 before after
    before=$(lines "$AGENT_LOG")
    run_wrk "$name"
    after=$(lines "$AGENT_LOG")
    sed -n "$((before + 1)),${after}p" "$AGENT_LOG" >"$OUT_DIR/log-during-$name.txt"
    printf -v "${prefix}_RPS" '%s' "$WRK_RPS"
    printf -v "${prefix}_P50" '%s' "$WRK_P50_MS"
    printf -v "${prefix}_P99" '%s' "$WRK_P99_MS"
    printf -v "${prefix}_REQS" '%s' "$WRK_REQS"
    printf -v "${prefix}_NON2XX" '%s' "$WRK_NON2XX"
    printf -v "${prefix}_SOCKERR" '%s' "$WRK_SOCKERR"
    printf -v "${prefix}_LOG" '%s' "$((after - before))"
    printf -v "${prefix}_RSS_KB" '%s' "$(rss_kb "$AGENT_PID" VmRSS)"
    printf -v "${prefix}_HWM_KB" '%s' "$(rss_kb "$AGENT_PID" VmHWM)"
}

# Runs one load and parses it into WRK_RPS, WRK_P99_MS, WRK_P50_MS, WRK_REQS, WRK_NON2XX, WRK_SOCKERR.
run_wrk() {
    local name=$1 out=$OUT_DIR/wrk-$1.txt
    log "wrk ($name): -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DURATION}s"
    timeout $((WRK_DURATION + 30)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_DURATION}s" --timeout 2s --latency \
        "http://127.0.0.1:$AGENT_PORT/q/health/ready" >"$out" 2>&1 || die "wrk failed: $(cat "$out")"
    WRK_RPS=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
    WRK_REQS=$(awk '/requests in/ {print $1}' "$out")
    WRK_NON2XX=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
    WRK_NON2XX=${WRK_NON2XX:-0}
    WRK_SOCKERR=$(awk -F'Socket errors: ' '/Socket errors:/ {print $2}' "$out")
    WRK_SOCKERR=${WRK_SOCKERR:-none}
    WRK_P50_MS=$(pct_ms 50% "$out")
    WRK_P99_MS=$(pct_ms 99% "$out")
}

# A latency percentile from wrk --latency, in milliseconds.
pct_ms() {
    awk -v p="$1" '$1 == p && !done {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
        printf "%.2f", v * f; done = 1 }' "$2"
}

# ---- stats ------------------------------------------------------------------------------------------------------------
median() { tr ' ' '\n' <<<"$*" | grep . | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
minimum() { tr ' ' '\n' <<<"$*" | grep . | sort -n | head -1; }
maximum() { tr ' ' '\n' <<<"$*" | grep . | sort -n | tail -1; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 < b + 0)}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 >= b + 0)}'; }
verdict() { if "$@"; then echo PASS; else echo FAIL; fi; }

# =====================================================================================================================
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -1)
JAVA_VM=$("$JAVA" -version 2>&1 | sed -n 3p)
log "java: $JAVA_VERSION; JAVA_OPTS: $JAVA_OPTS; JAVA_OPTS_APPEND: $AGENT_OPTS_APPEND; output: $OUT_DIR"
start_upstream

# (1) + (2): RUNS fresh starts; the last agent stays up for the loads.
STARTS=() ANYS=() IDLES=() QSTARTS=()
for ((run = 1; run <= RUNS; run++)); do
    start_agent "$run"
    wait_first_correct
    sleep "$IDLE_SETTLE"
    kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited: $(tail -5 "$AGENT_LOG")"
    idle=$(rss_kb "$AGENT_PID" VmRSS)
    qs=$(grep -o 'started in [0-9.]*s' "$AGENT_LOG" | head -1 | grep -o '[0-9.]*' | head -1 || true)
    STARTS+=("$FIRST_OK_MS") ANYS+=("$FIRST_ANY_MS") IDLES+=("$idle") QSTARTS+=("${qs:-}")
    log "run $run/$RUNS: first answer ${FIRST_ANY_MS} ms, first correct ${FIRST_OK_MS} ms, Quarkus 'started in' ${qs:-?}s, idle RSS $(mib "$idle") MiB"
    if ((run < RUNS)); then
        stop_pid "$AGENT_PID"
        AGENT_PID=
    fi
done
IDLE_KB=$(rss_kb "$AGENT_PID" VmRSS)

# (3) upstream UP: load the 200 answer.
code=$(ready)
[ "$code" = 200 ] || die "expected 200 before the UP load, got $code"
load_phase UP up

# (4) upstream DOWN: stop it, wait for 503, load the 503 answer.
stop_pid "$UPSTREAM_PID"
UPSTREAM_PID=
t_stop=$(now_ns)
deadline=$((t_stop + DOWN_TIMEOUT * 1000000000))
until [ "$(ready)" = 503 ]; do
    [ "$(now_ns)" -lt "$deadline" ] || die "ready did not turn 503 within ${DOWN_TIMEOUT}s of stopping the upstream"
    sleep 0.05
done
DOWN_DETECT_MS=$((($(now_ns) - t_stop) / 1000000))
grep -q '"DOWN"' "$WORK/body" || log "WARNING: the 503 body does not say DOWN: $(head -c 300 "$WORK/body")"
cp "$WORK/body" "$OUT_DIR/ready-down.json"
log "ready turned 503 ${DOWN_DETECT_MS} ms after the upstream stopped"
sleep 0.5 # let the transition's own log line land before counting
load_phase DOWN down
LOAD_LOG=$((UP_LOG + DOWN_LOG))
AGENT_LOG_TOTAL=$(lines "$AGENT_LOG")
CDS_WARNINGS=$(grep -h '\[warning\]\[cds' "$OUT_DIR"/agent-run*.log | sort -u | head -3 || true)
AGENT_LOG_WARN=$(grep -c -E '^[0-9-]+ [0-9:,]+ +WARN ' "$AGENT_LOG" || true)
AGENT_LOG_ERROR=$(grep -c -E '^[0-9-]+ [0-9:,]+ +ERROR ' "$AGENT_LOG" || true)

stop_pid "$AGENT_PID"
AGENT_PID=

# ---- report -----------------------------------------------------------------------------------------------------------
START_MED=$(median "${STARTS[@]}")
ANY_MED=$(median "${ANYS[@]}")
IDLE_MED_KB=$(median "${IDLES[@]}")
QS_MED=$(median "${QSTARTS[@]}")
DOWN_ALL_503=no
[ "${DOWN_NON2XX:-0}" = "${DOWN_REQS:-x}" ] && DOWN_ALL_503=yes
{
    echo "## Lifeguard readiness benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- java: \`$JAVA_VERSION\` ($JAVA_VM)"
    echo "- JAVA_OPTS: \`$JAVA_OPTS\`, JAVA_OPTS_APPEND: \`$AGENT_OPTS_APPEND\` (through the launcher; APPCDS=$APPCDS)"
    [ -n "$MVN_ARGS" ] && echo "- build: \`mvn -B -q package -DskipTests $MVN_ARGS\`"
    echo "- nproc: $(nproc); runs: $RUNS; load: wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DURATION}s --latency (127.0.0.1)"
    echo
    echo "| metric | value | target | |"
    echo "|---|---|---|---|"
    echo "| first correct answer (200 UP), median of $RUNS | ${START_MED} ms (min $(minimum "${STARTS[@]}"), max $(maximum "${STARTS[@]}")) | < 1000 ms | $(verdict lt "$START_MED" 1000) |"
    echo "| first HTTP answer of any status, median | ${ANY_MED} ms | | |"
    echo "| Quarkus \"started in\", median | ${QS_MED:-?} s | | |"
    echo "| idle RSS ${IDLE_SETTLE} s after ready, median of $RUNS | $(mib "$IDLE_MED_KB") MiB (min $(mib "$(minimum "${IDLES[@]}")"), max $(mib "$(maximum "${IDLES[@]}")")) | < 100 MB | $(verdict lt "$(mib "$IDLE_MED_KB")" 100) |"
    echo "| upstream UP: req/s (200) | ${UP_RPS} | | |"
    echo "| upstream UP: p50 / p99 latency | ${UP_P50} / ${UP_P99} ms | | |"
    echo "| upstream UP: requests, non-2xx, socket errors | ${UP_REQS}, ${UP_NON2XX}, ${UP_SOCKERR} | 0 non-2xx | $(verdict [ "$UP_NON2XX" = 0 ]) |"
    echo "| RSS after UP load (peak VmHWM) | $(mib "$UP_RSS_KB") MiB ($(mib "$UP_HWM_KB") MiB) | | |"
    echo "| ready turned 503 after upstream stop | ${DOWN_DETECT_MS} ms | | |"
    echo "| upstream DOWN: req/s (503) | ${DOWN_RPS} | >= 20000 | $(verdict ge "$DOWN_RPS" 20000) |"
    echo "| upstream DOWN: p50 / p99 latency | ${DOWN_P50} / ${DOWN_P99} ms | p99 < 10 ms | $(verdict lt "$DOWN_P99" 10) |"
    echo "| upstream DOWN: requests, non-2xx, socket errors | ${DOWN_REQS}, ${DOWN_NON2XX}, ${DOWN_SOCKERR} | all 503 | $(verdict [ "$DOWN_ALL_503" = yes ]) |"
    echo "| RSS after DOWN load (peak VmHWM) | $(mib "$DOWN_RSS_KB") MiB ($(mib "$DOWN_HWM_KB") MiB) | | |"
    echo "| agent log lines during load (UP + DOWN) | ${LOAD_LOG} (${UP_LOG} + ${DOWN_LOG}) | < 10 | $(verdict lt "$LOAD_LOG" 10) |"
    echo "| agent log lines in the kept run: total (WARN, ERROR) | ${AGENT_LOG_TOTAL} (${AGENT_LOG_WARN}, ${AGENT_LOG_ERROR}) | 0 ERROR | $(verdict [ "$AGENT_LOG_ERROR" = 0 ]) |"
    [ -z "$CDS_WARNINGS" ] || { echo; echo "JVM CDS warnings (the archive was NOT used):"; echo '```'; echo "$CDS_WARNINGS"; echo '```'; }
    echo
    echo "Per-run first correct answer (ms): ${STARTS[*]}; idle RSS (kB): ${IDLES[*]}; Quarkus started in (s): ${QSTARTS[*]}"
    echo
    echo "Raw output (agent logs, wrk output, log lines written during each load): \`$OUT_DIR\`"
} | tee "$OUT_DIR/result.md"
