#!/usr/bin/env python3
"""Reads one run of bench/lb.sh and writes its figures; makes the table of all runs. Standard library only.

    analyze.py run RUN_DIR MODE SCENARIO FAULT_EPOCH   reads RUN_DIR/client.json and RUN_DIR/stat.jsonl, writes
                                                       RUN_DIR/run.json and prints one line
    analyze.py table OUT_DIR SCENARIOS MODES           the Markdown result of the runs OUT_DIR/<scenario>-<mode>/run.json

Capacity is back at the first sample (100 ms apart) after the fault that starts WINDOW seconds in which HAProxy shows
server s1 UP at a weight above 0, its 2xx answers rise in at least 3/4 of the samples, and none of its error counters
(5xx, econ, eresp, wretr, wredis, srv_abrt) rises: serving, not just marked up. "never" when no such window starts
before the end of the run.
"""
import collections
import json
import os
import sys

SERVER = "s1"
WINDOW = 2.0
ERRORS = ("hrsp_5xx", "econ", "eresp", "wretr", "wredis", "srv_abrt")
SLOW = 1.0


def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def up(s):
    return s["status"].startswith("UP") and s["weight"] not in ("", "0")


def told(s):
    """What HAProxy shows of the checks for a server: its status, the agent's text, the health check's."""
    parts = [s["status"] + (" at weight 0" if s["weight"] == "0" else "")]
    if s.get("last_agt"):
        parts.append(f"agent: {s['last_agt']}")
    if s.get("check_status") or s.get("last_chk"):
        desc = s.get("check_desc") or s.get("check_status")
        parts.append(f"check: {desc}" + (f" ({s['last_chk']})" if s.get("last_chk") else ""))
    return "; ".join(parts)


def run(run_dir, mode, scenario, fault):
    fault = float(fault)
    with open(os.path.join(run_dir, "client.json")) as f:
        client = json.load(f)
    reqs = client["requests"]
    start = client["start"]
    kinds = collections.Counter(out for _, _, out in reqs if out != "200")
    errors = sum(kinds.values())
    slow = sum(1 for _, lat, out in reqs if out == "200" and lat > SLOW)
    per_second = collections.Counter(int(off) for off, _, out in reqs if out != "200")
    ok_lat = sorted(lat for _, lat, out in reqs if out == "200")
    p99 = ok_lat[int(len(ok_lat) * 0.99) - 1] if ok_lat else None

    samples = []
    with open(os.path.join(run_dir, "stat.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            if SERVER in d.get("servers", {}):
                samples.append((d["t"], d["servers"][SERVER]))
    after = [(t, s) for t, s in samples if t >= fault - 0.1]

    # Per sample after the first: up, no error counter rose, 2xx rose.
    marks = []
    for (t0, a), (t1, b) in zip(after, after[1:]):
        rose = sum(num(b[k]) - num(a[k]) for k in ERRORS) > 0
        marks.append((t1, up(b) and not rose, num(b["hrsp_2xx"]) > num(a["hrsp_2xx"])))
    back = None
    n = int(WINDOW / 0.1)
    for i in range(len(marks) - n + 1):
        w = marks[i:i + n]
        if w[-1][0] - w[0][0] < WINDOW * 0.8:
            continue
        if all(ok for _, ok, _ in w) and sum(1 for _, _, r in w if r) >= 0.75 * n:
            back = round(max(0.0, w[0][0] - 0.1 - fault), 1)
            break

    # What HAProxy showed when s1 first left UP, and every change of that text while it stayed out.
    seen = []
    first_out = None
    for t, s in after:
        if not up(s):
            text = told(s)
            if first_out is None:
                first_out = round(t - fault, 1)
            if not seen or seen[-1][1] != text:
                seen.append((round(t - fault, 1), text))
        elif first_out is not None:
            break

    # The same to the millisecond, from the 5 ms samples of the seconds around the fault.
    out_ms = None
    fast = os.path.join(run_dir, "fast.jsonl")
    if os.path.exists(fast):
        with open(fast) as f:
            for line in f:
                d = json.loads(line)
                if d["t"] >= fault and d.get("up") is False:
                    out_ms = round((d["t"] - fault) * 1000)
                    break

    result = {
        "mode": mode, "scenario": scenario, "requests": len(reqs), "errors": errors, "kinds": dict(kinds),
        "slow": slow, "p99_ok": round(p99, 3) if p99 is not None else None,
        "errors_per_second": {str(k): v for k, v in sorted(per_second.items())},
        "fault_at": round(fault - start, 2), "capacity_back": back, "out_at": first_out, "out_ms": out_ms, "told": seen,
        "samples": len(samples),
    }
    with open(os.path.join(run_dir, "run.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(f"{scenario}/{mode}: {errors} errors {dict(kinds)}, {slow} slow, capacity back "
          f"{'never' if back is None else f'{back} s'}, out at {first_out}: {seen[0][1] if seen else '-'}")


def cut(text, n):
    text = text.replace("|", "/")
    return text if len(text) <= n else text[:n - 1] + "…"


def table(out_dir, scenarios, modes):
    scenarios, modes = scenarios.split(","), modes.split(",")
    runs = {}
    for sc in scenarios:
        for m in modes:
            p = os.path.join(out_dir, f"{sc}-{m}", "run.json")
            if os.path.exists(p):
                with open(p) as f:
                    runs[sc, m] = json.load(f)
    head = "| scenario | " + " | ".join(f"{m}: errors | {m}: out | {m}: back" for m in modes) + " |"
    lines = [head, "|---|" + "---:|---:|---:|" * len(modes)]
    for sc in scenarios:
        cells = []
        for m in modes:
            r = runs.get((sc, m))
            if r is None:
                cells += ["(no run)", "", ""]
                continue
            e = str(r["errors"]) + (f" (+{r['slow']} slow)" if r["slow"] else "")
            out = r.get("out_ms")
            out = f"{out} ms" if out is not None else ("never" if r["out_at"] is None else f"{r['out_at']} s")
            cells += [e, out, "never" if r["capacity_back"] is None else f"{r['capacity_back']} s"]
        lines.append(f"| {sc} | " + " | ".join(cells) + " |")
    lines += ["", "What HAProxy showed for s1 when it first left UP (seconds after the fault; then the first other text "
              "while it stayed out):", "", "| scenario | " + " | ".join(modes) + " |", "|---|" + "---|" * len(modes)]
    for sc in scenarios:
        cells = []
        for m in modes:
            r = runs.get((sc, m))
            if r is None or not r["told"]:
                cells.append("never left UP" if r else "")
                continue
            t0, text0 = r["told"][0]
            cell = f"+{t0} s: {cut(text0, 110)}"
            later = [(t, x) for t, x in r["told"][1:] if cut(x, 110) != cut(text0, 110)]
            if later:
                t1, text1 = later[0]
                cell += f" → +{t1} s: {cut(text1, 110)}"
            cells.append(cell)
        lines.append(f"| {sc} | " + " | ".join(cells) + " |")
    lines += ["", "Errors by kind and when they were sent (second of the run: count):", ""]
    for sc in scenarios:
        for m in modes:
            r = runs.get((sc, m))
            if r is None:
                continue
            when = " ".join(f"{k}:{v}" for k, v in r["errors_per_second"].items()) or "-"
            lines.append(f"- {sc} / {m}: {r['errors']} of {r['requests']} {r['kinds'] or ''}; "
                         f"p99 of the 200s {r['p99_ok']} s; errors at {when}")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "run":
        run(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "table":
        table(*sys.argv[2:])
    else:
        sys.exit(__doc__)
