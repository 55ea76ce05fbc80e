"""Log lines as JSON, with the request id of the request or task they belong to."""

import json
import logging
import sys

import pytest

from base.logs import (
    JsonFormatter,
    RequestIdFilter,
    TextFormatter,
    bind_request_id,
    current_request_id,
    request_id_from,
    reset_request_id,
)


def record(message: str = "saved %s", args=("offer 7",), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(
        "housing.services", logging.WARNING, __file__, 1, message, args, exc_info
    )


def filtered(rec: logging.LogRecord) -> logging.LogRecord:
    assert RequestIdFilter().filter(rec) is True
    return rec


def test_filter_adds_the_bound_request_id_and_none_outside_a_request():
    assert filtered(record()).request_id is None
    token = bind_request_id("abc123")
    try:
        assert filtered(record()).request_id == "abc123"
    finally:
        reset_request_id(token)
    assert current_request_id() is None


def test_filter_keeps_an_explicit_request_id():
    rec = record()
    rec.request_id = "given"
    token = bind_request_id("bound")
    try:
        assert filtered(rec).request_id == "given"
    finally:
        reset_request_id(token)


def test_json_formatter_writes_one_line_with_the_fields():
    token = bind_request_id("req-42")
    try:
        line = JsonFormatter().format(filtered(record()))
    finally:
        reset_request_id(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "housing.services"
    assert entry["message"] == "saved offer 7"
    assert entry["request_id"] == "req-42"
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]
    assert "exc_info" not in entry


def test_json_formatter_includes_the_traceback_and_keeps_non_ascii_text():
    try:
        raise ValueError("kaputt")
    except ValueError:
        rec = record("Größe %s", ("ü",), exc_info=sys.exc_info())
    entry = json.loads(JsonFormatter().format(filtered(rec)))
    assert entry["message"] == "Größe ü"
    assert entry["request_id"] is None
    assert "Traceback" in entry["exc_info"] and "ValueError: kaputt" in entry["exc_info"]


def test_text_formatter_shows_the_request_id_only_when_there_is_one():
    assert "request_id" not in TextFormatter().format(filtered(record()))
    token = bind_request_id("req-42")
    try:
        line = TextFormatter().format(filtered(record()))
    finally:
        reset_request_id(token)
    assert line.endswith("saved offer 7 [request_id=req-42]")


@pytest.mark.parametrize("incoming", ["abc-DEF_1.2", "x" * 64])
def test_a_safe_incoming_id_is_kept(incoming):
    assert request_id_from(incoming) == incoming


@pytest.mark.parametrize(
    "incoming", [None, "", "x" * 65, "a b", "id\nforged line", "<script>", "ä", 'a"b']
)
def test_an_unsafe_or_missing_id_is_replaced_by_a_new_one(incoming):
    new = request_id_from(incoming)
    assert new != incoming
    assert len(new) == 32 and int(new, 16) >= 0
    assert request_id_from(incoming) != new
