import pytest
from django.core.cache import cache

from tests.web.fixtures import scene  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def fresh_limits():
    """Limits (registration, erasure, throttles) count in the shared test Redis: each page
    test starts from zero, whatever the tests before it tried from the same address."""
    cache.clear()
    yield
