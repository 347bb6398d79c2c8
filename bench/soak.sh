#!/usr/bin/env bash
# Soak benchmark for Lifeguard's wrap mode: Lifeguard wraps a service that flaps every 300 ms and dies now and then,
# is polled like a load balancer and an operator would, and its process is sampled every 10 s (RSS, heap after GC,
# open fds, threads, log lines, restarts, the size of /lifeguard/status) to see whether anything grows over time.
#
# Run from the repository root:   bash bench/soak.sh        (see bench/README.md)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

DURATION=${DURATION:-30m}        # how long to sample: seconds, or with s, m or h
SAMPLE=${SAMPLE:-10}             # seconds between samples
WARMUP=${WARMUP:-2m}             # judged from here on
FLAP=${FLAP:-0.3}                # seconds the service answers 200, then seconds it fails (500, then refusals)
CRASH_MIN=${CRASH_MIN:-5}        # each child dies after CRASH_MIN to CRASH_MAX seconds (exit 3 or SIGKILL)
CRASH_MAX=${CRASH_MAX:-15}
BACKOFF=${BACKOFF:-1s}           # lifeguard.restart.backoff
BACKOFF_MAX=${BACKOFF_MAX:-2s}   # lifeguard.restart.backoff-max: held low, so that the deaths come often
MAX_RESTARTS=${MAX_RESTARTS:-1000} # lifeguard.restart.max-restarts per lifeguard.restart.window (10m): never spent
READY_EVERY=${READY_EVERY:-1}    # seconds between the load balancer's GET /q/health/ready
STATUS_EVERY=${STATUS_EVERY:-5}  # seconds between the operator's GET /lifeguard/status
SKIP_BUILD=${SKIP_BUILD:-0}
STOP_TIMEOUT=${STOP_TIMEOUT:-20} # seconds Lifeguard gets after SIGTERM (it stops its child: grace 10 s) before SIGKILL
OUT_DIR=${OUT_DIR:-$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)}
APP_DIR=$ROOT/target/quarkus-app

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
seconds() {
    case $1 in
        *h) echo $((${1%h} * 3600)) ;;
        *m) echo $((${1%m} * 60)) ;;
        *s) echo "${1%s}" ;;
        *) echo "$1" ;;
    esac
}
DURATION_S=$(seconds "$DURATION")
WARMUP_S=$(seconds "$WARMUP")

have python3 || die "python3 is required"
have curl || die "curl is required"
have jcmd || die "jcmd (from the JDK) is required"
# python3 may be a shim (pyenv) that forks: the real interpreter, so that the child Lifeguard watches is the server.
PY=$(python3 -c 'import sys; print(sys.executable)')
# The agent runs with the launcher's default JVM flags unless JAVA_OPTS is set.
AGENT_ENV=(JAVA_OPTS_APPEND=)
[ -z "${JAVA_OPTS:-}" ] || AGENT_ENV+=(JAVA_OPTS="$JAVA_OPTS")

# ---- processes we start, and only those, are stopped on exit --------------------------------------------------------
AGENT_PID=
HARNESS_PID=
# Stops one of our child processes: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds; reaps it.
stop_pid() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
        if ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
            wait "$pid" 2>/dev/null || true
            return 0
        fi
        sleep 0.1
    done
    log "PID $pid ignored SIGTERM for ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$HARNESS_PID"
    stop_pid "$AGENT_PID"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

if [ "$SKIP_BUILD" != 1 ]; then
    log "building: mvn -B -q package -DskipTests"
    mvn -B -q package -DskipTests
fi
[ -x "$APP_DIR/lifeguard" ] || die "build first (target/quarkus-app)"
mkdir -p "$OUT_DIR"
AGENT_LOG=$OUT_DIR/agent.log

# ---- Lifeguard wrapping the flapping, crashing service ----------------------------------------------------------------
AGENT_PORT=$(free_port)
UP_PORT=$(free_port)
# Started from target/quarkus-app (where its AppCDS archive, if built, matches); env and the launcher exec, so
# AGENT_PID is the JVM's.
(cd "$APP_DIR" && exec env "${AGENT_ENV[@]}" ./lifeguard -Dquarkus.http.port="$AGENT_PORT" \
    -Dquarkus.http.host=127.0.0.1 -Dlifeguard.upstream.url="http://127.0.0.1:$UP_PORT/" \
    -Dlifeguard.restart.backoff="$BACKOFF" -Dlifeguard.restart.backoff-max="$BACKOFF_MAX" \
    -Dlifeguard.restart.max-restarts="$MAX_RESTARTS" \
    -- "$PY" "$ROOT/bench/soak/upstream.py" "$UP_PORT" "$FLAP" "$CRASH_MIN" "$CRASH_MAX") >"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
deadline=$(($(date +%s) + 60))
until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$AGENT_PORT/q/health/live"; do
    kill -0 "$AGENT_PID" 2>/dev/null || die "Lifeguard exited: $(tail -5 "$AGENT_LOG")"
    [ "$(date +%s)" -lt "$deadline" ] || die "Lifeguard did not answer within 60 s"
    sleep 0.1
done
case $(readlink "/proc/$AGENT_PID/exe") in */java) ;; *) die "PID $AGENT_PID is not the JVM" ;; esac
log "Lifeguard (PID $AGENT_PID, $(readlink "/proc/$AGENT_PID/exe")) on 127.0.0.1:$AGENT_PORT wraps the soak upstream on" \
    "127.0.0.1:$UP_PORT; sampling for ${DURATION_S}s every ${SAMPLE}s into $OUT_DIR"

# ---- poll and sample ----------------------------------------------------------------------------------------------------
"$PY" "$ROOT/bench/soak/harness.py" run --pid "$AGENT_PID" --port "$AGENT_PORT" --log "$AGENT_LOG" --out "$OUT_DIR" \
    --duration "$DURATION_S" --sample "$SAMPLE" --warmup "$WARMUP_S" --ready-every "$READY_EVERY" \
    --status-every "$STATUS_EVERY" --jcmd "$(command -v jcmd)" >/dev/null &
HARNESS_PID=$!
wait "$HARNESS_PID" || die "the harness failed"
HARNESS_PID=

# ---- what the run must not have had ----------------------------------------------------------------------------------
curl -s --max-time 5 "http://127.0.0.1:$AGENT_PORT/lifeguard/status" >"$OUT_DIR/status-end.json"
curl -s --max-time 5 "http://127.0.0.1:$AGENT_PORT/q/metrics" >"$OUT_DIR/metrics-end.txt"
stop_pid "$AGENT_PID"
AGENT_PID=
# "crashed 40, killed 38" from lifeguard_restarts_total{reason="…"} in a /q/metrics answer.
by_reason() {
    awk -F'[{}" ]+' '/^lifeguard_restarts_total\{/ && $NF > 0 {printf "%s%s %d", sep, $3, $NF; sep = ", "}' "$1"
}
OPTS_SHOWN="the launcher's defaults"
[ -z "${JAVA_OPTS:-}" ] || OPTS_SHOWN="\`$JAVA_OPTS\`"
{
    cat "$OUT_DIR/report.md"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); java: \`$(java -version 2>&1 | head -1)\`; nproc: $(nproc)"
    echo "- JAVA_OPTS: $OPTS_SHOWN; the service flaps every ${FLAP}s, dies after ${CRASH_MIN}–${CRASH_MAX}s;" \
        "back-off ${BACKOFF} to ${BACKOFF_MAX}; budget ${MAX_RESTARTS} restarts per 10m"
    echo "- crash_loop (budget spent): $(grep -c 'crash_loop' "$AGENT_LOG" || true) log lines;" \
        "ERROR lines: $(grep -c -E '^[0-9-]+ [0-9:,]+ +ERROR ' "$AGENT_LOG" || true);" \
        "WARN lines: $(grep -c -E '^[0-9-]+ [0-9:,]+ +WARN ' "$AGENT_LOG" || true)"
    echo "- restarts by reason: $(by_reason "$OUT_DIR/metrics-end.txt")"
    echo "- raw output (agent log, samples.csv, soak.svg, class histograms after warm-up and at the end, the final status and metrics): \`$OUT_DIR\`"
} | tee "$OUT_DIR/result.md"
