"""The migration that gives series a status maps the old flag both ways: published rows are
"published", the others "unpublished"; backwards, the flag is true exactly for the
published ones."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("events", "0002_categories")]
AFTER = [("events", "0003_series_status")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _series(apps, *, published: bool):
    Text = apps.get_model("editorial", "Text")
    EventSeries = apps.get_model("events", "EventSeries")
    start = datetime(2026, 12, 1, 17, tzinfo=UTC)
    return EventSeries.objects.create(
        text=Text.objects.create(source_language="de", version=1),
        starts_at=start,
        duration=timedelta(hours=2),
        last_ends_at=start + timedelta(hours=2),
        last_confirmed_on=start.date(),
        published=published,
    ).pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_status_migration_maps_existing_rows_and_back():
    leaf = [key for key in MigrationExecutor(connection).loader.graph.leaf_nodes("events")]
    try:
        old = _migrate(BEFORE)
        shown, hidden = _series(old, published=True), _series(old, published=False)
        new = _migrate(AFTER)
        rows = dict(new.get_model("events", "EventSeries").objects.values_list("pk", "status"))
        assert rows == {shown: "published", hidden: "unpublished"}
        flags = dict(new.get_model("events", "EventSeries").objects.values_list("pk", "published"))
        assert flags == {shown: True, hidden: False}
        EventSeries = new.get_model("events", "EventSeries")
        EventSeries.objects.filter(pk=hidden).update(status="in_review")
        back = _migrate(BEFORE)
        flags = dict(back.get_model("events", "EventSeries").objects.values_list("pk", "published"))
        assert flags == {shown: True, hidden: False}
    finally:
        _migrate(leaf)
