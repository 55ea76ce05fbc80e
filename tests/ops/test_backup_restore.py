"""scripts/backup.sh and scripts/restore.sh: a dump of a populated database restores into a
new database with every row, and a match's history in order."""

import pytest
from django.db import connection

from matching import workflow
from matching.models import MatchEvent, MatchState
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.jobs.factories import JobFactory, JobSeekerFactory
from tests.matching.batching import created, run_for
from tests.matching.test_batches import LINDENAU, east
from tests.ops import databases

# Committed rows: the scripts read the database from other processes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HISTORY = "SELECT from_state, to_state, reason, actor_id FROM matching_matchevent"
HISTORY_OF = HISTORY + " WHERE match_id = %s ORDER BY at, id"


@pytest.fixture
def accepted_match(initiative_member, donor, coordinator):
    """A goods need and a donation matched by a batch, approved and accepted by both sides,
    beside a job and a job seeker."""
    need = GoodsNeedFactory(
        organisation=initiative_member.organisations.get(),
        created_by=initiative_member,
        quantity=12,
        **east(LINDENAU, 0),
    )
    DonationOfferFactory(donor=donor, category=need.category, quantity=12, **east(LINDENAU, 2))
    [match] = created(run_for(need))
    workflow.approve(match, actor=coordinator, reason="checked by phone")
    workflow.respond(match, user=donor, answer="yes")
    workflow.respond(match, user=initiative_member, answer="yes")
    JobFactory(**east(LINDENAU, 1))
    JobSeekerFactory(**east(LINDENAU, 3))
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED
    return match


@pytest.fixture
def restored_name():
    name = databases.scratch_name("restore")
    yield name
    databases.drop(name)


def test_a_backup_restores_into_a_new_database_with_every_row_and_a_match_history(
    accepted_match, restored_name, tmp_path
):
    source = connection.settings_dict["NAME"]
    backup = databases.run(["scripts/backup.sh", str(tmp_path)], source)
    assert backup.returncode == 0, backup.stderr
    [dump] = tmp_path.glob(f"{source}-*.dump")

    restore = databases.run(["scripts/restore.sh", str(dump), restored_name], source)
    assert restore.returncode == 0, restore.stderr
    assert "matching_matchevent" in restore.stdout

    with databases.connect(source) as original, databases.connect(restored_name) as restored:
        counts = databases.row_counts(original)
        assert databases.row_counts(restored) == counts
        for table in (
            "accounts_user",
            "donations_goodsneed",
            "donations_donationoffer",
            "matching_match",
            "jobs_job",
            "jobs_jobseeker",
            "django_migrations",
        ):
            assert counts[table] > 0, f"{table} is empty: the test proves nothing about it"
        history = restored.execute(HISTORY_OF, [accepted_match.pk]).fetchall()
        assert history == original.execute(HISTORY_OF, [accepted_match.pk]).fetchall()
    events = MatchEvent.objects.filter(match=accepted_match)
    assert [(e.from_state, e.to_state, e.reason) for e in events] == [
        (r[0], r[1], r[2]) for r in history
    ]
    assert [to_state for _, to_state, _, _ in history] == [
        MatchState.PROPOSED,
        MatchState.APPROVED,
        MatchState.OFFERED,
        MatchState.OFFERED,  # the donor said yes
        MatchState.ACCEPTED,
    ]
    assert history[1][2] == "checked by phone"


def test_restore_refuses_a_database_that_holds_tables_unless_forced(tmp_path, restored_name):
    source = connection.settings_dict["NAME"]
    backup = databases.run(["scripts/backup.sh"], source, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    [dump] = tmp_path.glob("*.dump")
    first = databases.run(["scripts/restore.sh", str(dump), restored_name], source)
    assert first.returncode == 0, first.stderr

    again = databases.run(["scripts/restore.sh", str(dump), restored_name], source)
    assert again.returncode == 1 and "--force" in again.stderr

    forced = databases.run(["scripts/restore.sh", "--force", str(dump), restored_name], source)
    assert forced.returncode == 0, forced.stderr
