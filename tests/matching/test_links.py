"""One-click links: they work once, for their recipient, until they expire; anything else
gets a clear problem and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from matching import reminders, workflow
from matching.link_actions import use_link
from matching.links import check_link
from matching.models import ActionLink, Match, MatchState
from notifications.models import Notification
from tests.factories import DonationOfferFactory, UserFactory
from tests.matching.test_batches import LINDENAU, east
from tests.matching.test_workflow import accepted, offered, pair  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The workflow's messages are translated; these tests read them in English (the default
    language is German)."""
    with translation.override("en"):
        yield


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def link_for(user, template: str, action: str) -> str:
    row = Notification.objects.get(template=template, recipient=user)
    return token_of(row.context["links"][action])


def state_of(match: Match) -> tuple:
    match.refresh_from_db()
    return match.state, match.need_answer, match.offer_answer


def test_accepting_by_link_works_once(pair, coordinator, donor):  # noqa: F811
    offered(pair, coordinator)
    token = link_for(donor, "match_offered", "accept")
    assert check_link(token).ok
    outcome = use_link(token)
    assert outcome.ok and state_of(pair[2]) == (MatchState.OFFERED, "", "yes")
    again = use_link(token)
    assert again.problem == "used" and state_of(pair[2]) == (MatchState.OFFERED, "", "yes")


def test_the_other_link_of_an_answered_question_is_closed(pair, coordinator, donor):  # noqa: F811
    offered(pair, coordinator)
    use_link(link_for(donor, "match_offered", "accept"))
    decline = link_for(donor, "match_offered", "decline")
    assert use_link(decline).problem == "closed"
    assert state_of(pair[2]) == (MatchState.OFFERED, "", "yes")


def test_both_links_accept_the_match(pair, coordinator, donor, initiative_member):  # noqa: F811
    offered(pair, coordinator)
    use_link(link_for(donor, "match_offered", "accept"))
    use_link(link_for(initiative_member, "match_offered", "accept"))
    assert state_of(pair[2])[0] == MatchState.ACCEPTED


def test_a_decline_link_takes_an_optional_reason(pair, coordinator, initiative_member):  # noqa: F811
    offered(pair, coordinator)
    token = link_for(initiative_member, "match_offered", "decline")
    too_long = use_link(token, data={"reason": "x" * 301})
    assert too_long.errors == {"reason": ["Please keep the reason under 300 characters."]}
    assert not ActionLink.objects.filter(used_at__isnull=False).exists()
    assert use_link(token, data={"reason": "We found jackets"}).ok
    assert state_of(pair[2])[0] == MatchState.DECLINED
    assert pair[2].events.last().reason == "We found jackets"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "X" + t,
        lambda t: "nonsense",
        lambda t: "",
    ],
)
def test_a_tampered_link_is_invalid_and_changes_nothing(pair, coordinator, donor, tamper):  # noqa: F811
    offered(pair, coordinator)
    token = tamper(link_for(donor, "match_offered", "accept"))
    assert use_link(token).problem == "invalid"
    assert state_of(pair[2]) == (MatchState.OFFERED, "", "")


def test_an_expired_link_changes_nothing(pair, coordinator, donor):  # noqa: F811
    offered(pair, coordinator)
    token = link_for(donor, "match_offered", "accept")
    ActionLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert check_link(token).problem == "expired"
    assert use_link(token).problem == "expired"
    assert state_of(pair[2]) == (MatchState.OFFERED, "", "")


def test_someone_elses_link_is_refused_to_a_logged_in_user(pair, coordinator, donor):  # noqa: F811
    offered(pair, coordinator)
    token = link_for(donor, "match_offered", "accept")
    stranger = UserFactory(role=Role.DONOR)
    assert use_link(token, user=stranger).problem == "someone_else"
    assert use_link(token, user=coordinator).problem == "someone_else"
    assert state_of(pair[2]) == (MatchState.OFFERED, "", "")
    assert use_link(token, user=donor).ok


def test_a_link_for_a_match_that_moved_on_is_closed(pair, coordinator, donor):  # noqa: F811
    offered(pair, coordinator)
    token = link_for(donor, "match_offered", "accept")
    workflow.cancel(pair[2], actor=coordinator, reason="Duplicate")
    assert use_link(token).problem == "closed"
    assert not ActionLink.objects.filter(used_at__isnull=False).exists()


def test_the_handover_link_asks_the_quantity(pair, coordinator, initiative_member, donor, settings):  # noqa: F811
    need = pair[0]
    accepted(pair, coordinator, initiative_member, donor)
    later = timezone.now() + timedelta(days=settings.MATCH_HANDOVER_QUESTION_DAYS, minutes=1)
    reminders.advance_due(later)
    token = link_for(initiative_member, "handover_question", "fulfilled")
    for bad in ("0", "13", "zwölf"):
        assert "quantity" in use_link(token, data={"quantity": bad}).errors
    assert state_of(pair[2])[0] == MatchState.ACCEPTED
    assert use_link(token, data={"quantity": "10"}).ok
    need.refresh_from_db()
    assert state_of(pair[2])[0] == MatchState.FULFILLED and need.quantity_open == 2


def test_still_available_links(donor, settings):
    offer = DonationOfferFactory(donor=donor, **east(LINDENAU, 0))
    later = timezone.now() + timedelta(days=settings.OFFER_AVAILABILITY_CHECK_DAYS, minutes=1)
    reminders.check_offers_still_available(later)
    available = link_for(donor, "still_available", "available")
    withdraw = link_for(donor, "still_available", "withdraw")
    assert use_link(available).ok
    offer.refresh_from_db()
    assert offer.availability_confirmed_at and offer.status == "open"
    assert use_link(withdraw).ok
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert use_link(available).problem == "used"
