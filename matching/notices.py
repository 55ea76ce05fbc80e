"""What each side of a match is told, and when: outbox rows and webhook deliveries written in
the transaction of the step that causes them (`matching.workflow`).

A row's context holds no personal data of the other side: contact details of an accepted
match are added when the email is rendered (`matching.selectors.revealed_details`).
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import Membership, User
from jobs.selectors import experience_of
from matching.kinds import kind_of
from matching.links import OFFER_ACTIONS, issue_link
from matching.models import ActionLink, Match, MatchState
from matching.selectors import REVEALING_STATES, public_distance_m, reveal_to
from notifications.services import notify
from notifications.webhooks import emit_webhook

NEED, OFFER = "need", "offer"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def need_contact(need) -> User:
    """Who answers for a need: its author while still an active member of the need's
    initiative (a need handed over to another one), else an admin or member of it."""
    organisation = need.organisation
    # A suspended (inactive) member is not written to: their notices would go nowhere.
    active = Membership.objects.filter(
        organisation=organisation, status="active", user__is_active=True
    )
    if need.created_by_id and active.filter(user_id=need.created_by_id).exists():
        return need.created_by
    membership = active.select_related("user").order_by("-is_admin", "pk").first()
    return membership.user if membership else need.created_by


def recipient(match: Match, side: str) -> User:
    return need_contact(match.need) if side == NEED else match.offer.owner()


def site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def need_title_for(match: Match, side: str) -> str:
    """The need's title as `side` may read it. A household's title names people ("Familie
    Haddad"): a landlord reads only its size until both said yes, in their own language."""
    need = match.need
    if match.kind != Match.Kind.HOUSING or side == NEED or match.state in REVEALING_STATES:
        return need.title
    people = need.adults + need.children
    with translation.override(recipient(match, side).preferred_language or None):
        return ngettext("a household of %(n)d person", "a household of %(n)d people", people) % {
            "n": people
        }


def _job_context(match: Match, side: str) -> dict:
    """What each side reads of a job, in the recipient's language; and what an employer reads
    of the person: an anonymous summary (occupations and years, German level; the district is
    `offer_district`), never their name, contact, address or own words, which only
    `revealed_details` gives once both said yes."""
    job, seeker = match.job, match.job_seeker
    with translation.override(recipient(match, side).preferred_language or None):
        context = {
            "occupation": job.occupation.name(),
            "hours": job.get_hours_display(),
            "start_date": _iso(job.start_date),
            "remote": job.remote,
        }
        if side == NEED:
            rows = experience_of(seeker)
            context["seeker_experience"] = [
                {"occupation": row.occupation.name(), "years": float(row.years)} for row in rows
            ]
            context["seeker_german"] = seeker.german_level
    return context


# What a kind adds to the context every match notice carries.
KIND_CONTEXT = {Match.Kind.JOBS: _job_context}


def match_context(match: Match, side: str, **extra) -> dict:
    need, offer = match.need, match.offer
    context = {
        "match_id": match.pk,
        "kind": match.kind,
        "side": side,
        "quantity": match.quantity,
        "category": match.goods_need.category.slug if match.goods_need_id else None,
        "need_title": need_title_for(match, side),
        "offer_title": getattr(offer, "title", "") or "",
        "organisation": need.organisation.name,
        "need_district": need.district or need.place,
        "offer_district": offer.district or offer.place,
        # The public points' distance: a side knows its own exact point, and exact distances
        # of a few matches would place the other side.
        "distance_km": round(public_distance_m(match) / 1000, 1),
        "shift_start": _iso(match.shift.start) if match.shift_id else None,
        "shift_end": _iso(match.shift.end) if match.shift_id else None,
        "move_in": _iso(match.housing_need.move_in_date) if match.housing_need_id else None,
        "respond_by": _iso(match.respond_by),
        "links": {},
        "inbox_url": site("/inbox/"),
        "match_url": site(f"/matches/{match.pk}/"),
    }
    if match.kind in KIND_CONTEXT:
        context.update(KIND_CONTEXT[match.kind](match, side))
    context.update(extra)
    return context


def _tell(match: Match, side: str, template: str, key: str, **extra) -> None:
    person = recipient(match, side)
    notify(
        person,
        template,
        f"match:{match.pk}:{key}:{side}",
        match_context(match, side, **extra),
        sender_organisation=match.need.organisation if side == OFFER else None,
    )


def _hook(match: Match, event: str, key: str) -> None:
    payload = {
        "event": event,
        "match": {
            "id": match.pk,
            "kind": match.kind,
            "state": match.state,
            "quantity": match.quantity,
            "need_id": match.need.pk,
            "need_title": match.need.title,
        },
        "occurred_at": timezone.now().isoformat(),
    }
    emit_webhook(match.need.organisation, event, payload, f"match:{match.pk}:{key}")


def _answer_links(match: Match, side: str) -> dict:
    person = recipient(match, side)
    return {
        action.value: issue_link(
            user=person, action=action, match=match, side=side, expires_at=match.respond_by
        )
        for action in (ActionLink.Action.ACCEPT, ActionLink.Action.DECLINE)
    }


def offered(match: Match) -> None:
    for side in (NEED, OFFER):
        _tell(match, side, "match_offered", "offered", links=_answer_links(match, side))
    _hook(match, "match.offered", "offered")


def reminder(match: Match, side: str) -> None:
    _tell(match, side, "match_reminder", "reminder", links=_answer_links(match, side))


def accepted(match: Match) -> None:
    for side in (NEED, OFFER):
        _tell(match, side, "match_accepted", "accepted")
    _hook(match, "match.accepted", "accepted")


def declined(match: Match, by_side: str) -> None:
    other = OFFER if by_side == NEED else NEED
    _tell(match, other, "match_declined", "declined")
    _hook(match, "match.declined", "declined")


def expired(match: Match) -> None:
    for side in (NEED, OFFER):
        _tell(match, side, "match_expired", "expired")
    _hook(match, "match.expired", "expired")


def cancelled(match: Match, reason: str, *, was_offered: bool) -> None:
    # Sides that never heard of a match (proposed or approved) are not told it ended.
    if was_offered:
        for side in (NEED, OFFER):
            _tell(match, side, "match_cancelled", "cancelled", reason=reason)
    _hook(match, "match.cancelled", "cancelled")


def handover_question(match: Match) -> None:
    person = recipient(match, NEED)
    links = {
        action.value: issue_link(user=person, action=action, match=match, side=NEED)
        for action in (ActionLink.Action.FULFILLED, ActionLink.Action.NOT_HAPPENED)
    }
    _tell(match, NEED, "handover_question", "handover-question", links=links)


def fulfilled(match: Match) -> None:
    _tell(match, OFFER, "match_fulfilled", "fulfilled", fulfilled_quantity=match.fulfilled_quantity)
    _hook(match, "match.fulfilled", "fulfilled")


def message(match: Match, sender_side: str, body: str, message_id: int) -> None:
    other = OFFER if sender_side == NEED else NEED
    _tell(
        match,
        other,
        "match_message",
        f"message-{message_id}",
        sender_side=sender_side,
        body=body,
        message_id=message_id,
        reply_url=site(f"/matches/{match.pk}/"),
    )
    if match.state in (MatchState.OFFERED, MatchState.ACCEPTED):
        _hook(match, "match.message", f"message-{message_id}")


OFFER_KINDS = {
    "donations.donationoffer": "donation",
    "volunteers.volunteerprofile": "volunteer",
    "housing.housingoffer": "flat",
    "jobs.jobseeker": "job_seeker",
}


def _offer_context(record, **extra) -> dict:
    return {
        "offer_kind": OFFER_KINDS[record._meta.label_lower],
        "offer_title": getattr(record, "title", "") or "",
        "inbox_url": site("/inbox/"),
        **extra,
    }


def still_available(record, answer_by) -> None:
    person = record.owner()
    links = {
        action.value: issue_link(user=person, action=action, record=record, expires_at=answer_by)
        for action in OFFER_ACTIONS
    }
    label = record._meta.label_lower
    notify(
        person,
        "still_available",
        f"offer:{label}:{record.pk}:available?:{record.availability_asked_at.isoformat()}",
        _offer_context(
            record,
            created_at=_iso(record.created_at),
            answer_by=_iso(answer_by),
            links=links,
        ),
    )


def offer_withdrawn(record) -> None:
    label = record._meta.label_lower
    notify(
        record.owner(),
        "offer_withdrawn",
        f"offer:{label}:{record.pk}:withdrawn-unanswered",
        _offer_context(record),
    )


def need_handed_over(need, handover) -> None:
    members = Membership.objects.filter(
        organisation=handover.to_organisation, status="active"
    ).select_related("user")
    context = {
        "need_kind": kind_of(type(need))[0].kind,
        "need_title": need.title,
        "from_organisation": handover.from_organisation.name,
        "to_organisation": handover.to_organisation.name,
        "reason": handover.reason,
        "inbox_url": site("/inbox/"),
    }
    for membership in members:
        notify(
            membership.user,
            "need_handed_over",
            f"handover:{handover.pk}:{membership.user_id}",
            context,
        )
    payload = {
        "event": "need.handed_over",
        "need": {"kind": context["need_kind"], "id": need.pk, "title": need.title},
        "from_organisation": context["from_organisation"],
        "to_organisation": context["to_organisation"],
        "occurred_at": timezone.now().isoformat(),
    }
    for organisation in (handover.from_organisation, handover.to_organisation):
        emit_webhook(
            organisation, "need.handed_over", payload, f"handover:{handover.pk}:{organisation.pk}"
        )


def counterpart_context(notification) -> dict:
    """Template context for rendering a notification: the other side's contact details and
    exact address in "both said yes", as the match stands now (never stored in the row)."""
    context = notification.context
    if notification.template != "match_accepted" or not context.get("match_id"):
        return {}
    match = Match.objects.filter(pk=context["match_id"]).first()
    side = context.get("side")
    if match is None or side not in (NEED, OFFER):
        return {"counterpart": None}
    return {"counterpart": reveal_to(notification.recipient, match, side)}
