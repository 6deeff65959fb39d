"""The whole stack on loopback for end-to-end tests and benchmarks: the directory API with
its chat gateway, the action server and Rasa (with the trained model), each a real process.

Ports are free ones picked at start; Rasa gets its own credentials and endpoints files
(the signpost channel and the token the gateway uses), so nothing here depends on a
developer's running services.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

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

    def api_env(self) -> dict:
        return {
            "SIGNPOST_DATABASE_URL": f"sqlite:///{self.workdir / 'signpost.db'}",
            "SIGNPOST_RASA_URL": self.rasa, "SIGNPOST_CHANNEL_TOKEN": CHANNEL_TOKEN, "SIGNPOST_LOG_LEVEL": "INFO",
            "SIGNPOST_CHAT_TIMEOUT_SECONDS": "8",
            # Every test conversation comes from 127.0.0.1: one address standing in for many
            # people. The per-client limit itself is tested in tests/api/test_chat_gateway.py.
            "SIGNPOST_CHAT_RATE_LIMIT_CLIENT": "100000/minute", "SIGNPOST_CHAT_RATE_LIMIT_SESSION": "1000/minute",
            **self.extra_api_env,
        }

    def spawn_api(self, name: str = "api", port: int | None = None) -> subprocess.Popen:
        port = port or self.api_port
        return self._spawn(name, [str(API_PYTHON), "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-access-log"], REPO, self._env(**self.api_env()))

    def start_api(self, name: str = "api", port: int | None = None) -> None:
        process = self.spawn_api(name, port)
        wait_for(f"http://127.0.0.1:{port or self.api_port}/healthz", process, 90, self.workdir / f"{name}.log")

    def start_actions(self) -> None:
        env = self._env(SANIC_HOST="127.0.0.1", SIGNPOST_API_URL=self.actions_api_url or self.api)
        process = self._spawn("actions", [str(REPO / ".venv-bot" / "bin" / "rasa"), "run", "actions", "--port",
                                          str(self.actions_port), "--actions", "actions"], REPO, env)
        wait_for(f"http://127.0.0.1:{self.actions_port}/health", process, 120, self.workdir / "actions.log")

    def start_redis(self, persistent: bool = False) -> None:
        """Persistent: an append-only file in the work directory, so a restart keeps conversations
        (flushed every second, Redis's default; a clean stop writes everything)."""
        keep = ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.workdir)] if persistent else [
            "--appendonly", "no"]
        process = self._spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                        "--save", "", *keep], self.workdir, self._env())
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

    def rasa_endpoints(self) -> Path:
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
        return endpoints

    def rasa_env(self) -> dict:
        # One thread per sentence embedding, as the Procfile and docker/compose.yml run Rasa.
        return {"SIGNPOST_ACTION_TIMEOUT_SECONDS": os.environ.get("SIGNPOST_ACTION_TIMEOUT_SECONDS", "4"),
                "OMP_NUM_THREADS": "1"}

    def spawn_rasa(self, name: str = "rasa", port: int | None = None) -> subprocess.Popen:
        credentials = self.workdir / "credentials.yml"
        credentials.write_text(f"channels.signpost_channel.SignpostChannel:\n  token: {CHANNEL_TOKEN}\n")
        endpoints = self.rasa_endpoints()
        return self._spawn(name, [str(BOT_PYTHON), "run_rasa.py", "run", "--interface", "127.0.0.1",
                                  "--port", str(port or self.rasa_port), "--model", str(MODEL), "--endpoints",
                                  str(endpoints), "--credentials", str(credentials)], REPO / "bot",
                           self._env(**self.rasa_env()))

    def start_rasa(self, name: str = "rasa", port: int | None = None) -> None:
        process = self.spawn_rasa(name, port)
        wait_for(f"http://127.0.0.1:{port or self.rasa_port}/webhooks/signpost/", process, 240,
                 self.workdir / f"{name}.log")

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

    def kill(self, name: str) -> None:
        """As a crash: SIGKILL, no chance to tidy up."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def pause(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGCONT)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


def compose_rasa_environment() -> dict:
    """The Rasa replicas' environment in docker/compose.yml (the production shape), so the
    loopback stack runs them with the same lock lifetime."""
    compose = yaml.safe_load((REPO / "docker" / "compose.yml").read_text(encoding="utf-8"))
    return {key: str(value) for key, value in compose["services"]["rasa-1"]["environment"].items()}


ADMIN_KEY = "production-shape-admin-key-abcdefghijklmnopqrstuvwxyz"
SESSION_SECRET = "production-shape-session-secret-abcdefghijklmnopqrstuv"


def _as_postgres_owner(command: list[str]) -> list[str]:
    # initdb refuses to run as root: use Debian's postgres account when we are root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Postgres:
    """A throwaway PostgreSQL cluster from Debian's packages (as scripts/with-postgres.sh makes)."""

    # Not under pytest's private temporary directory: the postgres account must reach it.
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="signpost-pg-")))
    port: int = field(default_factory=free_port)

    @property
    def bin(self) -> Path:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        if not found:
            raise RuntimeError("PostgreSQL server binaries not found: run scripts/setup.sh")
        return found[-1].parent

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://signpost@127.0.0.1:{self.port}/signpost"

    def _run(self, *command: str) -> None:
        subprocess.run(_as_postgres_owner([str(self.bin / command[0]), *command[1:]]), check=True,
                       stdout=subprocess.DEVNULL)

    def create(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.workdir / "data"), "-U", "signpost", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "signpost", "signpost")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.workdir / "data"), "-l", str(self.workdir / "server.log"), "-w",
                  "-t", "60", "-o", f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c synchronous_commit=off", "start")

    def stop(self) -> None:
        subprocess.run(_as_postgres_owner([str(self.bin / "pg_ctl"), "-D", str(self.workdir / "data"), "-m", "fast",
                                           "-w", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


@dataclass
class ProductionStack(Stack):
    """The production shape on loopback: PostgreSQL, Redis (Rasa's tracker and lock stores,
    the gateway's sessions and rate limits), several Rasa replicas with the production
    endpoints, one action server and several API processes in production mode.

    Processes are named api-0, api-1, ..., rasa-0, rasa-1, ..., actions, redis. The action
    server reads the directory from the last API process."""

    rasa_replicas: int = 2
    api_replicas: int = 2
    conversation_ttl_seconds: int = 1800
    extra_rasa_env: dict = field(default_factory=dict)  # e.g. SANIC_WORKERS
    rasa_ports: list = field(default_factory=list)
    api_ports: list = field(default_factory=list)
    postgres: Postgres | None = None

    def __post_init__(self) -> None:
        self.use_redis = True
        self.rasa_ports = self.rasa_ports or [free_port() for _ in range(self.rasa_replicas)]
        self.api_ports = self.api_ports or [free_port() for _ in range(self.api_replicas)]
        self.rasa_port, self.api_port = self.rasa_ports[0], self.api_ports[0]
        self.postgres = self.postgres or Postgres()

    @property
    def apis(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.api_ports]

    @property
    def rasas(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    def api_env(self) -> dict:
        return {
            **super().api_env(),
            "SIGNPOST_ENVIRONMENT": "production", "SIGNPOST_DATABASE_URL": self.postgres.url,
            "SIGNPOST_ADMIN_API_KEY": ADMIN_KEY, "SIGNPOST_SESSION_SECRET": SESSION_SECRET,
            "SIGNPOST_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/2",
            "SIGNPOST_RASA_URLS": json.dumps(self.rasas),
            "SIGNPOST_CHAT_SESSION_TTL_SECONDS": str(self.conversation_ttl_seconds),
            **self.extra_api_env,
        }

    def rasa_endpoints(self) -> Path:
        """bot/endpoints.production.yml itself, with the test's expiry."""
        text = (REPO / "bot" / "endpoints.production.yml").read_text()
        assert "record_exp: 1800" in text
        endpoints = self.workdir / "endpoints.production.yml"
        endpoints.write_text(text.replace("record_exp: 1800", f"record_exp: {self.conversation_ttl_seconds}"))
        return endpoints

    def rasa_env(self) -> dict:
        return {**super().rasa_env(), "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.redis_port),
                "REDIS_PASSWORD": "", "ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
                "TICKET_LOCK_LIFETIME": compose_rasa_environment()["TICKET_LOCK_LIFETIME"],
                **self.extra_rasa_env}

    def start(self) -> ProductionStack:
        if not MODEL.exists():
            raise RuntimeError("no trained model: run scripts/train-bot.sh first")
        self.postgres.create()
        self.start_redis(persistent=True)
        # All at once, as an orchestrator starts replicas: the API processes race to migrate.
        apis = {f"api-{n}": self.spawn_api(f"api-{n}", port) for n, port in enumerate(self.api_ports)}
        for (name, process), url in zip(apis.items(), self.apis):
            wait_for(url + "/healthz", process, 120, self.workdir / f"{name}.log")
        self.actions_api_url = self.actions_api_url or self.apis[-1]
        self.start_actions()
        rasas = {f"rasa-{n}": self.spawn_rasa(f"rasa-{n}", port) for n, port in enumerate(self.rasa_ports)}
        for (name, process), url in zip(rasas.items(), self.rasas):
            wait_for(url + "/webhooks/signpost/", process, 300, self.workdir / f"{name}.log")
        return self

    def stop_all(self) -> None:
        super().stop_all()
        self.postgres.remove()
