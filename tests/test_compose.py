"""compose.yml and the Dockerfile, checked without a Docker engine.

docker-compose 1.29 (Debian's package, which `make test` installs) validates and normalises a
compose file without talking to an engine, so `docker-compose config` is the check here.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
LONG_RUNNING = ("postgis", "redis", "web", "worker", "mailer", "beat")
APP_SERVICES = ("web", "worker", "mailer", "beat")


def _docker_compose() -> str:
    found = shutil.which("docker-compose") or (
        "/usr/bin/docker-compose" if os.access("/usr/bin/docker-compose", os.X_OK) else None
    )
    if found is None:
        pytest.fail(
            "docker-compose is not installed, so compose.yml cannot be validated. "
            "`make test` installs it (Debian package docker-compose, via scripts/bootstrap.sh)."
        )
    return found


def _run_compose_config(**variables: str) -> subprocess.CompletedProcess:
    """`docker-compose config` with only the given variables set.

    The environment is emptied and --env-file points at an empty file, so neither the caller's
    variables nor a local .env file can hide a missing default.
    """
    docker_compose = _docker_compose()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", **variables}
    with tempfile.TemporaryDirectory() as tmp:
        empty_env_file = Path(tmp, "empty.env")
        empty_env_file.touch()  # docker-compose 1.29 refuses /dev/null: "not a file"
        result = subprocess.run(
            [docker_compose, "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE), "config"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    return result


def _compose_config(**variables: str) -> dict:
    """The parsed config with only the required DJANGO_SECRET_KEY and the given variables."""
    result = _run_compose_config(**{"DJANGO_SECRET_KEY": SECRET, **variables})
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


SECRET = "a-secret-only-for-this-test"


@pytest.fixture(scope="module")
def services() -> dict:
    return _compose_config()["services"]


def test_compose_file_is_valid_with_only_the_secret_key_set(services):
    assert set(LONG_RUNNING) <= set(services)


def test_compose_refuses_to_run_without_a_secret_key():
    """No fallback secret: a default written in compose.yml would be public."""
    result = _run_compose_config()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_long_running_service_has_a_healthcheck(services, name):
    healthcheck = services[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable"), f"{name}'s healthcheck is disabled"
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_database_and_redis_and_for_migrations(services, name):
    depends_on = services[name]["depends_on"]
    assert depends_on["postgis"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migrate_is_a_one_shot_job(services):
    migrate = services["migrate"]
    assert migrate["command"][-3:] == ["manage.py", "migrate", "--no-input"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgis"]["condition"] == "service_healthy"


def test_commands(services):
    web = services["web"]["command"]
    assert web[:2] == ["gunicorn", "config.wsgi:application"]
    assert "0.0.0.0:8000" in web
    assert any(p.get("target") == 8000 for p in services["web"]["ports"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "workers", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "workers", "beat"]


def test_the_worker_scales_without_fixed_names_or_ports(services):
    # `docker compose up --scale worker=N` needs containers that differ only by their name.
    worker = services["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "hostname" not in worker


def test_web_and_worker_concurrency_come_from_the_environment():
    services = _compose_config(
        WEB_CONCURRENCY="5", WEB_THREADS="3", CELERY_CONCURRENCY="7", WEB_TIMEOUT="40"
    )["services"]
    web, worker = services["web"]["command"], services["worker"]["command"]
    assert web[web.index("--workers") + 1] == "5"
    assert web[web.index("--threads") + 1] == "3"
    assert web[web.index("--timeout") + 1] == "40"
    assert worker[worker.index("--concurrency") + 1] == "7"


def test_email_has_a_worker_of_its_own_and_matching_workers_leave_it_alone(services):
    worker, mailer = services["worker"]["command"], services["mailer"]["command"]
    assert mailer[:4] == ["celery", "-A", "workers", "worker"]
    assert mailer[mailer.index("--queues") + 1] == "notifications"
    assert worker[worker.index("--queues") + 1] == "default"
    assert "container_name" not in services["mailer"]


def test_redis_keeps_queued_tasks_across_a_restart(services):
    assert services["redis"]["command"] == ["redis-server", "--appendonly", "yes"]
    # docker-compose 1.29 normalises a named volume to "name:target:mode".
    assert "redisdata:/data:rw" in services["redis"]["volumes"]


def test_worker_healthcheck_pings_its_own_node_through_a_shell(services):
    # Exec form would pass "$HOSTNAME" to celery literally; only CMD-SHELL expands it.
    kind, command = services["worker"]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    assert "inspect ping" in command
    # The normalised output keeps compose's escape, so the container sees $HOSTNAME.
    assert "celery@$$HOSTNAME" in command


def test_web_healthcheck_uses_python_not_curl(services):
    test = services["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in test[3]


def test_app_services_share_one_environment(services):
    env = services["web"]["environment"]
    for name in ("worker", "beat", "migrate"):
        assert services[name]["environment"] == env
    assert env["DATABASE_URL"] == "postgis://postgres:postgres@postgis:5432/willkommen"
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SECRET_KEY"] == SECRET
    for variable in (
        "DJANGO_ALLOWED_HOSTS",
        "GEOCODER",
        "NOMINATIM_USER_AGENT",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "SITE_URL",
    ):
        assert variable in env


def test_variables_override_the_defaults():
    config = _compose_config(
        DJANGO_SECRET_KEY="s3cret", POSTGRES_PASSWORD="pw", DJANGO_ALLOWED_HOSTS="example.org"
    )
    env = config["services"]["worker"]["environment"]
    assert env["DJANGO_SECRET_KEY"] == "s3cret"
    assert env["DATABASE_URL"] == "postgis://postgres:pw@postgis:5432/willkommen"
    assert env["DJANGO_ALLOWED_HOSTS"] == "example.org"
    assert config["services"]["postgis"]["environment"]["POSTGRES_PASSWORD"] == "pw"


def test_database_lives_in_a_named_volume():
    config = _compose_config()
    volumes = config["services"]["postgis"]["volumes"]
    assert any(v.startswith("pgdata:/var/lib/postgresql/data") for v in volumes)
    assert "pgdata" in config["volumes"]


def test_dockerfile_installs_gdal_and_runs_gunicorn():
    text = DOCKERFILE.read_text()
    assert "FROM python:3.11-slim-bookworm" in text
    assert "gdal-bin" in text
    assert "libgdal32" in text
    assert "collectstatic --no-input" in text
    assert "EXPOSE 8000" in text
    lines = [line.strip() for line in text.splitlines()]
    cmd = [line for line in lines if line.startswith("CMD ")]
    assert cmd, "Dockerfile has no CMD"
    assert cmd[-1].startswith('CMD ["gunicorn", "config.wsgi:application"')
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"


def test_dockerignore_keeps_local_state_out_of_the_image():
    entries = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", ".git", "staticfiles"):
        assert entry in entries
