"""The landlord's and the initiative's housing pages: offer a flat (/flats/new/), my flats
(/flats/), find a flat for a household (/households/new/), our households (/households/),
edit and withdraw; and what the match page of a flat tells the landlord before both said yes."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.checks import record_check
from accounts.models import CheckKind, Role
from housing.models import HousingNeed, HousingOffer
from lifecycle.states import Status
from matching import workflow
from matching.models import MatchState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.safety.scenes import coordinator, household, housing_match, landlord, offered
from tests.web.fixtures import link_path

pytestmark = pytest.mark.django_db

# Inside Leipzig-Zentrum, near the postal code area 04109.
PIN = {"latitude": "51.3405", "longitude": "12.3745"}


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _flat(**overrides) -> dict:
    data = {
        "title": "Bright flat with balcony",
        "description": "Third floor, quiet street.",
        "rooms": "2,5",
        "size_m2": "62",
        "warm_rent": "780",
        "max_occupants": "4",
        "floor": "3",
        "step_free": "",
        "lift": "on",
        "pets_allowed": "on",
        "furnished": "",
        "available_from": _day(7),
        "available_until": _day(400),
        "min_stay_months": "6",
        "address": "04109 Leipzig",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


def _household(**overrides) -> dict:
    data = {
        "title": "Family of five from the shelter",
        "description": "",
        "adults": "2",
        "children": "3",
        "rent_ceiling": "900",
        "needs_step_free": "on",
        "has_pets": "",
        "move_in_date": _day(14),
        "max_distance_km": "8",
        "min_stay_months": "",
        "household_notes": "The youngest child uses a wheelchair.",
        "address": "04177 Leipzig",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lars(db):
    return UserFactory(username="lars", role=Role.LANDLORD, preferred_language="en")


@pytest.fixture
def ines(db):
    organisation = OrganisationFactory(name="Notunterkunft Lindenau")
    person = UserFactory(username="ines", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=person, organisation=organisation)
    return person


@pytest.fixture(autouse=True)
def checked_hosts_only(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


def test_the_landlord_sees_the_households_size_and_needs_but_not_who_it_is(client):
    match = offered(housing_match())
    need = match.housing_need
    need.adults, need.children, need.needs_step_free, need.has_pets = 2, 3, True, True
    need.min_stay_months = 12
    need.description = "Vater, Mutter und drei Kinder aus Aleppo"
    need.household_notes = "Sohn im Rollstuhl"
    need.save()
    owner = match.housing_offer.landlord
    owner.preferred_language = "en"
    owner.save()
    client.force_login(owner)
    response = client.get(f"/matches/{match.pk}/")
    assert response.status_code == 200
    facts = dict(response.context["facts"])
    html = response.content.decode()
    assert facts["Adults"] == "2"
    assert facts["Children"] == "3"
    assert facts["Needs step-free access"] == "yes"
    assert facts["Has pets"] == "yes"
    assert facts["Shortest stay"] == "12 months"
    assert "Move-in from" in facts
    for secret in ("Familie Haddad", "Aleppo", "Rollstuhl", need.address):
        assert secret not in html
    assert not response.context["contacts"]


def test_the_landlords_one_click_link_page_shows_the_household_but_not_who_it_is(client):
    owner = landlord("lars", "en")
    offered(housing_match(owner=owner))
    response = client.get(link_path(owner, "accept"))
    assert response.status_code == 200
    facts = dict(response.context["facts"])
    assert (facts["Adults"], facts["Children"]) == ("2", "1")
    assert "Familie Haddad" not in response.content.decode()


def test_the_initiative_sees_its_own_households_title_on_the_match(client):
    match = offered(housing_match())
    member = match.housing_need.created_by
    member.preferred_language = "en"
    member.save()
    client.force_login(member)
    response = client.get(f"/matches/{match.pk}/")
    assert "Familie Haddad" in response.content.decode()


def test_after_both_said_yes_the_landlord_sees_who_the_household_is(client):
    match = offered(housing_match())
    owner = match.housing_offer.landlord
    workflow.respond(match, user=owner, answer="yes")
    workflow.respond(match, user=match.housing_need.created_by, answer="yes")
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED
    client.force_login(owner)
    assert "Familie Haddad" in client.get(f"/matches/{match.pk}/").content.decode()


# --- forms render in every language ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("de", "ltr"), ("uk", "ltr"), ("ar", "rtl")]
)
@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/flats/new/", ("title", "rooms", "size_m2", "warm_rent", "available_from", "lift")),
        ("/households/new/", ("title", "adults", "children", "rent_ceiling", "move_in_date")),
    ],
)
def test_the_housing_forms_render_in_the_persons_language(client, language, direction, path, names):
    person = UserFactory(role=Role.LANDLORD, preferred_language=language)
    MembershipFactory(user=person, organisation=OrganisationFactory())
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    for name in (*names, "address"):
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html  # every input has its label
    assert 'data-map="pin"' in html
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


@pytest.mark.parametrize("path", ["/flats/", "/flats/new/", "/households/", "/households/new/"])
def test_the_housing_pages_need_a_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- flats -----------------------------------------------------------------------------------


def test_a_good_post_offers_the_flat_through_the_service(client, lars):
    client.force_login(lars)
    response = client.post("/flats/new/", _flat())
    assert response.status_code == 302
    assert response["Location"] == "/flats/"
    offer = HousingOffer.objects.get(landlord=lars)
    assert offer.title == "Bright flat with balcony"
    assert (offer.rooms, offer.size_m2, offer.warm_rent) == (Decimal("2.5"), 62, Decimal("780"))
    assert (offer.max_occupants, offer.floor, offer.min_stay_months) == (4, 3, 6)
    assert (offer.lift, offer.pets_allowed, offer.step_free, offer.furnished) == (
        True,
        True,
        False,
        False,
    )
    assert offer.status == Status.OPEN
    assert offer.postal_code == "04109"
    assert offer.history.count() == 1  # one create, through the one create path


def test_a_flat_placed_by_a_pin_alone_is_named_after_its_district(client, lars):
    client.force_login(lars)
    response = client.post("/flats/new/", _flat(address="", **PIN))
    assert response.status_code == 302
    offer = HousingOffer.objects.get(landlord=lars)
    assert (round(offer.point.y, 4), round(offer.point.x, 4)) == (51.3405, 12.3745)
    assert offer.address.startswith("Leipzig-")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"warm_rent": "0"}, "warm_rent", "greater than or equal to 0.01"),
        ({"warm_rent": "-300"}, "warm_rent", "greater than or equal to 0.01"),
        (
            {"available_from": _day(30), "available_until": _day(10)},
            "available_until",
            "cannot be free until before",
        ),
        ({"address": "", "latitude": "", "longitude": ""}, "address", "could not find"),
        ({"title": ""}, "title", "required"),
        ({"rooms": "2.3"}, "rooms", "half rooms"),
    ],
)
def test_a_bad_flat_shows_the_field_error_and_stores_nothing(client, lars, changes, field, words):
    client.force_login(lars)
    response = client.post("/flats/new/", _flat(**changes))
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="{field}-error"' in html  # beside the field, which points to it
    assert re.search(rf'aria-describedby="(?:{field}-hint )?{field}-error"', html)
    assert 'aria-invalid="true"' in html
    # What the person typed stays in the form.
    assert "Third floor, quiet street." in html
    assert not HousingOffer.objects.exists()


def test_my_flats_lists_only_my_flats_with_their_state(client, lars):
    mine = HousingOfferFactory(landlord=lars, title="Altbau in Plagwitz")
    HousingOfferFactory(title="Someone else's loft")
    client.force_login(lars)
    response = client.get("/flats/")
    html = response.content.decode()
    assert "Altbau in Plagwitz" in html
    assert "loft" not in html
    assert f"/flats/{mine.pk}/edit/" in html and f"/flats/{mine.pk}/withdraw/" in html
    [row] = response.context["rows"]
    assert row["status"] == Status.OPEN


def test_my_flats_say_checked_only_after_a_coordinator_saw_the_identity(client, lars):
    HousingOfferFactory(landlord=lars)
    client.force_login(lars)
    before = client.get("/flats/").content.decode()
    assert "checked by the welcome centre" not in before
    assert "wait for that check before they are matched" in before
    record_check(subject=lars, kind=CheckKind.IDENTITY, actor=coordinator("carla"))
    after = client.get("/flats/").content.decode()
    assert "checked by the welcome centre" in after
    assert "wait for that check" not in after


def test_my_flats_say_when_unchecked_landlords_are_matched_all_the_same(client, lars, settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = True
    client.force_login(lars)
    html = client.get("/flats/").content.decode()
    assert "matched with households all the same" in html


def test_a_proposed_match_does_not_change_the_flats_shown_state(client):
    match = housing_match()
    assert match.state == MatchState.PROPOSED
    offer = match.housing_offer
    offer.refresh_from_db()
    assert offer.status == Status.PARTLY_MATCHED  # held by the proposal, internally
    owner = offer.landlord
    owner.preferred_language = "en"
    owner.save()
    client.force_login(owner)
    [row] = client.get("/flats/").context["rows"]
    assert row["status"] == Status.OPEN  # the proposal is internal until approved


def test_the_landlord_edits_the_flat(client, lars):
    client.force_login(lars)
    client.post("/flats/new/", _flat(**PIN))
    offer = HousingOffer.objects.get(landlord=lars)
    page = client.get(f"/flats/{offer.pk}/edit/")
    values = page.context["values"]
    assert values["rooms"] == "2.5" and values["lift"] == "on"
    response = client.post(f"/flats/{offer.pk}/edit/", values, follow=True)
    assert "Nothing changed." in response.content.decode()
    assert offer.history.count() == 1
    response = client.post(f"/flats/{offer.pk}/edit/", {**values, "warm_rent": "820"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.warm_rent == Decimal("820")


def test_a_bad_edit_changes_nothing(client, lars):
    offer = HousingOfferFactory(landlord=lars, warm_rent=Decimal("800"), title="Flat")
    client.force_login(lars)
    values = client.get(f"/flats/{offer.pk}/edit/").context["values"]
    response = client.post(
        f"/flats/{offer.pk}/edit/", {**values, "title": "Changed", "warm_rent": "0"}
    )
    assert response.status_code == 400
    assert response.context["errors"]["warm_rent"]
    offer.refresh_from_db()
    assert (offer.title, offer.warm_rent) == ("Flat", Decimal("800"))


@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_another_user_gets_404_for_my_flat(client, lars, action):
    offer = HousingOfferFactory(landlord=lars)
    for other in (
        UserFactory(role=Role.LANDLORD, preferred_language="en"),
        coordinator("cora"),
    ):
        client.force_login(other)
        assert client.get(f"/flats/{offer.pk}/{action}/").status_code == 404
        assert client.post(f"/flats/{offer.pk}/{action}/", _flat()).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Status.OPEN


def test_withdrawing_a_flat_asks_first_and_withdraws_on_confirmation(client, lars):
    offer = HousingOfferFactory(landlord=lars, title="Flat")
    client.force_login(lars)
    page = client.get(f"/flats/{offer.pk}/withdraw/")
    assert page.status_code == 200
    assert "Yes, withdraw it" in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.OPEN  # asking changes nothing
    response = client.post(f"/flats/{offer.pk}/withdraw/", follow=True)
    offer.refresh_from_db()
    assert offer.status == Status.WITHDRAWN
    assert "is withdrawn" in response.content.decode()
    [row] = response.context["rows"]
    assert row["closed"]
    assert f"/flats/{offer.pk}/edit/" not in response.content.decode()


# --- households ------------------------------------------------------------------------------


def test_a_good_post_saves_the_household_for_my_initiative(client, ines):
    client.force_login(ines)
    response = client.post("/households/new/", _household())
    assert response.status_code == 302
    assert response["Location"] == "/households/"
    need = HousingNeed.objects.get()
    assert need.organisation.name == "Notunterkunft Lindenau"
    assert need.created_by == ines
    assert (need.adults, need.children, need.needs_step_free, need.has_pets) == (2, 3, True, False)
    assert (need.rent_ceiling, need.max_distance_km) == (Decimal("900"), 8)
    assert need.household_notes == "The youngest child uses a wheelchair."
    assert need.status == Status.OPEN
    assert need.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"adults": "0"}, "adults", "at least one adult"),
        ({"rent_ceiling": "0"}, "rent_ceiling", "more than 0 EUR"),
        ({"address": "", "latitude": "", "longitude": ""}, "address", "could not find"),
        ({"move_in_date": "1924-05-01"}, "move_in_date", "before 2000"),
    ],
)
def test_a_bad_household_shows_the_field_error_and_stores_nothing(
    client, ines, changes, field, words
):
    client.force_login(ines)
    response = client.post("/households/new/", _household(**changes))
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert re.search(rf'aria-describedby="(?:{field}-hint )?{field}-error"', html)
    assert 'aria-invalid="true"' in html
    assert "The youngest child uses a wheelchair." in html  # kept as typed
    assert not HousingNeed.objects.exists()


def test_only_members_of_an_initiative_post_a_household(client, lars):
    client.force_login(lars)
    page = client.get("/households/new/")
    assert page.status_code == 200
    assert "Only active members of an initiative" in page.content.decode()
    assert 'name="adults"' not in page.content.decode()
    response = client.post("/households/new/", _household())
    assert response.status_code == 400
    assert response.context["errors"]["organisation"]
    assert not HousingNeed.objects.exists()


def test_a_household_cannot_be_posted_for_someone_elses_initiative(client, ines):
    stranger = OrganisationFactory(name="Other shelter")
    client.force_login(ines)
    response = client.post("/households/new/", _household(organisation=str(stranger.pk)))
    assert response.status_code == 400
    assert "not a member" in response.context["errors"]["organisation"][0]
    assert not HousingNeed.objects.exists()


def test_our_households_list_only_our_initiatives_households(client, ines):
    ours = HousingNeedFactory(
        organisation=ines.membership_set.get().organisation, title="Familie A"
    )
    HousingNeedFactory(title="Familie B")  # another initiative's
    client.force_login(ines)
    response = client.get("/households/")
    html = response.content.decode()
    assert "Familie A" in html and "Familie B" not in html
    assert f"/households/{ours.pk}/edit/" in html
    [row] = response.context["rows"]
    assert row["status"] == Status.OPEN


def test_households_are_not_listed_to_landlords(client, lars):
    HousingNeedFactory(title="Familie Haddad")
    client.force_login(lars)
    html = client.get("/households/").content.decode()
    assert "Familie Haddad" not in html


@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_another_user_gets_404_for_our_household(client, ines, action):
    need = HousingNeedFactory(organisation=ines.membership_set.get().organisation)
    for other in (landlord("lena", "en"), coordinator("cora")):
        client.force_login(other)
        assert client.get(f"/households/{need.pk}/{action}/").status_code == 404
        assert client.post(f"/households/{need.pk}/{action}/", _household()).status_code == 404
    need.refresh_from_db()
    assert need.status == Status.OPEN


def test_the_initiative_edits_the_household(client, ines):
    client.force_login(ines)
    client.post("/households/new/", _household())
    need = HousingNeed.objects.get()
    values = client.get(f"/households/{need.pk}/edit/").context["values"]
    response = client.post(f"/households/{need.pk}/edit/", {**values, "children": "4"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.children == 4
    response = client.post(f"/households/{need.pk}/edit/", {**values, "adults": "0"})
    assert response.status_code == 400
    need.refresh_from_db()
    assert need.adults == 2


def test_withdrawing_a_household_asks_first(client, ines):
    need = household(organisation=ines.membership_set.get().organisation, member=ines)
    client.force_login(ines)
    assert "Yes, withdraw it" in client.get(f"/households/{need.pk}/withdraw/").content.decode()
    need.refresh_from_db()
    assert need.status == Status.OPEN
    client.post(f"/households/{need.pk}/withdraw/")
    need.refresh_from_db()
    assert need.status == Status.WITHDRAWN
