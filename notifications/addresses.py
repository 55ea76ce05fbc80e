"""Where a webhook may go: public internet addresses only.

An organisation chooses its webhook URL, and the platform's workers post to it from inside the
platform's network. Without a rule, a URL naming `127.0.0.1:6379`, a private range or the
cloud's metadata service would make the workers a scanner of that network. So a URL is refused
when its host is, or resolves to, an address that is not public (`forbidden`), when it carries
a user name or password, or when it names a port other than 80, 443 or an unprivileged one that
is not a well-known internal service (`port_allowed`). It is checked at registration and again
at every delivery, where the sender then connects to exactly the addresses checked here (a DNS
answer that changes between the check and the connection cannot slip through).

`WEBHOOK_ALLOW_PRIVATE_TARGETS` lifts the address rule (not the metadata addresses, the ports
or the credentials) for local development and tests, whose receivers run on 127.0.0.1.
"""

import dataclasses
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}

# Ports from 1024 on where databases, caches, queues and cluster control planes listen. A
# server's own public address passes the address rule and may still expose one of them; no
# webhook receiver needs these ports, so refusing them costs nothing.
INTERNAL_SERVICE_PORTS = frozenset(
    {
        1433,  # SQL Server
        1521,  # Oracle
        2049,  # NFS
        2375,  # Docker API
        2376,  # Docker API (TLS)
        2379,  # etcd
        2380,  # etcd peers
        3306,  # MySQL, MariaDB
        3389,  # RDP
        4369,  # Erlang port mapper (RabbitMQ)
        5432,  # PostgreSQL
        5672,  # AMQP
        5984,  # CouchDB
        6379,  # Redis
        6432,  # PgBouncer
        6443,  # Kubernetes API
        8500,  # Consul
        9042,  # Cassandra
        9092,  # Kafka
        9200,  # Elasticsearch
        9300,  # Elasticsearch nodes
        10250,  # kubelet
        11211,  # memcached
        15672,  # RabbitMQ management
        26379,  # Redis Sentinel
        27017,  # MongoDB
    }
)

# Cloud metadata services hand out credentials; never a target, whatever the settings say.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, Azure, GCP, OpenStack, DigitalOcean, Hetzner …
        "169.254.170.2",  # AWS ECS task credentials
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)

# What `ipaddress` does not call non-global in every Python version we may run on: the IETF
# protocol assignments (RFC 6890), where Oracle's metadata service lives, are "global" in
# Python 3.11's tables.
_ALSO_FORBIDDEN = (ipaddress.ip_network("192.0.0.0/24"),)
# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits; the gateway connects to that.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Characters of a path and query sent as they are (RFC 3986 reserved ones and escapes).
_PATH_SAFE = "/?%:@!$&'()*+,;="


class TargetRefused(Exception):
    """The URL may not be a webhook target. `kind` says why: "url" (not an http(s) URL),
    "credentials", "port" or "address"; `reason` is the fixed wording for the delivery log."""

    def __init__(
        self, kind: str, *, host: str = "", port: int | None = None, address: str = ""
    ) -> None:
        self.kind, self.host, self.port, self.address = kind, host, port, address
        super().__init__(self.reason)

    @property
    def reason(self) -> str:
        if self.kind == "credentials":
            return "a user name or password in the URL is not allowed"
        if self.kind == "port":
            return f"the port {self.port} is not allowed"
        if self.kind == "address":
            # A name's resolved address is not quoted: it would tell the organisation what
            # the platform's own resolver knows about internal names.
            if self.address:
                return f"the address {self.address} is not allowed"
            return f"the address of {self.host} is not allowed"[:200]
        return "the URL is not an http:// or https:// URL"


@dataclass(frozen=True)
class Target:
    """A checked URL: what to send in Host and TLS SNI (`host`), and where to connect
    (`addresses`, each checked; empty until a name is resolved)."""

    scheme: str
    host: str
    port: int
    path: str
    literal: bool
    addresses: tuple[str, ...] = ()


def forbidden(address: Address, *, allow_private: bool = False) -> bool:
    """Whether a connection to this address is refused: anything but a public unicast
    address (loopback, private and ULA, link-local, shared/CGNAT, unspecified, multicast,
    reserved, documentation, benchmarking, metadata), also inside IPv4-mapped, -compatible,
    6to4 and NAT64 IPv6 forms. `allow_private` (development only) lets all of it through
    except the metadata services."""
    if address.version == 6 and address.scope_id:
        return True  # a zone id only exists for link-local scopes
    if address in METADATA_ADDRESSES:
        return True
    if address.version == 6:
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return forbidden(embedded, allow_private=allow_private)
        if address.sixtofour is not None and forbidden(
            address.sixtofour, allow_private=allow_private
        ):
            return True
    if allow_private:
        return False
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or getattr(address, "is_site_local", False)
        or any(address in network for network in _ALSO_FORBIDDEN)
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # IPv4-compatible (::a.b.c.d) is deprecated; `is_reserved` refuses the whole of ::/8.
    return None


def port_allowed(port: int) -> bool:
    """80, 443, or an unprivileged port that is not a well-known internal service."""
    return port in (80, 443) or (1024 <= port <= 65535 and port not in INTERNAL_SERVICE_PORTS)


def literal_address(host: str) -> Address | None:
    """The address a host names by itself, in any spelling the system resolver accepts:
    `127.0.0.1`, `::ffff:127.0.0.1`, and also `2130706433`, `0177.0.0.1`, `0x7f.1` or
    `127.1` (inet_aton's forms, which getaddrinfo would turn into 127.0.0.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not host[0].isdigit():
        return None  # a name: inet_aton would not take it, and it might read a prefix
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def parse(url: str) -> Target:
    """The URL's parts, with the rules that need no resolver: scheme, credentials, port,
    and a host that is an address (or `localhost`) by itself."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused("url") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        raise TargetRefused("url")
    # Credentials in the URL would be sent to whoever answers; and "a@b" is where URL
    # parsers disagree about the host. Receivers check the signature instead.
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise TargetRefused("credentials", host=host)
    if "\\" in url or "%" in host or any(c.isspace() or not c.isprintable() for c in host):
        raise TargetRefused("url")
    port = DEFAULT_PORTS[scheme] if port is None else port
    # Non-ASCII and spaces percent-encoded, as a request line needs them; escapes and
    # reserved characters stay as they are.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE)
    address = literal_address(host)
    if address is not None:
        if forbidden(address, allow_private=allow_private):
            raise TargetRefused("address", host=host, address=str(address))
        target = Target(scheme, str(address), port, path, literal=True, addresses=(str(address),))
    else:
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise TargetRefused("url") from exc
        # RFC 6761: localhost and every name under it is the loopback, whatever DNS says.
        if not allow_private and (ascii_host == "localhost" or ascii_host.endswith(".localhost")):
            raise TargetRefused("address", host=ascii_host)
        target = Target(scheme, ascii_host, port, path, literal=False)
    # After the address: for 127.0.0.1:5432 the address is what matters.
    if not port_allowed(port):
        raise TargetRefused("port", host=host, port=port)
    return target


def resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for the name, in its order. Raises
    `socket.gaierror` when there is none."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))


def resolved(target: Target) -> Target:
    """The target with the addresses to connect to: a name is resolved, and refused if ANY
    of its addresses is forbidden (an attacker's DNS may mix a public address with an
    internal one). Raises `socket.gaierror` when the name does not resolve."""
    if target.literal:
        return target
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    addresses = []
    for text in resolve(target.host, target.port):
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            address = None  # an answer that is no address: nothing to connect to safely
        if address is None or forbidden(address, allow_private=allow_private):
            raise TargetRefused("address", host=target.host)
        addresses.append(str(address))
    return dataclasses.replace(target, addresses=tuple(addresses))


def check(url: str) -> Target:
    """The delivery's check: the URL's rules, then every address its host resolves to."""
    return resolved(parse(url))
