#!/usr/bin/env python3
"""The open-loop client of bench/lb.sh: sends RATE requests a second to HOST:PORT for DURATION seconds, each on a new
connection (GET /, Connection: close) with its own TIMEOUT, whether or not earlier ones have answered, then waits for
the last ones (at most TIMEOUT). Standard library only (asyncio).

    client.py PORT OUT.json [--rate 100] [--duration 30] [--timeout 15]

Writes OUT.json: {"start": epoch seconds of the first request, "rate", "duration", "timeout", "requests": [[offset s
from start at which it was sent, latency s, outcome], ...]}; outcome is "200", another status, "reset", "closed"
(closed without an answer), "refused", "timeout" or "error:<kind>".
"""
import argparse
import asyncio
import json
import time


async def one(port, timeout):
    sent = time.monotonic()

    async def exchange():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
        if not data:
            return "closed"
        parts = data.split(b"\r\n", 1)[0].split()
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            return "invalid"
        return parts[1].decode("ascii", "replace")

    try:
        outcome = await asyncio.wait_for(exchange(), timeout)
    except asyncio.TimeoutError:
        outcome = "timeout"
    except ConnectionResetError:
        outcome = "reset"
    except ConnectionRefusedError:
        outcome = "refused"
    except OSError as e:
        outcome = f"error:{type(e).__name__}"
    return time.monotonic() - sent, outcome


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("out")
    p.add_argument("--rate", type=float, default=100)
    p.add_argument("--duration", type=float, default=30)
    p.add_argument("--timeout", type=float, default=15)
    a = p.parse_args()
    n = int(a.rate * a.duration)
    start_wall = time.time()
    start = time.monotonic()
    tasks, offsets = [], []
    for i in range(n):
        delay = start + i / a.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        offsets.append(time.monotonic() - start)
        tasks.append(asyncio.ensure_future(one(a.port, a.timeout)))
    results = await asyncio.gather(*tasks)
    with open(a.out, "w") as f:
        json.dump({"start": start_wall, "rate": a.rate, "duration": a.duration, "timeout": a.timeout,
                   "requests": [[round(o, 4), round(lat, 4), out] for o, (lat, out) in zip(offsets, results)]}, f)
    errors = sum(1 for _, out in results if out != "200")
    print(f"client: {n} requests, {errors} errors", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
