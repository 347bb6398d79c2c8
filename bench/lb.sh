#!/usr/bin/env bash
# Load-balancer benchmark: what users see behind a real HAProxy when one of two backends breaks, with HAProxy's own
# checks alone (mode haproxy), with each backend wrapped by a naive script sidecar that HAProxy checks (script), with
# each backend wrapped by Lifeguard and HAProxy checking it (lifeguard-agent), and with Lifeguard also pushing to
# HAProxy's Runtime API (lifeguard-push). Per scenario and mode: the errors an
# open-loop client sees, the time until the broken server is UP and serving again, and what HAProxy was told.
#
# Run from the repository root:   bash bench/lb.sh      SCENARIOS=kill,deploy DURATION=20 bash bench/lb.sh
# (see bench/README.md)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx64m -Xms16m -Xss512k -XX:TieredStopAtLevel=1}
SKIP_BUILD=${SKIP_BUILD:-0}
SCENARIOS=${SCENARIOS:-kill,exit1,stop,status500,garbage,reset,slow,flap,deploy}
MODES=${MODES:-haproxy,script,lifeguard-agent,lifeguard-push}
DURATION=${DURATION:-30}     # seconds of traffic per run
FAULT_AT=${FAULT_AT:-5}      # seconds into the traffic at which server 1 breaks
RATE=${RATE:-100}            # requests per second, open loop
TIMEOUT=${TIMEOUT:-15}       # each request's own timeout (s)
DEPLOY_GAP=${DEPLOY_GAP:-3}  # deploy: seconds from SIGTERM to the new Lifeguard's (or sidecar's) start
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)}

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
now() { date +%s.%N; }
have python3 || die "python3 is required"
have curl || die "curl is required"
[ -x "$HAPROXY" ] || die "HAProxy is required at $HAPROXY (apt-get install haproxy)"
# The real interpreter, not a pyenv shim, so that the PIDs recorded are the servers'.
PY=$(python3 -c 'import sys; print(sys.executable)')
AGENT_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
[ -x "$AGENT_JAVA_HOME/bin/java" ] || die "cannot find the JDK of JAVA=$JAVA"
AGENT_ENV=(JAVA_HOME="$AGENT_JAVA_HOME" JAVA_OPTS="$JAVA_OPTS" JAVA_OPTS_APPEND=)
LB=$ROOT/bench/lb
for s in ${SCENARIOS//,/ }; do
    case $s in kill|exit1|stop|status500|garbage|reset|slow|flap|deploy) ;; *) die "unknown scenario $s" ;; esac
done
for m in ${MODES//,/ }; do
    case $m in haproxy|script|lifeguard-agent|lifeguard-push) ;; *) die "unknown mode $m" ;; esac
done

# Every process this script starts is in PIDS (HAProxy, the restart loops, the sidecars, the Lifeguards, the client, the stats
# watcher); the backends' own PIDs are in pidfiles under WORK. Cleanup ends only those, by PID.
PIDS=()
HAPROXY_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeguard-lb.XXXXXX")

# SIGTERM (and SIGCONT, for a stopped one), up to $2 seconds, then SIGKILL.
stop_pid() {
    local pid=$1 grace=${2:-10}
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
    local deadline=$(($(date +%s) + grace))
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
        if ! ps -o stat= -p "$pid" 2>/dev/null | grep -qv Z; then break; fi
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# A backend's PID from its pidfile, only while that PID is still a backend.py of this run (never a reused PID).
backend_pid() {
    local f=$1 pid
    [ -f "$f" ] || return 1
    pid=$(cat "$f")
    [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q "$LB/backend.py" || return 1
    echo "$pid"
}

stop_backends() {
    local f pid
    for f in "$WORK"/*.pid; do
        [ -e "$f" ] || continue
        if pid=$(backend_pid "$f"); then
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$f"
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    # Everything but HAProxy first, all at once, so that the Lifeguards' (and sidecars') drains overlap and HAProxy still polls them
    # (without it they would wait out lifeguard.drain.timeout); HAProxy last.
    for pid in "${PIDS[@]}"; do [ "$pid" = "$HAPROXY_PID" ] || kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do [ "$pid" = "$HAPROXY_PID" ] || stop_pid "$pid" 20; done
    stop_backends
    stop_pid "$HAPROXY_PID" 5
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# N distinct free ports, all bound until all are chosen (one at a time, the kernel may hand out a port twice).
free_ports() {
    "$PY" -c 'import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

wait_http() {
    local url=$1 pid=$2 what=$3 logf=$4 deadline=$(($(date +%s) + 60))
    until [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "$url")" = 200 ]; do
        kill -0 "$pid" 2>/dev/null || die "$what exited: $(tail -5 "$logf")"
        [ "$(date +%s)" -lt "$deadline" ] || die "$what did not answer 200 at $url within 60 s"
        sleep 0.1
    done
}

if [ "$SKIP_BUILD" != 1 ]; then
    log "building: mvn -B -q package -DskipTests"
    mvn -B -q package -DskipTests
fi
LAUNCHER=$ROOT/target/quarkus-app/lifeguard
case $MODES in *lifeguard*) [ -x "$LAUNCHER" ] || die "build first (target/quarkus-app)" ;; esac
mkdir -p "$OUT_DIR"

# ---- one run ----------------------------------------------------------------------------------------------------------
# Per run: FE (HAProxy's frontend), B[i] (backend i), P[i] and A[i] (Lifeguard i's HTTP and agent-check ports; P[i]
# is sidecar i's port in mode script), LOOP[i] (the restart loop of mode haproxy), LG[i] (Lifeguard i or, in mode
# script, sidecar i: the process that wraps backend i).
declare -A B P A LOOP LG

# Mode haproxy: the backend restarted by a plain loop whenever it exits.
start_loop() {
    local i=$1
    bash -c 'while true; do "$0" "$1" "$2" --pidfile "$3"; sleep 1; done' \
        "$PY" "$LB/backend.py" "${B[$i]}" "$WORK/s$i.pid" >>"$RUN_DIR/backend$i.log" 2>&1 &
    LOOP[$i]=$!
    PIDS+=("$!")
}

# Mode script: the naive sidecar wrapping the backend; it writes its child's PID to the pidfile.
start_sidecar() {
    local i=$1
    "$PY" "$LB/naive_sidecar.py" "${P[$i]}" "http://127.0.0.1:${B[$i]}/" "$WORK/s$i.pid" \
        -- "$PY" "$LB/backend.py" "${B[$i]}" >>"$RUN_DIR/sidecar$i.log" 2>&1 &
    LG[$i]=$!
    PIDS+=("$!")
}

# Lifeguard modes: Lifeguard wrapping the backend, from target/quarkus-app (where its AppCDS archive matches); the
# subshell, env and the launcher all exec, so the PID is the JVM's.
start_lifeguard() {
    local i=$1 push=()
    [ "$MODE" = lifeguard-push ] && push=(-Dlifeguard.haproxy.runtime-api="$SOCK" -Dlifeguard.haproxy.server="be/s$i")
    (cd "$ROOT/target/quarkus-app" && exec env "${AGENT_ENV[@]}" ./lifeguard -Dquarkus.http.host=127.0.0.1 \
        -Dquarkus.http.port="${P[$i]}" -Dlifeguard.upstream.url="http://127.0.0.1:${B[$i]}/" \
        -Dlifeguard.agent-check.port="${A[$i]}" "${push[@]}" \
        -- "$PY" "$LB/backend.py" "${B[$i]}" --pidfile "$WORK/s$i.pid") >>"$RUN_DIR/lifeguard$i.log" 2>&1 &
    LG[$i]=$!
    PIDS+=("$!")
}

write_config() {
    local servers
    if [ "$MODE" = haproxy ]; then
        servers="    option httpchk GET /
    server s1 127.0.0.1:${B[1]} check inter 2s fall 3 rise 2
    server s2 127.0.0.1:${B[2]} check inter 2s fall 3 rise 2"
    elif [ "$MODE" = script ]; then
        servers="    option httpchk GET /health
    server s1 127.0.0.1:${B[1]} check port ${P[1]} inter 1s fall 1 rise 1
    server s2 127.0.0.1:${B[2]} check port ${P[2]} inter 1s fall 1 rise 1"
    else
        servers="    option httpchk GET /q/health/ready
    server s1 127.0.0.1:${B[1]} check port ${P[1]} inter 1s fall 1 rise 1 agent-check agent-port ${A[1]} agent-inter 500ms
    server s2 127.0.0.1:${B[2]} check port ${P[2]} inter 1s fall 1 rise 1 agent-check agent-port ${A[2]} agent-inter 500ms"
    fi
    cat >"$RUN_DIR/haproxy.cfg" <<EOF
global
    stats socket $SOCK mode 600 level admin
    maxconn 4000

defaults
    mode http
    timeout connect 1s
    timeout client 20s
    timeout server 20s
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response

frontend fe
    bind 127.0.0.1:$FE
    default_backend be

backend be
    balance roundrobin
$servers
EOF
}

# The PID of the process of server 1 that the fault hits: the backend itself (mode haproxy: from its pidfile; mode
# script: the sidecar's child, from the pidfile the sidecar writes; with Lifeguard: the child it names in
# /lifeguard/status).
victim_pid() {
    if [ "$MODE" = haproxy ] || [ "$MODE" = script ]; then
        backend_pid "$WORK/s1.pid"
    else
        curl -s --max-time 2 "http://127.0.0.1:${P[1]}/lifeguard/status" |
            "$PY" -c 'import sys, json; print(json.load(sys.stdin)["supervisor"]["pid"])'
    fi
}

event() { printf '%s %s\n' "$(now)" "$*" >>"$RUN_DIR/events.txt"; }

inject() {
    local pid
    pid=$(victim_pid) || die "cannot find the PID of server 1's backend"
    # The fault's time, for every figure measured from it: just before the signal or the request that breaks it.
    FAULT_T=$(now)
    printf '%s %s\n' "$FAULT_T" "fault $SCENARIO (backend PID $pid)" >>"$RUN_DIR/events.txt"
    case $SCENARIO in
        kill) kill -KILL "$pid" ;;
        stop) kill -STOP "$pid" ;;
        deploy)
            if [ "$MODE" = haproxy ]; then
                kill -TERM "$pid"
            else
                kill -TERM "${LG[1]}"
                sleep "$DEPLOY_GAP"
                # The new one needs the old one's ports: wait for it to end (its drain is bounded by
                # lifeguard.drain.timeout, 15 s, and the child's grace; the sidecar's by 1.5 s and 5 s).
                local deadline=$(($(date +%s) + 30))
                while kill -0 "${LG[1]}" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
                stop_pid "${LG[1]}" 1
                if [ "$MODE" = script ]; then
                    event "old sidecar 1 ended; starting a new one"
                    start_sidecar 1
                else
                    event "old Lifeguard 1 ended; starting a new one"
                    start_lifeguard 1
                fi
            fi ;;
        *) curl -s --max-time 2 -o /dev/null "http://127.0.0.1:${B[1]}/_fault/$SCENARIO" || true ;;
    esac
}

start_haproxy() {
    "$HAPROXY" -db -f "$RUN_DIR/haproxy.cfg" >"$RUN_DIR/haproxy.log" 2>&1 &
    HAPROXY_PID=$!
    PIDS+=("$HAPROXY_PID")
    local deadline=$(($(date +%s) + 10))
    until [ -S "$SOCK" ]; do
        kill -0 "$HAPROXY_PID" 2>/dev/null || die "HAProxy exited: $(tail -5 "$RUN_DIR/haproxy.log")"
        [ "$(date +%s)" -lt "$deadline" ] || die "HAProxy opened no stats socket: $(tail -5 "$RUN_DIR/haproxy.log")"
        sleep 0.05
    done
}

one_run() {
    SCENARIO=$1 MODE=$2
    RUN_DIR=$OUT_DIR/$SCENARIO-$MODE
    mkdir -p "$RUN_DIR"
    SOCK=$WORK/admin.sock
    rm -f "$SOCK"
    local i pid ports
    read -r -a ports <<<"$(free_ports 7)"
    [ "${#ports[@]}" = 7 ] || die "cannot find 7 free ports"
    FE=${ports[0]}
    for i in 1 2; do B[$i]=${ports[3*i-2]}; P[$i]=${ports[3*i-1]}; A[$i]=${ports[3*i]}; LOOP[$i]=; LG[$i]=; done
    write_config
    "$HAPROXY" -c -q -f "$RUN_DIR/haproxy.cfg" || die "haproxy -c refused $RUN_DIR/haproxy.cfg"

    # Mode haproxy: the backends first, so that HAProxy's first checks pass (rise 2 would cost 4 s after a failed one);
    # mode script likewise, the sidecars first, ready once they have probed their backend.
    # Lifeguard modes: HAProxy first, so that the push finds its socket; its checks pass once Lifeguard is ready.
    if [ "$MODE" = haproxy ]; then
        for i in 1 2; do start_loop "$i"; done
        for i in 1 2; do wait_http "http://127.0.0.1:${B[$i]}/" "${LOOP[$i]}" "backend $i" "$RUN_DIR/backend$i.log"; done
        start_haproxy
    elif [ "$MODE" = script ]; then
        for i in 1 2; do start_sidecar "$i"; done
        for i in 1 2; do wait_http "http://127.0.0.1:${P[$i]}/health" "${LG[$i]}" "sidecar $i" "$RUN_DIR/sidecar$i.log"; done
        start_haproxy
    else
        start_haproxy
        for i in 1 2; do start_lifeguard "$i"; done
        for i in 1 2; do
            wait_http "http://127.0.0.1:${P[$i]}/q/health/ready" "${LG[$i]}" "Lifeguard $i" "$RUN_DIR/lifeguard$i.log"
        done
    fi
    "$PY" "$LB/stat.py" wait-up "$SOCK" 30 || die "HAProxy did not show both servers UP within 30 s: $("$PY" "$LB/stat.py" show "$SOCK")"

    "$PY" "$LB/stat.py" watch "$SOCK" "$RUN_DIR/stat.jsonl" "$((DURATION + 1))" &
    local stat_pid=$!
    PIDS+=("$stat_pid")
    "$PY" "$LB/client.py" "$FE" "$RUN_DIR/client.json" --rate "$RATE" --duration "$DURATION" --timeout "$TIMEOUT" \
        >"$RUN_DIR/client.log" 2>&1 &
    local client_pid=$!
    PIDS+=("$client_pid")
    event "client started"
    # s1 as HAProxy shows it every 5 ms around the fault: when it left rotation, to the millisecond.
    "$PY" "$LB/stat.py" watch-fast "$SOCK" "$RUN_DIR/fast.jsonl" "$((FAULT_AT + 3))" &
    local fast_pid=$!
    PIDS+=("$fast_pid")
    sleep "$FAULT_AT"
    inject
    local fault=$FAULT_T
    # Both end by themselves: the client after DURATION plus at most TIMEOUT, the watcher after DURATION + 1 s.
    wait "$client_pid" || die "the client failed: $(tail -5 "$RUN_DIR/client.log")"
    wait "$stat_pid" || die "the stats watcher failed"
    wait "$fast_pid" || die "the fast stats watcher failed"
    "$PY" "$LB/stat.py" show "$SOCK" >"$RUN_DIR/stat-end.txt" 2>&1 || true
    "$PY" "$LB/analyze.py" run "$RUN_DIR" "$MODE" "$SCENARIO" "$fault" | tee "$RUN_DIR/summary.txt" >&2

    # Teardown: the Lifeguards (or sidecars) while HAProxy still polls them (their drains overlap), the loops, the
    # backends, HAProxy.
    for i in 1 2; do [ -n "${LG[$i]}" ] && kill -TERM "${LG[$i]}" 2>/dev/null || true; done
    for i in 1 2; do stop_pid "${LG[$i]}" 20; stop_pid "${LOOP[$i]}" 2; done
    stop_backends
    stop_pid "$HAPROXY_PID" 5
    PIDS=()
}

START=$(date +%s)
log "scenarios: $SCENARIOS; modes: $MODES; $DURATION s at $RATE req/s per run, fault at $FAULT_AT s; output: $OUT_DIR"
for scenario in ${SCENARIOS//,/ }; do
    for mode in ${MODES//,/ }; do
        log "run: $scenario / $mode"
        one_run "$scenario" "$mode"
    done
done
TOOK=$(($(date +%s) - START))

{
    echo "## Behind HAProxy: one of two backends breaks, $(date -u +%Y-%m-%d)"
    echo
    echo "$("$HAPROXY" -v | head -1 | cut -d' ' -f1-3), $("$JAVA" -version 2>&1 | head -1), $(nproc) cores;" \
        "$RATE req/s open loop for $DURATION s per run, server 1 breaks at $FAULT_AT s, request timeout $TIMEOUT s;" \
        "errors are answers other than 200 (with resets, closes and timeouts), \"slow\" 200s that took over 1 s;" \
        "\"back\" is the fault to the start of 2 s in which HAProxy shows s1 UP and serving without errors. Took $TOOK s."
    echo
    "$PY" "$LB/analyze.py" table "$OUT_DIR" "$SCENARIOS" "$MODES"
} >"$OUT_DIR/result.md"
echo
cat "$OUT_DIR/result.md"
