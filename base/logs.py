"""Log records that say which request they belong to.

A request id lives in a ContextVar: the web layer binds it for the length of a request
(web.middleware.RequestIdMiddleware), the Celery app puts it into the messages of the tasks
published meanwhile and binds it again while such a task runs (workers.request_ids). Every
record passing a handler with RequestIdFilter carries it as `request_id` (None outside a
request or task), so one grep finds the web line and the lines of the tasks it caused.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime

# The id of an incoming X-Request-ID header is kept only if it is this harmless: it ends up
# in log lines, response headers and task messages, where a client must not inject anything.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def is_safe_request_id(value: object) -> bool:
    return isinstance(value, str) and SAFE_REQUEST_ID.fullmatch(value) is not None


def request_id_from(incoming: str | None) -> str:
    """The caller's id if it is a safe token (a proxy or client that already logs one), else
    a new one."""
    return incoming if is_safe_request_id(incoming) else uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(value: str | None) -> Token:
    """Binds the id until reset_request_id(token) is called with what this returns."""
    return _request_id.set(value)


def reset_request_id(token: Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record the handler sees; an explicit
    `extra={"request_id": …}` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what a log collector can index without a parser of its own."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # default=str: an argument that is no JSON type still gives a line, not a lost record.
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The readable format for development (`make run`), with the request id when there is
    one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        line = super().formatMessage(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [request_id={request_id}]" if request_id else line
