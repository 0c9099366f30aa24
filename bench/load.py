"""The load generator, run as its own process: `python -m bench.load < spec.json`.

Keep-alive HTTP/1.1 connections over loopback, each replaying its list of prepared requests
in a loop, as fast as the server answers, for a fixed time after a warm-up. A hand-written
client on asyncio streams: a general-purpose client library would spend more time per
request than the bare endpoint does, and measure itself instead of the server.

Each connection belongs to a group (a mixed scenario drives several kinds of request at once);
prints one JSON object per group: requests completed, seconds, statuses and latencies (ms).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any


def _encode(request: dict[str, Any], host: str) -> bytes:
    body = request.get("body")
    data = body.encode() if body is not None else b""
    lines = [f"{request['method']} {request['target']} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in request.get("headers", {}).items()]
    if body is not None:
        lines.append("Content-Type: application/json")
    lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"content-length:")
    if at >= 0:
        await reader.readexactly(int(lower[at + 15 : lower.index(b"\r\n", at)]))
    elif b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, b"connection: close" in lower


async def _connection(
    host: str,
    port: int,
    requests: list[bytes],
    measure_from: float,
    stop_at: float,
    latencies: list[float],
    statuses: dict[int, int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    try:
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                return
            writer.write(requests[i % len(requests)])
            i += 1
            status, closed = await _read_response(reader)
            if started >= measure_from:
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
            if closed:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def run(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`spec["connections"]`: one `{"group": name, "requests": [...]}` per connection."""
    host, port = spec["host"], spec["port"]
    address = f"{host}:{port}"
    groups: dict[str, tuple[list[float], dict[int, int]]] = {}
    connections = []
    for connection in spec["connections"]:
        measured = groups.setdefault(connection["group"], ([], {}))
        connections.append(([_encode(r, address) for r in connection["requests"]], measured))
    now = time.perf_counter()
    measure_from = now + spec["warmup"]
    stop_at = measure_from + spec["duration"]
    await asyncio.gather(
        *(
            _connection(host, port, reqs, measure_from, stop_at, latencies, statuses)
            for reqs, (latencies, statuses) in connections
        )
    )
    elapsed = time.perf_counter() - measure_from
    return {name: _summary(lat, st, elapsed) for name, (lat, st) in groups.items()}


def _summary(latencies: list[float], statuses: dict[int, int], elapsed: float) -> dict[str, Any]:
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "count": len(latencies),
        "seconds": elapsed,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }


def main() -> None:
    spec = json.load(sys.stdin)
    try:
        from uvloop import run as run_loop  # uvicorn[standard] brings it: the faster loop
    except ImportError:  # pragma: no cover
        run_loop = asyncio.run
    print(json.dumps(run_loop(run(spec))))


if __name__ == "__main__":
    main()
