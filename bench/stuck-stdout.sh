#!/usr/bin/env bash
# Stuck stdout benchmark: Lifeguard wrapping a service whose output floods a stdout nobody reads (a stuck log
# collector), with console logging synchronous (A) and asynchronous (B, the default), alternated. While stuck, the
# upstream turns unhealthy and healthy again; /q/health/ready is asked REQUESTS times in each state, and polled until
# it says 200 again.
#
# Run from the repository root:   bash bench/stuck-stdout.sh     (SKIP_BUILD=1 reuses target/)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
JAVA=${JAVA:-java}
ROUNDS=${ROUNDS:-2}                  # rounds per variant, alternated A B A B
REQUESTS=${REQUESTS:-20}             # readiness requests per upstream state
CURL_TIMEOUT=${CURL_TIMEOUT:-1}      # seconds: a request not answered by then counts as hung
READY_TIMEOUT=${READY_TIMEOUT:-15}   # seconds for readiness to say 200 again once the upstream recovered
SKIP_BUILD=${SKIP_BUILD:-0}
OUT_DIR=${OUT_DIR:-$ROOT/bench/out/stuck-stdout-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT_DIR"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
if [ "$SKIP_BUILD" != 1 ]; then
    log "building"
    mvn -B -q -o package -DskipTests >"$OUT_DIR/build.log" 2>&1
fi
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# One round: prints "answered hung median_ms max_ms seconds_to_ready" (the last "never" past READY_TIMEOUT).
round() {
    local async=$1 dir upstream admin agent holder i code t answered=0 hung=0 times=() back=never start
    dir=$(mktemp -d "$OUT_DIR/round.XXXX")
    upstream=$(free_port); admin=$(free_port)
    mkfifo "$dir/stdout"
    # The reader that never reads: it holds the FIFO open so that writes block instead of failing.
    sleep 600 <"$dir/stdout" &
    holder=$!
    "$ROOT/target/quarkus-app/lifeguard" -Dquarkus.http.port="$admin" -Dquarkus.log.console.async.enabled="$async" \
        -Dlifeguard.upstream.url="http://127.0.0.1:$upstream/health" -Dlifeguard.upstream.interval=250ms \
        -Dlifeguard.upstream.timeout=250ms -Dlifeguard.restart.hang-after=10m -- \
        sh -c "\"\$@\" & while [ ! -e '$dir/go' ]; do sleep 0.1; done; while :; do echo 'flood ................................................................'; done" \
        sh "$JAVA" -Xmx32m -cp "$ROOT/target/test-classes" dev.lifeguard.testing.TestUpstream "$upstream" >"$dir/stdout" 2>"$dir/stderr" &
    agent=$!
    for i in $(seq 1 300); do
        [ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin/q/health/ready")" = 200 ] && break
        sleep 0.1
    done
    touch "$dir/go"
    sleep 2   # the FIFO, the pump's buffer and the pipe fill within this
    ask() {
        for i in $(seq 1 "$REQUESTS"); do
            read -r code t < <(curl -s -m "$CURL_TIMEOUT" -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$admin/q/health/ready" || true)
            if [ "$code" = 000 ]; then hung=$((hung + 1)); else answered=$((answered + 1)); times+=("$t"); fi
        done
    }
    curl -s -o /dev/null "http://127.0.0.1:$upstream/status?code=500"
    sleep 2
    ask
    curl -s -o /dev/null "http://127.0.0.1:$upstream/status?code=200"
    start=$(date +%s%N)
    while [ $(( ($(date +%s%N) - start) / 1000000000 )) -lt "$READY_TIMEOUT" ]; do
        if [ "$(curl -s -m "$CURL_TIMEOUT" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin/q/health/ready")" = 200 ]; then
            back=$(awk -v n=$(( $(date +%s%N) - start )) 'BEGIN {printf "%.1f", n / 1e9}')
            break
        fi
        sleep 0.1
    done
    ask
    curl -s -m "$CURL_TIMEOUT" -o "$dir/status.json" "http://127.0.0.1:$admin/lifeguard/status" || true
    kill "$agent" 2>/dev/null || true
    cat "$dir/stdout" >/dev/null &   # let it write its last lines and end
    wait "$agent" 2>/dev/null || true
    kill "$holder" 2>/dev/null || true
    wait "$holder" 2>/dev/null || true
    printf '%s\n' "${times[@]:-0}" | sort -n | awk -v a="$answered" -v h="$hung" -v b="$back" \
        '{v[NR]=$1} END {printf "%d %d %.1f %.1f %s\n", a, h, v[int((NR+1)/2)]*1000, v[NR]*1000, b}'
}

rows=()
for r in $(seq 1 "$ROUNDS"); do
    for variant in A B; do
        async=false; [ "$variant" = B ] && async=true
        log "round $r, $variant (async=$async)"
        rows+=("$variant $async $r $(round "$async")")
    done
done

{
    echo "| variant | console async | round | answered | hung (> ${CURL_TIMEOUT}s) | median ms | max ms | s to ready after the upstream recovered |"
    echo "|---|---|---|---|---|---|---|---|"
    for row in "${rows[@]}"; do
        set -- $row
        echo "| $1 | $2 | $3 | $4 / $((2 * REQUESTS)) | $5 | $6 | $7 | $8 |"
    done
} | tee "$OUT_DIR/result.md"
