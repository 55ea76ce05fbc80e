"""Flats of landlords whose identity no coordinator has seen are not matched at all by
default (HOUSING_MATCH_UNCHECKED_LANDLORDS), and the diagnosis says a checked flat is what is
missing; a suspended landlord's flats are paused whatever the setting."""

import pytest

from accounts import checks
from accounts.models import CheckKind
from base.errors import ApplicationError
from matching import candidates, diagnostics
from matching.kinds import HOUSING
from matching.models import Match
from tests.matching.batching import created, run_for
from tests.safety.scenes import coordinator, flat, household, identity_seen, landlord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_setting(settings):
    # The production default, whatever the environment of the test run says.
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


def test_an_unchecked_landlords_flat_is_not_matched_by_default():
    need = household()
    flat(landlord())

    assert created(run_for(need)) == []
    assert Match.objects.count() == 0
    assert candidates.housing_candidates([need.pk]).pairs == []


def test_the_same_flat_is_matched_once_a_coordinator_has_seen_the_landlords_identity():
    need = household()
    owner = landlord()
    offer = flat(owner)
    assert created(run_for(need)) == []

    identity_seen(owner)
    [match] = created(run_for(need))

    assert (match.housing_need_id, match.housing_offer_id) == (need.pk, offer.pk)


def test_unchecked_landlords_flats_are_matched_when_the_setting_allows_it(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = True
    need = household()
    offer = flat(landlord())

    [match] = created(run_for(need))

    assert match.housing_offer_id == offer.pk


def test_only_the_identity_check_makes_a_landlord_checked_and_a_withdrawn_one_counts_not():
    need = household()
    owner = landlord()
    flat(owner)
    clara = coordinator()
    checks.record_check(subject=owner, kind=CheckKind.HOME_VISIT, actor=clara)
    assert created(run_for(need)) == []

    seen = checks.record_check(subject=owner, kind=CheckKind.IDENTITY, actor=clara)
    checks.withdraw_check(seen, actor=clara, reason="Recorded for the wrong person")

    assert created(run_for(need)) == []


def test_the_diagnosis_says_no_checked_flat_is_in_range():
    need = household()
    flat(landlord())

    diagnosis = diagnostics.diagnose_need("housing", need)

    assert diagnosis.diagnosis.reason == "nothing_in_range"
    assert "checked by the welcome centre" in diagnosis.message


def test_the_diagnosis_speaks_of_any_flat_when_unchecked_ones_are_matched(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = True
    need = household()

    diagnosis = diagnostics.diagnose_need("housing", need)

    assert diagnosis.message == "No flat within 10 km."


def test_a_suspended_landlords_flat_is_not_matched_even_when_unchecked_ones_are(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = True
    need = household()
    owner = landlord(is_active=False)
    flat(owner)

    assert created(run_for(need)) == []


def test_a_coordinator_cannot_match_an_unchecked_landlords_flat_by_hand():
    need, offer = household(), flat(landlord())

    with pytest.raises(ApplicationError) as refused:
        HOUSING.hold_by_hand(need, offer)

    assert "offer" in refused.value.errors
    identity_seen(offer.landlord)
    fields, quantity = HOUSING.hold_by_hand(need, offer)
    assert fields["housing_offer"] == offer and quantity == 1
