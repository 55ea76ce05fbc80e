"""Goods needs and offers written without the API (an import, a future web form): the text
rule and bounded dates hold in the services too."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donations.models import Category, DonationOffer, GoodsNeed
from donations.services import (
    FUTURE_LIMIT,
    MAX_PICKUP_WINDOW_LENGTH,
    create_donation_offer,
    create_goods_need,
    update_donation_offer,
    update_goods_need,
)
from tests.factories import DonationOfferFactory, GoodsNeedFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def _offer(donor, **fields) -> DonationOffer:
    values = {
        "user": donor,
        "title": "Jackets",
        "category": Category.objects.get(slug="clothing-winter-jacket"),
        "quantity": 5,
        "address": "Leipzig-Lindenau",
    }
    return create_donation_offer(**{**values, **fields})


def _need(member, **fields) -> GoodsNeed:
    values = {
        "user": member,
        "title": "Jackets",
        "category": Category.objects.get(slug="clothing-winter-jacket"),
        "quantity": 5,
        "address": "Leipzig-Grünau",
    }
    return create_goods_need(**{**values, **fields})


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"title": "Jacken\u202egpj.exe"}, "title"),
        ({"description": "warm\x1b[2J"}, "description"),
        ({"address": "Leipzig\x00"}, "address"),
        ({"title": "\u2067x", "address": "Leipzig-Lindenau\x07"}, "address"),
    ],
)
def test_a_service_refuses_junk_characters_and_writes_nothing(donor, fields, field):
    with pytest.raises(ValidationError) as refused:
        _offer(donor, **fields)
    assert field in refused.value.message_dict
    assert DonationOffer.objects.count() == 0


def test_a_service_spells_line_breaks_by_field(donor):
    offer = _offer(donor, title="Zwei\nZeilen", description="eins\r\nzwei")
    assert offer.title == "Zwei Zeilen" and offer.description == "eins\nzwei"


def test_an_update_with_junk_changes_nothing(donor):
    offer = DonationOfferFactory(donor=donor, title="Jacken")
    with pytest.raises(ValidationError) as refused:
        update_donation_offer(record=offer, user=donor, title="Jacken\u202e")
    assert "title" in refused.value.message_dict
    offer.refresh_from_db()
    assert offer.title == "Jacken"


def test_a_pickup_window_lasts_at_most_two_weeks(donor):
    start = _at(TOMORROW, 10)
    assert _offer(donor, pickup_windows=[{"start": start, "end": start + MAX_PICKUP_WINDOW_LENGTH}])
    for end in (start + MAX_PICKUP_WINDOW_LENGTH + timedelta(minutes=1), _at(date(3026, 1, 1), 10)):
        with pytest.raises(ValidationError) as refused:
            _offer(donor, pickup_windows=[{"start": start, "end": end}])
        assert "pickup_windows" in refused.value.message_dict
    assert DonationOffer.objects.count() == 1


def test_a_pickup_window_far_ahead_is_refused(donor):
    start = timezone.now() + FUTURE_LIMIT + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        _offer(donor, pickup_windows=[{"start": start, "end": start + timedelta(hours=2)}])
    assert "pickup_windows" in refused.value.message_dict


def test_a_deadline_far_ahead_is_refused_on_create_and_update(initiative_member, initiative):
    today = timezone.localdate()
    assert _need(initiative_member, deadline=today + FUTURE_LIMIT).deadline
    with pytest.raises(ValidationError) as refused:
        _need(initiative_member, deadline=date(3026, 12, 31))
    assert "deadline" in refused.value.message_dict
    need = GoodsNeedFactory(organisation=initiative, created_by=initiative_member)
    with pytest.raises(ValidationError):
        update_goods_need(record=need, user=initiative_member, deadline=today + FUTURE_LIMIT * 2)
