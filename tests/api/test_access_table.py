"""Runs the access table (tests/api/access_*.py): every endpoint, every role.

A new endpoint without a row fails `test_every_endpoint_has_a_row`, so nobody can add an API
without saying who may use it and who sees exact data.
"""

import importlib
import pkgutil

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, reverse

import api.urls
import tests.api
from tests.api.access import ROLES, World
from tests.conftest import client_for

# Documentation endpoints: the same for everyone, no data.
UNDOCUMENTED = {"schema", "docs"}
METHODS = ("get", "post", "put", "patch", "delete")


def _rows():
    for module in pkgutil.iter_modules(tests.api.__path__):
        if module.name.startswith("access_"):
            yield from importlib.import_module(f"tests.api.{module.name}").ROWS


ALL_ROWS = list(_rows())


def _endpoints(patterns) -> set[tuple[str, str]]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _endpoints(pattern.url_patterns)
            continue
        assert isinstance(pattern, URLPattern)
        if pattern.name in UNDOCUMENTED:
            continue
        view = pattern.callback.view_class
        for method in METHODS:
            if method in view.http_method_names and hasattr(view, method):
                found.add((pattern.name, method))
    return found


def test_every_endpoint_has_a_row():
    covered = {(row.url_name, row.method) for row in ALL_ROWS}
    missing = _endpoints(api.urls.urlpatterns) - covered
    assert not missing, f"endpoints without a row in tests/api/access_*.py: {sorted(missing)}"
    unknown = covered - _endpoints(api.urls.urlpatterns)
    assert not unknown, f"rows for endpoints that do not exist: {sorted(unknown)}"


def _call(row, world, role):
    call = row.setup(world)
    url = reverse(f"api:{row.url_name}", kwargs=call.kwargs)
    client = client_for(world.users[role])
    if row.method == "get":
        return client.get(url)
    return getattr(client, row.method)(url, call.body or {}, format=call.format)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row", ALL_ROWS, ids=[r.id or f"{r.method}-{r.url_name}" for r in ALL_ROWS]
)
def test_each_role_gets_what_the_table_says(row):
    world = World.build()
    outcomes = {}
    for role in ROLES:
        cache.clear()  # throttles count per test, not across the table
        savepoint = transaction.savepoint()
        try:
            response = _call(row, world, role)
            markers = row.exact_markers(world)
        finally:
            transaction.savepoint_rollback(savepoint)
        body = response.content.decode(errors="replace")  # a PDF is binary
        leaked = [m for m in markers if m in body]
        outcomes[role] = response.status_code
        if response.status_code < 300 and row.method == "get":
            if role in row.exact_for:
                assert leaked, f"{role} should see exact data in {row.url_name}: {body[:500]}"
            else:
                assert not leaked, f"{role} sees {leaked} in {row.url_name}"
        elif response.status_code >= 300 or role not in row.exact_for:
            assert not leaked, f"{role} sees {leaked} in {row.url_name} ({row.method})"
    assert outcomes == row.expect
