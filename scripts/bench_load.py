"""Load benchmark: the production shape under paced conversations (Locust), stepped up.

Starts the production shape on loopback (tests/stack/harness.py ProductionStack:
PostgreSQL, Redis, Rasa replicas on bot/endpoints.production.yml, one action server, two
API processes in production mode), then for each configuration:
- saturated replies/s: SATURATION_USERS conversations sending without pause;
- paced steps: 100, 200, 300 ... people each sending one message every 10 s (whole
  conversations, scripts/load/locustfile.py), each step measured for --step-seconds after
  the ramp; the highest step with reply p95 < 500 ms and no errors is what the shape holds;
- memory: the resident set of every process at the end of the last step.

Every simulated person comes from 127.0.0.1, so the per-client rate limit (120/minute in
production) is raised here on purpose: otherwise it, not capacity, would stop the test.

    .venv/bin/python scripts/bench_load.py [--configs one,two,workers] [--steps 100,200,300,400,500]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from scripts.benchdoc import load_note, write_section  # noqa: E402
from tests.stack.harness import ProductionStack  # noqa: E402

LOCUST = REPO / ".venv" / "bin" / "locust"
LOCUSTFILE = REPO / "scripts" / "load" / "locustfile.py"
REPLIES = ("start a conversation", "send a message")
P95_TARGET_MS = 500
TARGET_PEOPLE = 300
SATURATION_USERS = 24
CONFIGS = {
    "one": ("one Rasa replica", {"rasa_replicas": 1}),
    "two": ("two Rasa replicas", {"rasa_replicas": 2}),
    "workers": ("one Rasa replica, two Sanic workers", {"rasa_replicas": 1, "extra_rasa_env": {"SANIC_WORKERS": "2"}}),
}
LOAD_API_ENV = {
    "SIGNPOST_LOG_LEVEL": "WARNING",
    # One address stands in for every simulated person: see the module docstring.
    "SIGNPOST_CHAT_RATE_LIMIT_CLIENT": "10000000/minute",
    "SIGNPOST_CHAT_RATE_LIMIT_SESSION": "1000/minute",
}


@dataclass
class Step:
    users: int
    replies: int = 0
    failures: int = 0
    p50_ms: float = 0
    p95_ms: float = 0
    replies_per_second: float = 0
    failure_reasons: dict = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        return self.replies > 0 and self.failures == 0 and self.p95_ms < P95_TARGET_MS


def percentile_from_histogram(histogram: dict[int, int], fraction: float) -> float:
    """Locust's response-time histogram (rounded milliseconds -> count)."""
    total = sum(histogram.values())
    seen = 0
    for milliseconds in sorted(histogram):
        seen += histogram[milliseconds]
        if seen >= fraction * total:
            return float(milliseconds)
    return 0.0


def run_locust(stack: ProductionStack, users: int, seconds: float, pacing: float, workdir: Path) -> Step:
    # Paced: people join over one pacing period, so their messages arrive evenly spread
    # rather than in bursts of everyone at once.
    ramp_seconds = pacing or 2
    env = {**os.environ, "SIGNPOST_LOAD_HOSTS": ",".join(stack.apis), "SIGNPOST_LOAD_PACING_SECONDS": str(pacing)}
    result = subprocess.run(
        [str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--host", stack.apis[0], "-u", str(users),
         "-r", str(max(users / ramp_seconds, 1)), "-t", f"{ramp_seconds + seconds:.0f}s", "--reset-stats",
         "--json", "--skip-log-setup", "--stop-timeout", "15"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=ramp_seconds + seconds + 120,
    )
    stats = json.loads(result.stdout)
    step = Step(users)
    histogram: dict[int, int] = {}
    for entry in stats:
        if entry["name"] not in REPLIES:
            step.failures += entry["num_failures"]
            continue
        step.replies += entry["num_requests"]
        step.failures += entry["num_failures"]
        for milliseconds, count in entry["response_times"].items():
            histogram[int(float(milliseconds))] = histogram.get(int(float(milliseconds)), 0) + count
        step.replies_per_second += entry["num_requests"] / seconds  # counted from the end of the ramp
    if histogram:
        step.p50_ms = percentile_from_histogram(histogram, 0.50)
        step.p95_ms = percentile_from_histogram(histogram, 0.95)
    if step.failures:
        step.failure_reasons = {line: 1 for line in result.stderr.splitlines() if "degraded" in line or "status" in line}
    return step


def process_trees(stack: ProductionStack) -> dict[str, list[psutil.Process]]:
    trees = {}
    for name, process in sorted(stack.processes.items()):
        try:
            root = psutil.Process(process.pid)
            trees[name] = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    return trees


def cpu_seconds(stack: ProductionStack) -> dict[str, float]:
    return {name: sum(sum(p.cpu_times()[:2]) for p in tree) for name, tree in process_trees(stack).items()}


def resident_megabytes(stack: ProductionStack) -> dict[str, float]:
    return {name: sum(p.memory_info().rss for p in tree) / 2**20 for name, tree in process_trees(stack).items()}


def measure(label: str, options: dict, steps: list[int], step_seconds: float) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="signpost-load-"))
    stack = ProductionStack(workdir=workdir, extra_api_env=LOAD_API_ENV, **options)
    try:
        print(f"== {label}: starting the production shape ...", flush=True)
        stack.start()
        run_locust(stack, 10, 10, 0, workdir)  # warm-up: every code path once
        before = cpu_seconds(stack)
        saturated = run_locust(stack, SATURATION_USERS, 30, 0, workdir)
        after = cpu_seconds(stack)
        # Where a reply's CPU goes (ramp included in both, so a slight overestimate).
        cpu_ms_per_reply = {name: (after[name] - before[name]) * 1000 / max(saturated.replies, 1)
                            for name in after if name in before}
        print(f"saturated: {saturated.replies_per_second:.1f} replies/s, p95 {saturated.p95_ms:.0f} ms, "
              f"{saturated.failures} failures", flush=True)
        paced = []
        memory: dict[str, float] = {}
        for users in steps:
            step = run_locust(stack, users, step_seconds, 10, workdir)
            memory = resident_megabytes(stack)
            paced.append(step)
            print(f"{users} paced people: p50 {step.p50_ms:.0f} ms, p95 {step.p95_ms:.0f} ms, "
                  f"{step.replies_per_second:.1f} replies/s, {step.failures} failures; load {os.getloadavg()[0]:.1f}",
                  flush=True)
            if not step.holds:
                break
        return {"label": label, "saturated": saturated, "paced": paced, "memory": memory,
                "cpu_ms_per_reply": cpu_ms_per_reply, "load": os.getloadavg()[0]}
    finally:
        stack.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


def held(result: dict) -> int:
    return max([s.users for s in result["paced"] if s.holds], default=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="one,two,workers")
    parser.add_argument("--steps", default="100,200,300,400,500,600")
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    results = [measure(*CONFIGS[name], steps, args.step_seconds) for name in args.configs.split(",")]

    lines = [
        "## Production shape under load (`scripts/bench_load.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores, Python {platform.python_version()} "
        "(Rasa 3.6.21 on 3.10). The production shape on loopback: PostgreSQL, Redis (Rasa's tracker and lock "
        "stores, the gateway's sessions and rate limits), Rasa replicas on `bot/endpoints.production.yml`, one "
        "action server, two API processes in production mode taking turns by round robin; Locust on the same "
        "machine. Each simulated person holds a whole conversation (`scripts/load/locustfile.py`: her own words, "
        "the triage answers, a postcode, the local answer, a question, the end), one message every 10 s, then "
        "starts again. A degraded reply counts as an error. Each step is measured for "
        f"{args.step_seconds:.0f} s after its ramp. Every simulated person comes from 127.0.0.1, so the per-client "
        "rate limit was raised for this run on purpose (it is 120/minute per address in production); the "
        "per-conversation limit stayed on.",
        "",
        "| configuration | most paced conversations with reply p95 < 500 ms, no errors | saturated replies/s "
        "(p95 ms) | load average at the end |",
        "|---|---|---|---|",
    ]
    for result in results:
        saturated = result["saturated"]
        lines.append(f"| {result['label']} | {held(result)} | {saturated.replies_per_second:.1f} "
                     f"({saturated.p95_ms:.0f}) | {result['load']:.1f} |")
    lines += ["", "| configuration | paced people | reply p50 ms | reply p95 ms | replies/s | errors |",
              "|---|---|---|---|---|---|"]
    for result in results:
        for step in result["paced"]:
            lines.append(f"| {result['label']} | {step.users} | {step.p50_ms:.0f} | {step.p95_ms:.0f} | "
                         f"{step.replies_per_second:.1f} | {step.failures} |")
    lines += ["", "Resident memory at the end of the last step, MiB (a process's children included):", "",
              "| configuration | " + " | ".join(sorted({n for r in results for n in r["memory"]})) + " |",
              "|---|" + "---|" * len({n for r in results for n in r["memory"]})]
    names = sorted({n for r in results for n in r["memory"]})
    for result in results:
        lines.append(f"| {result['label']} | " + " | ".join(
            f"{result['memory'][n]:.0f}" if n in result["memory"] else "" for n in names) + " |")
    lines += ["", "CPU per reply while saturated, ms (all processes of each kind added up):", "",
              "| configuration | " + " | ".join(names) + " | total |", "|---|" + "---|" * (len(names) + 1)]
    for result in results:
        cpu = result["cpu_ms_per_reply"]
        lines.append(f"| {result['label']} | " + " | ".join(f"{cpu[n]:.0f}" if n in cpu else "" for n in names)
                     + f" | {sum(cpu.values()):.0f} |")
    best = max(results, key=held)
    cpu_per_reply = sum(best["cpu_ms_per_reply"].values())
    ceiling = (os.cpu_count() or 1) * 1000 / cpu_per_reply
    rasa_share = sum(v for n, v in best["cpu_ms_per_reply"].items() if n.startswith("rasa")) / cpu_per_reply
    verdict = "met" if held(best) >= TARGET_PEOPLE else f"missed by {TARGET_PEOPLE - held(best)}"
    lines += ["", f"Target: at least {TARGET_PEOPLE} paced conversations with reply p95 < {P95_TARGET_MS} ms. Best "
              f"here: {held(best)} ({best['label']}), {verdict}. Each reply costs about {cpu_per_reply:.0f} ms of "
              f"CPU across the processes, so {os.cpu_count()} cores could give at most about {ceiling:.0f} replies/s "
              f"({ceiling * 10:.0f} paced people) with nothing else running (Locust and PostgreSQL not counted); a "
              f"p95 under {P95_TARGET_MS} ms needs headroom below that. Rasa's replicas take "
              f"{rasa_share:.0%} of it. The figures are only as good as the machine was quiet: see the load "
              "averages.",
              "", load_note()]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("load", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
