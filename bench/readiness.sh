#!/usr/bin/env bash
# Readiness benchmark for Lifeguard: start-up time to the first correct /q/health/ready, idle RSS, and the cost of
# /q/health/ready under load while the upstream is UP and while it is DOWN (throughput, p99, memory, log lines).
# With VARIANTS, compares several builds, JDKs or flag sets side by side, alternating them run by run.
#
# Run from the repository root:   bash bench/readiness.sh
# See bench/README.md for the environment variables and what each figure means.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

# ---- settings (all overridable from the environment) -------------------------------------------------------------
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx64m -Xms16m -Xss512k -XX:TieredStopAtLevel=1}
RUNS=${RUNS:-5}                           # start-up runs of each variant (median / min / max)
SKIP_BUILD=${SKIP_BUILD:-0}
MVN_ARGS=${MVN_ARGS:-}                    # extra build arguments
APPCDS=${APPCDS:-1}                       # 1: build an AppCDS archive (with the mvn JVM) and run with it
# One variant per line, "label|quarkus-app directory|java|JAVA_OPTS_APPEND" (the last two may be empty: JAVA, none).
# Empty: one variant, this checkout's target/quarkus-app (built unless SKIP_BUILD=1) run by JAVA.
VARIANTS=${VARIANTS:-}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-50}
WRK_DURATION=${WRK_DURATION:-10}          # seconds
IDLE_SETTLE=${IDLE_SETTLE:-3}             # seconds between the first correct answer and the idle RSS reading
POLL_INTERVAL=${POLL_INTERVAL:-0.01}      # seconds between curl polls
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}    # seconds
DOWN_TIMEOUT=${DOWN_TIMEOUT:-30}          # seconds to wait for 503 after the upstream stops
STOP_TIMEOUT=${STOP_TIMEOUT:-10}          # seconds a process gets after SIGTERM before SIGKILL
OUT_DIR=${OUT_DIR:-$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)}

[ "$APPCDS" = 1 ] && MVN_ARGS="$MVN_ARGS -Dquarkus.package.jar.appcds.enabled=true"
if [ -z "$VARIANTS" ]; then
    VARIANTS="default|$ROOT/target/quarkus-app|$JAVA|"
    BUILD=$([ "$SKIP_BUILD" = 1 ] && echo 0 || echo 1)
else
    BUILD=0
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
# python3 may be a shim (pyenv) that forks: run the real interpreter so the PID we record is the server's.
PY=$(python3 -c 'import sys; print(sys.executable)')
[ -x "$PY" ] || die "cannot resolve the python3 interpreter"

# ---- processes we start, and only those, are stopped on exit --------------------------------------------------------
UPSTREAM_PID=
AGENT_PIDS=()
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
    local pid
    for pid in "${AGENT_PIDS[@]}"; do stop_pid "$pid"; done
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
if [ "$BUILD" = 1 ]; then
    log "building: mvn -B -q package -DskipTests $MVN_ARGS"
    # shellcheck disable=SC2086
    mvn -B -q package -DskipTests $MVN_ARGS
fi

# ---- variants ---------------------------------------------------------------------------------------------------------
# V_LABEL, V_DIR, V_JAVA_HOME, V_APPEND, V_VERSION, V_VM per variant; results in R["<variant>,<name>"].
V_LABEL=() V_DIR=() V_JAVA_HOME=() V_APPEND=() V_VERSION=() V_VM=()
declare -A R
while IFS='|' read -r label dir java append; do
    [ -n "$label" ] || continue
    java=${java:-$JAVA}
    "$java" -version >/dev/null 2>&1 || die "$label: java $java does not run"
    # The launcher runs $JAVA_HOME/bin/java: the JDK that this java belongs to.
    home=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")
    [ -x "$home/bin/java" ] || die "$label: cannot find the JDK of $java"
    [ -f "$dir/quarkus-run.jar" ] && [ -x "$dir/lifeguard" ] || die "$label: no quarkus-run.jar and lifeguard in $dir: build first"
    version=$("$java" -version 2>&1 | head -1)
    feature=$(sed -E 's/^[^"]*"(1\.)?([0-9]+).*/\2/' <<<"$version")
    if [ "$APPCDS" = 1 ]; then
        [ -f "$dir/app-cds.jsa" ] || [ -f "$dir/app.aot" ] || die "$label: $dir has neither app-cds.jsa nor app.aot: build with APPCDS=1"
        # The launcher adds the archive and silences the JVM's warnings about it: turn them back on, so that a
        # mismatch shows in the report (JDK 25 names them aot, and JDK 17 refuses that tag).
        archive_log='-Xlog:cds*=warning'
        [ "$feature" -ge 25 ] && archive_log="$archive_log -Xlog:aot*=warning"
    else
        # An -Xshare option of our own: the launcher leaves its archive out.
        archive_log='-Xshare:auto'
    fi
    V_LABEL+=("$label") V_DIR+=("$dir") V_JAVA_HOME+=("$home") V_VERSION+=("$version")
    V_VM+=("$("$java" -version 2>&1 | sed -n 3p)") V_APPEND+=("$archive_log${append:+ $append}")
done <<<"$VARIANTS"
NV=${#V_LABEL[@]}
[ "$NV" -ge 1 ] || die "VARIANTS names no variant"
mkdir -p "$OUT_DIR"

# ---- upstream ---------------------------------------------------------------------------------------------------------
start_upstream() {
    UPSTREAM_PORT=$(free_port)
    mkdir -p "$WORK/www"
    echo ok >"$WORK/www/index.html"
    (cd "$WORK/www" && exec "$PY" -m http.server "$UPSTREAM_PORT" --bind 127.0.0.1) >>"$OUT_DIR/upstream.log" 2>&1 &
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
# Starts variant $1 (its log named after $2); sets AGENT_PID (also kept in AGENT_PIDS), AGENT_PORT, AGENT_LOG; T0 is
# taken just before the fork.
start_agent() {
    local k=$1 run=$2
    AGENT_PORT=$(free_port)
    AGENT_LOG=$OUT_DIR/agent-${V_LABEL[$k]}-$run.log
    T0=$(now_ns)
    # Started from its quarkus-app directory, as Quarkus documents for its archives. The launcher execs java, so
    # AGENT_PID is the JVM's.
    (cd "${V_DIR[$k]}" && JAVA_HOME="${V_JAVA_HOME[$k]}" JAVA_OPTS="$JAVA_OPTS" JAVA_OPTS_APPEND="${V_APPEND[$k]}" \
        exec ./lifeguard -Dquarkus.http.port="$AGENT_PORT" -Dlifeguard.upstream.url="http://127.0.0.1:$UPSTREAM_PORT/") \
        >"$AGENT_LOG" 2>&1 &
    AGENT_PID=$!
    AGENT_PIDS+=("$AGENT_PID")
}

stop_agent() {
    stop_pid "$AGENT_PID"
    local keep=() pid
    for pid in "${AGENT_PIDS[@]}"; do [ "$pid" = "$AGENT_PID" ] || keep+=("$pid"); done
    AGENT_PIDS=("${keep[@]}")
    AGENT_PID=
}

# One GET of /q/health/ready: prints "<status> <body>" (status 000 when nothing answers).
ready() {
    curl -s --max-time 1 -o "$WORK/body" -w '%{http_code}' "http://127.0.0.1:$AGENT_PORT/q/health/ready" 2>/dev/null || true
}

# Polls until /q/health/ready answers 200 with "UP"; sets FIRST_ANY_MS and FIRST_OK_MS (since T0), and FIRST_OK_CPU_MS
# (the agent's CPU time then).
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
            FIRST_OK_CPU_MS=$(cpu_ms "$AGENT_PID")
            return 0
        fi
        kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited during start-up: $(tail -5 "$AGENT_LOG")"
        [ "$t" -lt "$deadline" ] || die "no correct answer within ${STARTUP_TIMEOUT}s (last status $code)"
        sleep "$POLL_INTERVAL"
    done
}

# CPU time (user + system, ms) the process has used so far: on a shared machine steadier than wall-clock time.
cpu_ms() { awk -v hz="$CLK_TCK" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)
rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
mib() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }
lines() { wc -l <"$1" | tr -d ' '; }

# ---- wrk --------------------------------------------------------------------------------------------------------------
# One measured phase of variant K: the load, the agent's log lines during it (also saved) and its memory right after,
# into R[K,<PREFIX>_RPS], _P50, _P99, _REQS, _NON2XX, _SOCKERR, _LOG, _RSS_KB, _HWM_KB.
load_phase() {
    local k=$1 prefix=$2 name=${V_LABEL[$1]}-$3 before after
    before=$(lines "$AGENT_LOG")
    run_wrk "$name"
    after=$(lines "$AGENT_LOG")
    sed -n "$((before + 1)),${after}p" "$AGENT_LOG" >"$OUT_DIR/log-during-$name.txt"
    R[$k,${prefix}_RPS]="$WRK_RPS"
    R[$k,${prefix}_P50]="$WRK_P50_MS"
    R[$k,${prefix}_P99]="$WRK_P99_MS"
    R[$k,${prefix}_REQS]="$WRK_REQS"
    R[$k,${prefix}_NON2XX]="$WRK_NON2XX"
    R[$k,${prefix}_SOCKERR]="$WRK_SOCKERR"
    R[$k,${prefix}_LOG]="$((after - before))"
    R[$k,${prefix}_RSS_KB]="$(rss_kb "$AGENT_PID" VmRSS)"
    R[$k,${prefix}_HWM_KB]="$(rss_kb "$AGENT_PID" VmHWM)"
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

# ---- stats ------------------------------------------------------------------------------------------------------------
median() { tr ' ' '\n' <<<"$*" | grep . | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
minimum() { tr ' ' '\n' <<<"$*" | grep . | sort -n | head -1; }
maximum() { tr ' ' '\n' <<<"$*" | grep . | sort -n | tail -1; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 < b + 0)}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 <= b + 0)}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 >= b + 0)}'; }
verdict() { if "$@"; then echo PASS; else echo FAIL; fi; }

# =====================================================================================================================
for ((k = 0; k < NV; k++)); do
    log "variant ${V_LABEL[$k]}: ${V_DIR[$k]}, ${V_VERSION[$k]}; JAVA_OPTS: $JAVA_OPTS; JAVA_OPTS_APPEND: ${V_APPEND[$k]}"
done
log "output: $OUT_DIR"
LOAD_AVG=$(cut -d' ' -f1-3 /proc/loadavg)
start_upstream

# (1) + (2): RUNS fresh starts of each variant, alternated (the order turns each round, so no variant always goes first).
for ((run = 1; run <= RUNS; run++)); do
    for ((j = 0; j < NV; j++)); do
        k=$(((j + run - 1) % NV))
        start_agent "$k" "run$run"
        wait_first_correct
        sleep "$IDLE_SETTLE"
        kill -0 "$AGENT_PID" 2>/dev/null || die "the agent exited: $(tail -5 "$AGENT_LOG")"
        idle=$(rss_kb "$AGENT_PID" VmRSS)
        qs=$(grep -o 'started in [0-9.]*s' "$AGENT_LOG" | head -1 | grep -o '[0-9.]*' | head -1 || true)
        R[$k,STARTS]+=" $FIRST_OK_MS" R[$k,CPUS]+=" $FIRST_OK_CPU_MS" R[$k,ANYS]+=" $FIRST_ANY_MS" R[$k,IDLES]+=" $idle" R[$k,QSTARTS]+=" ${qs:-}"
        log "${V_LABEL[$k]} run $run/$RUNS: first answer ${FIRST_ANY_MS} ms, first correct ${FIRST_OK_MS} ms (CPU ${FIRST_OK_CPU_MS} ms), Quarkus 'started in' ${qs:-?}s, idle RSS $(mib "$idle") MiB"
        stop_agent
    done
done

# (3) + (4) for each variant in turn, on a fresh agent: load the 200 answer while the upstream is up; stop the
# upstream, wait for 503, load the 503 answer.
for ((k = 0; k < NV; k++)); do
    [ -n "$UPSTREAM_PID" ] || start_upstream
    start_agent "$k" load
    wait_first_correct
    sleep "$IDLE_SETTLE"
    code=$(ready)
    [ "$code" = 200 ] || die "expected 200 before the UP load, got $code"
    load_phase "$k" UP up

    stop_pid "$UPSTREAM_PID"
    UPSTREAM_PID=
    t_stop=$(now_ns)
    deadline=$((t_stop + DOWN_TIMEOUT * 1000000000))
    until [ "$(ready)" = 503 ]; do
        [ "$(now_ns)" -lt "$deadline" ] || die "ready did not turn 503 within ${DOWN_TIMEOUT}s of stopping the upstream"
        sleep 0.05
    done
    R[$k,DOWN_DETECT_MS]=$((($(now_ns) - t_stop) / 1000000))
    grep -q '"DOWN"' "$WORK/body" || log "WARNING: the 503 body does not say DOWN: $(head -c 300 "$WORK/body")"
    cp "$WORK/body" "$OUT_DIR/ready-down-${V_LABEL[$k]}.json"
    log "${V_LABEL[$k]}: ready turned 503 ${R[$k,DOWN_DETECT_MS]} ms after the upstream stopped"
    sleep 0.5 # let the transition's own log line land before counting
    load_phase "$k" DOWN down
    R[$k,LOAD_LOG]=$((${R[$k,UP_LOG]} + ${R[$k,DOWN_LOG]}))
    R[$k,LOG_TOTAL]=$(lines "$AGENT_LOG")
    R[$k,LOG_WARN]=$(grep -c -E '^[0-9-]+ [0-9:,]+ +WARN ' "$AGENT_LOG" || true)
    R[$k,LOG_ERROR]=$(grep -c -E '^[0-9-]+ [0-9:,]+ +ERROR ' "$AGENT_LOG" || true)
    R[$k,ARCHIVE_WARNINGS]=$(grep -h -E '\[(warning|error) *\]\[(cds|aot)' "$OUT_DIR/agent-${V_LABEL[$k]}"-*.log | sort -u | head -3 || true)
    stop_agent
done

# ---- report -----------------------------------------------------------------------------------------------------------
# One table row: the metric, then one cell per variant from the function $2 (called with the variant's index).
row() {
    local metric=$1 cell=$2 target=${3:-} k line="| $1 |"
    for ((k = 0; k < NV; k++)); do line+=" $("$cell" "$k") |"; done
    echo "$line $target |"
}
c_start() { local s=${R[$1,STARTS]} m; m=$(median $s); echo "$m ms (min $(minimum $s), max $(maximum $s)) $(verdict le "$m" 500)"; }
c_cpu() { local s=${R[$1,CPUS]}; echo "$(median $s) ms (min $(minimum $s), max $(maximum $s))"; }
c_any() { echo "$(median ${R[$1,ANYS]}) ms"; }
c_qs() { echo "$(median ${R[$1,QSTARTS]}) s"; }
c_idle() { local s=${R[$1,IDLES]} m; m=$(mib "$(median $s)"); echo "$m MiB (min $(mib "$(minimum $s)"), max $(mib "$(maximum $s)")) $(verdict le "$m" 64)"; }
c_up_rps() { echo "${R[$1,UP_RPS]}"; }
c_up_lat() { echo "${R[$1,UP_P50]} / ${R[$1,UP_P99]} ms"; }
c_up_err() { echo "${R[$1,UP_REQS]}, ${R[$1,UP_NON2XX]}, ${R[$1,UP_SOCKERR]} $(verdict [ "${R[$1,UP_NON2XX]}" = 0 ])"; }
c_up_rss() { echo "$(mib "${R[$1,UP_RSS_KB]}") MiB ($(mib "${R[$1,UP_HWM_KB]}") MiB)"; }
c_detect() { echo "${R[$1,DOWN_DETECT_MS]} ms"; }
c_down_rps() { echo "${R[$1,DOWN_RPS]} $(verdict ge "${R[$1,DOWN_RPS]}" 20000)"; }
c_down_lat() { echo "${R[$1,DOWN_P50]} / ${R[$1,DOWN_P99]} ms $(verdict lt "${R[$1,DOWN_P99]}" 10)"; }
c_down_err() { echo "${R[$1,DOWN_REQS]}, ${R[$1,DOWN_NON2XX]}, ${R[$1,DOWN_SOCKERR]} $(verdict [ "${R[$1,DOWN_NON2XX]}" = "${R[$1,DOWN_REQS]}" ])"; }
c_down_rss() { echo "$(mib "${R[$1,DOWN_RSS_KB]}") MiB ($(mib "${R[$1,DOWN_HWM_KB]}") MiB)"; }
c_load_log() { echo "${R[$1,LOAD_LOG]} (${R[$1,UP_LOG]} + ${R[$1,DOWN_LOG]}) $(verdict lt "${R[$1,LOAD_LOG]}" 10)"; }
c_log() { echo "${R[$1,LOG_TOTAL]} (${R[$1,LOG_WARN]}, ${R[$1,LOG_ERROR]}) $(verdict [ "${R[$1,LOG_ERROR]}" = 0 ])"; }
{
    echo "## Lifeguard readiness benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load average before: $LOAD_AVG"
    echo "- JAVA_OPTS: \`$JAVA_OPTS\` (through the launcher; APPCDS=$APPCDS)"
    [ "$BUILD" = 1 ] && echo "- build: \`mvn -B -q package -DskipTests $MVN_ARGS\`"
    for ((k = 0; k < NV; k++)); do
        echo "- ${V_LABEL[$k]}: \`${V_VERSION[$k]}\` (${V_VM[$k]}), JAVA_OPTS_APPEND: \`${V_APPEND[$k]}\`, $(du -sh "${V_DIR[$k]}" | cut -f1) in its quarkus-app directory"
    done
    echo "- nproc: $(nproc); runs: $RUNS of each, alternated; load: wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DURATION}s --latency (127.0.0.1)"
    echo
    header="| metric |" rule="|---|"
    for ((k = 0; k < NV; k++)); do header+=" ${V_LABEL[$k]} |" rule+="---|"; done
    echo "$header target |"
    echo "$rule---|"
    row "first correct answer (200 UP), median of $RUNS" c_start "≤ 500 ms"
    row "CPU time (user + system) at the first correct answer, median" c_cpu
    row "first HTTP answer of any status, median" c_any
    row "Quarkus \"started in\", median" c_qs
    row "idle RSS ${IDLE_SETTLE} s after ready, median of $RUNS" c_idle "≤ 64 MiB"
    row "upstream UP: req/s (200)" c_up_rps
    row "upstream UP: p50 / p99 latency" c_up_lat
    row "upstream UP: requests, non-2xx, socket errors" c_up_err "0 non-2xx"
    row "RSS after UP load (peak VmHWM)" c_up_rss
    row "ready turned 503 after upstream stop" c_detect
    row "upstream DOWN: req/s (503)" c_down_rps ">= 20000"
    row "upstream DOWN: p50 / p99 latency" c_down_lat "p99 < 10 ms"
    row "upstream DOWN: requests, non-2xx, socket errors" c_down_err "all 503"
    row "RSS after DOWN load (peak VmHWM)" c_down_rss
    row "agent log lines during load (UP + DOWN)" c_load_log "< 10"
    row "agent log lines in the loaded run: total (WARN, ERROR)" c_log "0 ERROR"
    for ((k = 0; k < NV; k++)); do
        [ -z "${R[$k,ARCHIVE_WARNINGS]}" ] || {
            echo
            echo "${V_LABEL[$k]}: JVM CDS/AOT warnings (the archive was NOT used):"
            echo '```'
            echo "${R[$k,ARCHIVE_WARNINGS]}"
            echo '```'
        }
    done
    echo
    for ((k = 0; k < NV; k++)); do
        echo "${V_LABEL[$k]} per run: first correct answer (ms):${R[$k,STARTS]}; CPU then (ms):${R[$k,CPUS]}; idle RSS (kB):${R[$k,IDLES]}; Quarkus started in (s):${R[$k,QSTARTS]}"
        echo
    done
    echo "Raw output (agent logs, wrk output, log lines written during each load): \`$OUT_DIR\`"
} | tee "$OUT_DIR/result.md"
