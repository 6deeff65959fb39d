"""deploy/kubernetes/: the cluster shape keeps the production invariants of docker/compose.yml.
There is no cluster here, so nothing is applied: every manifest is validated offline against
the Kubernetes OpenAPI schemas that kubernetes-validate bundles (strict: an unknown field
fails), then compared with the compose file and the Dockerfiles."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
KUBERNETES = REPO / "deploy" / "kubernetes"
# The oldest Kubernetes release the manifests promise to suit, and the newest the validator
# bundles (requirements/api-dev.lock pins which that is).
SCHEMA_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())
# Each workload and the compose service it stands for (api-2 and rasa-2 are copies of these).
COMPOSE_SERVICE = {"api": "api-1", "rasa": "rasa-1", "actions": "actions", "proxy": "proxy"}
SECRET_NAME = re.compile(r"(TOKEN|SECRET|KEY|PASSWORD|REDISCLI_AUTH)$")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")


def manifest_files() -> list[Path]:
    return sorted(path for path in KUBERNETES.glob("*.yaml") if path.name != "kustomization.yaml")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yml").read_text())


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, dict]]:
    return [(path.name, doc) for path in manifest_files()
            for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


@pytest.fixture(scope="module")
def objects(documents) -> dict[tuple[str, str], dict]:
    found = {}
    for filename, doc in documents:
        key = (doc["kind"], doc["metadata"]["name"])
        assert key not in found, f"{key} is defined twice ({filename})"
        found[key] = doc
    return found


@pytest.fixture(scope="module")
def workloads(objects) -> dict[str, dict]:
    """Component label -> the Deployment or StatefulSet running it."""
    return {doc["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]: doc
            for (kind, _name), doc in objects.items() if kind in ("Deployment", "StatefulSet")}


def containers(workload: dict) -> list[dict]:
    spec = workload["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def environment(container: dict, objects: dict) -> dict[str, object]:
    """Variable -> its value, or ("secret", name, key) for a secretKeyRef."""
    found: dict[str, object] = {}
    for source in container.get("envFrom", []):
        assert "secretRef" not in source, "secrets are referenced one key at a time, by name"
        found.update(objects[("ConfigMap", source["configMapRef"]["name"])]["data"])
    for variable in container.get("env", []):
        reference = (variable.get("valueFrom") or {}).get("secretKeyRef")
        found[variable["name"]] = (("secret", reference["name"], reference["key"]) if reference
                                   else variable.get("value"))
    return found


def compose_secret(value: str) -> bool:
    """A compose value made from a secret variable (a token, or a password inside a URL)."""
    return any(SECRET_NAME.search(name) for name in re.findall(r"\$\{([A-Z_]+):\?", value))


def cpus(quantity: str) -> float:
    quantity = str(quantity)
    return int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def memory_bytes(quantity: str) -> int:
    """Both spellings: Kubernetes' "512Mi" and compose's "512M" (binary units in Docker)."""
    number, unit = re.fullmatch(r"(\d+)([KMG]?)i?B?", str(quantity)).groups()
    return int(number) * 1024 ** " KMG".index(unit or " ")


def dockerfile_uids() -> set[int]:
    return {int(uid) for path in DOCKER.glob("*.Dockerfile")
            for uid in re.findall(r"useradd\b[^\n]*--uid (\d+)", path.read_text())}


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
def test_every_manifest_is_valid_kubernetes(documents, version):
    problems = []
    for filename, doc in documents:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{filename} {doc.get('kind')}/{doc['metadata'].get('name')}: "
                            f"{'.'.join(map(str, error.path))}: {error.message}")
    assert not problems, "\n".join(problems)


def test_the_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    assert kustomization["namespace"] == "signpost"
    assert sorted(kustomization["resources"]) == [path.name for path in manifest_files()]
    assert not set(p.name for p in KUBERNETES.iterdir()) - {*kustomization["resources"], "kustomization.yaml"}


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl is not installed")
def test_kustomize_renders_every_object(documents):
    rendered = subprocess.run(["kubectl", "kustomize", str(KUBERNETES)], capture_output=True, text=True,
                              timeout=60, check=True).stdout
    kinds_and_names = sorted((doc["kind"], doc["metadata"]["name"]) for doc in yaml.safe_load_all(rendered))
    assert kinds_and_names == sorted((doc["kind"], doc["metadata"]["name"]) for _f, doc in documents)


def test_every_compose_service_that_is_ours_has_a_workload(compose, workloads):
    assert set(workloads) == set(COMPOSE_SERVICE)
    ours = {name for name, service in compose["services"].items() if not _managed(service)}
    assert {re.sub(r"-\d+$", "", name) for name in ours} == set(COMPOSE_SERVICE)


def _managed(service: dict) -> bool:
    """PostgreSQL and Redis: expected as managed services in a cluster."""
    return service["image"].split(":")[0] in ("postgres", "redis")


def test_postgres_and_redis_are_external_and_no_database_runs_in_the_cluster(compose, objects, workloads):
    for name in ("postgres", "redis"):
        service = objects[("Service", name)]
        assert service["spec"]["type"] == "ExternalName", name
    images = {c["image"].split(":")[0] for w in workloads.values() for c in containers(w)}
    assert not images & {s["image"].split(":")[0] for s in compose["services"].values() if _managed(s)}
    assert not any(kind == "PersistentVolumeClaim" and name != "caddy-data" for kind, name in objects)


def test_the_same_images_as_compose(compose, workloads):
    for component, workload in workloads.items():
        expected = compose["services"][COMPOSE_SERVICE[component]]["image"]
        (container,) = containers(workload)
        assert container["image"] == expected, component
        assert not container["image"].endswith(":latest"), component
        assert container.get("imagePullPolicy") == "IfNotPresent", component


def test_the_same_settings_as_compose(compose, objects, workloads):
    for component, workload in workloads.items():
        service = compose["services"][COMPOSE_SERVICE[component]]
        expected = {name: str(value) for name, value in service.get("environment", {}).items()}
        (container,) = containers(workload)
        actual = environment(container, objects)
        assert set(actual) == set(expected), f"{component}: {set(actual) ^ set(expected)}"
        for name, value in expected.items():
            if "${" not in value and name != "SIGNPOST_RASA_URLS":  # fixed in compose: the same here
                assert actual[name] == value, f"{component}.{name}: {actual[name]!r}, compose {value!r}"


def test_secrets_are_referenced_by_name_and_never_written(compose, objects, workloads):
    assert not any(kind == "Secret" for kind, _name in objects), "the operator creates the Secret"
    documented = (REPO / "docs" / "deployment.md").read_text()
    configured = {key for (kind, _n), doc in objects.items() if kind == "ConfigMap" for key in doc["data"]}
    for component, workload in workloads.items():
        service = compose["services"][COMPOSE_SERVICE[component]]
        (container,) = containers(workload)
        actual = environment(container, objects)
        for name, value in service.get("environment", {}).items():
            if SECRET_NAME.search(name) or compose_secret(str(value)):
                assert isinstance(actual[name], tuple) and actual[name][:2] == ("secret", "signpost"), \
                    f"{component}.{name} must come from the Secret"
                assert name not in configured, f"{name} is in a ConfigMap"
                assert f"--from-literal={actual[name][2]}=" in documented, f"docs: the {actual[name][2]} key"
            else:
                assert not isinstance(actual[name], tuple), f"{component}.{name} is not a secret in compose"


def test_every_container_is_unprivileged_read_only_and_without_capabilities(workloads):
    (uid,) = dockerfile_uids()  # every image creates the same user
    for component, workload in workloads.items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, component
        assert pod["securityContext"]["runAsNonRoot"] is True, component
        assert pod["securityContext"]["runAsUser"] == uid, component
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, component
        assert not any(pod.get(key) for key in ("hostNetwork", "hostPID", "hostIPC")), component
        for container in containers(workload):
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] == uid, component
            assert context["readOnlyRootFilesystem"] is True, component
            assert context["allowPrivilegeEscalation"] is False, component
            assert context["capabilities"] == {"drop": ["ALL"]}, component
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, component
            assert not context.get("privileged"), component


def test_the_namespace_enforces_the_restricted_pod_security_level(objects):
    labels = objects[("Namespace", "signpost")]["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_compose_tmpfs_paths_are_writable_empty_dirs(compose, workloads):
    for component, workload in workloads.items():
        service = compose["services"][COMPOSE_SERVICE[component]]
        volumes = {v["name"]: v for v in workload["spec"]["template"]["spec"].get("volumes", [])}
        (container,) = containers(workload)
        empty_dirs = {m["mountPath"] for m in container.get("volumeMounts", [])
                      if "emptyDir" in volumes[m["name"]] and not m.get("readOnly")}
        assert set(service.get("tmpfs", [])) <= empty_dirs, component
        if service.get("read_only"):
            assert "/tmp" in empty_dirs, component


def test_cpu_and_memory_as_compose_limits_them(compose, workloads):
    for component, workload in workloads.items():
        expected = compose["services"][COMPOSE_SERVICE[component]]["deploy"]["resources"]
        (container,) = containers(workload)
        resources = container["resources"]
        assert cpus(resources["limits"]["cpu"]) == float(expected["limits"]["cpus"]), component
        assert cpus(resources["requests"]["cpu"]) == float(expected["reservations"]["cpus"]), component
        for side, compose_side in (("limits", "limits"), ("requests", "reservations")):
            assert memory_bytes(resources[side]["memory"]) == memory_bytes(expected[compose_side]["memory"]), \
                f"{component} memory {side}"


def _seconds(duration: str) -> int:
    return int(duration.removesuffix("s"))


def test_the_probes_are_the_compose_health_checks(compose, workloads):
    for component, workload in workloads.items():
        healthcheck = compose["services"][COMPOSE_SERVICE[component]]["healthcheck"]
        assert healthcheck["test"][0] == "CMD"
        (container,) = containers(workload)
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            probe = container[kind]
            assert probe["exec"]["command"] == healthcheck["test"][1:], f"{component} {kind}"
            assert probe["periodSeconds"] == _seconds(healthcheck["interval"]), f"{component} {kind}"
            assert probe["timeoutSeconds"] == _seconds(healthcheck["timeout"]), f"{component} {kind}"
        assert container["readinessProbe"]["failureThreshold"] == healthcheck["retries"], component
        assert container["livenessProbe"]["failureThreshold"] == healthcheck["retries"], component
        startup = container["startupProbe"]
        allowed = startup["periodSeconds"] * startup["failureThreshold"]
        assert allowed >= _seconds(healthcheck.get("start_period", "0s")), f"{component} start period"


def test_replicas_as_in_compose(compose, objects, workloads):
    services = compose["services"]
    api_replicas = len([name for name in services if name.startswith("api-")])
    rasa_replicas = len([name for name in services if name.startswith("rasa-")])
    assert int(services["api-1"]["environment"]["SIGNPOST_API_REPLICAS"]) == api_replicas
    assert workloads["api"]["spec"]["replicas"] == api_replicas
    settings = environment(containers(workloads["api"])[0], objects)
    assert int(settings["SIGNPOST_API_REPLICAS"]) == workloads["api"]["spec"]["replicas"]
    # One address per Rasa replica, as in compose, so the gateway can step round one that is down.
    rasa = workloads["rasa"]
    assert rasa["kind"] == "StatefulSet" and rasa["spec"]["replicas"] == rasa_replicas
    assert objects[("Service", rasa["spec"]["serviceName"])]["spec"]["clusterIP"] == "None"
    assert json.loads(settings["SIGNPOST_RASA_URLS"]) == [
        f"http://rasa-{n}.{rasa['spec']['serviceName']}:5005" for n in range(rasa_replicas)]


def test_a_disruption_budget_keeps_an_api_replica(objects, workloads):
    budget = objects[("PodDisruptionBudget", "api")]
    labels = workloads["api"]["spec"]["template"]["metadata"]["labels"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert 1 <= budget["spec"]["minAvailable"] < workloads["api"]["spec"]["replicas"]


def test_every_service_reaches_its_workload(objects, workloads):
    for (kind, name), service in objects.items():
        if kind != "Service" or service["spec"].get("type") == "ExternalName":
            continue
        selected = [w for w in workloads.values()
                    if service["spec"]["selector"].items() <= w["spec"]["template"]["metadata"]["labels"].items()]
        assert len(selected) == 1, name
        ports = {p["name"] for c in containers(selected[0]) for p in c.get("ports", [])}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports, name


def test_only_the_proxy_is_reachable_from_outside(objects):
    exposed = {name for (kind, name), doc in objects.items()
               if kind == "Service" and doc["spec"].get("type") in ("LoadBalancer", "NodePort")}
    assert exposed == {"proxy-public"}
    assert objects[("Service", "proxy-public")]["spec"]["selector"]["app.kubernetes.io/component"] == "proxy"
    assert not any(kind == "Ingress" for kind, _name in objects)


def test_network_policies_let_each_part_be_reached_only_by_the_one_that_calls_it(objects, workloads):
    policies = [doc for (kind, _n), doc in objects.items() if kind == "NetworkPolicy"]
    (deny,) = [p for p in policies if not p["spec"]["podSelector"]]
    assert deny["spec"]["policyTypes"] == ["Ingress"] and not deny["spec"].get("ingress")
    allowed: dict[str, set] = {}
    for policy in policies:
        if not policy["spec"]["podSelector"]:
            continue
        assert "Ingress" in policy["spec"]["policyTypes"]
        target = policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
        for rule in policy["spec"].get("ingress", []):
            sources = ({peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for peer in rule["from"]}
                       if "from" in rule else {"anywhere"})
            for port in rule["ports"]:
                allowed.setdefault(target, set()).update((source, port["port"]) for source in sources)
    assert allowed == {
        "proxy": {("anywhere", 8880), ("anywhere", 8443), ("actions", 8080)},
        "api": {("proxy", 8000)},
        "rasa": {("api", 5005)},
        "actions": {("rasa", 5055)},
    }
    # The ports allowed are the ones the containers listen on.
    for target, rules in allowed.items():
        ports = {p["containerPort"] for c in containers(workloads[target]) for p in c.get("ports", [])}
        assert {port for _source, port in rules} == ports, target


def test_the_proxy_configuration_follows_the_compose_caddyfile(objects, workloads):
    caddyfile = objects[("ConfigMap", "proxy-caddyfile")]["data"]["Caddyfile"]
    assert "log" not in re.sub(r"#.*", "", caddyfile)  # no access log: no client addresses
    assert caddyfile.count("reverse_proxy api:8000") == 2
    assert "{$SIGNPOST_DOMAIN} {" in caddyfile and ":8080 {" in caddyfile
    domain = objects[("ConfigMap", "proxy-settings")]["data"]["SIGNPOST_DOMAIN"]
    assert objects[("ConfigMap", "api-settings")]["data"]["SIGNPOST_PUBLIC_BASE_URL"] == f"https://{domain}"
    mounts = {m["mountPath"]: m for m in containers(workloads["proxy"])[0]["volumeMounts"]}
    assert mounts["/etc/caddy"]["readOnly"] is True
