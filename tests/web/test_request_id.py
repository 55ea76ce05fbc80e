"""A request id follows a request: in its response header, its log lines, the messages of the
tasks it publishes and the log lines of those tasks when a worker runs them."""

import base64
import json
import logging

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from kombu.simple import SimpleQueue

from base.logs import JsonFormatter, RequestIdFilter, current_request_id
from workers.celery import app

VIEW_LOGGER = "tests.web.request_id.view"
TASK_LOGGER = "tests.web.request_id.task"


@app.task(name="tests.web.test_request_id.note_in_the_log")
def note_in_the_log(text: str) -> None:
    logging.getLogger(TASK_LOGGER).info("task noted %s", text)


def noting_view(request: HttpRequest) -> HttpResponse:
    logging.getLogger(VIEW_LOGGER).info("view noted a change")
    # As the services do: the task goes out once the change is committed.
    with transaction.atomic():
        transaction.on_commit(lambda: note_in_the_log.delay("the change"))
    return HttpResponse("ok")


urlpatterns = [path("noting/", noting_view)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def logged(caplog):
    """Records at INFO and above, with request_id as the configured handlers add it."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    return caplog


def lines_of(caplog, logger: str) -> list[dict]:
    """What the production handler would write for that logger's records, parsed back."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


def raw_messages(client: redis.Redis) -> list[dict]:
    # kombu's Redis transport keeps waiting messages as JSON in a list named after the queue.
    return [json.loads(raw) for raw in client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)]


@pytest.mark.urls("config.urls")
def test_every_response_carries_a_new_request_id(client, db):
    first = client.get("/", HTTP_ACCEPT_LANGUAGE="en")["X-Request-ID"]
    second = client.get("/", HTTP_ACCEPT_LANGUAGE="en")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_a_safe_incoming_request_id_is_kept(client, db):
    response = client.get("/noting/", headers={"X-Request-ID": "proxy-7f3a.b_2"})
    assert response["X-Request-ID"] == "proxy-7f3a.b_2"


@pytest.mark.parametrize("incoming", ["a" * 65, "id;<script>", "two words", "Grüße"])
def test_an_unsafe_incoming_request_id_is_replaced(client, db, incoming):
    response = client.get("/noting/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_a_log_line_of_the_view_carries_the_request_id(client, db, logged):
    response = client.get("/noting/", headers={"X-Request-ID": "req-view-1"})
    [line] = lines_of(logged, VIEW_LOGGER)
    assert line["message"] == "view noted a change"
    assert line["request_id"] == response["X-Request-ID"] == "req-view-1"


def test_the_request_id_is_gone_after_the_response(client, db):
    client.get("/noting/")
    assert current_request_id() is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_id_appears_in_the_web_log_line_and_in_the_log_of_the_task_it_caused(
    client, broker, logged
):
    response = client.get("/noting/")
    request_id = response["X-Request-ID"]
    [web_line] = lines_of(logged, VIEW_LOGGER)
    assert web_line["request_id"] == request_id

    # The task scheduled with on_commit was published inside the request, with its id.
    [message] = raw_messages(broker)
    assert message["headers"]["task"] == note_in_the_log.name
    assert message["headers"]["request_id"] == request_id
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    assert args == ["the change"]
    assert current_request_id() is None

    # A worker takes the message and runs it as Celery's worker does (Request.execute), in
    # this process and outside any request.
    from celery.worker.request import Request

    with app.connection_for_read() as connection:
        queue = SimpleQueue(connection, settings.CELERY_TASK_DEFAULT_QUEUE)
        received = queue.get(timeout=5)
        Request(received, app=app, task=app.tasks[received.headers["task"]]).execute()
        queue.close()

    [task_line] = lines_of(logged, TASK_LOGGER)
    assert task_line["message"] == "task noted the change"
    assert task_line["request_id"] == request_id
    assert current_request_id() is None


def test_a_task_run_with_the_header_logs_with_its_id_and_restores_the_one_before(logged):
    note_in_the_log.apply(("by hand",), headers={"request_id": "req-task-9"})
    [line] = lines_of(logged, TASK_LOGGER)
    assert line["request_id"] == "req-task-9"
    assert current_request_id() is None


def test_a_task_published_by_a_task_carries_the_id_on(broker):
    from base.logs import bind_request_id, reset_request_id

    token = bind_request_id("req-chain-3")  # as task_prerun binds it in a worker
    try:
        note_in_the_log.delay("next step")
    finally:
        reset_request_id(token)
    [message] = raw_messages(broker)
    assert message["headers"]["request_id"] == "req-chain-3"


def test_a_task_published_outside_a_request_carries_no_id(broker):
    note_in_the_log.delay("from beat")
    [message] = raw_messages(broker)
    assert "request_id" not in message["headers"]
