"""Helpers shared by tests: polling, and an SMTP sink that receives what Django sends."""

import asyncio
import email
import socket
import threading
import time
from collections.abc import Callable
from email import policy

from aiosmtpd.controller import Controller


def wait_until(predicate: Callable[[], object], timeout: float = 60, message: str = "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for: {message or predicate}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """Collects every message the SMTP server accepts.

    `reply_delay` (seconds) holds back the `250` after a message has been taken: a client
    killed in that window has handed its message over without learning so, which makes the
    "sent but not marked" case of an outbox observable. `port` lets a test start a sink on a
    port that a worker was already told to use (the server "comes back").
    """

    def __init__(self, port: int | None = None) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrivals: list[float] = []  # time.monotonic() of each message, same order
        self.reply_delay = 0.0
        self._lock = threading.Lock()
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.arrivals.append(time.monotonic())
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 Message accepted for delivery"

    def received_with_times(self) -> list[tuple[float, email.message.EmailMessage]]:
        with self._lock:
            return list(zip(self.arrivals, self.messages, strict=True))

    def received(self) -> list:
        with self._lock:
            return list(self.messages)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.arrivals.clear()

    def wait_for(self, count: int, timeout: float = 60) -> list:
        wait_until(lambda: len(self.received()) >= count, timeout, f"{count} emails at the sink")
        return self.received()
