"""The front door with real processes (issue 12).

Two gunicorn processes share the test database and Redis, as production's web processes
do: failed sign-ins sent to both, each with another X-Forwarded-For, lock the account after
the limit on both; the lockout ends with its (short) window and with a new password. A
parallel burst of wrong passwords over both processes passes no more than the login rate.
In Chromium, the main pages, the second factor's and Swagger UI run without a single
content-policy violation.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from tests.factories import UserFactory
from tests.smtp import free_port, wait_until
from tests.web.fixtures import (  # noqa: F401 (fixtures)
    PASSWORD,
    chromium,
    make_scene,
    offer_it,
    page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 4
WINDOW_SECONDS = 6


class Web:
    """One gunicorn process (two workers) on a free port, with the tests' settings."""

    def __init__(self, name: str, env: dict, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def ready(self) -> bool:
        assert self.proc.poll() is None, self.log_path.read_text(errors="replace")
        try:
            # A page that counts towards no throttle and no lockout.
            with urllib.request.urlopen(self.url + "/login/", timeout=10) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def start_webs(processes, tmp_path, **variables: str) -> list[Web]:
    env = processes.env({"TRUSTED_PROXY_COUNT": "0", **variables})
    webs = [Web(name, env, tmp_path) for name in ("web-a", "web-b")]
    for web in webs:
        wait_until(web.ready, 90, f"{web.url} to answer")
    return webs


@pytest.fixture
def webs_for_lockout(processes, tmp_path, broker):
    webs = start_webs(
        processes,
        tmp_path,
        LOGIN_FAILURE_LIMIT=str(LIMIT),
        LOGIN_LOCKOUT_SECONDS=str(WINDOW_SECONDS),
        THROTTLE_LOGIN="1000/min",
    )
    yield webs
    for web in webs:
        web.stop()


def sign_in(web: Web, password: str, **headers) -> tuple[int, dict]:
    forwarded = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}
    return post_json(
        web.url + "/api/v1/auth/token/",
        {"username": "nadia", "password": password},
        {**forwarded, **headers},
    )


def test_lockout_across_two_processes_with_rotating_forwarded_for(webs_for_lockout):
    a, b = webs_for_lockout
    nadia = UserFactory(username="nadia", role=Role.DONOR)

    # LIMIT - 1 wrong passwords, alternating between the processes, each "from" elsewhere.
    for n in range(LIMIT - 1):
        status, _body = sign_in((a, b)[n % 2], "wrong")
        assert status == 400
    locked_at = time.monotonic()
    status, body = sign_in(b, "wrong", **{"Accept-Language": "de"})
    assert status == 429, body
    assert "Zu viele fehlgeschlagene Anmeldungen" in body["detail"]

    # Locked on both processes, also with the right password. (Asserted only while the
    # window surely lasts: a slow machine may see it end, which is the next part.)
    for web in (a, b):
        sent = time.monotonic()
        status, body = sign_in(web, PASSWORD)
        if sent - locked_at < WINDOW_SECONDS - 1:
            assert status == 429, body
            assert "token" not in body

    # The window ends by itself; tries during it did not prolong it.
    wait_until(lambda: sign_in(a, PASSWORD)[0] == 200, 60, "the lockout to end")
    assert sign_in(b, PASSWORD)[0] == 200

    # Locked again; a new password (what a reset by email ends with) lifts it at once.
    for n in range(LIMIT):
        status, _body = sign_in((a, b)[n % 2], "wrong")
    assert status == 429
    assert AccessAttempt.objects.filter(username="nadia").exists()
    nadia = User.objects.get(pk=nadia.pk)
    nadia.set_password("Lindenauer Markt am Abend")
    nadia.save()
    assert not AccessAttempt.objects.filter(username="nadia").exists()
    status, body = sign_in(b, "Lindenauer Markt am Abend")
    assert status == 200, body


@pytest.fixture
def webs_for_throttle(processes, tmp_path, broker):
    webs = start_webs(processes, tmp_path, LOGIN_FAILURE_LIMIT="1000", THROTTLE_LOGIN="10/hour")
    yield webs
    for web in webs:
        web.stop()


def test_a_parallel_burst_over_two_processes_passes_no_more_than_the_login_rate(
    webs_for_throttle,
):
    """40 wrong passwords at once, half to each process, each with its own X-Forwarded-For:
    the client is the connection's peer (no trusted proxy), and the count is shared."""
    webs = webs_for_throttle
    statuses: list[int] = []
    barrier = threading.Barrier(40)

    def attempt(n: int) -> None:
        barrier.wait()
        statuses.append(sign_in(webs[n % 2], "wrong")[0])

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 40
    assert statuses.count(400) == 10, statuses
    assert statuses.count(429) == 30


# --- the content policy in a real browser ----------------------------------------------------

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def violations_on(page, url: str, ready: str = "main") -> list[str]:  # noqa: F811
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations") + console


def totp_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_no_content_policy_violation_on_the_main_pages(live_server, page, settings, broker):  # noqa: F811
    settings.SECOND_FACTOR_REQUIRED = True
    scene = make_scene()
    offer_it(scene)
    page.add_init_script(WATCH_VIOLATIONS)

    for path in ("/", "/login/", "/password-reset/"):
        assert violations_on(page, live_server.url + path) == [], path
    assert violations_on(page, live_server.url + "/api/v1/docs/", ready=".swagger-ui .info") == []

    # A coordinator signs in, sets up the second factor (QR code as inline SVG) and confirms.
    page.goto(live_server.url + "/login/?next=/coordination/")
    page.fill("#id_username", scene.coordinator.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/account/two-factor/" in page.url
    assert page.locator("figure svg").count() == 1
    assert page.evaluate("window.__cspViolations") == []
    device = TOTPDevice.objects.get(user=scene.coordinator, confirmed=False)
    page.fill("#id_code", totp_code(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("ul.codes li").count() == 10
    page.locator("main a.button").click()
    page.wait_for_load_state()
    assert page.url.endswith("/coordination/")
    assert page.locator(f"[data-match='{scene.match.pk}']").count() == 0  # offered already

    assert violations_on(page, live_server.url + f"/matches/{scene.match.pk}/") == []


@pytest.mark.parametrize("who, path", [("donor", "/inbox/"), ("coordinator", "/coordination/")])
def test_no_content_policy_violation_on_inbox_and_coordination(
    live_server,
    page,  # noqa: F811
    who,
    path,
    broker,
):
    scene = make_scene()  # a proposal for the dashboard
    if who == "donor":
        offer_it(scene)  # an item in the donor's inbox
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", getattr(scene, who).username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert violations_on(page, live_server.url + path) == []
