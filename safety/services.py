"""Writes for safety: reports of harm and their handling, and suspension of accounts.

A report names what it is about (a match, its messages, a record); the service works out whom
it concerns, keeps who reported for coordinators only, sets the response-time goal by its
urgency (REPORT_RESPONSE_HOURS) and alerts coordinators at once when it is urgent. Nothing is
ever sent to the reported person.

Suspension makes the account inactive (`User.is_active`): Django refuses it at every login
(web, admin) and on every request with an old session, DRF refuses its tokens, which are also
deleted; the housing and volunteer adapters do not match the offers of an inactive owner
(that is the pause: the offers keep their status, so lifting gives them back as they were;
the goods search does not ask yet, see matching.candidates). Its live
matches end as a coordinator's cancellation does (`matching.services.end_match`: capacity goes
back, the other side is matched again) and the other side is told in their own language.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.selectors import active_coordinators, active_organisations_of, may_assign_roles
from base.errors import NOT_ALLOWED, NOT_FOUND, WRONG_STATE, ApplicationError
from base.text import clean_model_values
from donations.models import DonationOffer, GoodsNeed
from housing.models import HousingNeed, HousingOffer
from lifecycle.models import LifecycleModel
from lifecycle.selectors import managed_q
from matching import notices
from matching.models import ACTIVE_STATES, Match, MatchState
from matching.selectors import matches_visible_to, visible_to
from matching.services import end_match
from matching.workflow import sides_of
from notifications.services import notify
from notifications.webhooks import emit_webhook
from safety import selectors
from safety.models import (
    MATCH_TARGETS,
    Category,
    Report,
    ReportEvent,
    ReportState,
    Suspension,
    Target,
    Urgency,
    Via,
)
from volunteers.models import VolunteerNeed, VolunteerProfile

TEXT_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = Suspension._meta.get_field("reason").max_length
# Reports that alert every coordinator at once (the others wait in the queue).
ALERTING = (Urgency.IMMEDIATE, Urgency.HIGH)
SUSPENSION_REASON = "account suspended"
COORDINATORS_BY_ADMINS = gettext_lazy(
    "Only an admin may suspend a coordinator or an admin, or lift it."
)

# The public name of each kind of record a report may be about.
TARGET_MODELS: dict[str, type[LifecycleModel]] = {
    Target.FLAT: HousingOffer,
    Target.DONATION: DonationOffer,
    Target.VOLUNTEER_PROFILE: VolunteerProfile,
    Target.GOODS_NEED: GoodsNeed,
    Target.VOLUNTEER_NEED: VolunteerNeed,
    Target.HOUSING_NEED: HousingNeed,
}


def _require_coordinator(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_coordinator:
        raise ApplicationError(
            _("Only coordinators of the welcome centre may do this."), code=NOT_ALLOWED
        )


def _text(
    value: str | None,
    *,
    field: str,
    model: type,
    limit: int,
    required: str | None,
    errors: dict[str, list[str]],
) -> str:
    """A typed text as it is kept (stripped, checked by the one text rule), or a message
    under `field` in `errors`."""
    value = (value or "").strip()
    if required and not value:
        errors[field] = [required]
    elif len(value) > limit:
        errors[field] = [_("Please keep this under %(limit)s characters.") % {"limit": limit}]
    else:
        try:
            value = clean_model_values(model, {field: value})[field]
        except ApplicationError as refused:
            errors.update(refused.errors)
    return value


# --- reports -------------------------------------------------------------------------------


def _resolve(reporter: User, target: str, target_id: int) -> tuple[Match | None, object | None]:
    """The match or record the report is about, if the reporter may see it (404 otherwise,
    so nobody learns which ids exist)."""
    if target in MATCH_TARGETS:
        match = matches_visible_to(reporter).filter(pk=target_id).first()
        if match is None:
            raise ApplicationError(_("There is no such match."), code=NOT_FOUND)
        return match, None
    model = TARGET_MODELS[target]
    record = visible_to(model, reporter).filter(pk=target_id).first()
    if record is None:
        raise ApplicationError(_("There is nothing of that kind with this id."), code=NOT_FOUND)
    if model.objects.filter(managed_q(model, reporter), pk=record.pk).exists():
        raise ApplicationError(
            {"target_id": _("This is your own; report something of someone else.")}
        )
    return None, record


def _concerned(reporter: User, match: Match | None, record) -> tuple[User | None, object | None]:
    """(person, initiative) the report is about: the other side of the reporter's match, or
    who answers for the record."""
    if match is not None:
        sides = sides_of(match, reporter)
        if sides == {notices.OFFER}:
            return notices.need_contact(match.need), match.need.organisation
        if sides == {notices.NEED}:
            return match.offer.owner(), None
        # A coordinator filing what someone told them: both sides are named, they judge.
        return match.offer.owner(), match.need.organisation
    if record.ORGANISATION_FIELD:
        return record.created_by, getattr(record, record.ORGANISATION_FIELD)
    return record.owner(), None


def report_problems(
    *, target: str, category: str, urgency: str, text: str
) -> tuple[str, dict[str, list[str]]]:
    """(the text as kept, every field error); a form shows the errors beside its fields."""
    errors: dict[str, list[str]] = {}
    if target not in Target.values:
        errors["target"] = [_("Choose what the report is about.")]
    if category not in Category.values:
        errors["category"] = [_("Choose what happened.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose how urgent it is.")]
    text = _text(
        text,
        field="text",
        model=Report,
        limit=TEXT_MAX_LENGTH,
        required=_("Please tell us what happened."),
        errors=errors,
    )
    return text, errors


def file_report(
    *,
    reporter: User,
    target: str,
    target_id: int,
    category: str,
    urgency: str,
    text: str,
    via: str = Via.API,
) -> Report:
    """Someone reports harm about a match, its messages or a record they can see. The
    reported person is never told; urgent reports alert every coordinator at once."""
    text, errors = report_problems(target=target, category=category, urgency=urgency, text=text)
    if errors:
        raise ApplicationError(errors)
    match, record = _resolve(reporter, target, target_id)
    person, organisation = _concerned(reporter, match, record)
    if person is not None and person.pk == reporter.pk:
        raise ApplicationError({"target_id": _("You cannot report yourself.")})
    if (
        organisation is not None
        and not reporter.is_coordinator
        and active_organisations_of(reporter).filter(pk=organisation.pk).exists()
    ):
        raise ApplicationError({"target_id": _("You cannot report your own initiative.")})
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.create(
            reporter=reporter,
            target=target,
            match=match,
            record_model=record._meta.label_lower if record is not None else "",
            record_id=record.pk if record is not None else None,
            reported_user=person,
            reported_organisation=organisation,
            category=category,
            urgency=urgency,
            text=text,
            via=via,
            respond_by=now + timedelta(hours=settings.REPORT_RESPONSE_HOURS[urgency]),
        )
        ReportEvent.objects.create(report=report, action=ReportEvent.Action.FILED, actor=reporter)
        if urgency in ALERTING:
            _alert_coordinators(report)
    return report


def _alert_coordinators(report: Report) -> None:
    """Every active coordinator but the people the report is by or about gets an inbox item
    and an email: what kind of report, how urgent, by when, and where the queue is. The text
    stays in the platform."""
    coordinators = active_coordinators().exclude(
        pk__in=[pk for pk in (report.reporter_id, report.reported_user_id) if pk]
    )
    context = {
        "report_id": report.pk,
        "report_category": report.category,
        "report_urgency": report.urgency,
        "respond_by": report.respond_by.isoformat(),
        "queue_url": notices.site(f"/coordination/#report-{report.pk}"),
        "inbox_url": notices.site("/inbox/"),
    }
    for coordinator in coordinators:
        notify(coordinator, "report_received", f"report:{report.pk}:{coordinator.pk}", context)


def _event(report: Report, action: str, actor: User, note: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, actor=actor, note=note)


def _note(note: str | None, *, required: bool) -> str:
    errors: dict[str, list[str]] = {}
    note = _text(
        note,
        field="note",
        model=ReportEvent,
        limit=NOTE_MAX_LENGTH,
        required=_("Please write what was done.") if required else None,
        errors=errors,
    )
    if errors:
        raise ApplicationError(errors)
    return note


def take_report(report: Report, *, actor: User, note: str = "") -> Report:
    """A coordinator takes a new report up (the first response the goal measures) or reopens
    a closed one. Taken by two at once: one wins, the other is told it moved on."""
    _require_coordinator(actor)
    note = _note(note, required=False)
    now = timezone.now()
    with transaction.atomic():
        taken = Report.objects.filter(pk=report.pk, state=ReportState.NEW).update(
            state=ReportState.IN_PROGRESS, taken_at=now, handled_by=actor
        )
        reopened = (
            0
            if taken
            else Report.objects.filter(pk=report.pk, state=ReportState.CLOSED).update(
                state=ReportState.IN_PROGRESS, closed_at=None, handled_by=actor
            )
        )
        if not (taken or reopened):
            raise ApplicationError(
                _("Someone is already working on this report."), code=WRONG_STATE
            )
        action = ReportEvent.Action.TAKEN if taken else ReportEvent.Action.REOPENED
        _event(report, action, actor, note)
    report.refresh_from_db()
    return report


def add_note(report: Report, *, actor: User, note: str) -> ReportEvent:
    """A coordinator notes what was done (a call, a visit, advice given)."""
    _require_coordinator(actor)
    note = _note(note, required=True)
    return ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.NOTE, actor=actor, note=note
    )


def close_report(report: Report, *, actor: User, note: str) -> Report:
    """A coordinator closes a report, saying what came of it."""
    _require_coordinator(actor)
    note = _note(note, required=True)
    now = timezone.now()
    with transaction.atomic():
        closed = Report.objects.filter(
            pk=report.pk, state__in=(ReportState.NEW, ReportState.IN_PROGRESS)
        ).update(state=ReportState.CLOSED, closed_at=now, handled_by=actor)
        if not closed:
            raise ApplicationError(_("This report is already closed."), code=WRONG_STATE)
        # Closing a report nobody had taken up answers it too.
        Report.objects.filter(pk=report.pk, taken_at__isnull=True).update(taken_at=now)
        _event(report, ReportEvent.Action.CLOSED, actor, note)
    report.refresh_from_db()
    return report


# --- suspension ------------------------------------------------------------------------------


def _delete_sessions(user: User) -> None:
    # Sessions keep the user id only in their encoded data; there is no column to filter on.
    # An inactive user's session is refused anyway; deleting it means lifting the
    # suspension does not bring an old sign-in back.
    stale = [
        s.pk
        for s in Session.objects.iterator()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()


def _reason(reason: str | None, *, field: str = "reason") -> str:
    errors: dict[str, list[str]] = {}
    reason = _text(
        reason,
        field=field,
        model=Suspension,
        limit=REASON_MAX_LENGTH,
        required=_("Please say why."),
        errors=errors,
    )
    if errors:
        raise ApplicationError(errors)
    return reason


def _tell_other_side(match: Match, was_offered: bool) -> None:
    """The need's side of a match that ended because the offer's owner was suspended: told in
    their own language (the template of a cancellation, with a line for this case) if they had
    been asked; the initiative's webhooks hear of it as of any cancellation. The suspended
    person is not written to: their account is closed."""
    if was_offered:
        person = notices.recipient(match, notices.NEED)
        notify(
            person,
            "match_cancelled",
            f"match:{match.pk}:cancelled:{notices.NEED}",
            notices.match_context(match, notices.NEED, reason="", other_side_suspended=True),
        )
    payload = {
        "event": "match.cancelled",
        "match": {
            "id": match.pk,
            "kind": match.kind,
            "state": match.state,
            "quantity": match.quantity,
            "need_id": match.need.pk,
            "need_title": match.need.title,
            "score": match.score,
        },
        "occurred_at": timezone.now().isoformat(),
    }
    emit_webhook(match.need.organisation, "match.cancelled", payload, f"match:{match.pk}:cancelled")


def _end_live_matches(user: User, actor: User) -> int:
    """End every live match on the person's offers; the number ended."""
    ended = 0
    for pk in list(selectors.live_matches_of(user).values_list("pk", flat=True)):
        # Lock order as in the workflow: the match, then (giving back) its records.
        match = Match.objects.select_for_update(of=("self",)).get(pk=pk)
        if match.state not in ACTIVE_STATES:
            continue
        was_offered = match.state in (MatchState.OFFERED, MatchState.ACCEPTED)
        end_match(match, MatchState.CANCELLED, actor=actor, reason=SUSPENSION_REASON)
        _tell_other_side(match, was_offered)
        ended += 1
    return ended


def suspend(user: User, *, actor: User, reason: str, report: Report | None = None) -> Suspension:
    """A coordinator suspends an account: logins refused, tokens and sessions gone, its open
    offers paused (not matched), its live matches ended with a notice to the other side.
    Coordinators and admins are suspended only by an admin; nobody suspends themselves."""
    _require_coordinator(actor)
    reason = _reason(reason)
    if user.pk == actor.pk:
        raise ApplicationError({"user": _("You cannot suspend your own account.")})
    if user.erased_at is not None:
        raise ApplicationError({"user": _("This account has been erased.")})
    if user.is_coordinator and not may_assign_roles(actor):
        raise ApplicationError(COORDINATORS_BY_ADMINS, code=NOT_ALLOWED)
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            if selectors.standing_suspension(user) is not None:
                raise ApplicationError(_("This account is already suspended."), code=WRONG_STATE)
            suspension = Suspension.objects.create(
                user=user, reason=reason, report=report, suspended_by=actor
            )
            User.objects.filter(pk=user.pk).update(is_active=False)
            Token.objects.filter(user=user).delete()
            _delete_sessions(user)
            ended = _end_live_matches(user, actor)
            # A batch that read the account as active before this commits may hold one of its
            # offers: wait for it, then end what it proposed too. (Batches never wait for a
            # lock, so this cannot close a cycle with them.)
            for record in selectors.open_offers_of(user):
                type(record).objects.select_for_update(of=("self",)).filter(pk=record.pk).first()
            ended += _end_live_matches(user, actor)
            Suspension.objects.filter(pk=suspension.pk).update(matches_cancelled=ended)
            if report is not None:
                _event(report, ReportEvent.Action.SUSPENDED, actor, reason)
    except IntegrityError as exc:
        # Another coordinator suspended the account a moment ago.
        raise ApplicationError(_("This account is already suspended."), code=WRONG_STATE) from exc
    user.refresh_from_db()
    suspension.refresh_from_db()
    return suspension


def lift_suspension(user: User, *, actor: User, reason: str) -> Suspension:
    """A coordinator lifts a standing suspension: the account may sign in again (with a new
    token) and its open offers are matched again. Lifting a coordinator's needs an admin."""
    _require_coordinator(actor)
    reason = _reason(reason)
    if user.is_coordinator and not may_assign_roles(actor):
        raise ApplicationError(COORDINATORS_BY_ADMINS, code=NOT_ALLOWED)
    with transaction.atomic():
        suspension = (
            Suspension.objects.select_for_update().filter(user=user, lifted_at__isnull=True).first()
        )
        if suspension is None:
            raise ApplicationError(_("This account is not suspended."), code=WRONG_STATE)
        suspension.lifted_at = timezone.now()
        suspension.lifted_by = actor
        suspension.lift_reason = reason
        suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        if user.erased_at is None:
            User.objects.filter(pk=user.pk).update(is_active=True)
        for record in selectors.open_offers_of(user):
            record.request_matching()
    user.refresh_from_db()
    return suspension


# --- erasure ----------------------------------------------------------------------------------


def scrub_for_erasure(user: User, *, scrub: Callable[[str], str], removed: str) -> None:
    """What the person wrote goes (the text of their reports, their notes); what others wrote
    about them loses every string that names them (`scrub`). Reports and suspensions stay as
    facts: the welcome centre must still see that an account was reported or suspended."""
    Report.objects.filter(reporter=user).update(text=removed, reporter=None)
    ReportEvent.objects.filter(actor=user).exclude(note="").update(note=removed)
    for report in Report.objects.filter(reported_user=user).only("pk", "text"):
        text = scrub(report.text)
        if text != report.text:
            Report.objects.filter(pk=report.pk).update(text=text)
    for event in ReportEvent.objects.filter(report__reported_user=user).exclude(note=""):
        note = scrub(event.note)
        if note != event.note:
            ReportEvent.objects.filter(pk=event.pk).update(note=note)
    for suspension in Suspension.objects.filter(user=user):
        values = {"reason": scrub(suspension.reason), "lift_reason": scrub(suspension.lift_reason)}
        Suspension.objects.filter(pk=suspension.pk).update(**values)
