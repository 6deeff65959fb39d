"""Benchmark the directory API as deployed: a real uvicorn process over loopback.

Measures /signpost and /areas/resolve latency (p50/p95/p99, one request at a time) and
saturated throughput (concurrent clients, no pause), plus the server's memory, then
writes the figures to docs/benchmarks.md. Run: .venv/bin/python scripts/bench_api.py
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.benchdoc import load_note, write_section  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
POSTCODES = ["CV11 4HL", "LE1 6ZG", "LE15 6RB", "S40 1LP", "LE18 4AB", "CV1 1GF", "LE3 6RJ", "CV12 2AB"]
PLACES = ["Nuneaton", "Leamington", "Stratford", "Loughborough", "Chesterfield", "Glossop", "LE65", "Coventry",
          "CV11 4HL", "de1 1aa", "Oakham", "Burton upon Trent"]
CATEGORIES = ["domestic_abuse", "sexual_violence", "stalking", "fgm", "honour_based_abuse", "forced_marriage"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def signpost_request(rng: random.Random) -> tuple[str, dict]:
    params = {"category": rng.choice(CATEGORIES)}
    if rng.random() < 0.8:
        params["postcode"] = rng.choice(POSTCODES)
    else:
        params["area"] = rng.choice(["warwickshire", "derby-derbyshire", "leicester-leicestershire-rutland"])
    return "/signpost", params


def resolve_request(rng: random.Random) -> tuple[str, dict]:
    return "/areas/resolve", {"q": rng.choice(PLACES)}


def sequential(client: httpx.Client, make, count: int, rng: random.Random) -> list[float]:
    timings = []
    for _ in range(count):
        path, params = make(rng)
        started = time.perf_counter()
        response = client.get(path, params=params)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return timings


async def saturate(base: str, make, concurrency: int, seconds: float, seed: int) -> tuple[float, int]:
    deadline = time.perf_counter() + seconds
    done = errors = 0

    async def worker(index: int) -> None:
        nonlocal done, errors
        rng = random.Random(seed + index)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            while time.perf_counter() < deadline:
                path, params = make(rng)
                response = await client.get(path, params=params)
                done += 1
                errors += response.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return done / (time.perf_counter() - started), errors


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SIGNPOST_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SIGNPOST_LOG_LEVEL": "WARNING"}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
             "--no-access-log", "--log-level", "warning"],
            cwd=REPO, env=env,
        )
        try:
            started = time.perf_counter()
            with httpx.Client(base_url=base, timeout=10) as client:
                while True:
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.perf_counter() - started > 120:
                        raise SystemExit("the API did not start")
                    time.sleep(0.2)
                startup = time.perf_counter() - started
                rng = random.Random(2026)
                sequential(client, signpost_request, 100, rng)  # warm-up
                sequential(client, resolve_request, 100, rng)
                results = {
                    "/signpost": sequential(client, signpost_request, args.requests, rng),
                    "/areas/resolve": sequential(client, resolve_request, args.requests, rng),
                }
            memory = rss_mb(server.pid)
            throughput = {
                "/signpost": asyncio.run(saturate(base, signpost_request, args.concurrency, args.seconds, 1)),
                "/areas/resolve": asyncio.run(saturate(base, resolve_request, args.concurrency, args.seconds, 2)),
            }
            memory_after = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    rows = []
    for path, timings in results.items():
        rate, errors = throughput[path]
        rows.append(
            f"| `{path}` | {statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} | "
            f"{percentile(timings, 0.99):.1f} | {rate:.0f} | {errors} |"
        )
    body = "\n".join([
        "## Directory API (`scripts/bench_api.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}: one uvicorn worker, SQLite, "
        "seed directory, loopback HTTP with keep-alive.",
        f"Latency: {args.requests} sequential requests per endpoint after 100 warm-up requests, mixing "
        "postcodes, areas, places and all six categories. Throughput: "
        f"{args.concurrency} concurrent clients sending without pause for {args.seconds:.0f} s.",
        "",
        "| endpoint | p50 ms | p95 ms | p99 ms | saturated replies/s | errors |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Start-up to first answer (migrations, seed check, postcode index warm-up): {startup:.1f} s. "
        f"Server memory (RSS): {memory:.0f} MB after the latency runs, {memory_after:.0f} MB after saturation.",
        "The geography figures below (`scripts/bench_geography.py`) isolate `resolve()` itself.",
        load_note(),
    ])
    print(body)
    if not args.no_write:
        write_section("api", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
