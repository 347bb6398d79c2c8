#!/usr/bin/env python3
"""Lifeguard with N named tcp:// checks at 1 s against local listeners: CPU per 30 s, probes done per second against
those due, and /q/health/ready's body size. Prints a Markdown table. Run from the repository root after a build:
    python3 bench/checks.py [N ...]          (default: 1 10 100 500 1000)
Environment: WINDOW (seconds measured, 30), SETTLE (seconds before measuring, 15), JAVA_OPTS (the launcher's flags),
LAUNCHER (another build's target/quarkus-app/lifeguard, to compare two builds side by side).
Targets 127.0.0.1 only; every process it starts is stopped by PID at the end."""
import os, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

WINDOW = float(os.environ.get("WINDOW", "30"))
SETTLE = float(os.environ.get("SETTLE", "15"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.environ.get("LAUNCHER", os.path.join(ROOT, "target", "quarkus-app", "lifeguard"))
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


def probes_done(port):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/q/metrics", timeout=10).read().decode()
    return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith("lifeguard_probe_duration_seconds_count"))


def run(n):
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
        agent = subprocess.Popen([LAUNCHER], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
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
            end = t0 + WINDOW
            while time.time() < end:
                drain(listeners)
                time.sleep(0.05)
            cpu1, probes1, t1 = cpu_seconds(agent.pid), probes_done(port), time.time()
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/q/health/ready", timeout=10).read()
            except urllib.error.HTTPError as e:
                body = e.read()  # 503: a check not ready; the body is what is measured
            done = (probes1 - probes0) / (t1 - t0)
            cpu = (cpu1 - cpu0) / (t1 - t0) * 30
            per_probe = (cpu1 - cpu0) / max(1, probes1 - probes0) * 1000
            return n, cpu, done, n, per_probe, len(body), rss_mib(agent.pid)
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
    print(f"| checks | CPU per 30 s | probes/s done (due) | CPU per probe | ready body | RSS |")
    print(f"|---|---|---|---|---|---|")
    for n in counts:
        n, cpu, done, due, per_probe, body, rss = run(n)
        print(f"| {n} | {cpu:.2f} s | {done:.0f} ({due}) | {per_probe:.2f} ms | {body / 1024:.1f} KiB | {rss:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
