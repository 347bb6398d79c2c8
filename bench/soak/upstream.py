#!/usr/bin/env python3
"""The wrapped service of bench/soak.sh: it flaps and crashes. Standard library only.

    upstream.py PORT FLAP_SECONDS CRASH_MIN_SECONDS CRASH_MAX_SECONDS

Time is cut into phases of FLAP_SECONDS on the monotonic clock (the same phases across restarts): even phases answer
every GET 200, odd ones fail, by turns answering 500 and refusing connections (the listening socket is closed). After
a lifetime drawn uniformly between CRASH_MIN and CRASH_MAX seconds it dies, at random by exit(3) or by SIGKILLing
itself. It prints one line when it starts and one when it dies, nothing per request.
"""
import os
import random
import select
import signal
import socket
import sys
import time

port = int(sys.argv[1])
flap = float(sys.argv[2])
life = random.uniform(float(sys.argv[3]), float(sys.argv[4]))
start = time.monotonic()


def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    return s


def answer(conn, status):
    try:
        conn.settimeout(1)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        body = b"ok\n" if status == 200 else b"failing\n"
        reason = "OK" if status == 200 else "Internal Server Error"
        conn.sendall(f"HTTP/1.0 {status} {reason}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                     .encode("ascii") + body)
    except OSError:
        pass
    finally:
        conn.close()


print(f"soak upstream {os.getpid()}: serving on 127.0.0.1:{port}, flapping every {flap * 1000:.0f} ms, "
      f"dying in {life:.1f} s", flush=True)
listener = None
while True:
    now = time.monotonic()
    if now - start >= life:
        how = random.choice(("exit", "kill"))
        print(f"soak upstream {os.getpid()}: dying by {how} after {now - start:.1f} s", flush=True)
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(3)
    phase = int(now / flap)
    left = max(0.0, min((phase + 1) * flap, start + life) - now)
    if phase % 4 == 3:  # refuse
        if listener is not None:
            listener.close()
            listener = None
        time.sleep(left)
        continue
    if listener is None:
        listener = listen()
    if select.select([listener], [], [], left)[0]:
        conn, _ = listener.accept()
        answer(conn, 200 if phase % 2 == 0 else 500)
