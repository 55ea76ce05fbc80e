"""The match workflow: review, consent, handover, and what happens when nobody answers."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from base.errors import ApplicationError
from matching import reminders, workflow
from matching.models import Handover, Match, MatchEvent, MatchState
from matching.selectors import revealed_details
from notifications.models import Notification
from tests.factories import (
    DonationOfferFactory,
    GoodsNeedFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.matching.test_batches import LINDENAU, east

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The workflow's messages are translated; these tests read them in English (the default
    language is German)."""
    with translation.override("en"):
        yield


@pytest.fixture
def pair(initiative_member, donor):
    """A goods need for 12 jackets and a donation of 12, matched by the engine (proposed)."""
    need = GoodsNeedFactory(
        organisation=initiative_member.organisations.get(),
        created_by=initiative_member,
        quantity=12,
        **east(LINDENAU, 0),
    )
    offer = DonationOfferFactory(
        donor=donor, category=need.category, quantity=12, **east(LINDENAU, 2)
    )
    [match] = created(run_for(need))
    return need, offer, match


def offered(pair, coordinator) -> Match:
    return workflow.approve(pair[2], actor=coordinator)


def sent(template: str) -> dict[int, Notification]:
    return {n.recipient_id: n for n in Notification.objects.filter(template=template)}


def refresh(*records):
    for record in records:
        record.refresh_from_db()


def test_sides_hear_nothing_while_a_proposal_waits_for_review(pair):
    assert pair[2].state == MatchState.PROPOSED
    assert not Notification.objects.exists()


def test_approval_offers_the_match_to_both_sides_each_in_their_language_with_links(
    pair, coordinator, initiative_member, donor
):
    match = offered(pair, coordinator)
    assert match.state == MatchState.OFFERED and match.respond_by > timezone.now()
    rows = sent("match_offered")
    assert set(rows) == {initiative_member.pk, donor.pk}
    assert rows[donor.pk].language == "en" and rows[initiative_member.pk].language == "de"
    for row in rows.values():
        assert set(row.context["links"]) == {"accept", "decline"}
        assert "/l/" in row.context["links"]["accept"]
    assert rows[donor.pk].context["side"] == "offer"
    assert [e.to_state for e in match.events.all()] == ["proposed", "approved", "offered"]
    assert match.events.get(to_state="approved").actor == coordinator


def test_only_a_coordinator_approves_and_only_once(pair, coordinator, donor):
    with pytest.raises(ApplicationError) as refused:
        workflow.approve(pair[2], actor=donor)
    assert refused.value.code == "not_allowed"
    offered(pair, coordinator)
    with pytest.raises(ApplicationError) as again:
        workflow.approve(pair[2], actor=coordinator)
    assert again.value.code == "wrong_state"
    assert Notification.objects.filter(template="match_offered").count() == 2


def test_the_policy_approves_goods_above_its_score_but_never_flats(settings, donor):
    settings.MATCH_AUTO_APPROVE_MIN_SCORE = {"goods": 0.0, "volunteers": 0.0, "housing": 0.0}
    need = GoodsNeedFactory(quantity=3, **east(LINDENAU, 0))
    DonationOfferFactory(donor=donor, category=need.category, quantity=3, **east(LINDENAU, 1))
    [goods] = created(run_for(need))
    goods.refresh_from_db()
    assert goods.state == MatchState.OFFERED
    assert "policy" in goods.events.get(to_state="approved").reason

    household = HousingNeedFactory(**east(LINDENAU, 0))
    HousingOfferFactory(**east(LINDENAU, 1))
    [flat] = created(run_for(household))
    flat.refresh_from_db()
    assert flat.state == MatchState.PROPOSED


def test_a_score_below_the_threshold_waits_for_a_coordinator(settings, pair):
    settings.MATCH_AUTO_APPROVE_MIN_SCORE = {"goods": 1.01}
    assert workflow.auto_approve([pair[2].pk]) == 0
    pair[2].refresh_from_db()
    assert pair[2].state == MatchState.PROPOSED


def test_both_yes_accepts_and_only_then_reveals_the_other_side(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    offered(pair, coordinator)
    match = workflow.respond(match, user=donor, answer="yes")
    assert match.state == MatchState.OFFERED and match.offer_answer == "yes"
    assert revealed_details(match, "need") is None
    match = workflow.respond(match, user=initiative_member, answer="yes")
    assert match.state == MatchState.ACCEPTED and match.accepted_at
    assert revealed_details(match, "need")["address"] == offer.address
    assert revealed_details(match, "offer")["email"] == need.contact_details()["email"]
    assert set(sent("match_accepted")) == {initiative_member.pk, donor.pk}
    # Contacts are rendered from the match when the email is sent, never stored in the row.
    for row in Notification.objects.filter(template="match_accepted"):
        assert offer.address not in str(row.context) and donor.email not in str(row.context)


def test_one_no_declines_gives_the_quantity_back_and_tells_the_other_side(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    offered(pair, coordinator)
    workflow.respond(match, user=donor, answer="no", reason="Already given to a neighbour")
    refresh(match, need, offer)
    assert match.state == MatchState.DECLINED
    assert need.quantity_open == 12 and offer.quantity_open == 12 and need.needs_matching
    assert set(sent("match_declined")) == {initiative_member.pk}
    assert match.events.last().reason == "Already given to a neighbour"
    assert "neighbour" not in str(Notification.objects.get(template="match_declined").context)


def test_strangers_and_second_answers_are_refused_without_change(pair, coordinator, donor):
    offered(pair, coordinator)
    stranger = UserFactory(role=Role.DONOR)
    with pytest.raises(ApplicationError) as refused:
        workflow.respond(pair[2], user=stranger, answer="yes")
    assert refused.value.code == "not_allowed"
    workflow.respond(pair[2], user=donor, answer="yes")
    with pytest.raises(ApplicationError) as twice:
        workflow.respond(pair[2], user=donor, answer="no")
    assert twice.value.code == "wrong_state"
    with pytest.raises(ApplicationError) as unclear:
        workflow.respond(pair[2], user=donor, answer="maybe")
    assert unclear.value.errors == {"answer": ['Answer "yes" or "no".']}
    pair[2].refresh_from_db()
    assert pair[2].state == MatchState.OFFERED and pair[2].offer_answer == "yes"


def accepted(pair, coordinator, initiative_member, donor) -> Match:
    offered(pair, coordinator)
    workflow.respond(pair[2], user=donor, answer="yes")
    return workflow.respond(pair[2], user=initiative_member, answer="yes")


def test_a_smaller_handover_reopens_the_rest_on_both_sides(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    accepted(pair, coordinator, initiative_member, donor)
    match = workflow.fulfil(match, user=initiative_member, quantity=8)
    refresh(need, offer)
    assert match.state == MatchState.FULFILLED and match.fulfilled_quantity == 8
    assert need.quantity_open == 4 and need.status == "partly_matched" and need.needs_matching
    assert offer.quantity_open == 4 and offer.status == "partly_matched"
    assert sent("match_fulfilled")[donor.pk].context["fulfilled_quantity"] == 8


def test_the_donor_confirms_the_pickup_once_and_the_initiative_is_asked_how_many(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    accepted(pair, coordinator, initiative_member, donor)
    events = MatchEvent.objects.filter(match=match).count()
    match = workflow.confirm_pickup(match, user=donor)
    assert match.state == MatchState.ACCEPTED and match.pickup_confirmed_at is not None
    assert match.handover_asked_at == match.pickup_confirmed_at
    assert set(sent("handover_question")) == {initiative_member.pk}
    # Twice is once; the reminder does not ask again either.
    workflow.confirm_pickup(match, user=donor)
    reminders.ask_about_handovers(timezone.now() + timedelta(days=60))
    assert Notification.objects.filter(template="handover_question").count() == 1
    assert MatchEvent.objects.filter(match=match).count() == events + 1
    # The initiative still confirms how many it received.
    assert workflow.fulfil(match, user=initiative_member, quantity=12).state == "fulfilled"


def test_only_the_donor_of_an_accepted_goods_match_confirms_a_pickup(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    offered(pair, coordinator)
    with pytest.raises(ApplicationError) as early:
        workflow.confirm_pickup(match, user=donor)
    assert early.value.code == "wrong_state"
    workflow.respond(match, user=donor, answer="yes")
    workflow.respond(match, user=initiative_member, answer="yes")
    with pytest.raises(ApplicationError) as not_theirs:
        workflow.confirm_pickup(match, user=initiative_member)
    assert not_theirs.value.code == "not_allowed"
    match.refresh_from_db()
    assert match.pickup_confirmed_at is None


def test_a_full_handover_fulfils_need_and_donation(pair, coordinator, initiative_member, donor):
    need, offer, match = pair
    accepted(pair, coordinator, initiative_member, donor)
    workflow.fulfil(match, user=initiative_member, quantity=12)
    refresh(need, offer)
    assert need.status == offer.status == "fulfilled"


@pytest.mark.parametrize("quantity", [0, 13, "7"])
def test_a_handover_quantity_outside_the_match_is_refused(
    pair, coordinator, initiative_member, donor, quantity
):
    accepted(pair, coordinator, initiative_member, donor)
    with pytest.raises(ApplicationError) as refused:
        workflow.fulfil(pair[2], user=initiative_member, quantity=quantity)
    assert "quantity" in refused.value.errors
    pair[2].refresh_from_db()
    assert pair[2].state == MatchState.ACCEPTED


def test_only_the_need_side_confirms_a_handover(pair, coordinator, initiative_member, donor):
    accepted(pair, coordinator, initiative_member, donor)
    with pytest.raises(ApplicationError) as refused:
        workflow.fulfil(pair[2], user=donor, quantity=12)
    assert refused.value.code == "not_allowed"


def _age(match: Match, **fields) -> None:
    Match.objects.filter(pk=match.pk).update(**fields)


def test_one_reminder_then_expiry_gives_the_capacity_back(
    pair, coordinator, initiative_member, donor, settings
):
    need, offer, match = pair
    offered(pair, coordinator)
    workflow.respond(match, user=donor, answer="yes")
    now = timezone.now()
    later = now + timedelta(days=settings.MATCH_REMIND_AFTER_DAYS, minutes=1)
    assert reminders.advance_due(later)["reminded"] == 1
    assert reminders.advance_due(later)["reminded"] == 0
    assert set(sent("match_reminder")) == {initiative_member.pk}  # the donor answered

    end = now + timedelta(days=settings.MATCH_EXPIRE_AFTER_DAYS, minutes=1)
    assert reminders.advance_due(end)["expired"] == 1
    refresh(match, need, offer)
    assert match.state == MatchState.EXPIRED and need.quantity_open == 12
    assert set(sent("match_expired")) == {initiative_member.pk, donor.pk}
    assert reminders.advance_due(end)["expired"] == 0


def test_accepted_but_not_handed_over_asks_did_it_happen_once(
    pair, coordinator, initiative_member, donor, settings
):
    match = accepted(pair, coordinator, initiative_member, donor)
    soon = timezone.now() + timedelta(days=1)
    assert reminders.advance_due(soon)["handover_asked"] == 0
    later = timezone.now() + timedelta(days=settings.MATCH_HANDOVER_QUESTION_DAYS, minutes=1)
    assert reminders.advance_due(later)["handover_asked"] == 1
    assert reminders.advance_due(later)["handover_asked"] == 0
    [question] = Notification.objects.filter(template="handover_question")
    assert question.recipient == initiative_member
    assert set(question.context["links"]) == {"fulfilled", "not_happened"}
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED


def test_a_handover_that_did_not_happen_cancels_and_reopens(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    accepted(pair, coordinator, initiative_member, donor)
    workflow.handover_not_happened(match, user=initiative_member, reason="Nobody came")
    refresh(match, need, offer)
    assert match.state == MatchState.CANCELLED and need.quantity_open == 12
    assert "Nobody came" in match.events.last().reason
    assert set(sent("match_cancelled")) == {initiative_member.pk, donor.pk}


def test_a_coordinator_cancels_with_a_reason_the_sides_are_told(
    pair, coordinator, initiative_member, donor
):
    offered(pair, coordinator)
    with pytest.raises(ApplicationError) as no_reason:
        workflow.cancel(pair[2], actor=coordinator, reason="  ")
    assert "reason" in no_reason.value.errors
    workflow.cancel(pair[2], actor=coordinator, reason="The donor called: moved away")
    rows = sent("match_cancelled")
    assert set(rows) == {initiative_member.pk, donor.pk}
    assert rows[donor.pk].context["reason"] == "The donor called: moved away"
    event = pair[2].events.last()
    assert event.actor == coordinator and event.to_state == MatchState.CANCELLED


def test_a_rejected_proposal_is_never_told_to_the_sides(pair, coordinator):
    need, offer, match = pair
    workflow.reject(match, actor=coordinator, reason="Category mismatch")
    refresh(match, need)
    assert match.state == MatchState.REJECTED and need.quantity_open == 12
    assert not Notification.objects.exists()


def test_a_coordinator_matches_by_hand_within_what_is_open(coordinator, donor, initiative):
    need = GoodsNeedFactory(organisation=initiative, quantity=5, **east(LINDENAU, 0))
    offer = DonationOfferFactory(donor=donor, quantity=3, **east(LINDENAU, 40))
    with pytest.raises(ApplicationError) as too_many:
        workflow.create_manual(
            actor=coordinator, kind="goods", need=need, offer=offer, quantity=4, reason="Phone"
        )
    assert too_many.value.errors == {"quantity": ["Only 3 are still open on both sides."]}
    assert not Match.objects.exists()
    match = workflow.create_manual(
        actor=coordinator, kind="goods", need=need, offer=offer, quantity=3, reason="Phone"
    )
    refresh(need, offer)
    assert match.state == MatchState.OFFERED and match.created_by == coordinator
    assert need.quantity_open == 2 and offer.quantity_open == 0
    assert match.distance_m > 30_000
    assert "made by hand: Phone" in match.events.first().reason


def test_handing_a_need_over_keeps_who_when_why_and_restarts_its_matches(
    pair, coordinator, initiative_member, donor
):
    need, offer, match = pair
    offered(pair, coordinator)
    other = OrganisationFactory(name="Nachbarschaftshilfe Connewitz")
    newcomer = UserFactory(role=Role.INITIATIVE_MEMBER, preferred_language="uk")
    MembershipFactory(user=newcomer, organisation=other)
    handover = workflow.hand_over_need(
        need, actor=coordinator, to_organisation=other, reason="Shelter closes"
    )
    refresh(need, match)
    assert need.organisation == other and need.quantity_open == 12
    assert match.state == MatchState.CANCELLED
    assert Handover.objects.get() == handover and handover.actor == coordinator
    assert handover.from_organisation == initiative_member.organisations.get()
    assert need.history.first().history_change_reason == "handed over: Shelter closes"
    [told] = Notification.objects.filter(template="need_handed_over")
    assert told.recipient == newcomer and told.language == "uk"
    with pytest.raises(ApplicationError):
        workflow.hand_over_need(need, actor=coordinator, to_organisation=other, reason="again")


def test_old_offers_are_asked_and_withdrawn_when_nobody_answers(donor, settings):
    offer = DonationOfferFactory(donor=donor, **east(LINDENAU, 0))
    now = timezone.now()
    assert reminders.check_offers_still_available(now)["asked"] == 0
    later = now + timedelta(days=settings.OFFER_AVAILABILITY_CHECK_DAYS, minutes=1)
    assert reminders.check_offers_still_available(later) == {"asked": 1, "withdrawn": 0}
    assert reminders.check_offers_still_available(later) == {"asked": 0, "withdrawn": 0}
    [ping] = Notification.objects.filter(template="still_available")
    assert set(ping.context["links"]) == {"available", "withdraw"}

    silent = later + timedelta(days=settings.OFFER_AVAILABILITY_ANSWER_DAYS, minutes=1)
    assert reminders.check_offers_still_available(silent)["withdrawn"] == 1
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert Notification.objects.filter(template="offer_withdrawn", recipient=donor).count() == 1


def test_an_answered_availability_check_starts_the_clock_again(donor, settings):
    offer = DonationOfferFactory(donor=donor, **east(LINDENAU, 0))
    later = timezone.now() + timedelta(days=settings.OFFER_AVAILABILITY_CHECK_DAYS, minutes=1)
    reminders.check_offers_still_available(later)
    workflow.confirm_available(offer, user=donor)
    offer.refresh_from_db()
    assert offer.availability_asked_at is None and offer.status == "open"
    silent = later + timedelta(days=settings.OFFER_AVAILABILITY_ANSWER_DAYS, minutes=1)
    assert reminders.check_offers_still_available(silent)["withdrawn"] == 0


def test_messages_are_relayed_to_the_other_side_only_while_offered_or_accepted(
    pair, coordinator, initiative_member, donor
):
    with pytest.raises(ApplicationError) as early:
        workflow.send_message(pair[2], user=donor, body="Hello")
    assert early.value.code == "wrong_state"
    offered(pair, coordinator)
    message = workflow.send_message(pair[2], user=donor, body="I can bring them on Saturday")
    assert message.sender_side == "offer"
    [relayed] = Notification.objects.filter(template="match_message")
    assert relayed.recipient == initiative_member
    assert relayed.context["body"] == "I can bring them on Saturday"
    assert donor.email not in str(relayed.context)
    with pytest.raises(ApplicationError) as empty:
        workflow.send_message(pair[2], user=donor, body="   ")
    assert empty.value.errors == {"body": ["Please write a message."]}
    with pytest.raises(ApplicationError):
        workflow.send_message(pair[2], user=coordinator, body="Hi")


def test_every_step_is_in_the_history(pair, coordinator, initiative_member, donor):
    match = accepted(pair, coordinator, initiative_member, donor)
    workflow.fulfil(match, user=initiative_member, quantity=12)
    steps = list(MatchEvent.objects.filter(match=match).values_list("to_state", flat=True))
    assert steps == ["proposed", "approved", "offered", "offered", "accepted", "fulfilled"]
