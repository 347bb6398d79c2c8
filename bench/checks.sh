#!/usr/bin/env bash
# Lifeguard's cost by the number of checks: builds (unless SKIP_BUILD=1), then prints bench/checks.py's table for 1, 10,
# 100, 500 and 1,000 tcp:// checks at 1 s (or the counts given). Every variable of bench/checks.py applies, e.g.
#   SKIP_BUILD=1 LAUNCHERS="A=../other/target/quarkus-app/lifeguard,B=target/quarkus-app/lifeguard" bash bench/checks.sh 1000
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -B -q package -DskipTests ${MVN_ARGS:-}
fi
if ! command -v wrk >/dev/null && [[ $(id -u) == 0 ]]; then
    apt-get install -y -q wrk >/dev/null || echo "wrk is not installed: the readiness columns stay empty" >&2
fi
exec python3 bench/checks.py "$@"
