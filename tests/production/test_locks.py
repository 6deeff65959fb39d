"""requirements/*.lock decide what every environment runs: .venv, .venv-bot and the three images.

The locks are written by scripts/lock.sh (uv) from the declared dependencies (pyproject.toml,
requirements/*.in) and installed with --require-hashes. These tests fail when a declaration
changes without the locks being refreshed, when a lock loses its hashes, when two locks disagree
on a package, when an environment drifts from its lock, or when an image stops installing from it.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
LOCKS = REPO / "requirements"
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
HASH = re.compile(r"--hash=(sha256:[0-9a-f]{64})")
PYTHON = {"api-dev": "3.11", "api": "3.11", "build": "3.11", "bot": "3.10", "actions": "3.10"}


def read_lock(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """{canonical name: (version, hashes)} of requirements/NAME.lock."""
    entries: dict[str, tuple[str, set[str]]] = {}
    current = None
    for line in (LOCKS / f"{name}.lock").read_text().splitlines():
        if match := ENTRY.match(line):
            current = canonicalize_name(match.group(1))
            assert current not in entries, f"{name}.lock: {current} twice"
            entries[current] = (match.group(2), set())
        elif current and (found := HASH.search(line)):
            entries[current][1].add(found.group(1))
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{name}.lock: an unexpected line {line!r}")
    return {name: (version, frozenset(hashes)) for name, (version, hashes) in entries.items()}


def declared(name: str) -> list[Requirement]:
    if name in ("api", "api-dev"):
        project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
        wanted = list(project["dependencies"])
        if name == "api-dev":
            wanted += project["optional-dependencies"]["dev"]
    else:
        wanted = [line.split("#")[0].strip() for line in (LOCKS / f"{name}.in").read_text().splitlines()]
    return [Requirement(line) for line in wanted if line]


def applies(requirement: Requirement, python: str) -> bool:
    environment = {**default_environment(), "python_version": python, "python_full_version": f"{python}.0",
                   "sys_platform": "linux", "platform_system": "Linux", "extra": ""}
    return requirement.marker is None or requirement.marker.evaluate(environment)


@pytest.mark.parametrize("name", sorted(PYTHON))
def test_every_declared_dependency_is_locked_within_its_range(name: str):
    lock = read_lock(name)
    for requirement in declared(name):
        if not applies(requirement, PYTHON[name]):
            continue
        package = canonicalize_name(requirement.name)
        assert package in lock, f"{requirement} is declared but not in {name}.lock: run scripts/lock.sh"
        version = lock[package][0]
        assert requirement.specifier.contains(version, prereleases=True), \
            f"{name}.lock has {package}=={version}, outside {requirement}: run scripts/lock.sh"


@pytest.mark.parametrize("name", sorted(PYTHON))
def test_every_locked_package_carries_its_hashes(name: str):
    lock = read_lock(name)
    assert len(lock) >= 3
    assert [package for package, (_version, hashes) in lock.items() if not hashes] == []


@pytest.mark.parametrize(("narrow", "wide"), [("api", "api-dev"), ("actions", "bot"), ("build", "api-dev")])
def test_a_package_has_one_version_in_every_lock(narrow: str, wide: str):
    narrower, wider = read_lock(narrow), read_lock(wide)
    for package in narrower.keys() & wider.keys():
        assert narrower[package] == wider[package], f"{package} differs between {narrow}.lock and {wide}.lock"
    if narrow != "build":  # setuptools and wheel build the project; they are not among its dependencies
        assert sorted(narrower.keys() - wider.keys()) == [], f"{narrow}.lock has packages {wide}.lock lacks"


def _runs_exactly(installed: dict[str, str], locks: list[str], own: set[str]) -> None:
    wanted = {package: version for lock in locks for package, (version, _h) in read_lock(lock).items()}
    extra = {package: version for package, version in installed.items()
             if package not in wanted and package not in own}
    drifted = {package: (installed.get(package), version) for package, version in wanted.items()
               if installed.get(package) != version}
    assert extra == {} and drifted == {}, f"not in the lock: {extra}; installed, locked: {drifted}"


def test_the_api_environment_runs_exactly_its_lock():
    assert Path(sys.prefix).resolve() == (REPO / ".venv").resolve(), "run with .venv/bin/python"
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    _runs_exactly(installed, ["api-dev", "build"], own={"signpost", "pip"})
    assert installed["pip"] == "24.0"


def test_the_bot_environment_runs_exactly_its_lock():
    python = REPO / ".venv-bot" / "bin" / "python"
    assert python.exists(), ".venv-bot is missing: scripts/setup.sh makes it"
    listing = subprocess.run(
        [str(python), "-c", "import json; from importlib import metadata; "
         "print(json.dumps({d.metadata['Name']: d.version for d in metadata.distributions()}))"],
        capture_output=True, text=True, check=True).stdout
    installed = {canonicalize_name(name): version for name, version in json.loads(listing).items()}
    _runs_exactly(installed, ["bot"], own={"pip"})


@pytest.mark.parametrize(("image", "locks"), [("api", ["api.lock", "build.lock"]), ("rasa", ["bot.lock"]),
                                              ("actions", ["actions.lock"])])
def test_each_image_installs_from_its_locks_with_hashes(image: str, locks: list[str]):
    text = re.sub(r"\\\n\s*", " ", (REPO / "docker" / f"{image}.Dockerfile").read_text())
    installs = [line for line in text.splitlines() if line.startswith("RUN") and "pip install" in line]
    for lock in locks:
        assert re.search(rf"^COPY .*requirements/{re.escape(lock)}", text, re.M), f"{image} does not copy {lock}"
        assert any(f"/tmp/{lock}" in line and "--require-hashes" in line for line in installs), \
            f"{image} does not install {lock} with --require-hashes"
    for line in installs:  # nothing resolved from the registry beside the locks
        for command in line.removeprefix("RUN").split("&&"):
            if "pip install" in command and "pip==" not in command:
                assert "--require-hashes" in command or "--no-deps" in command, command


def test_setup_installs_both_environments_from_the_locks():
    setup = (REPO / "scripts" / "setup.sh").read_text()
    for lock in ("api-dev.lock", "build.lock", "bot.lock"):
        assert re.search(rf"pip install -q --require-hashes --no-deps -r requirements/{re.escape(lock)}", setup), lock
    assert "requirements-bot.txt" not in setup and not (REPO / "requirements-bot.txt").exists()
