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


MAPS = (
    "goods-needs",
    "donation-offers",
    "volunteer-profiles",
    "volunteer-needs",
    "housing-offers",
    "housing-needs",
)


def _component(schema: dict, ref: dict) -> dict:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_every_map_is_one_geojson_feature_collection(schema):
    for kind in MAPS:
        ok = schema["paths"][f"/api/v1/{kind}/map/"]["get"]["responses"]["200"]
        page = _component(schema, ok["content"]["application/json"]["schema"])
        collection, counts = page["allOf"]
        collection = _component(schema, collection)
        assert _component(schema, collection["properties"]["type"])["enum"] == ["FeatureCollection"]
        assert collection["properties"]["features"]["type"] == "array"
        assert {"type", "count", "features"} <= set(counts["required"])
        assert "results" not in counts["properties"]


def test_every_operation_documents_its_errors_with_a_json_body(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            for code, response in responses.items():
                if code.startswith("4"):
                    assert "application/json" in response.get("content", {}), (where, code)
            if {"tokenAuth": []} in operation.get("security", []):
                assert "401" in responses, where
            if "requestBody" in operation:
                assert {"400", "415"} <= set(responses), where
            if "{" in path:
                assert "404" in responses, where
