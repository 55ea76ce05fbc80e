"""Production settings (issue 12): DEBUG is off unless asked for, the development or any
public secret key is refused, `check --deploy` is clean, the front door is on. Each case
imports config.settings in a fresh interpreter with only the variables it names."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k7Qv2pX9-production-like-secret-8fJ3mZ0wL5nB1cR6tY4uE2aS9dF7gH0jK3lP"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": REAL_KEY,
    "DJANGO_ALLOWED_HOSTS": "welcome.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://welcome.example.org",
    "SITE_URL": "https://welcome.example.org",
}


def run(code: str, **variables: str) -> subprocess.CompletedProcess:
    """Python with config.settings and only the given variables (plus what finds the
    database and Redis); nothing from the tests' own environment leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SETTINGS = "import django; django.setup(); from django.conf import settings as s; "


def test_debug_is_off_unless_asked_for_and_then_the_development_key_is_refused():
    result = run(SETTINGS + "print(s.DEBUG)")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "dev-only-insecure-key-change-me-in-production-0123456789abcdef",
        "insecure-compose-default-set-DJANGO_SECRET_KEY",
        "",
    ],
)
def test_production_refuses_public_secret_keys(key):
    result = run(SETTINGS + "print(s.DEBUG)", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_development_may_use_the_development_key():
    result = run(SETTINGS + "print(s.DEBUG)", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_settings_have_the_front_door_on():
    code = SETTINGS + (
        "print(s.DEBUG, s.SECOND_FACTOR_REQUIRED, s.CACHES['default']['BACKEND'], "
        "s.REST_FRAMEWORK['NUM_PROXIES'], s.TRUSTED_PROXY_COUNT, s.AXES_FAILURE_LIMIT, "
        "int(s.AXES_COOLOFF_TIME.total_seconds()), "
        "'unsafe-inline' in str(s.CONTENT_SECURITY_POLICY))"
    )
    result = run(code, DJANGO_SECRET_KEY=REAL_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "django.core.cache.backends.redis.RedisCache",
        "0",
        "0",
        "10",
        "900",
        "False",
    ]


@pytest.mark.parametrize("ssl_redirect", ["true", "false"])
def test_check_deploy_is_clean_under_production_settings(ssl_redirect):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        **PRODUCTION,
        "DJANGO_SECURE_SSL_REDIRECT": ssl_redirect,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every finding of the deployment checks and of the front door's packages; the schema's
    # naming hints (drf_spectacular.W001) are about the API's documentation, not deployment.
    findings = [
        line
        for line in output.splitlines()
        if line.startswith("?:") and "drf_spectacular.W001" not in line
    ]
    assert findings == [], output


def test_production_matches_flats_of_checked_landlords_only():
    result = run(SETTINGS + "print(s.HOUSING_MATCH_UNCHECKED_LANDLORDS)", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
