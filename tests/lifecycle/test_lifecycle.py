"""The one lifecycle of needs and offers: allowed moves, history, expiry, release of matches."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donations.models import DonationOffer, GoodsNeed
from lifecycle import services
from lifecycle.states import TRANSITIONS, Status
from matching.models import Match, MatchState
from privacy.services import scrub_personal_data
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory

ALL_PAIRS = [(a, b) for a in Status.values for b in Status.values if a != b]


@pytest.mark.django_db
@pytest.mark.parametrize("current,target", ALL_PAIRS)
def test_only_the_allowed_moves_happen(current, target):
    offer = DonationOfferFactory(status=current)
    if target in TRANSITIONS[current]:
        assert services.transition(offer, target).status == target
    else:
        with pytest.raises(ValidationError) as error:
            services.transition(offer, target)
        assert "status" in error.value.message_dict
        offer.refresh_from_db()
        assert offer.status == current


@pytest.mark.django_db
def test_moving_to_the_current_state_is_a_quiet_no_op():
    offer = DonationOfferFactory(status="withdrawn")
    assert services.transition(offer, "withdrawn").status == "withdrawn"


@pytest.mark.django_db
def test_every_change_is_in_the_history_with_who_and_why_but_no_address():
    donor = UserFactory()
    offer = DonationOfferFactory(donor=donor, address="Geheimweg 7, 04109 Leipzig")
    services.update_record(offer, user=donor, changes={"quantity": 4})
    services.withdraw(offer, actor=donor, reason="given to a neighbour")
    history = list(offer.history.order_by("history_date"))
    assert [h.status for h in history] == ["open", "open", "withdrawn"]
    assert [h.quantity for h in history] == [10, 4, 4]
    assert history[-1].history_user == donor
    assert history[-1].history_change_reason == "given to a neighbour"
    assert not hasattr(history[-1], "address")  # personal data stays out of the history


@pytest.mark.django_db
def test_a_closed_record_cannot_be_changed():
    offer = DonationOfferFactory(status="fulfilled")
    with pytest.raises(ValidationError) as error:
        services.update_record(offer, user=offer.donor, changes={"quantity": 2})
    assert "status" in error.value.message_dict
    offer.refresh_from_db()
    assert offer.quantity == 10


@pytest.mark.django_db
def test_withdrawing_cancels_live_matches_and_gives_the_quantity_back(
    django_capture_on_commit_callbacks,
):
    need = GoodsNeedFactory(quantity=10, quantity_open=4, status="partly_matched")
    offer = DonationOfferFactory(quantity=6, quantity_open=0, status="partly_matched")
    match = Match.objects.create(
        goods_need=need, donation_offer=offer, quantity=6, distance_m=100, score=1
    )
    with django_capture_on_commit_callbacks() as callbacks:
        services.withdraw(offer, actor=offer.donor, reason="moved away")
    match.refresh_from_db()
    need.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    assert match.events.last().reason == "moved away"
    assert (need.quantity_open, need.status, need.needs_matching) == (10, "open", True)
    assert len(callbacks) == 1  # the need is matched again


@pytest.mark.django_db
def test_expiry_closes_needs_past_their_deadline_once():
    today = timezone.localdate()
    late = GoodsNeedFactory(deadline=today - timedelta(days=1))
    due_today = GoodsNeedFactory(deadline=today)
    undated = GoodsNeedFactory(deadline=None)
    assert services.expire_due(today) == 1
    assert services.expire_due(today) == 0
    statuses = dict(GoodsNeed.objects.values_list("pk", "status"))
    assert statuses == {late.pk: "expired", due_today.pk: "open", undated.pk: "open"}


@pytest.mark.django_db
def test_scrubbing_keeps_what_statistics_need_and_nothing_personal():
    offer = DonationOfferFactory(
        address="Geheimweg 7, 04109 Leipzig", description="Ring twice", title="Jackets of Anna"
    )
    services.withdraw(offer, actor=offer.donor)
    scrub_personal_data(offer)
    offer = DonationOffer.objects.get(pk=offer.pk)
    assert (offer.address, offer.description, offer.title) == ("", "", "—")
    assert offer.point == offer.approx_point
    assert (offer.quantity, offer.category.slug, offer.district) == (
        10,
        "clothing-winter-jacket",
        "Zentrum",
    )
    assert set(offer.history.values_list("title", flat=True)) == {"—"}
    assert offer.scrubbed_at is not None
