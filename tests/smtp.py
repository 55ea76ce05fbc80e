"""Helpers shared by tests: polling, and an SMTP sink that receives what Django sends."""

import asyncio
import email
import os
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


def _socket_inode(client_port: int, server_port: int) -> str | None:
    """The inode of the local TCP socket 127.0.0.1:client_port → 127.0.0.1:server_port."""
    local, remote = f"0100007F:{client_port:04X}", f"0100007F:{server_port:04X}"
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[2] == remote:
                return fields[9]
    return None


def client_process_group(client_port: int, server_port: int) -> int | None:
    """The process group of the local process holding a client connection (Linux /proc);
    None if the connection or its process is gone."""
    inode = _socket_inode(client_port, server_port)
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return os.getpgid(int(pid))
        except OSError:  # not ours to look into, or gone meanwhile
            continue
    return None


class SmtpSink:
    """Collects every message the SMTP server accepts.

    `reply_delay` (seconds) holds back the `250` after a message has been taken: a client
    killed in that window has handed its message over without learning so, which makes the
    "sent but not marked" case of an outbox observable. `port` lets a test start a sink on a
    port that a worker was already told to use (the server "comes back"). With
    `identify_senders`, each message records the process group of the process that sent it
    (looked up while the sender waits for the 250), so a test can tell whose copy it was.
    """

    def __init__(self, port: int | None = None) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.sessions: list = []  # the SMTP session each message came in, same order
        self.reply_delay = 0.0
        self.identify_senders = False
        # A reply such as "451 4.3.0 Try again later": every message is refused with it (the
        # server is up but not taking mail), and nothing is stored.
        self.reject_with: str | None = None
        self.senders: list[int | None] = []  # process group per message, if identified
        self._lock = threading.Lock()
        self.port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.reject_with:
            return self.reject_with
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        sender = None
        if self.identify_senders:
            sender = await asyncio.get_running_loop().run_in_executor(
                None, client_process_group, session.peer[1], self.port
            )
        with self._lock:
            self.messages.append(message)
            self.sessions.append(session)
            self.senders.append(sender)
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        session.said_quit = True
        return "221 Bye"

    def deliveries(self) -> list[tuple[email.message.EmailMessage, bool, int | None]]:
        """Each message, whether its client ended the conversation with QUIT (a connection
        cut before QUIT: its sender died), and the sender's process group if identified."""
        with self._lock:
            return [
                (message, getattr(session, "said_quit", False), sender)
                for message, session, sender in zip(
                    self.messages, self.sessions, self.senders, strict=True
                )
            ]

    def received(self) -> list:
        with self._lock:
            return list(self.messages)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.sessions.clear()
            self.senders.clear()

    def wait_for(self, count: int, timeout: float = 60) -> list:
        wait_until(lambda: len(self.received()) >= count, timeout, f"{count} emails at the sink")
        return self.received()
