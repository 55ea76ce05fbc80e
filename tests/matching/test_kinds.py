"""The adapters: one per kind of help, registered in `matching.kinds.KINDS`, and the engine
around them asks the adapter instead of naming a kind."""

import ast
from datetime import time, timedelta
from pathlib import Path

import pytest

from base.errors import ApplicationError
from donations.models import Category
from lifecycle.states import Status
from matching.kinds import KINDS, KindAdapter, find_kind, kind_of
from matching.models import Match, MatchState
from matching.services import give_back, matches_of
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.matching.test_batches import CONNEWITZ, LINDENAU, _next, _volunteer, east
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory
from volunteers.models import Shift

ROOT = Path(__file__).resolve().parents[2]
KIND_NAMES = {"goods", "volunteers", "housing"}


def test_every_kind_of_a_match_has_one_adapter():
    assert set(KINDS) == {value for value, _ in Match.Kind.choices}
    for kind, adapter in KINDS.items():
        assert isinstance(adapter, KindAdapter) and adapter.kind == kind
        assert kind_of(adapter.need_model) == (adapter, "need")
        assert kind_of(adapter.offer_model) == (adapter, "offer")


def test_a_model_the_engine_does_not_match_has_no_kind():
    assert find_kind(Category) is None
    with pytest.raises(KeyError):
        kind_of(Category)


def _engine_compares_a_kind(path: Path) -> list[str]:
    """`name:line` of every comparison with a kind's name or a `Kind.X` member."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        for side in (node.left, *node.comparators):
            literal = isinstance(side, ast.Constant) and side.value in KIND_NAMES
            member = isinstance(side, ast.Attribute) and side.attr.lower() in KIND_NAMES
            if literal or member:
                found.append(f"{path.name}:{node.lineno}")
    return found


@pytest.mark.parametrize(
    "module",
    ["batches", "revision", "diagnostics", "services", "scheduling", "workflow", "selectors"],
)
def test_the_engine_asks_the_adapter_instead_of_branching_on_the_kind(module):
    assert _engine_compares_a_kind(ROOT / "matching" / f"{module}.py") == []


def test_the_check_sees_a_branch_on_the_kind(tmp_path):
    branchy = tmp_path / "branchy.py"
    branchy.write_text('if kind == "goods":\n    a()\nif m.kind is Match.Kind.HOUSING:\n    b()\n')
    assert _engine_compares_a_kind(branchy) == ["branchy.py:1", "branchy.py:3"]


# --- the match's sides, through the adapter's field names ----------------------------------


def _goods_match() -> Match:
    need = GoodsNeedFactory(**east(LINDENAU, 0), quantity=5)
    DonationOfferFactory(**east(LINDENAU, 1), quantity=3)
    [match] = created(run_for(need))
    return match


def _volunteer_match() -> Match:
    start = _next(1, time(17, 0))
    need = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=2), "people": 2}],
    )
    _volunteer(**east(LINDENAU, 1))
    [match] = created(run_for(need))
    return match


def _housing_match() -> Match:
    household = HousingNeedFactory(**east(CONNEWITZ, 0))
    HousingOfferFactory(**east(CONNEWITZ, 1))
    [match] = created(run_for(household))
    return match


@pytest.mark.django_db
@pytest.mark.parametrize("make", [_goods_match, _volunteer_match, _housing_match])
def test_the_field_names_of_an_adapter_reach_both_sides_of_its_matches(make):
    match = make()
    adapter = KINDS[match.kind]
    assert Match.objects.get(**{adapter.need_field: match.need}) == match
    assert Match.objects.get(**{adapter.offer_field: match.offer}) == match
    assert list(matches_of(match.need)) == list(matches_of(match.offer)) == [match]


@pytest.mark.django_db
def test_a_record_of_no_kind_has_no_matches():
    assert list(matches_of(Category.objects.first())) == []


@pytest.mark.django_db
def test_giving_back_part_of_a_goods_match_reopens_that_part():
    match = _goods_match()
    give_back(match, 2)
    match.need.refresh_from_db()
    match.offer.refresh_from_db()
    assert (match.need.quantity_open, match.need.status) == (4, Status.PARTLY_MATCHED)
    assert (match.offer.quantity_open, match.offer.status) == (2, Status.PARTLY_MATCHED)
    assert match.need.needs_matching and match.offer.needs_matching


# --- what a match made by hand takes --------------------------------------------------------


@pytest.mark.django_db
def test_by_hand_a_goods_match_takes_its_quantity_from_both_sides():
    need = GoodsNeedFactory(quantity=5)
    offer = DonationOfferFactory(quantity=3)
    goods = KINDS["goods"]
    with pytest.raises(ApplicationError) as too_many:
        goods.hold_by_hand(need, offer, quantity=4)
    assert too_many.value.errors == {"quantity": ["Only 3 are still open on both sides."]}
    with pytest.raises(ApplicationError):
        goods.hold_by_hand(need, offer, quantity=0)

    fields, quantity = goods.hold_by_hand(need, offer, quantity=2)

    assert quantity == 2 and set(fields) == {"goods_need", "donation_offer"}
    need.refresh_from_db()
    offer.refresh_from_db()
    assert (need.quantity_open, offer.quantity_open) == (3, 1)
    assert need.status == offer.status == Status.PARTLY_MATCHED


@pytest.mark.django_db
def test_by_hand_a_volunteer_takes_one_place_of_a_shift_of_that_need():
    need = VolunteerNeedFactory(shifts=[{"people": 1}])
    other = VolunteerNeedFactory()
    profile = VolunteerProfileFactory()
    volunteers = KINDS["volunteers"]
    with pytest.raises(ApplicationError) as foreign:
        volunteers.hold_by_hand(need, profile, unit=other.shifts.get())
    assert foreign.value.errors == {"shift": ["Choose a shift of this need."]}

    shift = need.shifts.get()
    fields, quantity = volunteers.hold_by_hand(need, profile, unit=shift)

    assert quantity == 1 and fields["shift"] == shift and fields["volunteer"] == profile
    shift.refresh_from_db()
    need.refresh_from_db()
    assert shift.people_open == 0 and need.status == Status.PARTLY_MATCHED
    with pytest.raises(ApplicationError) as full:
        volunteers.hold_by_hand(need, profile, unit=shift)
    assert full.value.errors == {"shift": ["This shift has no open place left."]}


@pytest.mark.django_db
def test_by_hand_a_flat_and_a_household_are_held_whole():
    household, flat = HousingNeedFactory(), HousingOfferFactory()
    fields, quantity = KINDS["housing"].hold_by_hand(household, flat)
    assert quantity == 1 and fields == {"housing_need": household, "housing_offer": flat}
    household.refresh_from_db()
    flat.refresh_from_db()
    assert household.status == flat.status == Status.PARTLY_MATCHED


# --- what a fulfilled match leaves done ----------------------------------------------------


def _fulfilled(match: Match) -> Match:
    Match.objects.filter(pk=match.pk).update(state=MatchState.FULFILLED)
    match.refresh_from_db()
    return match


@pytest.mark.django_db
def test_a_goods_side_is_done_when_nothing_is_open_and_nothing_in_flight():
    match = _fulfilled(_goods_match())  # the need asked for 5, the offer gave all its 3
    assert KINDS["goods"].sides_done(match) == [match.offer]


@pytest.mark.django_db
def test_a_volunteer_need_is_done_when_no_place_is_left_and_nothing_in_flight():
    match = _fulfilled(_volunteer_match())  # one of two places taken
    assert KINDS["volunteers"].sides_done(match) == []
    Shift.objects.filter(pk=match.shift_id).update(people_open=0)
    assert KINDS["volunteers"].sides_done(match) == [match.shift.need]


@pytest.mark.django_db
def test_a_fulfilled_housing_match_leaves_both_sides_done():
    match = _fulfilled(_housing_match())
    assert KINDS["housing"].sides_done(match) == [match.housing_need, match.housing_offer]
