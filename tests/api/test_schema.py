"""The OpenAPI schema describes every endpoint, with an example for every request body."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    import json
    from io import StringIO

    out = StringIO()
    with django_db_blocker.unblock():
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
        )
    return json.loads(out.getvalue())


def test_the_schema_is_valid_and_lists_every_endpoint(schema):
    from tests.api.test_access_table import ALL_ROWS

    paths = schema["paths"]
    assert len(paths) >= 40
    documented = {(path, method) for path, ops in paths.items() for method in ops}
    assert len(documented) >= len({(r.url_name, r.method) for r in ALL_ROWS})


def test_every_request_body_has_an_example(schema):
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if not body:
                continue
            contents = body["content"].values()
            if not any("examples" in c or "example" in c for c in contents):
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"request bodies without an example: {missing}"
