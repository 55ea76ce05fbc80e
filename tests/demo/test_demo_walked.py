"""The Leipzig demo loaded with its matches walked along the workflow, once for this module
(tests/demo/conftest.py); each test runs in a savepoint inside the module's transaction."""

import pytest

from accounts.models import User
from demo import loader as demo
from demo import volunteers as demo_volunteers
from volunteers.models import VolunteerNeed

pytestmark = pytest.mark.django_db


def test_the_demo_shows_matches_at_every_step_of_the_workflow_once(walked_demo):
    from matching.models import Match, MatchMessage

    first = walked_demo
    assert first.workflow["offered"] >= 2 and first.workflow["accepted"] == 1
    assert first.workflow["proposed"] >= 1  # flats always wait for a coordinator
    assert MatchMessage.objects.count() == 1
    states = dict(Match.objects.values_list("pk", "state"))
    again = demo.load_demo(walk_matches=True)
    assert again.workflow == {} and dict(Match.objects.values_list("pk", "state")) == states


def test_the_demo_has_needs_that_work_with_children_and_a_volunteer_certified_for_them(walked_demo):
    from accounts.checks import certificate_dates
    from matching.models import Match

    children = VolunteerNeed.objects.filter(works_with_children=True)
    assert children.count() == 2
    maria = User.objects.get(username="maria.schneider")
    assert maria.pk in certificate_dates([maria.pk])
    matched = set(
        Match.objects.filter(shift__need__in=children).values_list(
            "volunteer__user__username", flat=True
        )
    )
    assert matched <= set(demo_volunteers.CERTIFICATES) and matched


def test_the_jobs_demo_gives_proposals_that_wait_for_a_coordinator(walked_demo):
    from matching.models import Match, MatchState

    proposals = Match.objects.filter(kind=Match.Kind.JOBS)
    assert proposals.count() >= 10
    assert set(proposals.values_list("state", flat=True)) == {MatchState.PROPOSED}
    # The two employers still waiting for their check get no proposals yet.
    assert not proposals.filter(job__organisation__employer__checked_at__isnull=True).exists()
    assert proposals.filter(job__remote=True).exists()
    assert proposals.filter(job_seeker__counsellor_organisation__isnull=False).exists()
