"""One create path for every kind of need and offer: a draft is never flagged for matching and
never scheduled, a published record is flagged and scheduled once, and every bad field is
answered at once by the service, whatever calls it."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from base.errors import ApplicationError
from donations.models import Category, DonationOffer, GoodsNeed
from donations.services import create_donation_offer, create_goods_need, update_goods_need
from housing.services import create_housing_need, create_housing_offer
from lifecycle.models import LifecycleModel
from volunteers.services import create_volunteer_need, create_volunteer_profile
from workers.sweep import sweep_pending

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _jackets() -> Category:
    return Category.objects.get(slug="clothing-winter-jacket")


def goods_need(user, **fields) -> GoodsNeed:
    return create_goods_need(
        user=user,
        title="Winterjacken",
        category=_jackets(),
        quantity=10,
        address="Leipzig-Grünau",
        **fields,
    )


def donation_offer(user, **fields) -> DonationOffer:
    return create_donation_offer(
        user=user,
        title="Jacken",
        category=_jackets(),
        quantity=3,
        address="Leipzig-Lindenau",
        **fields,
    )


def volunteer_need(user, **fields):
    start = timezone.now() + timedelta(days=3)
    return create_volunteer_need(
        user=user,
        title="Sortieren in der Kleiderkammer",
        address="04315 Leipzig",
        shifts=[{"start": start, "end": start + timedelta(hours=3), "people": 2}],
        **fields,
    )


def volunteer_profile(user, **fields):
    return create_volunteer_profile(user=user, address="Leipzig-Connewitz", **fields)


def housing_need(user, **fields):
    return create_housing_need(
        user=user,
        title="Familie mit zwei Kindern",
        address="04209 Leipzig",
        adults=2,
        children=2,
        rent_ceiling=Decimal("850"),
        move_in_date=TODAY + timedelta(days=10),
        **fields,
    )


def housing_offer(user, **fields):
    return create_housing_offer(
        user=user,
        title="3 Zimmer in Lindenau",
        address="Leipzig-Lindenau",
        rooms=Decimal("2.5"),
        size_m2=65,
        warm_rent=Decimal("720"),
        max_occupants=4,
        available_from=TODAY,
        **fields,
    )


# (create, who creates it): needs are posted by an initiative's member, offers by a person.
KINDS: dict[str, tuple[Callable, str]] = {
    "goods need": (goods_need, "initiative_member"),
    "donation offer": (donation_offer, "donor"),
    "volunteer need": (volunteer_need, "initiative_member"),
    "volunteer profile": (volunteer_profile, "donor"),
    "household": (housing_need, "initiative_member"),
    "flat": (housing_offer, "donor"),
}


def _age(record: LifecycleModel) -> None:
    """As if the record had been saved long before the sweep's grace period."""
    type(record).objects.filter(pk=record.pk).update(updated_at=timezone.now() - timedelta(hours=1))


@pytest.mark.parametrize("kind", KINDS)
def test_a_draft_is_never_flagged_and_never_scheduled(
    kind, request, django_capture_on_commit_callbacks
):
    create, who = KINDS[kind]
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks() as scheduled:
        record = create(user, draft=True)
    record.refresh_from_db()
    assert record.status == "draft" and record.needs_matching is False
    assert scheduled == []  # nothing waits for the commit: no batch, no refinement
    _age(record)
    counts = sweep_pending()
    assert counts[f"match:{record._meta.label_lower}"] == 0 and counts["match-cells"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_published_record_is_flagged_and_its_area_scheduled_once(
    kind, request, django_capture_on_commit_callbacks
):
    create, who = KINDS[kind]
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks() as scheduled:
        record = create(user)
    record.refresh_from_db()
    assert record.status == "open" and record.needs_matching is True
    assert len(scheduled) == 1


def test_a_goods_need_whose_deadline_has_passed_is_refused_by_the_service(initiative_member):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        goods_need(initiative_member, deadline=yesterday)
    assert refused.value.code == "invalid" and list(refused.value.errors) == ["deadline"]
    assert not GoodsNeed.objects.exists()

    need = goods_need(initiative_member, deadline=timezone.localdate())
    with pytest.raises(ApplicationError) as moved_back:
        update_goods_need(record=need, user=initiative_member, deadline=yesterday)
    assert list(moved_back.value.errors) == ["deadline"]
    need.refresh_from_db()
    assert need.deadline == timezone.localdate()


def test_every_bad_field_of_a_new_record_is_named_in_one_answer(initiative_member):
    with pytest.raises(ApplicationError) as refused:
        create_goods_need(
            user=initiative_member,
            title="",
            category=_jackets(),
            quantity=10,
            address="Nirgendwo am Meer 99999",
            attributes={"colour": "red"},
            deadline=timezone.localdate() - timedelta(days=1),
        )
    assert set(refused.value.errors) == {"title", "address", "attributes", "deadline"}
    assert not GoodsNeed.objects.exists()
