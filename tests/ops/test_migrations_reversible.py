"""Every app of the project migrates back one step and forward again on a populated
database, and the rows of the tables the step back did not drop are all still there.

In a scratch database beside the test database, through manage.py in its own process, as an
upgrade (or its rollback) would run. An app with only its initial migration is not stepped
back: that would drop its tables and, through the migrations depending on it, most others.
"""

import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from tests.ops import databases

# Only for the test database's name (the scratch database is named after it); the rows of
# this test live in the scratch database, written by other processes.
pytestmark = pytest.mark.django_db

MANAGE = [str(databases.ROOT / ".venv/bin/python"), "manage.py"]

POPULATE = textwrap.dedent(
    """
    from accounts.models import Role
    from tests.factories import (
        DonationOfferFactory, GoodsNeedFactory, MembershipFactory, OrganisationFactory,
        UserFactory,
    )
    from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
    from tests.jobs.factories import JobFactory, JobSeekerFactory
    from tests.matching.batching import created, run_for
    from tests.matching.test_batches import LINDENAU, east

    member = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, organisation=OrganisationFactory(), is_admin=True)
    need = GoodsNeedFactory(
        organisation=member.organisations.get(), created_by=member, **east(LINDENAU, 0)
    )
    DonationOfferFactory(category=need.category, **east(LINDENAU, 2))
    assert len(created(run_for(need))) == 1
    HousingNeedFactory(**east(LINDENAU, 1))
    HousingOfferFactory(**east(LINDENAU, 4))
    JobFactory(**east(LINDENAU, 1))
    JobSeekerFactory(**east(LINDENAU, 3))
    """
)

# Tables that must hold the rows written above when the test ends.
POPULATED = [
    "accounts_user",
    "accounts_organisation",
    "donations_goodsneed",
    "donations_donationoffer",
    "matching_match",
    "matching_matchevent",
    "housing_housingneed",
    "housing_housingoffer",
    "jobs_job",
    "jobs_jobseeker",
]


def steps_back() -> list[tuple[str, str]]:
    """(app, last-but-one migration) for every app of the project with more than one
    migration, the app whose last migration comes latest in the forward plan first: each
    step back then only unapplies what is still applied, never moves anything forward."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    venv = databases.ROOT / ".venv"
    local = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(databases.ROOT)
        and not Path(config.path).is_relative_to(venv)
        and config.label in loader.migrated_apps
    }
    order = _plan_order(graph)
    steps = []
    for leaf in sorted(
        (n for n in graph.leaf_nodes() if n[0] in local), key=order.__getitem__, reverse=True
    ):
        parents = [p for p in graph.node_map[leaf].parents if p.key[0] == leaf[0]]
        if parents:
            [parent] = parents
            steps.append((leaf[0], parent.key[1]))
    return steps


def _plan_order(graph) -> dict[tuple[str, str], int]:
    """Each migration's position in the forward plan of all apps (the order `migrate` runs)."""
    order: dict[tuple[str, str], int] = {}
    for leaf in graph.leaf_nodes():
        for node in graph.forwards_plan(leaf):
            order.setdefault(node, len(order))
    return order


@pytest.fixture
def scratch():
    name = databases.scratch_name("migrations")
    databases.create(name)
    yield name
    databases.drop(name)


def test_every_app_migrates_back_one_step_and_forward_keeping_the_rows(scratch):
    def manage(*args: str) -> None:
        done = databases.run([*MANAGE, *args], scratch)
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stderr[-3000:]}"

    manage("migrate", "--no-input", "-v", "0")
    manage("shell", "-c", POPULATE)
    with databases.connect(scratch) as db:
        before = databases.row_counts(db)
    assert all(before[table] > 0 for table in POPULATED), before

    steps = steps_back()
    assert len(steps) >= 5, steps  # the apps with history: accounts, donations, matching, ...
    # One process for every step back: an irreversible migration stops it with Django's
    # IrreversibleError naming the migration, in the assertion's message.
    manage(
        "shell",
        "-c",
        "from django.core.management import call_command\n"
        + "".join(
            f"call_command('migrate', {app!r}, {target!r}, verbosity=0)\n" for app, target in steps
        ),
    )
    with databases.connect(scratch) as db:
        between = databases.row_counts(db)
        applied = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    assert applied < before["django_migrations"]

    manage("migrate", "--no-input", "-v", "0")
    with databases.connect(scratch) as db:
        after = databases.row_counts(db)
    assert set(after) == set(before)
    # The tables the steps back dropped came back empty; every other kept its rows.
    kept = {t: n for t, n in before.items() if t in between and t != "django_migrations"}
    assert {t: after[t] for t in kept} == kept
    assert all(table in kept for table in POPULATED), sorted(set(POPULATED) - set(kept))


def test_the_whole_schema_migrates_back_to_zero_and_forward_again(scratch):
    """An empty database: every app of the project unapplied (its reverse data migrations
    included), then everything applied again."""

    def manage(*args: str) -> None:
        done = databases.run([*MANAGE, *args], scratch)
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stderr[-3000:]}"

    manage("migrate", "--no-input", "-v", "0")
    local = sorted({app for app, _ in steps_back()} | {"accounts", "geo", "workers"})
    # Unapplying an app unapplies whatever depends on it first.
    manage(
        "shell",
        "-c",
        "from django.core.management import call_command\n"
        + "".join(f"call_command('migrate', {app!r}, 'zero', verbosity=0)\n" for app in local),
    )
    with databases.connect(scratch) as db:
        left = db.execute(
            "SELECT DISTINCT app FROM django_migrations WHERE app = ANY(%s)", [local]
        ).fetchall()
    assert left == []

    manage("migrate", "--no-input", "-v", "0")
    with databases.connect(scratch) as db:
        tables = databases.row_counts(db)
    assert "volunteers_skill" in tables and tables["volunteers_skill"] > 0
