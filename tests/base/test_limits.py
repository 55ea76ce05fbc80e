"""The shared limit: at most `limit` claims stand in a period, whoever asks."""

import pytest
from django.core.cache import cache

from base.limits import claim, parse_rate


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_rate_reads_like_drfs():
    assert parse_rate("20/min") == (20, 60)
    assert parse_rate("5/hour") == (5, 3600)
    assert parse_rate("1/s") == (1, 1)


def test_the_limit_lets_that_many_through_in_a_period_and_then_says_how_long_to_wait():
    answers = [claim("test:limit", 3, 60, now=1000.0) for _ in range(4)]

    assert answers[:3] == [None, None, None]
    assert answers[3] == pytest.approx(60.0)
    # Another key counts apart.
    assert claim("test:other", 3, 60, now=1000.0) is None
