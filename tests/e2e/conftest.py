"""Real processes for end-to-end tests: Celery workers and beat against the real Redis and the
test database, and an SMTP sink (aiosmtpd) that receives what Django's SMTP backend sends.

The browser tests take a screenshot of each step in their tmp_path; after each test they are
kept in artifacts/screenshots/<module>/<test>/ (WILLKOMMEN_ARTIFACTS to put them elsewhere),
the last run's only, for a person to look at what the test saw."""

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.smtp import SmtpSink, wait_until
from workers.metrics import queue_names

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("WILLKOMMEN_ARTIFACTS", ROOT / "artifacts")) / "screenshots"


@pytest.fixture(autouse=True)
def screenshots_kept(request, tmp_path):
    """Every screenshot the test took, copied where they outlive pytest's temporary folders."""
    yield
    shots = sorted(tmp_path.rglob("*.png"))
    module = Path(request.node.path).stem
    target = ARTIFACTS / module / re.sub(r"[^\w.-]+", "-", request.node.name)
    shutil.rmtree(target, ignore_errors=True)
    for shot in shots:
        destination = target / shot.relative_to(tmp_path)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, destination)


def queue_drained(client: redis.Redis) -> bool:
    # kombu's Redis transport keeps waiting messages in a list named after the queue and
    # delivered-but-unacknowledged ones in the "unacked" hash until the task finishes.
    waiting = sum(client.llen(name) for name in queue_names())
    return waiting == 0 and client.hlen("unacked") == 0


class Processes:
    """Starts Celery worker and beat processes against the test database and broker."""

    def __init__(self, sink: SmtpSink, tmp_path: Path) -> None:
        self.sink = sink
        self.tmp_path = tmp_path
        self.procs: dict[str, subprocess.Popen] = {}

    def env(self, extra: dict | None = None) -> dict:
        db = connection.settings_dict
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or "5432"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"postgis://{user}{password}@{host}:{port}/{db['NAME']}",
            "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port),
            "PYTHONUNBUFFERED": "1",
        }
        # The broker's database is already this worker's: a child must not count down again.
        env.pop("PYTEST_XDIST_WORKER", None)
        env.update(extra or {})
        return env

    def _spawn(self, name: str, args: list[str], extra_env: dict | None) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers", *args],
            cwd=ROOT,
            env=self.env(extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")

    def worker(
        self,
        name: str = "w1",
        *,
        beat: bool = False,
        env: dict | None = None,
        wait: bool = True,
        queues: str = "",
    ):
        """Start a worker (of every queue, or of `queues`: "notifications" for a mailer);
        `wait=False` returns at once (call wait_for_worker before relying on it), so that a
        test can go on while it boots."""
        args = ["worker", "-n", f"{name}@%h", "--concurrency", "2", "--loglevel", "INFO"]
        args += ["--without-gossip", "--without-mingle"]
        if queues:
            args += ["--queues", queues]
        if beat:
            args += ["--beat"]
        proc = self._spawn(name, args, env)
        if wait:
            self.wait_for_worker(name, proc)
        return proc

    def beat(self, name: str = "beat", env: dict | None = None) -> subprocess.Popen:
        return self._spawn(name, ["beat", "--loglevel", "INFO"], env)

    def wait_for_worker(self, name: str, proc: subprocess.Popen) -> None:
        from workers.celery import app

        def answers():
            assert proc.poll() is None, f"worker {name} died:\n{self.log(name)}"
            replies = app.control.ping(timeout=0.5) or []
            return any(name + "@" in key for reply in replies for key in reply)

        wait_until(answers, 60, f"worker {name} to answer a ping")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            del name


@pytest.fixture
def processes(django_db_setup, smtp_sink, tmp_path):
    procs = Processes(smtp_sink, tmp_path)
    yield procs
    procs.stop_all()
