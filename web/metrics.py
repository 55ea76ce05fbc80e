"""/metrics for Prometheus: django-prometheus' request metrics of this web process and the
platform's gauges (workers.metrics), for a scraper with the token or on an allowed network.

Each gunicorn worker keeps its own request counters, so a scrape sees the process that
answered it; the platform's gauges come from the database and Redis and are the same in every
process (README, "Metrics").
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


def metrics_enabled() -> bool:
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOWED_NETWORKS)


def has_metrics_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    # Constant time: the answer's timing tells nothing about how much of the token matched.
    return hmac.compare_digest(given.strip().encode(), token.encode())


def in_networks(address: str, networks: list[str]) -> bool:
    """Whether `address` (REMOTE_ADDR as ClientAddressMiddleware set it) lies in one of the
    CIDR `networks`; an address or network that does not parse matches nothing."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_enabled():
        raise Http404
    allowed = has_metrics_token(request) or in_networks(
        request.META.get("REMOTE_ADDR", ""), settings.METRICS_ALLOWED_NETWORKS
    )
    if not allowed:
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
