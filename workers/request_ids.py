"""The request id (base.logs) follows a request into the tasks it publishes, and from a task
into the tasks that one publishes in turn; worker processes log like the web process.

Connected in workers.celery, so wherever the Celery app is loaded (web, worker, beat):
- before_task_publish: the current id goes into the message headers. Tasks a view schedules
  with transaction.on_commit are published when the view's transaction commits, still inside
  the request, so they carry it too.
- task_prerun / task_postrun: the worker binds the id of the message while the task runs and
  restores what was bound before (eager and apply() runs inside a request included).
- setup_logging: a worker uses settings.LOGGING (JSON lines with request_id in production)
  instead of Celery's own format; --loglevel still sets the level.
"""

import logging
import logging.config
from contextvars import Token
from typing import Any

from django.conf import settings

from base.logs import bind_request_id, current_request_id, is_safe_request_id, reset_request_id

HEADER = "request_id"

# Task id -> what task_prerun bound; task_postrun of the same task (same thread) resets it.
_bound: dict[str, Token] = {}


def add_request_id_to_headers(headers: dict | None = None, **kwargs: Any) -> None:
    request_id = current_request_id()
    if headers is not None and request_id is not None:
        headers.setdefault(HEADER, request_id)


def request_id_of(task: Any) -> str | None:
    """The id the task's message carries: protocol 2 puts custom headers on the request
    itself, apply(headers=…) under request.headers."""
    request = task.request
    value = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    return value if is_safe_request_id(value) else None


def bind_for_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task_id is None or task is None:
        return
    _bound[task_id] = bind_request_id(request_id_of(task))


def unbind_after_task(task_id: str | None = None, **kwargs: Any) -> None:
    token = _bound.pop(task_id, None) if task_id is not None else None
    if token is not None:
        try:
            reset_request_id(token)
        except ValueError:
            # Bound in another context (a pool that ran prerun elsewhere): nothing to restore.
            bind_request_id(None)


def configure_worker_logging(loglevel: int | str | None = None, **kwargs: Any) -> None:
    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
