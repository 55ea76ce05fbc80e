"""Flats and households: creation, validation, lifecycle, expiry and removal of personal data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from housing import services
from housing.models import HousingNeed, HousingOffer
from lifecycle import services as lifecycle
from lifecycle.states import Status
from privacy.services import scrub_personal_data
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory, personal_records

pytestmark = pytest.mark.django_db

TODAY = date.today()


def offer_fields(**changes) -> dict:
    return {
        "title": "3 Zimmer in Lindenau",
        "address": "Leipzig-Lindenau",
        "rooms": Decimal("2.5"),
        "size_m2": 65,
        "warm_rent": Decimal("720"),
        "max_occupants": 4,
        "available_from": TODAY,
        **changes,
    }


def need_fields(**changes) -> dict:
    return {
        "title": "Familie mit zwei Kindern",
        "address": "04209 Leipzig",
        "adults": 2,
        "children": 2,
        "rent_ceiling": Decimal("850"),
        "move_in_date": TODAY + timedelta(days=10),
        **changes,
    }


@pytest.fixture
def landlord():
    return UserFactory(username="lena", role=Role.LANDLORD)


@pytest.fixture
def member():
    user = UserFactory(username="mira", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Grünau hilft"))
    return user


def test_an_offer_is_placed_flagged_for_matching_and_its_history_names_the_landlord(
    landlord, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        offer = services.create_housing_offer(user=landlord, **offer_fields())
    offer.refresh_from_db()
    assert offer.status == Status.OPEN and offer.needs_matching
    assert offer.district == "Lindenau" and offer.place == "Leipzig"
    assert offer.history.get().history_user == landlord
    # Its cell is scheduled for a batch once the offer has committed.
    assert len(callbacks) == 1


def test_a_draft_is_not_flagged_until_it_is_published(landlord):
    offer = services.create_housing_offer(user=landlord, draft=True, **offer_fields())
    assert offer.status == Status.DRAFT and not offer.needs_matching
    HousingOffer.objects.filter(pk=offer.pk).update(needs_matching=False)
    lifecycle.publish(offer, actor=landlord)
    offer.refresh_from_db()
    assert offer.status == Status.OPEN and offer.needs_matching


def test_a_street_address_is_refined_after_commit_when_a_remote_geocoder_is_set(
    landlord, settings, django_capture_on_commit_callbacks
):
    settings.GEOCODER = "nominatim"
    with django_capture_on_commit_callbacks() as callbacks:
        offer = services.create_housing_offer(
            user=landlord, **offer_fields(address="Karl-Heine-Straße 12, 04229 Leipzig")
        )
    assert offer.geocode_status == "pending_refinement"
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "changes,field",
    [
        pytest.param(
            {"available_until": TODAY - timedelta(days=1)},
            "available_until",
            id="until-before-from",
        ),
        pytest.param({"available_from": date(1900, 5, 1)}, "available_from", id="year-1900"),
        pytest.param({"available_from": date(1999, 12, 31)}, "available_from", id="before-2000"),
        pytest.param(
            {"available_from": TODAY - timedelta(days=400)}, "available_from", id="far-past"
        ),
        pytest.param(
            {"available_from": TODAY + timedelta(days=3000)}, "available_from", id="far-future"
        ),
        pytest.param({"rooms": Decimal("2.3")}, "rooms", id="rooms-not-half"),
        pytest.param({"rooms": Decimal("-1")}, "rooms", id="rooms-negative"),
        pytest.param({"warm_rent": Decimal("0")}, "warm_rent", id="rent-zero"),
        pytest.param({"max_occupants": 0}, "max_occupants", id="nobody-fits"),
        pytest.param({"floor": -2}, "floor", id="floor-below-basement"),
        pytest.param({"size_m2": 5}, "size_m2", id="too-small"),
        pytest.param({"address": "Xyzzyville"}, "address", id="unplaceable"),
    ],
)
def test_bad_offers_are_refused_with_the_field_named_and_nothing_saved(landlord, changes, field):
    with pytest.raises(ValidationError) as caught:
        services.create_housing_offer(user=landlord, **offer_fields(**changes))
    assert field in caught.value.message_dict, caught.value.message_dict
    assert HousingOffer.objects.count() == 0


def test_every_bad_field_is_named_at_once(landlord):
    with pytest.raises(ValidationError) as caught:
        services.create_housing_offer(
            user=landlord,
            **offer_fields(
                address="Xyzzyville", warm_rent=Decimal("0"), available_from=date(1900, 1, 1)
            ),
        )
    assert set(caught.value.message_dict) == {"address", "warm_rent", "available_from"}


@pytest.mark.parametrize(
    "changes,field",
    [
        pytest.param({"adults": 0}, "adults", id="no-adult"),
        pytest.param({"rent_ceiling": Decimal("0")}, "rent_ceiling", id="rent-ceiling-zero"),
        pytest.param({"move_in_date": date(1900, 1, 1)}, "move_in_date", id="year-1900"),
        pytest.param({"move_in_date": TODAY - timedelta(days=200)}, "move_in_date", id="far-past"),
        pytest.param({"max_distance_km": 0.5}, "max_distance_km", id="distance-too-small"),
        pytest.param({"children": 21}, "children", id="too-many-children"),
    ],
)
def test_bad_households_are_refused_with_the_field_named(member, changes, field):
    with pytest.raises(ValidationError) as caught:
        services.create_housing_need(user=member, **need_fields(**changes))
    assert field in caught.value.message_dict, caught.value.message_dict
    assert HousingNeed.objects.count() == 0


def test_a_move_in_date_a_few_weeks_past_means_as_soon_as_possible(member):
    need = services.create_housing_need(
        user=member, **need_fields(move_in_date=TODAY - timedelta(days=20))
    )
    assert need.pk


def test_only_members_of_an_initiative_post_households(landlord, member):
    with pytest.raises(ValidationError) as caught:
        services.create_housing_need(user=landlord, **need_fields())
    assert "organisation" in caught.value.message_dict
    foreign = OrganisationFactory(name="Connewitz")
    with pytest.raises(ValidationError) as caught:
        services.create_housing_need(user=member, organisation=foreign, **need_fields())
    assert "organisation" in caught.value.message_dict
    need = services.create_housing_need(user=member, **need_fields())
    assert need.organisation.name == "Grünau hilft" and need.created_by == member


def test_an_update_checks_the_end_against_the_saved_start(landlord):
    offer = services.create_housing_offer(
        user=landlord, **offer_fields(available_from=TODAY + timedelta(days=30))
    )
    with pytest.raises(ValidationError) as caught:
        services.update_housing_offer(
            record=offer, user=landlord, available_until=TODAY + timedelta(days=10)
        )
    assert "available_until" in caught.value.message_dict
    offer.refresh_from_db()
    assert offer.available_until is None


def test_an_old_start_date_does_not_block_other_changes(landlord):
    offer = HousingOfferFactory(landlord=landlord, available_from=TODAY - timedelta(days=300))
    offer = services.update_housing_offer(record=offer, user=landlord, warm_rent=Decimal("690"))
    assert offer.warm_rent == Decimal("690")
    assert offer.history.first().history_user == landlord


def test_an_update_of_an_open_record_flags_it_and_moves_it(member):
    need = services.create_housing_need(user=member, **need_fields())
    HousingNeed.objects.filter(pk=need.pk).update(needs_matching=False)
    need = services.update_housing_need(record=need, user=member, address="Leipzig-Grünau")
    need.refresh_from_db()
    assert need.needs_matching and need.district == "Grünau"


def test_offers_expire_the_day_after_their_last_day_and_households_never_by_date():
    ended = HousingOfferFactory(
        available_from=TODAY - timedelta(days=60), available_until=TODAY - timedelta(days=1)
    )
    last_day = HousingOfferFactory(available_from=TODAY - timedelta(days=60), available_until=TODAY)
    open_ended = HousingOfferFactory(available_from=TODAY - timedelta(days=60))
    old_need = HousingNeedFactory(move_in_date=TODAY - timedelta(days=365))
    assert lifecycle.expire_due(TODAY) == 1
    assert lifecycle.expire_due(TODAY) == 0  # a second run changes nothing
    statuses = {r.pk: type(r).objects.get(pk=r.pk).status for r in (ended, last_day, open_ended)}
    assert statuses == {ended.pk: "expired", last_day.pk: "open", open_ended.pk: "open"}
    old_need.refresh_from_db()
    assert old_need.status == "open"


def test_the_database_refuses_what_validation_would_have_explained():
    offer = HousingOfferFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HousingOffer.objects.filter(pk=offer.pk).update(available_until=date(2001, 1, 1))
    need = HousingNeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        HousingNeed.objects.filter(pk=need.pk).update(adults=0)


def test_scrubbing_a_household_removes_its_notes_everywhere():
    need = HousingNeedFactory(household_notes="Herr K. braucht Dialyse", description="Fam. K.")
    need.household_notes = "Herr K. braucht Dialyse dreimal pro Woche"
    need.save()
    scrub_personal_data(need)
    need.refresh_from_db()
    assert need.household_notes == "" and need.description == "" and need.title == "—"
    assert need.point == need.approx_point
    # The notes never reach the history at all.
    assert "household_notes" not in {f.name for f in need.history.model._meta.fields}
    assert set(need.history.values_list("title", flat=True)) == {"—"}


def test_a_households_notes_stay_out_of_the_posters_data_export():
    need = HousingNeedFactory(household_notes="Herr K. braucht Dialyse")
    data = need.export_data()
    assert "household_notes" not in data and data["adults"] == 2
    assert data["kind"] == "housing.housingneed"


def test_personal_records_carry_the_marker_and_scrubbing_removes_it():
    user = UserFactory(role=Role.LANDLORD)
    records = personal_records(user, "Zuckerhut")
    assert [r.owner() for r in records] == [user]
    for record in records:
        scrub_personal_data(record)
    offer = HousingOffer.objects.get(pk=records[0].pk)
    assert "Zuckerhut" not in f"{offer.address}{offer.description}{offer.title}"
    assert not offer.history.filter(title__contains="Zuckerhut").exists()
