"""Conversation benchmark: Signpost's whole stack beside a bare Rasa bot, in one run.

The floor is the example bot `rasa init` creates (no custom actions), served by the same
Rasa on the same machine. Both are measured the same way, over loopback HTTP:
- latency: one conversation at a time, every reply timed (p50, p95);
- saturated throughput: 20 conversations sending without pause (replies per second).
Signpost is measured at its Rasa channel (like for like with the bare bot's REST channel)
and through the API's chat gateway (the path the widget uses).

    .venv/bin/python scripts/bench_conversations.py [--seconds 20]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from scripts.benchdoc import load_note, write_section  # noqa: E402
from tests.stack.harness import CHANNEL_TOKEN, Stack, free_port, wait_for  # noqa: E402

RASA = REPO / ".venv-bot" / "bin" / "rasa"
# A person's turns: disclose in her own words, answer the triage questions, get services.
SIGNPOST_TURNS = ["/greet", "my partner checks my phone and takes my money", "/affirm", "/deny", "/deny", "CV11 4HL",
                  "/ask_what_is_idva", "/goodbye"]
BARE_TURNS = ["hello", "I am feeling sad", "yes", "thanks, bye"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Target:
    def __init__(self, name: str, url: str, path: str, turns: list[str], headers: dict | None = None,
                 gateway: bool = False) -> None:
        self.name, self.url, self.path, self.turns = name, url, path, turns
        self.headers, self.gateway = headers or {}, gateway

    async def conversation(self, client: httpx.AsyncClient, timings: list[float] | None, stop_at: float | None,
                           counter: list[int]) -> None:
        sender = f"bench-{random.getrandbits(64):x}"
        session_path = None
        for turn in self.turns:
            if stop_at is not None and time.perf_counter() > stop_at:
                return
            started = time.perf_counter()
            if self.gateway:
                if session_path is None:
                    response = await client.post("/chat/sessions", json={})
                    session_path = f"/chat/sessions/{response.json()['session_id']}"
                else:
                    body = {"payload": turn} if turn.startswith("/") else {"text": turn}
                    response = await client.post(session_path + "/messages", json=body)
            else:
                response = await client.post(self.path, json={"sender": sender, "message": turn}, headers=self.headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code not in (200, 201):
                counter[1] += 1
                continue
            counter[0] += 1
            if timings is not None:
                timings.append(elapsed)
        if session_path:
            await client.delete(session_path)

    async def latency(self, conversations: int) -> list[float]:
        timings: list[float] = []
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            for _ in range(2):  # warm-up
                await self.conversation(client, None, None, [0, 0])
            for _ in range(conversations):
                await self.conversation(client, timings, None, [0, 0])
        return timings

    async def throughput(self, concurrency: int, seconds: float) -> tuple[float, int]:
        counter = [0, 0]
        stop_at = time.perf_counter() + seconds
        async with httpx.AsyncClient(base_url=self.url, timeout=30,
                                     limits=httpx.Limits(max_connections=concurrency * 2)) as client:
            async def worker() -> None:
                while time.perf_counter() < stop_at:
                    await self.conversation(client, None, stop_at, counter)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
        return counter[0] / elapsed, counter[1]


def start_bare_bot(workdir: Path) -> tuple[subprocess.Popen, str]:
    project = workdir / "bare"
    project.mkdir()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(project)], cwd=project, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    log = workdir / "bare.log"
    process = subprocess.Popen([str(RASA), "run", "--interface", "127.0.0.1", "--port", str(port), "--quiet"],
                               cwd=project, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/webhooks/rest/", process, 240, log)
    return process, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=15, help="for the one-at-a-time latency")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="signpost-bench-"))
    stack = Stack(workdir=workdir, extra_api_env={"SIGNPOST_LOG_LEVEL": "WARNING",
                                                  "SIGNPOST_CHAT_RATE_LIMIT_CLIENT": "1000000/minute",
                                                  "SIGNPOST_CHAT_RATE_LIMIT_SESSION": "100000/minute"})
    bare_process = None
    try:
        print("starting the Signpost stack and a bare `rasa init` bot ...", flush=True)
        stack.start()
        bare_process, bare_url = start_bare_bot(workdir)
        targets = [
            Target("bare Rasa bot (`rasa init`, REST channel)", bare_url, "/webhooks/rest/webhook", BARE_TURNS),
            Target("Signpost at its Rasa channel", stack.rasa, "/webhooks/signpost/webhook", SIGNPOST_TURNS,
                   headers={"X-Signpost-Channel-Token": CHANNEL_TOKEN}),
            Target("Signpost through the chat gateway", stack.api, "", SIGNPOST_TURNS, gateway=True),
        ]
        rows = []
        results = {}
        for target in targets:
            timings = asyncio.run(target.latency(args.conversations))
            rate, errors = asyncio.run(target.throughput(args.concurrency, args.seconds))
            results[target.name] = (timings, rate, errors)
            rows.append(f"| {target.name} | {statistics.median(timings):.0f} | {percentile(timings, 0.95):.0f} | "
                        f"{rate:.1f} | {errors} |")
            print(rows[-1], flush=True)
    finally:
        if bare_process:
            os.killpg(bare_process.pid, 15)
            bare_process.wait(timeout=30)
        stack.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)

    bare_rate = results[targets[0].name][1]
    channel_rate = results[targets[1].name][1]
    body = "\n".join([
        "## Conversations (`scripts/bench_conversations.py`)",
        "",
        f"Measured {dt.date.today().isoformat()}, {os.cpu_count()} cores, Python {platform.python_version()} "
        "(Rasa 3.6.21 on 3.10). One Rasa process each, one action server, one API worker; in-memory stores.",
        f"Latency: {args.conversations} whole conversations one at a time after two warm-ups, every reply timed. "
        f"Throughput: {args.concurrency} conversations sending without pause for {args.seconds:.0f} s.",
        f"Signpost's conversation: {len(SIGNPOST_TURNS)} turns (disclosure in her own words, the triage questions, "
        "a postcode, the answer from the directory, a question). The bare bot: the `rasa init` mood bot's "
        f"{len(BARE_TURNS)} turns.",
        "",
        "| target | reply p50 ms | reply p95 ms | saturated replies/s | errors |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Signpost's channel throughput is {channel_rate / bare_rate * 100:.0f} % of the bare bot's "
        "(target: at least 80 %).",
        load_note(),
    ])
    print(body)
    if not args.no_write:
        write_section("conversations", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
