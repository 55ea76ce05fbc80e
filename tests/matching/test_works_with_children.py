"""A volunteer need that works with children is matched only with volunteers whose extended
certificate of conduct a coordinator has seen, and only while it still counts on the day of
the shift (CERTIFICATE_OF_CONDUCT_VALID_MONTHS). Not by the engine, not by hand, and a
proposal or an offer whose volunteer lost the certificate since can be neither approved nor
accepted."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts import checks
from accounts.models import CheckKind
from api.volunteers import NEED_EXAMPLE
from base.errors import ApplicationError
from matching import candidates, diagnostics, workflow
from matching.core import constraints
from matching.kinds import KINDS
from matching.models import Match, MatchState
from tests.conftest import client_for
from tests.matching.batching import created, run_for
from tests.safety.scenes import coordinator, volunteer, volunteer_need

pytestmark = pytest.mark.django_db


def children_need():
    need = volunteer_need()
    need.works_with_children = True
    need.save(update_fields=["works_with_children"])
    return need


def certificate(profile, issued: date, by=None):
    return checks.record_check(
        subject=profile.user,
        kind=CheckKind.CERTIFICATE_OF_CONDUCT,
        certificate_date=issued,
        actor=by or coordinator("checker"),
    )


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) + timedelta(days=days)


def test_a_volunteer_without_a_certificate_is_not_matched_to_work_with_children():
    need = children_need()
    volunteer()

    assert created(run_for(need)) == []
    assert candidates.volunteer_candidates([need.shifts.get().pk]).pairs == []


def test_the_same_volunteer_is_matched_once_a_coordinator_has_seen_a_recent_certificate():
    need = children_need()
    profile = volunteer()
    certificate(profile, years_ago(1))

    [match] = created(run_for(need))

    assert match.volunteer_id == profile.pk


def test_needs_that_do_not_work_with_children_take_volunteers_without_a_certificate():
    need = volunteer_need()
    profile = volunteer()

    [match] = created(run_for(need))

    assert match.volunteer_id == profile.pk


def test_a_certificate_that_lapses_before_the_shift_does_not_count(settings):
    # Valid today, but five years old on the day of the shift a week or more from now.
    settings.CERTIFICATE_OF_CONDUCT_VALID_MONTHS = 60
    need = children_need()
    profile = volunteer()
    certificate(profile, years_ago(5, days=2))

    assert created(run_for(need)) == []
    # The search found the pair (it counts today); the core refused it for the shift's day.
    assert candidates.volunteer_candidates([need.shifts.get().pk]).pairs != []


def test_a_withdrawn_certificate_does_not_count():
    need = children_need()
    profile = volunteer()
    clara = coordinator()
    seen = certificate(profile, years_ago(1), by=clara)
    checks.withdraw_check(seen, actor=clara, reason="Recorded for the wrong person")

    assert created(run_for(need)) == []


def test_a_proposal_whose_certificate_was_withdrawn_cannot_be_approved():
    need = children_need()
    profile = volunteer()
    clara = coordinator()
    seen = certificate(profile, years_ago(1), by=clara)
    [match] = created(run_for(need))
    checks.withdraw_check(seen, actor=clara, reason="Forged")

    with pytest.raises(ApplicationError) as refused:
        workflow.approve(match, actor=clara)

    assert refused.value.code == "wrong_state"
    assert "certificate of conduct" in str(refused.value)
    match.refresh_from_db()
    assert match.state == MatchState.PROPOSED


def test_the_policy_leaves_such_a_proposal_to_a_coordinator(settings):
    settings.MATCH_AUTO_APPROVE_MIN_SCORE = {"volunteers": 0.0}
    need = children_need()
    profile = volunteer()
    clara = coordinator()
    seen = certificate(profile, years_ago(1), by=clara)
    [match] = created(run_for(need))
    Match.objects.filter(pk=match.pk).update(state=MatchState.PROPOSED)
    checks.withdraw_check(seen, actor=clara, reason="Forged")

    assert workflow.auto_approve([match.pk]) == 0
    match.refresh_from_db()
    assert match.state == MatchState.PROPOSED


def test_an_offered_match_cannot_be_accepted_once_the_certificate_is_withdrawn():
    need = children_need()
    profile = volunteer()
    clara = coordinator()
    seen = certificate(profile, years_ago(1), by=clara)
    [match] = created(run_for(need))
    workflow.approve(match, actor=clara)
    checks.withdraw_check(seen, actor=clara, reason="Forged")

    with pytest.raises(ApplicationError):
        workflow.respond(match, user=profile.user, answer="yes")
    # Saying no stays possible.
    workflow.respond(match, user=profile.user, answer="no")
    match.refresh_from_db()
    assert match.state == MatchState.DECLINED


def test_a_coordinator_cannot_match_an_uncertified_volunteer_by_hand():
    need = children_need()
    profile = volunteer()
    shift = need.shifts.get()

    with pytest.raises(ApplicationError) as refused:
        KINDS["volunteers"].hold_by_hand(need, profile, unit=shift)

    assert set(refused.value.errors) == {"offer"}
    shift.refresh_from_db()
    assert shift.people_open == shift.people


def test_the_diagnosis_says_that_a_certificate_is_missing():
    need = children_need()
    volunteer()

    [entry] = diagnostics.diagnose_need("volunteers", need).shifts

    assert entry.diagnosis.reason == "no_certificate"
    assert "certificate of conduct" in entry.message


@pytest.mark.parametrize(
    ("since", "issued", "fits"),
    [
        (None, None, True),
        (date(2022, 1, 10), None, False),
        (date(2022, 1, 10), date(2022, 1, 9), False),
        (date(2022, 1, 10), date(2022, 1, 10), True),
        (date(2022, 1, 10), date(2025, 6, 1), True),
    ],
)
def test_the_core_rule_of_the_certificate(since, issued, fits):
    shift = candidates.core.Shift(
        id=1,
        need_id=1,
        start=timezone.now(),
        end=timezone.now(),
        people_open=1,
        required_skills=frozenset(),
        languages=frozenset(),
        max_distance_m=1000.0,
        created_at=timezone.now(),
        certificate_since=since,
    )
    person = candidates.core.Volunteer(
        id=1,
        skills=frozenset(),
        languages={},
        slots=(),
        away=(),
        radius_m=1000.0,
        max_hours_per_week=4,
        certificate_date=issued,
    )
    assert constraints.has_certificate_for(shift, person) is fits


def test_an_initiative_asks_for_it_through_the_api_and_reads_it_back(initiative_member):
    response = client_for(initiative_member).post(
        "/api/v1/volunteer-needs/", {**NEED_EXAMPLE, "works_with_children": True}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["works_with_children"] is True
    default = client_for(initiative_member).post(
        "/api/v1/volunteer-needs/", NEED_EXAMPLE, format="json"
    )
    assert default.json()["works_with_children"] is False
