#!/usr/bin/env python3
"""Lifeguard with N named tcp:// checks at 1 s against local listeners: CPU per 30 s, probes done per second against
those due, rounds that started late, /q/health/ready's body size, its throughput and p99 under wrk, and RSS. Prints a
Markdown table. Run from the repository root after a build (bench/checks.sh builds first):
    python3 bench/checks.py [N ...]          (default: 1 10 100 500 1000)
Environment: WINDOW (seconds measured, 30), SETTLE (seconds before measuring, 15), JAVA_OPTS (the launcher's flags),
LAUNCHER (another build's target/quarkus-app/lifeguard), LAUNCHERS ("a=path,b=path": several builds, run in turn for
each N, so that a comparison shares the machine's moods), WRK ("-t2 -c32 -d10s": wrk's load on /q/health/ready; "" for
none), WRK_WARMUP ("-t2 -c32 -d3s": wrk's run before, not measured, while the JIT compiles the path), READERS (16:
clients reading /lifeguard/status in a loop during a second readiness load; 0 for none). Targets 127.0.0.1 only; every process it starts is stopped by PID at the end."""
import os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

WINDOW = float(os.environ.get("WINDOW", "30"))
SETTLE = float(os.environ.get("SETTLE", "15"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.environ.get("LAUNCHER", os.path.join(ROOT, "target", "quarkus-app", "lifeguard"))
LAUNCHERS = [tuple(pair.split("=", 1)) for pair in os.environ.get("LAUNCHERS", "").split(",") if pair] or [("", LAUNCHER)]
WRK = os.environ.get("WRK", "-t2 -c32 -d10s").split()
WRK_WARMUP = os.environ.get("WRK_WARMUP", "-t2 -c32 -d3s").split()
READERS = int(os.environ.get("READERS", "16"))
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def metric_sum(port, name):
    """The sum of a metric's series, or None when this build has no such metric."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/q/metrics", timeout=10).read().decode()
    values = [float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith(name + "{") or l.startswith(name + " ")]
    return sum(values) if values else None


def probes_done(port):
    return metric_sum(port, "lifeguard_probe_duration_seconds_count")


def load_readiness(port, readers=0):
    """wrk's requests per second and p99 on /q/health/ready, or None without wrk; with readers, that many clients read
    /lifeguard/status in a loop meanwhile (as an operator's dashboards, or an attacker, may)."""
    if not WRK or shutil.which("wrk") is None:
        return None
    if readers:
        duration = next((a for a in WRK if a.startswith("-d")), "-d10s")
        status = subprocess.Popen(["wrk", "-t1", f"-c{readers}", duration, f"http://127.0.0.1:{port}/lifeguard/status"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            return load_readiness(port)
        finally:
            status.wait(60)
    if WRK_WARMUP:
        subprocess.run(["wrk", *WRK_WARMUP, f"http://127.0.0.1:{port}/q/health/ready"], capture_output=True, timeout=120)
    out = subprocess.run(["wrk", *WRK, "--latency", f"http://127.0.0.1:{port}/q/health/ready"], capture_output=True, text=True,
                         timeout=120).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not rate or not p99:
        return None
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return float(rate.group(1)), float(p99.group(1)) * scale


def run(n, launcher):
    listeners = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1024)
        listeners.append(s)
    upstream = listeners[0].getsockname()[1]
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "config"))
        with open(os.path.join(work, "config", "application.properties"), "w") as f:
            f.write(f"quarkus.http.port={port}\nquarkus.http.host=127.0.0.1\n")
            f.write(f"lifeguard.upstream.url=tcp://127.0.0.1:{upstream}\nlifeguard.upstream.interval=1s\n")
            for i, s in enumerate(listeners[1:]):
                f.write(f"lifeguard.checks.c{i}.url=tcp://127.0.0.1:{s.getsockname()[1]}\nlifeguard.checks.c{i}.interval=1s\n")
        env = dict(os.environ)
        log = open(os.path.join(work, "lifeguard.log"), "w")
        agent = subprocess.Popen([launcher], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/live", timeout=2)
                    break
                except Exception:
                    if time.time() > deadline or agent.poll() is not None:
                        raise SystemExit(f"Lifeguard with {n} checks did not start: see {log.name}")
                    time.sleep(0.2)
            # Accept what the probes connect, so that no backlog fills.
            for s in listeners:
                s.setblocking(False)
            end_settle = time.time() + SETTLE
            while time.time() < end_settle:
                drain(listeners)
                time.sleep(0.05)
            cpu0, probes0, t0 = cpu_seconds(agent.pid), probes_done(port), time.time()
            late0 = metric_sum(port, "lifeguard_probe_rounds_late_total")
            end = t0 + WINDOW
            while time.time() < end:
                drain(listeners)
                time.sleep(0.05)
            cpu1, probes1, t1 = cpu_seconds(agent.pid), probes_done(port), time.time()
            late1 = metric_sum(port, "lifeguard_probe_rounds_late_total")
            rss = rss_mib(agent.pid)
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=10).read()
            except urllib.error.HTTPError as e:
                body = e.read()  # 503: a check not ready; the body is what is measured
            done = (probes1 - probes0) / (t1 - t0)
            cpu = (cpu1 - cpu0) / (t1 - t0) * 30
            per_probe = (cpu1 - cpu0) / max(1, probes1 - probes0) * 1000
            late = None if late0 is None else late1 - late0
            # wrk's load comes after the CPU window; the listeners' backlogs hold the probes of its 10 s.
            load = load_readiness(port)
            besieged = load_readiness(port, READERS) if READERS else None
            return cpu, done, late, per_probe, len(body), load, besieged, rss
        finally:
            agent.terminate()
            try:
                agent.wait(15)
            except subprocess.TimeoutExpired:
                agent.kill()
            for s in listeners:
                s.close()


def drain(listeners):
    for s in listeners:
        try:
            while True:
                c, _ = s.accept()
                c.close()
        except (BlockingIOError, OSError):
            pass


def main():
    counts = [int(a) for a in sys.argv[1:]] or [1, 10, 100, 500, 1000]
    named = LAUNCHERS[0][0] != ""
    print(("| build " if named else "") + "| checks | CPU per 30 s | probes/s done (due) | late rounds | CPU per probe | ready body "
          f"| ready req/s | ready p99 | ready p99, {READERS} reading status | RSS | RSS per check |")
    print(("|---" if named else "") + "|---|---|---|---|---|---|---|---|---|---|---|")
    first_rss = {}
    for n in counts:
        for name, launcher in LAUNCHERS:
            cpu, done, late, per_probe, body, load, besieged, rss = run(n, launcher)
            base = first_rss.setdefault(name, (n, rss))
            per_check = f"{(rss - base[1]) * 1024 / (n - base[0]):.0f} KiB" if n > base[0] else ""
            rate = f"{load[0] / 1000:.1f} k | {load[1]:.2f} ms" if load else "| "
            rate += f" | {besieged[1]:.2f} ms" if besieged else " | "
            print((f"| {name} " if named else "") + f"| {n} | {cpu:.2f} s | {done:.0f} ({n}) | {'n/a' if late is None else f'{late:.0f}'} "
                  f"| {per_probe * 1000:.0f} µs | {body / 1024:.1f} KiB | {rate} | {rss:.0f} MiB | {per_check} |", flush=True)


if __name__ == "__main__":
    main()
