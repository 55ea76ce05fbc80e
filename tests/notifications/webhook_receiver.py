"""A real HTTP server in a thread that receives webhooks, answering as a test tells it to; and
a TCP service that greets with a banner (as SSH, SMTP or Redis do). Both count connections, so
a test can prove that nothing connected at all."""

import contextlib
import http.server
import socket
import socketserver
import threading
import time

from tests.smtp import free_port


class Receiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.status = 200
        self.delay = 0.0
        # Sent with the answer (status line's reason phrase and body), for tests of what the
        # delivery log must never quote.
        self.reason: str | None = None
        self.body = b""
        self.received: list[dict] = []
        self.connections = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {"headers": dict(self.headers), "body": body, "path": self.path}
                )
                time.sleep(receiver.delay)
                self.send_response(receiver.status, receiver.reason)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request, client_address):
                receiver.connections += 1
                return True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class BannerService:
    """Greets every connection with `banner`, reads a little and hangs up: an internal service
    that speaks first (SSH, SMTP) or answers HTTP with its own protocol (Redis)."""

    def __init__(self, banner: bytes) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.connections = 0
        service = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                service.connections += 1
                self.request.sendall(banner)
                self.request.settimeout(1)
                with contextlib.suppress(OSError):
                    self.request.recv(65536)
                self.request.shutdown(socket.SHUT_RDWR)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "BannerService":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
