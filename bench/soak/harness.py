#!/usr/bin/env python3
"""The measuring half of bench/soak.sh: polls a running Lifeguard as a load balancer and an operator would, samples
its process every SAMPLE seconds, then writes the report (Markdown) and a plot (SVG). Standard library only.

    harness.py run    --pid PID --port PORT --log AGENT_LOG --out DIR --duration S --sample S --warmup S
                      [--ready-every S] [--status-every S] [--jcmd PATH]
    harness.py report --out DIR --warmup S [--history N]     (again from DIR/samples.csv)

It starts and stops no process but `jcmd` (GC.run, then GC.heap_info, in one call per sample). Each full GC it asks
for is also what makes "heap after GC" the live set.
"""
import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")
FIELDS = ["t", "rss_kib", "heap_kib", "meta_kib", "fds", "threads", "log_lines", "restarts", "status_bytes",
          "cpu_s", "ready_200", "ready_503", "ready_err", "status_err"]


def log(msg):
    print(f"[soak {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def get(url, timeout=5):
    """(status, body); status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


class Pollers:
    """A load balancer polling /q/health/ready and an operator reading /lifeguard/status, each on its own thread."""

    def __init__(self, base, ready_every, status_every):
        self.base, self.ready_every, self.status_every = base, ready_every, status_every
        self.counts = {"ready_200": 0, "ready_503": 0, "ready_err": 0, "status_err": 0, "status_ok": 0}
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def count(self, key):
        with self.lock:
            self.counts[key] += 1

    def ready_loop(self):
        while not self.stop.wait(self.ready_every):
            code, _ = get(self.base + "/q/health/ready", timeout=2)
            self.count("ready_200" if code == 200 else "ready_503" if code == 503 else "ready_err")

    def status_loop(self):
        while not self.stop.wait(self.status_every):
            code, body = get(self.base + "/lifeguard/status")
            ok = code == 200 and json.loads(body) is not None
            self.count("status_ok" if ok else "status_err")

    def start(self):
        for f in (self.ready_loop, self.status_loop):
            threading.Thread(target=f, daemon=True).start()

    def snapshot(self):
        with self.lock:
            return dict(self.counts)


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return int(out["VmRSS"][0]), int(out["Threads"][0])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def heap_after_gc(jcmd, pid, cmdfile):
    """(heap used KiB, metaspace used KiB) right after a full GC; any collector (the 'total …K, used …K' lines)."""
    out = subprocess.run([jcmd, str(pid), "-f", cmdfile], capture_output=True, text=True, timeout=60).stdout
    heap = sum(int(m) for m in re.findall(r"total \d+K, used (\d+)K", out))
    meta = re.search(r"Metaspace\s+used (\d+)K", out)
    if not heap:
        raise RuntimeError(f"cannot read the heap from jcmd: {out[-500:]}")
    return heap, int(meta.group(1)) if meta else 0


def restarts(base):
    code, body = get(base + "/q/metrics")
    if code != 200:
        return -1
    return int(sum(float(l.rsplit(" ", 1)[1]) for l in body.decode().splitlines()
                   if l.startswith("lifeguard_restarts_total{")))


def histogram(a, name):
    out = subprocess.run([a.jcmd, str(a.pid), "GC.class_histogram"], capture_output=True, text=True, timeout=120)
    with open(os.path.join(a.out, f"class-histogram-{name}.txt"), "w") as f:
        f.write(out.stdout)


def read_histogram(path):
    """{class name: (instances, bytes)} from jcmd GC.class_histogram."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
                if m:
                    out[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    except FileNotFoundError:
        pass
    return out


class LineCounter:
    def __init__(self, path):
        self.path, self.pos, self.lines = path, 0, 0

    def count(self):
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            while chunk := f.read(1 << 20):
                self.lines += chunk.count(b"\n")
                self.pos += len(chunk)
        return self.lines


def run(a):
    base = f"http://127.0.0.1:{a.port}"
    pollers = Pollers(base, a.ready_every, a.status_every)
    pollers.start()
    lines = LineCounter(a.log)
    cmdfile = os.path.join(a.out, "jcmd-commands.txt")
    with open(cmdfile, "w") as f:
        f.write("GC.run\nGC.heap_info\n")
    path = os.path.join(a.out, "samples.csv")
    t0 = time.monotonic()
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        n = 0
        while True:
            due = t0 + n * a.sample
            time.sleep(max(0.0, due - time.monotonic()))
            if not os.path.exists(f"/proc/{a.pid}"):
                raise SystemExit(f"Lifeguard (PID {a.pid}) is gone: see {a.log}")
            heap, meta = heap_after_gc(a.jcmd, a.pid, cmdfile)
            rss, threads = proc_status(a.pid)
            fds = len(os.listdir(f"/proc/{a.pid}/fd"))
            code, body = get(base + "/lifeguard/status")
            c = pollers.snapshot()
            row = [round(time.monotonic() - t0, 1), rss, heap, meta, fds, threads, lines.count(), restarts(base),
                   len(body) if code == 200 else -1, cpu_seconds(a.pid), c["ready_200"], c["ready_503"],
                   c["ready_err"], c["status_err"]]
            w.writerow(row)
            f.flush()
            log(f"t={row[0]:.0f}s RSS {rss / 1024:.1f} MiB, heap after GC {heap / 1024:.1f} MiB, fds {fds}, "
                f"threads {threads}, log lines {row[6]}, restarts {row[7]}, status {row[8]} B")
            if row[0] >= a.warmup and not os.path.exists(os.path.join(a.out, "class-histogram-warm.txt")):
                histogram(a, "warm")
            n += 1
            if n * a.sample > a.duration:
                break
    histogram(a, "end")
    pollers.stop.set()
    report(a)


# ---- the report ------------------------------------------------------------------------------------------------------

def load(out):
    with open(os.path.join(out, "samples.csv")) as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


def slope(points):
    """Least-squares slope of (x, y) points."""
    if len(points) < 2:
        return 0.0
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


# metric: (label, column, scale to the unit shown, unit, tolerance: absolute in that unit, relative share)
METRICS = [
    ("RSS", "rss_kib", 1 / 1024, "MiB", 3.0, 0.03),
    ("heap after GC", "heap_kib", 1 / 1024, "MiB", 1.0, 0.05),
    ("metaspace", "meta_kib", 1 / 1024, "MiB", 0.5, 0.02),
    ("open fds", "fds", 1, "", 2, 0),
    ("threads", "threads", 1, "", 2, 0),
    ("/lifeguard/status", "status_bytes", 1 / 1024, "KiB", 2.0, 0.05),
]


def judge(rows, col, scale, tol_abs, tol_rel, start):
    """(value after warm-up, value at the end, slope per hour, verdict): the values are medians of a minute's
    samples; flat when the fitted line rises or falls less than the tolerance over the span judged."""
    kept = [r for r in rows if r["t"] >= start]
    if len(kept) < 3:
        return None
    first = [r[col] * scale for r in kept if r["t"] < start + 60] or [kept[0][col] * scale]
    last = [r[col] * scale for r in kept if r["t"] > kept[-1]["t"] - 60] or [kept[-1][col] * scale]
    v0, v1 = statistics.median(first), statistics.median(last)
    span = kept[-1]["t"] - kept[0]["t"]
    s = slope([(r["t"], r[col] * scale) for r in kept]) * 3600
    # The second half alone tells a step or a filling buffer (then flat) from a trend that goes on.
    s2 = slope([(r["t"], r[col] * scale) for r in kept[len(kept) // 2:]]) * 3600
    tol = max(tol_abs, tol_rel * abs(v0))
    if abs(s * span / 3600) <= tol:
        verdict = "flat"
    elif abs(s2 * span / 3600) <= tol:
        verdict = "rose, then flat" if s > 0 else "fell, then flat"
    else:
        verdict = "GROWING" if s2 > 0 else "falling"
    return v0, v1, s, s2, verdict, tol


def fmt(v, unit):
    return f"{v:,.1f} {unit}".strip() if unit else f"{v:,.0f}"


def fmt_t(t):
    return f"{int(t) // 60}:{int(t) % 60:02d}"


def report(a):
    rows = load(a.out)
    warm = a.warmup
    md = []
    p = md.append
    span = rows[-1]["t"]
    p(f"## Lifeguard soak: {fmt_t(span)} (min:s), a sample every {rows[1]['t'] - rows[0]['t']:.0f} s"
      if len(rows) > 1 else "## Lifeguard soak")
    p("")
    p("| t | RSS MiB | heap after GC MiB | metaspace MiB | fds | threads | log lines | restarts | status KiB | CPU % |")
    p("|---|---|---|---|---|---|---|---|---|---|")
    shown = rows if len(rows) <= 60 else per_minute(rows)
    prev = None
    for r in shown:
        cpu = "" if prev is None else f"{100 * (r['cpu_s'] - prev['cpu_s']) / max(1e-9, r['t'] - prev['t']):.1f}"
        p(f"| {fmt_t(r['t'])} | {r['rss_kib'] / 1024:.1f} | {r['heap_kib'] / 1024:.1f} | {r['meta_kib'] / 1024:.1f} "
          f"| {r['fds']:.0f} | {r['threads']:.0f} | {r['log_lines']:.0f} | {r['restarts']:.0f} "
          f"| {r['status_bytes'] / 1024:.1f} | {cpu} |")
        prev = r
    if shown is not rows:
        p("")
        p("One row a minute (the last sample of each); CPU % is of one core since the row before. Every sample is in "
          "`samples.csv`.")
    p("")
    # The restart history is bounded by count: the status grows until it is full, so it is judged from then on.
    full = next((r["t"] for r in rows if r["restarts"] >= a.history), None)
    p(f"Judged from the end of the warm-up ({fmt_t(warm)}) to the end: the value after warm-up and at the end are "
      "medians of a minute's samples; the slope is a least-squares fit (in brackets: over the second half only); flat "
      "when the fitted line moves less than the tolerance over that span; \"rose, then flat\" when it does but the "
      "second half's slope, over the same span, would not (a step, or a buffer filling up to its bound); GROWING when "
      "the second half still climbs.")
    p("")
    p("| metric | after warm-up | at the end | slope per hour (second half) | tolerance | |")
    p("|---|---|---|---|---|---|")
    for label, col, scale, unit, ta, tr in METRICS:
        start = warm
        note = ""
        if col == "status_bytes":
            if full is None:
                note = f" (the restart history never filled: {rows[-1]['restarts']:.0f} of {a.history} restarts)"
            else:
                start = max(warm, full)
                note = f" (from {fmt_t(start)}, when the restart history was full: {a.history} restarts)"
        j = judge(rows, col, scale, ta, tr, start)
        if j is None:
            p(f"| {label}{note} | | | | | too few samples |")
            continue
        v0, v1, s, s2, verdict, tol = j
        p(f"| {label}{note} | {fmt(v0, unit)} | {fmt(v1, unit)} | {s:+,.2f} {unit} ({s2:+,.2f}) | ± {fmt(tol, unit)} "
          f"| {verdict} |")
    lines_verdict(rows, warm, p)
    restarts_verdict(rows, warm, p)
    last = rows[-1]
    p("")
    p(f"Restarts: {last['restarts']:.0f} in {fmt_t(span)}. Load balancer polls of `/q/health/ready`: "
      f"{last['ready_200']:.0f} × 200, {last['ready_503']:.0f} × 503, {last['ready_err']:.0f} failed; "
      f"operator reads of `/lifeguard/status` that failed: {last['status_err']:.0f}. CPU: "
      f"{last['cpu_s']:.0f} s in all ({100 * last['cpu_s'] / max(1, span):.1f} % of a core).")
    growers(a.out, p)
    svg = plot(rows, warm, os.path.join(a.out, "soak.svg"))
    p("")
    p(f"Plot: `{svg}`")
    text = "\n".join(md) + "\n"
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(text)
    print(text, end="")


def growers(out, p):
    """The classes whose live instances grew most between the histograms after warm-up and at the end."""
    h0 = read_histogram(os.path.join(out, "class-histogram-warm.txt"))
    h1 = read_histogram(os.path.join(out, "class-histogram-end.txt"))
    if not h0 or not h1:
        return
    diff = sorted(((b[1] - h0.get(k, (0, 0))[1], b[0] - h0.get(k, (0, 0))[0], k) for k, b in h1.items()), reverse=True)
    total = sum(b for _, b in h1.values()) - sum(b for _, b in h0.values())
    p("")
    p(f"Live heap by class (`GC.class_histogram`), after warm-up to the end: {total / 1024:+,.1f} KiB in all; the "
      "classes that grew most:")
    p("")
    p("| class | bytes | instances |")
    p("|---|---|---|")
    for db, dn, k in diff[:8]:
        p(f"| `{k}` | {db:+,} | {dn:+,} |")


def lines_verdict(rows, warm, p):
    """Log lines grow with what happens: judged by lines per restart, first half after warm-up against the second."""
    kept = [r for r in rows if r["t"] >= warm]
    if len(kept) < 3:
        return
    mid = kept[len(kept) // 2]
    a, b, c = kept[0], mid, kept[-1]
    per = lambda x, y: (y["log_lines"] - x["log_lines"]) / max(1, y["restarts"] - x["restarts"])
    r1, r2 = per(a, b), per(b, c)
    s = slope([(r["t"], r["log_lines"]) for r in kept]) * 3600
    steady = abs(r2 - r1) <= 0.3 * max(r1, 1)
    p(f"| log lines, per restart (first half / second half after warm-up) | {a['log_lines']:,.0f} ({r1:.1f}) "
      f"| {c['log_lines']:,.0f} ({r2:.1f}) | {s:+,.0f} | ± 30 % per restart | {'steady' if steady else 'CHANGING'} |")


def restarts_verdict(rows, warm, p):
    """The service dies every few seconds: a supervisor that stops restarting it (wedged, or its budget spent) shows
    as restarts per minute falling to nothing."""
    kept = [r for r in rows if r["t"] >= warm]
    if len(kept) < 3:
        return
    a, b, c = kept[0], kept[len(kept) // 2], kept[-1]
    rate = lambda x, y: (y["restarts"] - x["restarts"]) * 60 / max(1, y["t"] - x["t"])
    r1, r2 = rate(a, b), rate(b, c)
    ok = r2 >= 0.5 * r1 and r2 > 0
    p(f"| restarts per minute (first half / second half after warm-up) | {r1:.1f} | {r2:.1f} | | ± 50 % "
      f"| {'steady' if ok else 'STALLED'} |")


def per_minute(rows):
    """Every minute's sample (samples are taken on a fixed schedule from t = 0), and the last."""
    spacing = rows[1]["t"] - rows[0]["t"]
    step = max(1, round(60 / spacing))
    out = rows[::step]
    return out if out[-1] is rows[-1] else out + [rows[-1]]


def plot(rows, warm, path):
    """Four panels, one a metric, over time, each from zero; the warm-up shaded. Hand-drawn SVG."""
    panels = [("RSS (MiB)", "rss_kib", 1 / 1024), ("heap after GC (MiB)", "heap_kib", 1 / 1024),
              ("open fds", "fds", 1), ("threads", "threads", 1)]
    w, h, left, gap, top = 760, 130, 70, 40, 44
    tmax = max(rows[-1]["t"], 1)
    x = lambda t: left + (w - left - 20) * t / tmax
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{top + len(panels) * (h + gap)}" '
           'font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="16" font-size="13">Lifeguard soak: a sample every '
           f'{rows[1]["t"] - rows[0]["t"] if len(rows) > 1 else 0:.0f} s, warm-up shaded</text>']
    for i, (label, col, scale) in enumerate(panels):
        y0 = top + i * (h + gap)
        # From zero, so that the slope looks as large as it is.
        lo, hi = 0.0, max(1.0, max(r[col] * scale for r in rows) * 1.15)
        y = lambda v: y0 + h - h * (v - lo) / (hi - lo)
        svg.append(f'<rect x="{left}" y="{y0}" width="{x(min(warm, tmax)) - left:.1f}" height="{h}" fill="#eee"/>')
        svg.append(f'<rect x="{left}" y="{y0}" width="{w - left - 20}" height="{h}" fill="none" stroke="#999"/>')
        svg.append(f'<text x="{left}" y="{y0 - 4}" font-weight="bold">{label}</text>')
        for v in (lo, (lo + hi) / 2, hi):
            svg.append(f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
        pts = " ".join(f"{x(r['t']):.1f},{y(r[col] * scale):.1f}" for r in rows)
        svg.append(f'<polyline points="{pts}" fill="none" stroke="#1f6fb2" stroke-width="1.5"/>')
        step = 60 * max(1, math.ceil(tmax / 60 / 10))
        for t in range(0, int(tmax) + 1, step):
            svg.append(f'<text x="{x(t):.1f}" y="{y0 + h + 13}" text-anchor="middle">{t // 60} min</text>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("run", "report"))
    ap.add_argument("--pid", type=int)
    ap.add_argument("--port", type=int)
    ap.add_argument("--log")
    ap.add_argument("--out", required=True)
    ap.add_argument("--duration", type=float, default=1800)
    ap.add_argument("--sample", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=120)
    ap.add_argument("--ready-every", type=float, default=1)
    ap.add_argument("--status-every", type=float, default=5)
    ap.add_argument("--history", type=int, default=50, help="restarts the restart history keeps")
    ap.add_argument("--jcmd", default="jcmd")
    a = ap.parse_args()
    if a.mode == "run":
        run(a)
    else:
        report(a)


if __name__ == "__main__":
    main()
