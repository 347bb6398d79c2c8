#!/usr/bin/env python3
"""HAProxy's `show stat` for bench/lb.sh, read over the admin stats socket. Standard library only.

    stat.py watch SOCK OUT.jsonl SECONDS   every 100 ms for SECONDS, one JSON line per sample: {"t": epoch seconds,
                                           "servers": {name: {field: value}}} for the servers of backend "be"
    stat.py watch-fast SOCK OUT.jsonl SECONDS
                                           every 5 ms for SECONDS, s1's status and weight only: {"t": .., "up": bool}
    stat.py wait-up SOCK SECONDS           exits 0 once every server of "be" is UP at a weight above 0, 1 at the end
    stat.py show SOCK                      prints the servers' status, weight and check texts once
"""
import csv
import json
import socket
import sys
import time

BACKEND = "be"
FIELDS = ("status", "weight", "scur", "stot", "hrsp_2xx", "hrsp_5xx", "econ", "eresp", "wretr", "wredis", "srv_abrt",
          "check_status", "check_desc", "last_chk", "agent_status", "agent_desc", "last_agt", "chkfail", "chkdown",
          "lastchg")


def ask(path, command, timeout=1.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(command.encode() + b"\n")
        chunks = []
        while True:
            c = s.recv(65536)
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        s.close()


def servers(path):
    lines = [l for l in ask(path, f"show stat {BACKEND} 4 -1").splitlines() if l]
    if not lines or not lines[0].startswith("# "):
        raise OSError("unexpected answer: " + " ".join(lines)[:200])
    header = lines[0][2:].split(",")
    out = {}
    for fields in csv.reader(lines[1:]):
        row = dict(zip(header, fields))
        if row.get("pxname") == BACKEND:
            out[row["svname"]] = {k: row.get(k, "") for k in FIELDS}
    return out


def up(s):
    return s["status"].startswith("UP") and s["weight"] not in ("", "0")


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "watch":
        out, seconds = sys.argv[3], float(sys.argv[4])
        end = time.monotonic() + seconds
        nxt = time.monotonic()
        with open(out, "w") as f:
            while time.monotonic() < end:
                t = time.time()
                try:
                    sample = {"t": round(t, 3), "servers": servers(path)}
                except OSError as e:
                    sample = {"t": round(t, 3), "error": str(e)}
                f.write(json.dumps(sample) + "\n")
                nxt += 0.1
                time.sleep(max(0.0, nxt - time.monotonic()))
    elif cmd == "watch-fast":
        out, seconds = sys.argv[3], float(sys.argv[4])
        end = time.monotonic() + seconds
        with open(out, "w") as f:
            while time.monotonic() < end:
                t = time.time()
                try:
                    s = servers(path).get("s1")
                    f.write(json.dumps({"t": round(t, 4), "up": bool(s and up(s))}) + "\n")
                except OSError as e:
                    f.write(json.dumps({"t": round(t, 4), "error": str(e)}) + "\n")
                time.sleep(0.005)
    elif cmd == "wait-up":
        end = time.monotonic() + float(sys.argv[3])
        while time.monotonic() < end:
            try:
                s = servers(path)
                if s and all(up(v) for v in s.values()):
                    return 0
            except OSError:
                pass
            time.sleep(0.1)
        return 1
    elif cmd == "show":
        for name, s in servers(path).items():
            print(f"{name}: {s['status']} weight {s['weight']}; check {s['check_status']} {s['last_chk']}; agent {s['last_agt']}")
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
