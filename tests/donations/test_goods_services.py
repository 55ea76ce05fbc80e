"""Goods services: attribute values, pickup windows, expiry by window, quantities on update."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donations.models import Category, DonationOffer, GoodsNeed, PickupWindow, Status
from donations.services import (
    create_donation_offer,
    create_goods_need,
    update_donation_offer,
    update_goods_need,
)
from lifecycle.services import expire_due, withdraw
from tests.factories import DonationOfferFactory, GoodsNeedFactory

pytestmark = pytest.mark.django_db


def _category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def _offer(donor, **fields) -> DonationOffer:
    values = {
        "user": donor,
        "title": "Jackets",
        "category": _category("clothing-winter-jacket"),
        "quantity": 5,
        "address": "Leipzig-Lindenau",
    }
    return create_donation_offer(**{**values, **fields})


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def _window(day: date, start_hour: int = 10, end_hour: int = 12) -> dict:
    return {"start": _at(day, start_hour), "end": _at(day, end_hour)}


TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)


# --- attributes ---------------------------------------------------------------------------------


def test_attribute_values_are_spelled_as_the_taxonomy_spells_them(donor):
    offer = _offer(donor, attributes={"size": "xl"})
    assert offer.attributes == {"size": "XL"}


@pytest.mark.parametrize(
    "slug,attributes",
    [
        ("clothing-winter-jacket", {"size": "XXXXL"}),
        ("clothing-children", {"size": "117"}),
        ("shoes-winter-boots", {"shoe_size": "15"}),
        ("shoes-winter-boots", {"shoe_size": "51"}),
        ("baby-toys", {"age": "2-4"}),
        ("hygiene-diapers", {"size": "M"}),  # a clothing size is no diaper size
        ("clothing-winter-jacket", {"size": ["M", "L"]}),
    ],
)
def test_an_attribute_value_outside_the_allowed_list_is_refused(donor, slug, attributes):
    with pytest.raises(ValidationError) as error:
        _offer(donor, category=_category(slug), attributes=attributes)
    assert list(error.value.message_dict) == ["attributes"]
    assert DonationOffer.objects.count() == 0


def test_a_shoe_size_may_be_given_as_a_number(donor):
    offer = _offer(donor, category=_category("shoes-winter-boots"), attributes={"shoe_size": 42})
    assert offer.attributes == {"shoe_size": "42"}


def test_changing_the_category_checks_the_attributes_again(donor):
    offer = _offer(donor, attributes={"size": "M"})
    with pytest.raises(ValidationError) as error:
        update_donation_offer(record=offer, user=donor, category=_category("furniture-bed"))
    assert "attributes" in error.value.message_dict
    offer.refresh_from_db()
    assert offer.category.slug == "clothing-winter-jacket"


# --- pickup windows -----------------------------------------------------------------------------


def test_an_offer_is_created_with_its_pickup_windows_in_order(donor):
    later, sooner = _window(TOMORROW + timedelta(days=2)), _window(TOMORROW)
    offer = _offer(donor, pickup_windows=[later, sooner])
    assert [(w.start, w.end) for w in offer.pickup_windows.all()] == [
        (sooner["start"], sooner["end"]),
        (later["start"], later["end"]),
    ]


@pytest.mark.parametrize(
    "window,words",
    [
        (_window(TOMORROW, 12, 10), "ends before it starts"),
        (_window(TOMORROW, 10, 10), "ends before it starts"),
        (_window(date(1900, 1, 1)), "2000"),
        ({"start": _at(TOMORROW, 10), "end": _at(date(1999, 12, 31), 12)}, "2000"),
        (_window(TODAY - timedelta(days=3)), "already over"),
    ],
    ids=["end-before-start", "empty", "year-1900", "end-in-1999", "in-the-past"],
)
def test_a_bad_pickup_window_is_refused_and_nothing_is_written(
    donor, window, words, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as e:
        _offer(donor, pickup_windows=[_window(TOMORROW), window])
    messages = e.value.message_dict["pickup_windows"]
    assert len(messages) == 1 and "2" in messages[0] and words in messages[0]
    assert DonationOffer.objects.count() == PickupWindow.objects.count() == 0
    assert callbacks == []


def test_an_update_replaces_the_windows_as_a_whole(donor):
    offer = _offer(donor, pickup_windows=[_window(TOMORROW), _window(TOMORROW, 14, 16)])
    new = _window(TOMORROW + timedelta(days=7))
    update_donation_offer(record=offer, user=donor, pickup_windows=[new])
    assert list(offer.pickup_windows.values_list("start", "end")) == [(new["start"], new["end"])]
    update_donation_offer(record=offer, user=donor, pickup_windows=[])
    assert not offer.pickup_windows.exists()


def test_an_update_without_windows_keeps_them(donor):
    offer = _offer(donor, pickup_windows=[_window(TOMORROW)])
    update_donation_offer(record=offer, user=donor, title="Warm jackets")
    assert offer.pickup_windows.count() == 1


def test_an_update_may_send_back_a_window_that_is_over_but_not_add_one(donor):
    offer = DonationOfferFactory(donor=donor)
    past = _window(TODAY - timedelta(days=2))
    PickupWindow.objects.create(offer=offer, **past)
    update_donation_offer(record=offer, user=donor, pickup_windows=[past, _window(TOMORROW)])
    assert offer.pickup_windows.count() == 2
    with pytest.raises(ValidationError):
        update_donation_offer(
            record=offer, user=donor, pickup_windows=[_window(TODAY - timedelta(days=5))]
        )
    assert offer.pickup_windows.count() == 2


def test_a_bad_update_changes_neither_fields_nor_windows(donor):
    offer = _offer(donor, pickup_windows=[_window(TOMORROW)])
    with pytest.raises(ValidationError):
        update_donation_offer(
            record=offer, user=donor, title="Changed", pickup_windows=[_window(TOMORROW, 12, 9)]
        )
    offer.refresh_from_db()
    assert offer.title == "Jackets" and offer.pickup_windows.count() == 1


def test_the_export_holds_the_pickup_windows(donor):
    window = _window(TOMORROW)
    offer = _offer(donor, pickup_windows=[window])
    exported = offer.export_data()
    assert exported["kind"] == "donations.donationoffer"
    [exported_window] = exported["pickup_windows"]
    assert datetime.fromisoformat(exported_window["start"]) == window["start"]
    assert datetime.fromisoformat(exported_window["end"]) == window["end"]


# --- expiry -------------------------------------------------------------------------------------


def _offer_with_windows(*windows) -> DonationOffer:
    offer = DonationOfferFactory()
    for window in windows:
        PickupWindow.objects.create(offer=offer, **window)
    return offer


def test_an_offer_expires_once_all_its_windows_ended_before_today():
    over = _offer_with_windows(_window(TODAY - timedelta(days=3)), _window(TODAY - timedelta(1)))
    one_left = _offer_with_windows(_window(TODAY - timedelta(days=3)), _window(TOMORROW))
    ends_today = _offer_with_windows(_window(TODAY, 8, 9))
    without_windows = DonationOfferFactory()
    withdrawn = _offer_with_windows(_window(TODAY - timedelta(days=3)))
    withdraw(withdrawn, actor=withdrawn.donor)

    due = DonationOffer.objects.filter(DonationOffer.expiry_q(TODAY))
    assert set(due) == {over, withdrawn}  # expire_due adds the status filter
    assert expire_due(TODAY) == 1
    statuses = dict(DonationOffer.objects.values_list("pk", "status"))
    assert statuses[over.pk] == Status.EXPIRED
    assert statuses[withdrawn.pk] == Status.WITHDRAWN
    for offer in (one_left, ends_today, without_windows):
        assert statuses[offer.pk] == Status.OPEN
    assert expire_due(TODAY) == 0  # a second run finds nothing more


# --- quantities on update -----------------------------------------------------------------------


def test_changing_the_quantity_moves_the_open_quantity_by_as_much():
    need = GoodsNeedFactory(quantity=10, quantity_open=4)  # 6 are held by matches
    update_goods_need(record=need, user=need.created_by, quantity=15)
    need.refresh_from_db()
    assert (need.quantity, need.quantity_open) == (15, 9)
    update_goods_need(record=need, user=need.created_by, quantity=6)
    need.refresh_from_db()
    assert (need.quantity, need.quantity_open) == (6, 0)


def test_the_quantity_cannot_drop_below_what_matches_hold():
    offer = DonationOfferFactory(quantity=10, quantity_open=4)
    with pytest.raises(ValidationError) as error:
        update_donation_offer(record=offer, user=offer.donor, quantity=5)
    assert "quantity" in error.value.message_dict
    offer.refresh_from_db()
    assert (offer.quantity, offer.quantity_open) == (10, 4)


def test_a_deadline_before_2000_is_refused_by_the_service(initiative_member):
    with pytest.raises(ValidationError) as error:
        create_goods_need(
            user=initiative_member,
            title="Jackets",
            category=_category("clothing-winter-jacket"),
            quantity=3,
            address="Leipzig-Grünau",
            deadline=date(1900, 12, 24),
        )
    assert "deadline" in error.value.message_dict
    assert GoodsNeed.objects.count() == 0
