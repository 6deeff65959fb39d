"""docker/: the images and the compose file keep the production invariants. Docker is not
installed here, so nothing is built: the files are parsed and checked."""
from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from api.settings import DEVELOPMENT_ADMIN_KEY, DEVELOPMENT_CHANNEL_TOKEN, DEVELOPMENT_SESSION_SECRET

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
DOCKERFILES = {name: DOCKER / f"{name}.Dockerfile" for name in ("api", "rasa", "actions")}
SECRET_NAME = re.compile(r"(TOKEN|SECRET|KEY|PASSWORD|REDISCLI_AUTH)$")
REQUIRED_VARIABLE = re.compile(r"\$\{[A-Z_]+:\?[^}]+\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yml").read_text())


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def dockerignored(path: str) -> bool:
    ignored = False
    for pattern in (REPO / ".dockerignore").read_text().splitlines():
        pattern = pattern.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").removeprefix("**/")
        parts = Path(path).parts
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(Path(prefix).name, pattern) for prefix in prefixes):
            ignored = not negate
    return ignored


@pytest.mark.parametrize("name", DOCKERFILES)
def test_each_image_is_slim_and_runs_as_an_unprivileged_user(name):
    steps = instructions(DOCKERFILES[name])
    bases = [args.split()[0] for keyword, args in steps if keyword == "FROM"]
    assert bases and all(re.match(r"python:3\.1[01]-slim", base) for base in bases), bases
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    final_stage = steps[max(i for i, (k, _a) in enumerate(steps) if k == "FROM"):]
    assert any(k == "HEALTHCHECK" for k, _a in final_stage)
    assert any(k == "CMD" for k, _a in final_stage)


@pytest.mark.parametrize("name", DOCKERFILES)
def test_every_file_an_image_copies_exists_and_is_not_dockerignored(name):
    for keyword, args in instructions(DOCKERFILES[name]):
        if keyword != "COPY" or args.startswith("--from"):
            continue
        *sources, _destination = shlex.split(args)
        for source in sources:
            assert (REPO / source).exists(), f"{name}: {source} does not exist"
            assert not dockerignored(source), f"{name}: {source} is excluded by .dockerignore"


def test_dockerignore_keeps_local_state_and_secrets_out():
    for path in (".venv/bin/python", ".venv-bot/bin/rasa", "var/signpost.db", ".env", "docker/.env",
                 "bot/models/signpost.tar.gz", ".git/config", "api/__pycache__/main.cpython-311.pyc"):
        assert dockerignored(path), path


def test_the_rasa_image_trains_its_own_model_and_serves_no_http_api():
    steps = instructions(DOCKERFILES["rasa"])
    assert any(k == "RUN" and "rasa train" in a and "--fixed-model-name signpost" in a for k, a in steps)
    command = json.loads(next(a for k, a in reversed(steps) if k == "CMD"))
    assert command[:2] == ["python", "run_rasa.py"]  # the bounded action wait and redacted logs
    assert "--enable-api" not in command
    assert command[command.index("--endpoints") + 1] == "endpoints.production.yml"


def test_the_whole_shape_is_there(compose):
    services = compose["services"]
    assert {"proxy", "api-1", "api-2", "rasa-1", "rasa-2", "actions", "postgres", "redis"} <= set(services)
    for name, service in services.items():
        assert "healthcheck" in service or "healthcheck" in _image_healthcheck(service), name
        assert service.get("restart") == "unless-stopped", name
        build = service.get("build")
        if build:
            assert (DOCKER / build["context"] / build["dockerfile"]).resolve().exists(), name


def _image_healthcheck(service: dict) -> str:
    build = service.get("build")
    return (DOCKER / build["context"] / build["dockerfile"]).read_text() if build else ""


def test_only_the_proxy_is_published(compose):
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    for name in ("rasa-1", "rasa-2", "actions", "postgres", "redis"):
        assert "ports" not in compose["services"][name] and "network_mode" not in compose["services"][name]


def test_no_secret_has_a_default(compose):
    defaults = (DEVELOPMENT_ADMIN_KEY, DEVELOPMENT_CHANNEL_TOKEN, DEVELOPMENT_SESSION_SECRET, "development-only")
    text = (DOCKER / "compose.yml").read_text()
    assert not any(default in text for default in defaults)
    assert not re.search(r"\$\{[A-Z_]*(TOKEN|SECRET|KEY|PASSWORD)[A-Z_]*:-", text), "a secret with a fallback"
    for name, service in compose["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_NAME.search(variable):
                assert REQUIRED_VARIABLE.fullmatch(value), f"{name}.{variable} must come from the environment"
            if "://" in value and "@" in value:  # credentials inside a URL
                assert REQUIRED_VARIABLE.search(value.split("@")[0]), f"{name}.{variable}"


def test_the_apis_run_in_production_mode_and_reach_every_rasa_replica(compose):
    services = compose["services"]
    rasa_replicas = sorted(name for name in services if name.startswith("rasa-"))
    api_replicas = sorted(name for name in services if name.startswith("api-"))
    for name in ("api-1", "api-2"):
        environment = services[name]["environment"]
        assert environment["SIGNPOST_ENVIRONMENT"] == "production"
        assert int(environment["SIGNPOST_API_REPLICAS"]) == len(api_replicas)
        assert environment["SIGNPOST_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert environment["SIGNPOST_REDIS_URL"].startswith("redis://")
        assert json.loads(environment["SIGNPOST_RASA_URLS"]) == [f"http://{r}:5005" for r in rasa_replicas]
    caddyfile = (DOCKER / "Caddyfile").read_text()
    assert caddyfile.count("reverse_proxy api-1:8000 api-2:8000") == 2
    assert "log" not in re.sub(r"#.*", "", caddyfile)  # no access log: no client addresses


def test_telemetry_is_off_and_the_assistant_uses_the_production_stores(compose):
    for name in ("rasa-1", "rasa-2", "actions"):
        assert compose["services"][name]["environment"]["RASA_TELEMETRY_ENABLED"] == "false", name
    for name in ("rasa", "actions"):
        assert "RASA_TELEMETRY_ENABLED=false" in DOCKERFILES[name].read_text()
    rasa = compose["services"]["rasa-1"]["environment"]
    endpoints = (REPO / "bot" / "endpoints.production.yml").read_text()
    for variable in re.findall(r"\$\{([A-Z_]+)\}", endpoints):
        assert variable in rasa, f"endpoints.production.yml needs {variable}"
    assert rasa["ACTION_SERVER_URL"] == "http://actions:5055/webhook"


def test_the_example_environment_names_every_required_variable_and_holds_no_secret():
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (DOCKER / "compose.yml").read_text()))
    example = dict(line.split("=", 1) for line in (DOCKER / "env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert required <= set(example)
    assert all(example[name] == "" for name in required)


def compose_bytes(size: str) -> int:
    """Compose's memory sizes ("512M", "1G"): binary units, as Docker reads them."""
    number, unit = re.fullmatch(r"(\d+)([KMG]?)B?", str(size).upper()).groups()
    return int(number) * 1024 ** " KMG".index(unit or " ")


def test_every_service_has_cpu_and_memory_limits(compose):
    for name, service in compose["services"].items():
        resources = (service.get("deploy") or {}).get("resources") or {}
        limits, reservations = resources.get("limits") or {}, resources.get("reservations") or {}
        assert limits.get("cpus") and limits.get("memory"), f"{name} has no CPU or memory limit"
        assert 0 < float(reservations.get("cpus", 0)) <= float(limits["cpus"]), name
        # Memory reserved as limited: a container is not scheduled where it could not grow.
        assert compose_bytes(reservations.get("memory", 0)) == compose_bytes(limits["memory"]), name
