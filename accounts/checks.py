"""Checks: facts a coordinator recorded about a person (a landlord, a volunteer, later an
employer): what was seen, by whom, when, never the document.

Writes and reads of checks live together here rather than in `services.py`/`selectors.py`:
they are one small subject that other layers ask about as a whole (the housing adapter:
"is this landlord checked?"; the export: "which checks are about me?"), and keeping them
apart from the account rules keeps both files short.

Who may see what: coordinators everything; the person checked their own checks (export);
the other side of a flat only which kinds stand ("checked by the welcome centre"), never the
note or who recorded it.
"""

import calendar
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Check, CheckKind, User
from accounts.signals import checks_changed
from base.errors import NOT_ALLOWED, WRONG_STATE, ApplicationError
from base.text import clean_model_values

# A landlord counts as checked once a coordinator has seen their identity: the baseline the
# housing platforms that earned trust asked of every host. Ownership or tenancy and a home
# visit are shown to households as well, but are not required.
HOST_CHECK = CheckKind.IDENTITY
NOTE_MAX_LENGTH = Check._meta.get_field("note").max_length
REASON_MAX_LENGTH = Check._meta.get_field("withdrawal_reason").max_length


def _require_coordinator(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_coordinator:
        raise ApplicationError(
            _("Only coordinators of the welcome centre record checks."), code=NOT_ALLOWED
        )


# --- reads -------------------------------------------------------------------------------


def certificate_cutoff(today: date) -> date:
    """Certificates issued before this day no longer count: the same day of the month
    CERTIFICATE_OF_CONDUCT_VALID_MONTHS back (or that month's last day, if shorter)."""
    year, month0 = divmod(
        today.year * 12 + today.month - 1 - settings.CERTIFICATE_OF_CONDUCT_VALID_MONTHS, 12
    )
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(today.day, last_day))


def standing_q(today: date | None = None, prefix: str = "") -> Q:
    """Checks that count now: not withdrawn, and a certificate of conduct not too old."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}withdrawn_at__isnull": True}) & (
        ~Q(**{f"{prefix}kind": CheckKind.CERTIFICATE_OF_CONDUCT})
        | Q(**{f"{prefix}certificate_date__gte": certificate_cutoff(today)})
    )


def checks_of(user: User) -> QuerySet[Check]:
    """Every check about the person, withdrawn ones too, newest first (coordinators)."""
    return Check.objects.filter(subject=user).select_related("recorded_by", "withdrawn_by")


def certificate_dates(user_ids: Iterable[int]) -> dict[int, date]:
    """For each person with one, the date of their newest certificate of conduct that a
    coordinator recorded and nobody withdrew (whether it still counts depends on the day:
    `certificate_cutoff`)."""
    rows = (
        Check.objects.filter(
            subject_id__in=list(user_ids),
            kind=CheckKind.CERTIFICATE_OF_CONDUCT,
            withdrawn_at__isnull=True,
        )
        .values("subject_id")
        .annotate(newest=Max("certificate_date"))
        .values_list("subject_id", "newest")
    )
    return {subject_id: newest for subject_id, newest in rows if newest is not None}


def standing_kinds(user_ids: Iterable[int], today: date | None = None) -> dict[int, list[str]]:
    """For each person, the kinds of their checks that count now, in the order of CheckKind
    (what a household may see of a landlord: the kinds, nothing else)."""
    order = {kind: i for i, kind in enumerate(CheckKind.values)}
    found: dict[int, set[str]] = {}
    rows = Check.objects.filter(standing_q(today), subject_id__in=list(user_ids))
    for subject_id, kind in rows.values_list("subject_id", "kind"):
        found.setdefault(subject_id, set()).add(kind)
    return {pk: sorted(kinds, key=order.__getitem__) for pk, kinds in found.items()}


def is_checked_host(user: User | int) -> bool:
    pk = user if isinstance(user, int) else user.pk
    return HOST_CHECK in standing_kinds([pk]).get(pk, [])


def kind_labels(kinds: Iterable[str]) -> list[str]:
    """The kinds as words in the active language."""
    return [str(CheckKind(kind).label) for kind in kinds]


def export_checks_of(user: User) -> list[dict]:
    """The checks about the person, for their own data export: what, when, the note and
    whether it still stands; not which coordinator recorded it (the welcome centre did)."""
    return [
        {
            "kind": check.kind,
            "certificate_date": check.certificate_date.isoformat()
            if check.certificate_date
            else None,
            "note": check.note,
            "recorded_at": check.recorded_at.isoformat(),
            "withdrawn_at": check.withdrawn_at.isoformat() if check.withdrawn_at else None,
        }
        for check in Check.objects.filter(subject=user).order_by("recorded_at", "pk")
    ]


# --- writes ------------------------------------------------------------------------------


def check_problems(
    *, subject: User, kind: str, certificate_date: date | None, actor: User | None
) -> dict[str, list[str]]:
    """Every reason a check could not be recorded, by field (empty if it can)."""
    errors: dict[str, list[str]] = {}
    if kind not in CheckKind.values:
        errors["kind"] = [_("Unknown kind of check.")]
    elif kind == CheckKind.CERTIFICATE_OF_CONDUCT:
        if certificate_date is None:
            errors["certificate_date"] = [_("Give the date printed on the certificate.")]
        elif certificate_date > timezone.localdate():
            errors["certificate_date"] = [_("The certificate cannot be dated in the future.")]
    elif certificate_date is not None:
        errors["certificate_date"] = [_("Only a certificate of conduct has a date here.")]
    if subject.erased_at is not None:
        errors["subject"] = [_("This account has been erased.")]
    elif actor is not None and subject.pk == actor.pk:
        # Nobody vouches for themselves.
        errors["subject"] = [_("Another coordinator records checks about you.")]
    return errors


def record_check(
    *,
    subject: User,
    kind: str,
    actor: User,
    note: str = "",
    certificate_date: date | None = None,
) -> Check:
    """A coordinator records what they saw of a person. The document is never stored: only
    the kind of check, its date for a certificate, and an optional short note."""
    _require_coordinator(actor)
    note = (note or "").strip()
    errors = check_problems(
        subject=subject, kind=kind, certificate_date=certificate_date, actor=actor
    )
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [
            _("Please keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
        ]
    else:
        try:
            note = clean_model_values(Check, {"note": note})["note"]
        except ApplicationError as refused:
            errors.update(refused.errors)
    if errors:
        raise ApplicationError(errors)
    with transaction.atomic():
        check = Check.objects.create(
            subject=subject,
            kind=kind,
            certificate_date=certificate_date,
            note=note,
            recorded_by=actor,
        )
        checks_changed.send(sender=Check, subject=subject)
    return check


def withdraw_check(check: Check, *, actor: User, reason: str) -> Check:
    """A check recorded in error (or no longer true) stops counting; the row stays, with who
    withdrew it, when and why. Withdrawing twice is refused and changes nothing."""
    _require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError({"reason": _("Please say why.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            {
                "reason": _("Please keep the reason under %(limit)s characters.")
                % {"limit": REASON_MAX_LENGTH}
            }
        )
    reason = clean_model_values(Check, {"withdrawal_reason": reason})["withdrawal_reason"]
    with transaction.atomic():
        changed = Check.objects.filter(pk=check.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_reason=reason
        )
        if not changed:
            raise ApplicationError(_("This check was already withdrawn."), code=WRONG_STATE)
        check.refresh_from_db()
        checks_changed.send(sender=Check, subject=check.subject)
    return check


def erase_checks_about(user: User) -> None:
    """Erasure: the checks about the person go with their account (there is nobody left to
    vouch for); checks they recorded about others stay, as the welcome centre's record."""
    Check.objects.filter(subject=user).delete()
