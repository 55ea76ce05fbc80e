"""Remote geocoding (Nominatim) for refining street addresses. Called only from tasks.

Nominatim's usage policy asks for a real user agent and at most one request per second. The
limit must hold across every worker process, so the slot is taken in Redis (SET NX with a 1 s
expiry) rather than per process. Answers, found or not, are cached in the database.
"""

import time

import redis
from django.conf import settings
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders import Nominatim

from geo.gazetteer import normalise
from geo.models import GeocodeCacheEntry


class RemoteGeocoderUnavailable(Exception):
    """The remote geocoder could not answer now; the task retries later."""


def remote_geocoding_enabled() -> bool:
    return settings.GEOCODER == "nominatim"


def nominatim() -> Nominatim:
    return Nominatim(
        user_agent=settings.NOMINATIM_USER_AGENT,
        domain=settings.NOMINATIM_DOMAIN,
        scheme=settings.NOMINATIM_SCHEME,
        timeout=10,
    )


def _wait_for_request_slot(min_delay: float) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"willkommen:geocoder-slot:{settings.NOMINATIM_DOMAIN}"
    while not client.set(key, "1", nx=True, px=max(int(min_delay * 1000), 1)):
        time.sleep(0.05)


def geocode_remote(query: str) -> tuple[float, float] | None:
    key = normalise(query)
    cached = GeocodeCacheEntry.objects.filter(provider="nominatim", query=key).first()
    if cached is not None:
        return (cached.latitude, cached.longitude) if cached.found else None
    _wait_for_request_slot(settings.NOMINATIM_MIN_DELAY_SECONDS)
    try:
        found = nominatim().geocode(
            query, exactly_one=True, country_codes=settings.NOMINATIM_COUNTRY_CODES
        )
    except GeocoderQueryError:
        found = None
    except GeocoderServiceError as exc:  # timeouts, 5xx, rate limited, unreachable
        raise RemoteGeocoderUnavailable(str(exc)) from exc
    GeocodeCacheEntry.objects.update_or_create(
        provider="nominatim",
        query=key,
        defaults={
            "found": found is not None,
            "latitude": found.latitude if found else None,
            "longitude": found.longitude if found else None,
            "raw": found.raw if found else {},
        },
    )
    return (found.latitude, found.longitude) if found else None
