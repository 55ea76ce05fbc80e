"""The request id with a real worker process: the id of a web request is on the line the
worker writes for the task that request caused (JSON logs, as in production)."""

import json
import logging

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from base.logs import JsonFormatter, RequestIdFilter
from tests.e2e.conftest import queue_drained
from tests.smtp import wait_until
from workers.tasks import sweep

VIEW_LOGGER = "tests.e2e.request_id.view"


def sweeping_view(request: HttpRequest) -> HttpResponse:
    logging.getLogger(VIEW_LOGGER).info("view asked for a sweep")
    with transaction.atomic():
        transaction.on_commit(sweep.delay)
    return HttpResponse("ok")


urlpatterns = [path("sweeping/", sweeping_view)]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.urls(__name__),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def json_lines(text: str) -> list[dict]:
    lines = []
    for raw in text.splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue  # Celery's banner and anything else not written through logging
    return lines


def test_a_request_id_appears_in_the_web_log_and_in_the_worker_log_of_its_task(
    processes, client, broker, caplog
):
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    processes.worker("w1", env={"LOG_FORMAT": "json"})

    response = client.get("/sweeping/")
    request_id = response["X-Request-ID"]
    [web_record] = [r for r in caplog.records if r.name == VIEW_LOGGER]
    assert json.loads(JsonFormatter().format(web_record))["request_id"] == request_id

    def task_line():
        return next(
            (
                line
                for line in json_lines(processes.log("w1"))
                if line.get("request_id") == request_id
            ),
            None,
        )

    line = wait_until(task_line, 60, "the worker's line for the task with the request id")
    assert line["logger"] == "celery.app.trace"
    assert "workers.tasks.sweep" in line["message"] and "succeeded" in line["message"]
    assert {"time", "level", "logger", "message", "request_id"} <= line.keys()
    wait_until(lambda: queue_drained(broker), 30, "the queue to drain")
    # Lines of the worker outside any task (start-up, "received") carry none.
    assert any(line["request_id"] is None for line in json_lines(processes.log("w1")))
