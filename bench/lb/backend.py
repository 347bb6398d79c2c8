#!/usr/bin/env python3
"""The backend of bench/lb.sh: answers every GET with 200 "ok" at once, one thread per connection, and closes the
connection after each answer (HTTP/1.0, as python's http.server does). Standard library only.

    backend.py PORT [--pidfile FILE]

A fault is switched on with a request to the same port, GET /_fault/<mode>, and lasts as long as this process: a
restarted backend is healthy again. Modes:

  exit1      answers the control request, then exits with status 1 at once (os._exit)
  status500  answers every request 500
  garbage    writes bytes that are not HTTP and closes
  reset      reads the request, then resets the connection (SO_LINGER 0, close: an RST)
  slow       every answer takes 10 s
  flap       closes its listening socket for 300 ms about every second (connections are refused then), then listens
             again after 0.5 to 0.9 s (at random: a fixed period would stay in phase with a 1 s check interval)

`kill` and `stop` need no help from the backend: the script sends SIGKILL or SIGSTOP. SIGTERM has its default action
(the process ends at once, as python's http.server does).
"""
import os
import random
import socket
import struct
import sys
import threading
import time

MODES = ("ok", "exit1", "status500", "garbage", "reset", "slow", "flap")
FLAP_OPEN = (0.5, 0.9)  # seconds listening, drawn anew each cycle: a cycle of about 1 s that no 1 s check interval
FLAP_CLOSED = 0.3       # can stay in phase with
SLOW = 10.0

mode = "ok"


def answer(conn, status, body):
    reason = {200: "OK", 500: "Internal Server Error", 404: "Not Found"}.get(status, "Status")
    head = f"HTTP/1.0 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    conn.sendall(head.encode("ascii") + body)


def read_request(conn):
    """The request line's path, or None when the peer closed or sent no complete head."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    parts = data.split(b"\r\n", 1)[0].decode("latin-1").split()
    return parts[1] if len(parts) > 1 else "/"


def handle(conn):
    global mode
    try:
        conn.settimeout(30)
        path = read_request(conn)
        if path is None:
            return
        if path.startswith("/_fault/"):
            wanted = path[len("/_fault/"):]
            if wanted not in MODES:
                answer(conn, 404, f"unknown mode {wanted}; one of {', '.join(MODES)}\n".encode())
                return
            answer(conn, 200, f"fault {wanted}\n".encode())
            print(f"backend {os.getpid()}: fault {wanted}", file=sys.stderr, flush=True)
            if wanted == "exit1":
                conn.close()
                os._exit(1)
            mode = wanted
            return
        current = mode
        if current == "status500":
            answer(conn, 500, b"fault status500\n")
        elif current == "garbage":
            conn.sendall(b"\x00\x17\x03garbage, not HTTP\xff\xfe\r\n")
        elif current == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif current == "slow":
            time.sleep(SLOW)
            answer(conn, 200, b"ok\n")
        else:
            answer(conn, 200, b"ok\n")
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(512)
    s.settimeout(0.05)
    return s


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    port = int(args[0])
    if "--pidfile" in args:
        with open(args[args.index("--pidfile") + 1], "w") as f:
            f.write(f"{os.getpid()}\n")
    sock = listen(port)
    print(f"backend {os.getpid()}: listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    flap_next = None  # when the flap changes state next
    while True:
        if mode == "flap":
            now = time.monotonic()
            if flap_next is None:
                flap_next = now
            if now >= flap_next:
                if sock is not None:
                    sock.close()
                    sock = None
                    flap_next = now + FLAP_CLOSED
                else:
                    try:
                        sock = listen(port)
                        flap_next = now + random.uniform(*FLAP_OPEN)
                    except OSError as e:  # tried again in 10 ms
                        print(f"backend {os.getpid()}: cannot listen again: {e}", file=sys.stderr, flush=True)
            if sock is None:
                time.sleep(0.01)
                continue
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            continue
        conn.settimeout(None)
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
