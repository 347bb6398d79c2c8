#!/usr/bin/env bash
# Supervision benchmark for Lifeguard's wrap mode: how fast a crash turns readiness DOWN, how fast a hang is
# judged, how long from a kill until the new child answers, and what forwarding the child's output costs it.
#
# Run from the repository root:   bash bench/supervise.sh        (see bench/README.md)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx64m -Xms16m -Xss512k -XX:TieredStopAtLevel=1}
RUNS=${RUNS:-5}                       # crashes and kills measured
SKIP_BUILD=${SKIP_BUILD:-0}
FLOOD_BYTES=${FLOOD_BYTES:-1000000000} # what the child writes in the forwarding test: 1 GB, as 100 MB takes ~0.1 s
                                       # and measures the scheduler more than the copy
FLOOD_RUNS=${FLOOD_RUNS:-15}
FLOOD_DELAY=${FLOOD_DELAY:-2}          # seconds the child waits before writing, so that Lifeguard has settled
HANG_AFTER=${HANG_AFTER:-10s}         # lifeguard.restart.hang-after (the default)
INTERVAL=${INTERVAL:-1s}              # lifeguard.upstream.interval (the default)
BACKOFF=${BACKOFF:-1s}                # lifeguard.restart.backoff (the default), held there by backoff-max

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_us() { echo $(($(date +%s%N) / 1000)); }
have() { command -v "$1" >/dev/null 2>&1; }
have python3 || die "python3 is required"
have curl || die "curl is required"
PY=$(python3 -c 'import sys; print(sys.executable)')
# Lifeguard runs through its launcher, which runs $JAVA_HOME/bin/java: the JDK that JAVA belongs to, with JAVA_OPTS.
# env and the launcher both exec, so a PID taken with $! is the JVM's.
AGENT_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
[ -x "$AGENT_JAVA_HOME/bin/java" ] || die "cannot find the JDK of JAVA=$JAVA"
AGENT_ENV=(JAVA_HOME="$AGENT_JAVA_HOME" JAVA_OPTS="$JAVA_OPTS" JAVA_OPTS_APPEND=)

AGENT_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeguard-bench.XXXXXX")
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
        kill -TERM "$AGENT_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$AGENT_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
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
LAUNCHER=$ROOT/target/quarkus-app/lifeguard
[ -x "$LAUNCHER" ] || die "build first (target/quarkus-app)"

# The wrapped service: a small Python HTTP server whose /crash prints the time and exits at once (os._exit), so the
# measured delay is Lifeguard's, not a runtime's slow exit.
cat >"$WORK/upstream.py" <<'PYEOF'
import http.server, os, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/crash"):
            print(f"exit-at-epoch-micros={time.time_ns() // 1000}", file=sys.stderr, flush=True)
            os._exit(3)
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PYEOF

# Starts Lifeguard wrapping that service on UP_PORT, with a fixed back-off so that every restart is alike.
start_agent() {
    AGENT_PORT=$(free_port)
    UP_PORT=$(free_port)
    AGENT_LOG=$WORK/agent.log
    env "${AGENT_ENV[@]}" "$LAUNCHER" -Dquarkus.http.port="$AGENT_PORT" \
        -Dlifeguard.upstream.url="http://127.0.0.1:$UP_PORT/health" -Dlifeguard.upstream.interval="$INTERVAL" \
        -Dlifeguard.upstream.timeout="$INTERVAL" -Dlifeguard.restart.hang-after="$HANG_AFTER" \
        -Dlifeguard.restart.backoff="$BACKOFF" -Dlifeguard.restart.backoff-max="$BACKOFF" \
        -Dlifeguard.restart.max-restarts=1000 -- "$PY" "$WORK/upstream.py" "$UP_PORT" >"$AGENT_LOG" 2>&1 &
    AGENT_PID=$!
    wait_ready
}

status() { curl -s --max-time 2 "http://127.0.0.1:$AGENT_PORT/lifeguard/status"; }

wait_ready() {
    local deadline=$(($(date +%s) + 60))
    until [ "$(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$AGENT_PORT/q/health/ready")" = 200 ]; do
        kill -0 "$AGENT_PID" 2>/dev/null || die "Lifeguard exited: $(tail -5 "$AGENT_LOG")"
        [ "$(date +%s)" -lt "$deadline" ] || die "not ready within 60 s"
        sleep 0.05
    done
}

# Epoch microseconds of the n-th (1-based) transition of the upstream to a state.
transition_us() {
    status | "$PY" -c '
import sys, json, datetime
to, n = sys.argv[1], int(sys.argv[2])
ts = [t["at"] for t in json.load(sys.stdin)["transitions"] if t["check"] == "upstream" and t["to"] == to]
if len(ts) < n: sys.exit(1)
s = ts[n - 1].rstrip("Z"); main, frac = (s.split(".") + ["0"])[:2]
d = datetime.datetime.fromisoformat(main).replace(tzinfo=datetime.timezone.utc)
print(int(d.timestamp()) * 1000000 + int((frac + "000000")[:6]))' "$1" "$2"
}

wait_transition() {
    local to=$1 n=$2 deadline=$(($(date +%s) + 60)) t
    until t=$(transition_us "$to" "$n"); do
        [ "$(date +%s)" -lt "$deadline" ] || die "no transition #$n to $to within 60 s"
        sleep 0.05
    done
    echo "$t"
}

child_pid() { status | "$PY" -c 'import sys, json; print(json.load(sys.stdin)["supervisor"]["pid"])'; }

stats() { "$PY" -c '
import sys, statistics
v = sorted(float(x) for x in sys.argv[1:])
print(f"{statistics.median(v):.1f} ms (min {v[0]:.1f}, max {v[-1]:.1f}, n={len(v)})")' "$@"; }

if [ "${FORWARD_ONLY:-0}" != 1 ]; then
# ---- 1 and 3: crash detection, and kill to new child answering ---------------------------------------------------
log "crash detection and restart: $RUNS crashes, $RUNS SIGKILLs"
start_agent
CRASH=() RESTART=() DOWN_N=0 UP_N=1
for i in $(seq 1 "$RUNS"); do
    curl -s --max-time 2 "http://127.0.0.1:$UP_PORT/crash?code=3" >/dev/null || true
    DOWN_N=$((DOWN_N + 1))
    down=$(wait_transition not_ready "$DOWN_N")
    exit_us=$(grep -o 'exit-at-epoch-micros=[0-9]*' "$AGENT_LOG" | sed -n "${i}p" | cut -d= -f2)
    [ -n "$exit_us" ] || die "the child's exit time is missing from the log"
    CRASH+=("$(echo "scale=1; ($down - $exit_us) / 1000" | bc)")
    UP_N=$((UP_N + 1))
    wait_transition ready "$UP_N" >/dev/null
done
for i in $(seq 1 "$RUNS"); do
    pid=$(child_pid)
    t0=$(now_us)
    kill -KILL "$pid"
    DOWN_N=$((DOWN_N + 1))
    wait_transition not_ready "$DOWN_N" >/dev/null
    UP_N=$((UP_N + 1))
    up=$(wait_transition ready "$UP_N")
    RESTART+=("$(echo "scale=1; ($up - $t0) / 1000" | bc)")
done

# ---- 2: hang detection ---------------------------------------------------------------------------------------------
log "hang detection: SIGSTOP the child, hang-after $HANG_AFTER, interval $INTERVAL (2 runs)"
HANG=()
for i in 1 2; do
    pid=$(child_pid)
    t0=$(now_us)
    kill -STOP "$pid"
    deadline=$(($(date +%s) + 120))
    until grep -q "\[hung\] process $pid " "$AGENT_LOG"; do
        [ "$(date +%s)" -lt "$deadline" ] || die "no hang verdict within 120 s"
        sleep 0.02
    done
    t1=$(now_us)
    HANG+=("$(echo "scale=1; ($t1 - $t0) / 1000" | bc)")
    UP_N=$((UP_N + 1))
    wait_transition ready "$UP_N" >/dev/null
done
kill -TERM "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=
fi

# ---- 4: output forwarding ------------------------------------------------------------------------------------------
# The child times its own writing: through a pipe to cat > /dev/null, then through Lifeguard with its stdout on
# /dev/null; a last run into a file counts the lines.
FLOOD="sleep $FLOOD_DELAY; start=\$(date +%s%N); yes 'lifeguard log line: the quick brown fox jumps over the lazy dog 0123456789' | head -c $FLOOD_BYTES; echo; echo \"write-ms=\$(((\$(date +%s%N) - start) / 1000000))\" >&2"
log "forwarding: the child writes $FLOOD_BYTES bytes, 2 s after its start ($FLOOD_RUNS runs each way, interleaved)"
BASE=() VIA=()
# The upstream check points at Lifeguard's own port: a healthy service that logs heavily is the case measured (an
# upstream that is not ready yet is probed every 100 ms after a start, which costs a little CPU of its own).
through_lifeguard() {
    local port
    port=$(free_port)
    env "${AGENT_ENV[@]}" "$LAUNCHER" -Dquarkus.http.port="$port" -Dlifeguard.upstream.url="tcp://127.0.0.1:$port" \
        -Dlifeguard.restart.policy=never -- sh -c "$FLOOD" 2>"$WORK/flood.err" || true
}
for i in $(seq 1 "$FLOOD_RUNS"); do
    sh -c "$FLOOD" 2>"$WORK/base.err" | cat >/dev/null
    BASE+=("$(grep -o 'write-ms=[0-9]*' "$WORK/base.err" | cut -d= -f2)")
    through_lifeguard >/dev/null
    VIA+=("$(grep -o 'write-ms=[0-9]*' "$WORK/flood.err" | cut -d= -f2)")
done
# Wholeness: once more into a file, counting the child's lines among Lifeguard's own.
through_lifeguard >"$WORK/flood.out"
BYTES=$(grep -c '^lifeguard log line' "$WORK/flood.out" || true)
EXPECTED_LINES=$(sh -c "yes 'lifeguard log line: the quick brown fox jumps over the lazy dog 0123456789' | head -c $FLOOD_BYTES" | grep -c '^lifeguard log line')
med() { "$PY" -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
BASE_MS=$(med "${BASE[@]}")
VIA_MS=$(med "${VIA[@]}")
OVERHEAD=$("$PY" -c "print(f'{($VIA_MS - $BASE_MS) / $BASE_MS * 100:+.1f} %')")

cat <<EOF

## Lifeguard supervision benchmark, $(date -u +%Y-%m-%d)

$("$JAVA" -version 2>&1 | head -1), JAVA_OPTS=\`$JAVA_OPTS\`, $(nproc) cores

| metric | value | target |
|---|---|---|
| crash: child's exit to readiness DOWN (median of $RUNS) | $(stats "${CRASH[@]}") | < 100 ms |
| SIGKILL to the new child answering (back-off $BACKOFF; median of $RUNS) | $(stats "${RESTART[@]}") | |
| hang: SIGSTOP to the hang verdict (hang-after $HANG_AFTER, interval $INTERVAL) | $(stats "${HANG[@]}") | hang-after + at most one interval |
| child writing $FLOOD_BYTES bytes through a pipe to \`cat > /dev/null\` (median of $FLOOD_RUNS; all: ${BASE[*]}) | ${BASE_MS} ms | |
| the same through Lifeguard, its stdout to /dev/null (median of $FLOOD_RUNS; all: ${VIA[*]}) | ${VIA_MS} ms | |
| forwarding overhead | $OVERHEAD | < 10 % |
| lines forwarded / written (last run) | $BYTES / $EXPECTED_LINES | all |
EOF
