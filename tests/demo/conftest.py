"""One loaded demo per module instead of one per test: loading takes about ten seconds.

The demo is loaded in a transaction that the module's end rolls back; each test's own
transaction is a savepoint inside it, so what a test changes is gone for the next. A module
using these fixtures must not hold tests that need an empty database: the demo stays in place
from the first test that asks for it to the module's end."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.utils import translation

from demo import loader as demo
from demo.base import DemoReport


@contextmanager
def _loaded(django_db_blocker, **options) -> Iterator[DemoReport]:
    with django_db_blocker.unblock(), translation.override("en"), transaction.atomic():
        yield demo.load_demo(**options)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker) -> Iterator[DemoReport]:
    with _loaded(django_db_blocker) as report:
        yield report


@pytest.fixture(scope="module")
def walked_demo(django_db_setup, django_db_blocker) -> Iterator[DemoReport]:
    with _loaded(django_db_blocker, walk_matches=True) as report:
        yield report
