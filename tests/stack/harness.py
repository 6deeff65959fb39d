"""The whole stack on loopback for end-to-end tests and benchmarks: the directory API with
its chat gateway, the action server and Rasa (with the trained model), each a real process.

Ports are free ones picked at start; Rasa gets its own credentials and endpoints files
(the signpost channel and the token the gateway uses), so nothing here depends on a
developer's running services.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
BOT_PYTHON = REPO / ".venv-bot" / "bin" / "python"
API_PYTHON = REPO / ".venv" / "bin" / "python"
MODEL = REPO / "bot" / "models" / "signpost.tar.gz"
CHANNEL_TOKEN = "stack-test-channel-token-abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {seconds:.0f} s\n{log.read_text()[-3000:]}")


@dataclass
class Stack:
    workdir: Path
    api_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    extra_api_env: dict = field(default_factory=dict)
    use_redis: bool = False
    actions_api_url: str | None = None  # point the action server elsewhere, e.g. at a dead port
    redis_port: int = field(default_factory=free_port)
    processes: dict = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self, **extra: str) -> dict:
        return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1", **extra}

    def _spawn(self, name: str, command: list[str], cwd: Path, env: dict) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start_api(self) -> None:
        env = self._env(**{
            "SIGNPOST_DATABASE_URL": f"sqlite:///{self.workdir / 'signpost.db'}",
            "SIGNPOST_RASA_URL": self.rasa, "SIGNPOST_CHANNEL_TOKEN": CHANNEL_TOKEN, "SIGNPOST_LOG_LEVEL": "INFO",
            "SIGNPOST_CHAT_TIMEOUT_SECONDS": "8",
            # Every test conversation comes from 127.0.0.1: one address standing in for many
            # people. The per-client limit itself is tested in tests/api/test_chat_gateway.py.
            "SIGNPOST_CHAT_RATE_LIMIT_CLIENT": "100000/minute", "SIGNPOST_CHAT_RATE_LIMIT_SESSION": "1000/minute",
            **self.extra_api_env,
        })
        process = self._spawn("api", [str(API_PYTHON), "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                                      "--port", str(self.api_port), "--no-access-log"], REPO, env)
        wait_for(self.api + "/healthz", process, 90, self.workdir / "api.log")

    def start_actions(self) -> None:
        env = self._env(SANIC_HOST="127.0.0.1", SIGNPOST_API_URL=self.actions_api_url or self.api)
        process = self._spawn("actions", [str(REPO / ".venv-bot" / "bin" / "rasa"), "run", "actions", "--port",
                                          str(self.actions_port), "--actions", "actions"], REPO, env)
        wait_for(f"http://127.0.0.1:{self.actions_port}/health", process, 120, self.workdir / "actions.log")

    def start_redis(self) -> None:
        process = self._spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                        "--save", "", "--appendonly", "no"], self.workdir, self._env())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.redis_cli("ping") == "PONG":
                return
            if process.poll() is not None:
                raise RuntimeError(self.log("redis"))
            time.sleep(0.1)
        raise RuntimeError("redis did not start")

    def redis_cli(self, *args: str) -> str:
        result = subprocess.run(["redis-cli", "-p", str(self.redis_port), *args], capture_output=True, text=True)
        return result.stdout.strip()

    def start_rasa(self) -> None:
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(f"channels.signpost_channel.SignpostChannel:\n  token: {CHANNEL_TOKEN}\n")
        endpoints = self.workdir / "endpoints.yml"
        if self.use_redis:
            stores = (
                f"tracker_store:\n  type: redis\n  url: 127.0.0.1\n  port: {self.redis_port}\n  db: 0\n"
                f"  record_exp: 1800\nlock_store:\n  type: redis\n  url: 127.0.0.1\n  port: {self.redis_port}\n  db: 1\n"
            )
        else:
            stores = "tracker_store:\n  type: in_memory\nlock_store:\n  type: in_memory\n"
        endpoints.write_text(f"action_endpoint:\n  url: http://127.0.0.1:{self.actions_port}/webhook\n"
                             "  enable_selective_domain: true\n" + stores)
        env = self._env(SIGNPOST_ACTION_TIMEOUT_SECONDS=os.environ.get("SIGNPOST_ACTION_TIMEOUT_SECONDS", "4"))
        process = self._spawn("rasa", [str(BOT_PYTHON), "run_rasa.py", "run", "--interface", "127.0.0.1",
                                       "--port", str(self.rasa_port), "--model", str(MODEL), "--endpoints",
                                       str(endpoints), "--credentials", str(credentials)], REPO / "bot", env)
        wait_for(self.rasa + "/webhooks/signpost/", process, 240, self.workdir / "rasa.log")

    def start(self) -> Stack:
        if not MODEL.exists():
            raise RuntimeError("no trained model: run scripts/train-bot.sh first")
        if self.use_redis:
            self.start_redis()
        self.start_api()
        self.start_actions()
        self.start_rasa()
        return self

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def pause(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGCONT)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)
