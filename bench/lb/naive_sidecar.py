#!/usr/bin/env python3
"""The naive script sidecar of bench/lb.sh (mode script), deliberately simple; standard library only.

    naive_sidecar.py PORT URL PIDFILE -- COMMAND...

Runs COMMAND as a child, again 1 s after it exits, and writes its PID to PIDFILE; probes GET URL every 0.5 s (0.5 s
timeout): not ready after one failed probe, ready after one success; GET /health on 127.0.0.1:PORT answers 200 or 503.
On SIGTERM: 503 for 1.5 s, then SIGTERM to the child, exit. A child that hangs is never killed nor restarted.
"""
import http.server, signal, subprocess, sys, threading, time, urllib.request

port, url, pidfile, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[5:]
state = {"ready": False, "draining": False, "child": None}


def probe():
    while True:
        try:
            with urllib.request.urlopen(url, timeout=0.5) as r:
                state["ready"] = 200 <= r.status < 400
        except Exception:
            state["ready"] = False
        time.sleep(0.5)


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/health" and state["ready"] and not state["draining"]
        self.send_response(200 if ok else 503 if self.path == "/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()  # one write: HAProxy resets the connection once it has read the status

    def log_message(self, *args):
        pass


signal.signal(signal.SIGTERM, lambda *_: state.update(draining=True))
threading.Thread(target=probe, daemon=True).start()
threading.Thread(target=http.server.ThreadingHTTPServer(("127.0.0.1", port), Health).serve_forever, daemon=True).start()
while not state["draining"]:
    child = state["child"] = subprocess.Popen(cmd)
    with open(pidfile, "w") as f:
        f.write(f"{child.pid}\n")
    while child.poll() is None and not state["draining"]:
        time.sleep(0.1)
    if not state["draining"]:
        print(f"sidecar: child {child.pid} exited with {child.returncode}; restarting in 1 s", file=sys.stderr, flush=True)
        time.sleep(1)
time.sleep(1.5)  # drain: /health answers 503
state["child"].terminate()
try:
    state["child"].wait(5)
except subprocess.TimeoutExpired:
    pass
