"""LOG_FORMAT (issue 16): JSON lines in production, readable text in development, and nothing
else. Each case configures logging in a fresh interpreter, as a web or worker process does."""

import json

from tests.config.test_production_settings import PRODUCTION, SETTINGS, run

LOG_A_LINE = SETTINGS + "import logging; logging.getLogger('housing').warning('saved %s', 7)"


def test_production_writes_one_json_object_per_line_with_the_request_id_field():
    result = run(LOG_A_LINE, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["logger"] == "housing" and entry["message"] == "saved 7"
    assert entry["level"] == "WARNING" and entry["request_id"] is None


def test_development_writes_readable_text_unless_json_is_asked_for():
    result = run(LOG_A_LINE, DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("WARNING housing saved 7")

    result = run(LOG_A_LINE, DJANGO_DEBUG="true", LOG_FORMAT="json")
    assert json.loads(result.stderr.strip().splitlines()[-1])["message"] == "saved 7"


def test_an_unknown_log_format_is_refused():
    result = run(SETTINGS, **PRODUCTION, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr
