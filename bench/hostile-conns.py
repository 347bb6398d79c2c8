#!/usr/bin/env python3
"""Lifeguard's own port under hostile connections (slowloris): /q/health/ready latency seen by a well-behaved client
(a fresh connection per request, as the kubelet and HAProxy's checks make) while an attacker attempts ATTEMPTS
connections that send their request head one byte at a time and never finish it. Compares, alternated in one run,
"before" (main's settings: no head deadline, no connection cap, Quarkus's 30 min idle timeout, through -D options) and
"after" (the defaults). Prints a Markdown table. Run from the repository root after a build:
    python3 bench/hostile-conns.py
Environment: ROUNDS (pairs of runs, 2), ATTEMPTS (20000), RATE (attempts per second, 2000), ATTACK (seconds the
attacker runs, 20), TRICKLE (seconds between two bytes of one connection, 1), POLL (seconds between readiness requests,
0.01), JAVA_OPTS (the launcher's flags), OUT_DIR (where the agents' logs go, bench/out/hostile-<time>).
Targets 127.0.0.1 only; every process it starts is stopped by PID at the end; the attacker stops by itself."""
import json, os, resource, selectors, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.path.join(ROOT, "target", "quarkus-app")
HEAD = b"GET /q/health/live HTTP/1.1\r\nHost: lifeguard\r\nUser-Agent: slowloris\r\n\r\n"
VARIANTS = {
    "before": ["-Dlifeguard.http.head-timeout=0s", "-Dquarkus.http.limits.max-connections=", "-Dquarkus.http.idle-timeout=30M"],
    "after": [],
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def attacker(port, attempts, rate, duration, trickle):
    """Opens up to `attempts` connections at `rate` a second, sends each one byte of HEAD every `trickle` seconds (never
    the last), stops after `duration` seconds and closes what is left. Prints one JSON line of counts."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    stats = {"start": time.time(), "attempted": 0, "connected": 0, "failed": 0, "closed_by_server": 0, "max_open": 0}
    open_socks = {}  # socket -> bytes sent
    next_trickle = start + trickle
    while True:
        now = time.monotonic()
        if now - start >= duration:
            break
        due = min(attempts, int((now - start) * rate) + 1)
        while stats["attempted"] < due:
            stats["attempted"] += 1
            try:
                s = socket.socket()
            except OSError:  # the attacker's own open-file limit: it holds as many as it can
                stats["attacker_out_of_files"] = stats.get("attacker_out_of_files", 0) + 1
                continue
            s.setblocking(False)
            try:
                err = s.connect_ex(("127.0.0.1", port))
            except OSError:
                err = -1
            if err not in (0, 115):  # EINPROGRESS
                stats["failed"] += 1
                s.close()
                continue
            sel.register(s, selectors.EVENT_WRITE, "connecting")
        if now >= next_trickle:
            next_trickle = now + trickle
            for s, sent in list(open_socks.items()):
                if sent < len(HEAD) - 1:
                    try:
                        s.send(HEAD[sent:sent + 1])
                        open_socks[s] = sent + 1
                    except OSError:
                        pass
        for key, events in sel.select(timeout=0.01):
            s = key.fileobj
            if key.data == "connecting":
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                    stats["failed"] += 1
                    sel.unregister(s)
                    s.close()
                    continue
                stats["connected"] += 1
                try:
                    s.send(HEAD[:1])
                except OSError:
                    pass
                open_socks[s] = 1
                sel.modify(s, selectors.EVENT_READ, "open")
                stats["max_open"] = max(stats["max_open"], len(open_socks))
            else:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    stats["closed_by_server"] += 1
                    sel.unregister(s)
                    open_socks.pop(s, None)
                    s.close()
    stats["open_at_end"] = len(open_socks)
    for s in list(open_socks):
        s.close()
    stats["end"] = time.time()
    print(json.dumps(stats), flush=True)


def client(port, duration, poll):
    """GET /q/health/ready on a fresh connection every `poll` seconds for `duration` seconds; prints one JSON line per
    request: wall time, milliseconds, and the status or the error."""
    end = time.monotonic() + duration
    while time.monotonic() < end:
        t0 = time.perf_counter()
        wall = time.time()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.settimeout(2)
                s.sendall(b"GET /q/health/ready HTTP/1.1\r\nHost: lifeguard\r\nConnection: close\r\n\r\n")
                answer = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            status = answer[9:12].decode() if answer.startswith(b"HTTP/1.1 ") else "empty"
        except OSError as e:
            status = type(e).__name__
        ms = (time.perf_counter() - t0) * 1000
        print(json.dumps([wall, ms, status]), flush=True)
        time.sleep(max(0.0, poll - (time.perf_counter() - t0)))


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def run(variant, n, upstream, out_dir, env):
    port = free_port()
    log_path = os.path.join(out_dir, f"agent-{variant}-{n}.log")
    with open(log_path, "w") as log:
        agent = subprocess.Popen([os.path.join(APP, "lifeguard"), f"-Dquarkus.http.port={port}", "-Dquarkus.http.host=127.0.0.1",
                                  f"-Dlifeguard.upstream.url=http://127.0.0.1:{upstream}/"] + VARIANTS[variant],
                                 cwd=APP, env=env, stdout=log, stderr=subprocess.STDOUT)
    procs = [agent]
    try:
        deadline = time.time() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"GET /q/health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(12).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                pass
            if time.time() > deadline or agent.poll() is not None:
                raise SystemExit(f"Lifeguard ({variant}) did not become ready: see {log_path}")
            time.sleep(0.1)
        time.sleep(1)
        me = [sys.executable, os.path.abspath(__file__)]
        quiet, attack = 2.0, float(os.environ.get("ATTACK", "20"))
        tail = 5.0
        cli = subprocess.Popen(me + ["client", str(port), str(quiet + attack + tail), os.environ.get("POLL", "0.01")],
                               stdout=subprocess.PIPE, text=True)
        procs.append(cli)
        time.sleep(quiet)
        atk = subprocess.Popen(me + ["attacker", str(port), os.environ.get("ATTEMPTS", "20000"), os.environ.get("RATE", "2000"),
                                     str(attack), os.environ.get("TRICKLE", "1")], stdout=subprocess.PIPE, text=True)
        procs.append(atk)
        max_fds = 0
        while atk.poll() is None:
            max_fds = max(max_fds, fds(agent.pid))
            time.sleep(0.25)
        stats = json.loads(atk.stdout.read().strip().splitlines()[-1])
        samples = [json.loads(line) for line in cli.communicate(timeout=quiet + attack + tail + 30)[0].splitlines() if line.strip()]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
    during = [s for s in samples if stats["start"] <= s[0] <= stats["end"]]
    after = [s for s in samples if s[0] > stats["end"]]
    ok = [s[1] for s in during if s[2] == "200"]
    errors = {}
    for s in during:
        if s[2] != "200":
            errors[s[2]] = errors.get(s[2], 0) + 1
    recovered = next((s[0] - stats["end"] for s in after if s[2] == "200"), None)
    lines = sum(1 for _ in open(log_path))
    return {"variant": variant, "run": n, "requests": len(during), "ok": ok, "errors": errors, "stats": stats, "max_fds": max_fds,
            "after_ok": sum(1 for s in after if s[2] == "200"), "after": len(after), "recovered": recovered, "log_lines": lines}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "attacker":
        attacker(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "client":
        client(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
        return
    if not os.access(os.path.join(APP, "lifeguard"), os.X_OK):
        raise SystemExit("build first: mvn -B -q package -DskipTests")
    rounds = int(os.environ.get("ROUNDS", "2"))
    out_dir = os.environ.get("OUT_DIR", os.path.join(ROOT, "bench", "out", "hostile-" + time.strftime("%Y%m%d-%H%M%S")))
    os.makedirs(out_dir, exist_ok=True)
    env = dict(os.environ)
    upstream_port = free_port()
    with tempfile.TemporaryDirectory() as www:
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write("ok\n")
        upstream = subprocess.Popen([sys.executable, "-m", "http.server", str(upstream_port), "--bind", "127.0.0.1"], cwd=www,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = []
        try:
            for n in range(1, rounds + 1):
                order = ["before", "after"] if n % 2 else ["after", "before"]
                for variant in order:
                    r = run(variant, n, upstream_port, out_dir, env)
                    results.append(r)
                    print(f"[bench] {variant} run {n}: {len(r['ok'])}/{r['requests']} ok, p99 {pct(r['ok'], 99):.2f} ms, errors {r['errors']}, "
                          f"attacker {r['stats']}, agent fds max {r['max_fds']}", file=sys.stderr, flush=True)
        finally:
            upstream.terminate()
            upstream.wait(10)
    a = results[0]["stats"]
    print(f"## Hostile connections: {os.environ.get('ATTEMPTS', '20000')} slowloris attempts at {os.environ.get('RATE', '2000')}/s for "
          f"{os.environ.get('ATTACK', '20')} s, one byte every {os.environ.get('TRICKLE', '1')} s; readiness on a fresh connection every "
          f"{float(os.environ.get('POLL', '0.01')) * 1000:.0f} ms\n")
    print(f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; nproc: {os.cpu_count()}; agent fd limit: {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}; "
          f"output: {os.path.relpath(out_dir, ROOT)}\n")
    print("| variant | run | readiness during the attack: answered / sent | p50 | p99 | max | errors | answered after it (first 200) "
          "| attacker: connected / failed / closed by Lifeguard / most open at once (not tried: its own file limit) | Lifeguard's open files, most | log lines |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r["stats"]
        skipped = f" ({s['attacker_out_of_files']})" if s.get("attacker_out_of_files") else ""
        rec = f"{r['after_ok']}/{r['after']} ({r['recovered'] * 1000:.0f} ms)" if r["recovered"] is not None else f"{r['after_ok']}/{r['after']}"
        print(f"| {r['variant']} | {r['run']} | {len(r['ok'])} / {r['requests']} | {pct(r['ok'], 50):.2f} ms | {pct(r['ok'], 99):.2f} ms "
              f"| {max(r['ok']) if r['ok'] else float('nan'):.2f} ms | {', '.join(f'{k} {v}' for k, v in sorted(r['errors'].items())) or 0} | {rec} "
              f"| {s['connected']} / {s['failed']} / {s['closed_by_server']} / {s['max_open']}{skipped} | {r['max_fds']} | {r['log_lines']} |")
    for variant in VARIANTS:
        ok = [x for r in results if r["variant"] == variant for x in r["ok"]]
        sent = sum(r["requests"] for r in results if r["variant"] == variant)
        print(f"\n{variant}, all runs: {len(ok)} / {sent} answered 200, p50 {pct(ok, 50):.2f} ms, p99 {pct(ok, 99):.2f} ms, "
              f"max {max(ok) if ok else float('nan'):.2f} ms (target: p99 < 10 ms, no errors)", end="")
    print()


if __name__ == "__main__":
    main()
