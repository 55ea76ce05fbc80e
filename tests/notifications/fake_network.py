"""A resolver and a network for webhook tests, with no real DNS and no packet leaving the
machine: names answer what a test says (and may change their answer, as a rebinding attacker's
DNS does), and connections to made-up public addresses reach local servers or are refused."""

import ipaddress
import socket
from dataclasses import dataclass, field

import pytest

# Public unicast addresses (not documentation ranges, which the rules refuse) that stand for
# servers on the internet; the fake network routes them to local servers or refuses them.
PUBLIC = "93.184.216.34"
PUBLIC_2 = "151.101.1.69"
PUBLIC_V6 = "2a00:1450:4001:81b::200e"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass
class FakeNetwork:
    # name → answers, one per lookup; the last one stays.
    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    # (public address, port) → (local address, port) it reaches.
    routes: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    connects: list[tuple[str, int]] = field(default_factory=list)

    def name(self, host: str, *answers: list[str]) -> None:
        self.answers[host] = list(answers)

    def route(self, public: str, port: int, to: tuple[str, int]) -> None:
        self.routes[(public, port)] = to


@pytest.fixture(name="network")
def network_fixture(monkeypatch) -> FakeNetwork:
    """Import `network_fixture` to use the fixture `network`."""
    fake = FakeNetwork()
    real_getaddrinfo = socket.getaddrinfo
    real_create_connection = socket.create_connection

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        key = (name or "").rstrip(".").lower()
        if key in fake.answers:
            fake.lookups.append(key)
            queue = fake.answers[key]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    socket.IPPROTO_TCP,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in answer
            ]
        # Addresses written as numbers never leave the machine; every other name is unknown.
        return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, *args, **kwargs):
        host, port = address[0], address[1]
        fake.connects.append((host, port))
        if not _is_address(host):
            # Connecting by name (as urllib does) resolves through the same fake DNS.
            host = getaddrinfo(host, port)[0][4][0]
        if (host, port) in fake.routes:
            return real_create_connection(fake.routes[(host, port)], timeout, *args, **kwargs)
        if ipaddress.ip_address(host).is_loopback:
            return real_create_connection((host, port), timeout, *args, **kwargs)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return fake
