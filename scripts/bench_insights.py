"""Benchmark: what counting commissioner insights costs, and how fast the page and exports are.

Counting runs after each reply has been sent, so it never adds to what a person waits
for; these figures show what it costs the server. PostgreSQL too when
SIGNPOST_TEST_DATABASE_URL is set (run under scripts/with-postgres.sh); Redis when
redis-server is installed. Writes its section of docs/benchmarks.md.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from api.insights.counting import InsightCounter  # noqa: E402
from api.insights.tracker import RedisOutcomeTracker  # noqa: E402
from api.main import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402
from directory.db import make_engine, make_sessionmaker  # noqa: E402
from directory.migrate import upgrade_to_head  # noqa: E402
from directory.models import InsightArea, InsightCategory, InsightOutcome  # noqa: E402
from scripts.benchdoc import load_note, write_section  # noqa: E402

INCREMENTS = 2000
CONVERSATIONS = 1000
KEY = "bench-commissioners-key-" + "b" * 20


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return f"median {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95)]:.2f} ms"


def bench_increments(url: str) -> str:
    engine = make_engine(url)
    upgrade_to_head(engine)
    counter = InsightCounter(make_sessionmaker(engine))
    areas, categories = list(InsightArea), list(InsightCategory)
    timings = []
    for n in range(INCREMENTS):
        started = time.perf_counter()
        counter.increment(InsightOutcome.signposted_locally, areas[n % len(areas)], categories[n % len(categories)])
        timings.append(time.perf_counter() - started)
    engine.dispose()
    return summary(timings)


def bench_redis() -> str | None:
    if shutil.which("redis-server") is None:
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        tracker = RedisOutcomeTracker(client, 1800)
        timings = []
        for n in range(CONVERSATIONS):
            conversation = f"conversation-{n}"
            started = time.perf_counter()
            tracker.start(conversation, "warwickshire")
            tracker.engaged(conversation)
            tracker.answered(conversation)
            tracker.end(conversation)
            timings.append((time.perf_counter() - started) / 4)
        return summary(timings)
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_page(url: str) -> tuple[str, str]:
    engine = make_engine(url)
    upgrade_to_head(engine)
    today = dt.datetime.now(dt.UTC).date()
    with engine.begin() as connection:  # a year of busy days: every cell on every day
        connection.execute(text("DELETE FROM insight_count"))
        rows = [{"day": today - dt.timedelta(days=d), "area": a.value, "category": c.value, "outcome": o.value,
                 "count": 3} for d in range(365) for a in InsightArea for c in InsightCategory for o in InsightOutcome]
        connection.execute(text("INSERT INTO insight_count (day, area, category, outcome, count) "
                                "VALUES (:day, :area, :category, :outcome, :count)"), rows)
    engine.dispose()
    settings = Settings(environment="test", database_url=url, admin_api_key=KEY, log_level="WARNING")
    with TestClient(create_app(settings)) as client:
        page, export = [], []
        for _ in range(10):
            started = time.perf_counter()
            assert client.post("/insights", content=f"key={KEY}",
                               headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 200
            page.append(time.perf_counter() - started)
            first = (today - dt.timedelta(days=364)).isoformat()
            started = time.perf_counter()
            assert client.get("/insights/export.csv", params={"from": first},
                              headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
            export.append(time.perf_counter() - started)
    return summary(page), summary(export)


def main() -> int:
    lines = ["## Commissioner insights (`scripts/bench_insights.py`)", "",
             "Counting runs after the reply has been sent, so a person never waits for it; this is",
             "what it costs the server. One count is one upsert (`INSERT … ON CONFLICT DO UPDATE`).", ""]
    with tempfile.TemporaryDirectory() as workdir:
        sqlite_url = f"sqlite:///{workdir}/bench.db"
        lines.append(f"- One count, SQLite (file, WAL): {bench_increments(sqlite_url)} ({INCREMENTS} counts).")
        postgres_url = os.environ.get("SIGNPOST_TEST_DATABASE_URL")
        if postgres_url:
            engine = create_engine(postgres_url)
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            engine.dispose()
            lines.append(f"- One count, PostgreSQL (loopback): {bench_increments(postgres_url)} ({INCREMENTS} counts).")
        redis_figures = bench_redis()
        if redis_figures:
            lines.append(f"- One step of the Redis conversation tracker (a Lua script): {redis_figures}.")
        page, export = bench_page(postgres_url or sqlite_url)
        where = "PostgreSQL" if postgres_url else "SQLite"
        lines += [
            f"- The commissioners' page (12 weeks, a full year of rows in the table, {where}): {page}.",
            f"- CSV export of 52 weeks ({52 * len(InsightArea) * len(InsightCategory) * len(InsightOutcome):,} "
            f"cells, {where}): {export}.",
            "", load_note(),
        ]
    body = "\n".join(lines)
    print(body)
    write_section("insights", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
