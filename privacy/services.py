"""A person's rights over their data: erasure, and retention of closed records.

Erasure keeps what statistics need (records with kind, category, quantity, district, status
and dates; the user row as an anonymous anchor for them) and removes everything that says who
the person was, where they live and how to reach them.
"""

from collections.abc import Iterable
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from rest_framework.authtoken.models import Token

from accounts.checks import erase_checks_about
from accounts.models import Membership, Organisation, User
from accounts.services import ERASED_PREFIX
from base.errors import ApplicationError
from geo.models import GeocodeCacheEntry
from lifecycle import services as lifecycle_services
from lifecycle.models import LifecycleModel
from lifecycle.states import CLOSED_STATUSES
from matching.models import MatchMessage
from notifications.models import Notification
from privacy.models import DataAccess
from privacy.selectors import matches_of_records, owned_records_of
from rooms.models import RoomRequest
from safety import services as safety_services

SCRUBBED = "—"
# Shorter strings (a username "ab") would be replaced inside unrelated admin log lines.
MIN_REPLACED_LENGTH = 3


# --- erasure ---------------------------------------------------------------------------------


def erase_own_account(user: User, *, password: str) -> None:
    """Erasure asked for by the person: the password confirms it is them."""
    if not user.check_password(password):
        raise ApplicationError({"password": _("The password is not correct.")})
    erase_account(user)


@transaction.atomic
def erase_account(user: User) -> None:
    """Remove the person's personal data everywhere; keep counts for statistics."""
    user = User.objects.select_for_update().get(pk=user.pk)
    replacement = f"{ERASED_PREFIX}{user.pk}"
    owned = {model: list(qs) for model, qs in owned_records_of(user).items()}
    # Erasing again (e.g. after a retried request) must not treat "erased-<id>" as personal.
    identity = [] if user.erased_at else _identity_strings(user)
    personal = _longest_first([*identity, *_record_strings(owned)])

    # Their offers and needs leave the matching (live matches are cancelled and the other
    # side is matched again), then lose address, description, title and exact point.
    for records in owned.values():
        for record in records:
            if record.status not in CLOSED_STATUSES:
                lifecycle_services.withdraw(record, actor=user, reason="account erased")
            scrub_personal_data(record)

    owned_ids = {model: [r.pk for r in records] for model, records in owned.items() if records}
    match_ids = list(matches_of_records(owned_ids).values_list("pk", flat=True))
    Notification.objects.filter(recipient=user).delete()
    _scrub_notifications_to_others(user, match_ids, identity, personal)
    _scrub_messages(user)
    _scrub_room_requests(user, personal)
    # What they wrote in reports goes; reports and suspensions about them keep the facts.
    safety_services.scrub_for_erasure(
        user, scrub=lambda text: _replace_in(text, personal), removed=SCRUBBED
    )
    erase_checks_about(user)
    _scrub_admin_log(user, owned, identity, replacement)

    Token.objects.filter(user=user).delete()
    _delete_sessions(user)
    _delete_sign_in_traces(user)
    Membership.objects.filter(user=user).delete()

    user.username = replacement
    user.email = user.first_name = user.last_name = user.phone = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.erased_at = user.erased_at or timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _longest_first(values: Iterable[str]) -> list[str]:
    # Longest first, so an email is replaced before the username inside it.
    kept = {v.strip() for v in values if v and len(v.strip()) >= MIN_REPLACED_LENGTH}
    return sorted(kept - {SCRUBBED}, key=len, reverse=True)


def _identity_strings(user: User) -> list[str]:
    """What names or reaches the person."""
    return _longest_first(
        [
            user.username,
            user.email,
            user.phone,
            user.get_full_name(),
            user.first_name,
            user.last_name,
        ]
    )


def _record_strings(owned: dict[type, list[LifecycleModel]]) -> list[str]:
    """The personal text of their records (the fields scrubbing replaces by text)."""
    values = []
    for records in owned.values():
        for record in records:
            for name, value in record.scrubbed_values().items():
                if isinstance(value, str):
                    values.append(getattr(record, name))
    return _longest_first(values)


def _replace_in(value, personal: list[str]):
    if isinstance(value, str):
        for text in personal:
            value = value.replace(text, SCRUBBED)
        return value
    if isinstance(value, dict):
        return {k: _replace_in(v, personal) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_in(v, personal) for v in value]
    return value


def _scrub_notifications_to_others(
    user: User, match_ids: list[int], identity: list[str], personal: list[str]
) -> None:
    """Messages to the other side of a match quote the person's offer title; they keep the
    facts (quantity, category, district) and lose the words."""
    as_text = Cast("context", TextField())
    mentions = Q(context__match_id__in=match_ids)
    for text in identity:
        mentions |= Q(context_text__contains=text)
    rows = (
        Notification.objects.exclude(recipient=user)
        .annotate(context_text=as_text)
        .filter(mentions)
        .select_for_update(of=("self",))
    )
    for notification in rows:
        scrubbed = _replace_in(notification.context, personal)
        if scrubbed != notification.context:
            Notification.objects.filter(pk=notification.pk).update(context=scrubbed)


def _scrub_messages(user: User) -> None:
    """What the person wrote through the relay is theirs: the words go, in the thread and in
    the notifications that carried them to the other side; that a message was sent stays."""
    sent = list(MatchMessage.objects.filter(sender=user).values_list("pk", flat=True))
    MatchMessage.objects.filter(pk__in=sent).update(body=SCRUBBED, sender=None)
    carried = Notification.objects.filter(
        template="match_message", context__message_id__in=sent
    ).select_for_update(of=("self",))
    for notification in carried:
        context = {**notification.context, "body": SCRUBBED}
        Notification.objects.filter(pk=notification.pk).update(context=context)


def _scrub_room_requests(user: User, personal: list[str]) -> None:
    """A room request is the initiative's (its booking stands); what the person wrote in its
    note goes wherever it names them."""
    for request in RoomRequest.objects.filter(requested_by=user).exclude(note=""):
        RoomRequest.objects.filter(pk=request.pk).update(
            note=_replace_in(request.note, personal) if personal else request.note
        )


def _scrub_admin_log(user: User, owned: dict, identity: list[str], replacement: str) -> None:
    """The admin's "recent actions" name the objects they touched: the account, its records
    (by id), and whatever mentions the person (a membership "name @ initiative")."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )
    entries.update(object_repr=replacement)
    for model, records in owned.items():
        if records:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(r.pk) for r in records],
            ).update(object_repr=f"{model._meta.verbose_name} {SCRUBBED}")
    # People are named in lines about accounts, memberships and initiatives (an inline
    # membership is logged on its initiative); elsewhere a short name would only hit words.
    about_people = [ContentType.objects.get_for_model(m) for m in (User, Membership, Organisation)]
    for text in identity:
        for field in ("object_repr", "change_message"):
            LogEntry.objects.filter(
                content_type__in=about_people, **{f"{field}__contains": text}
            ).update(**{field: Replace(F(field), Value(text), Value(replacement))})


def _delete_sign_in_traces(user: User) -> None:
    """The lockout's records of the person's sign-ins (name, address, browser) and their second
    factor devices go with the account."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.username).delete()
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def _delete_sessions(user: User) -> None:
    # Sessions store the user id in their encoded data; there is no column to filter on.
    stale = [
        s.pk
        for s in Session.objects.iterator()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()


# --- retention -------------------------------------------------------------------------------


def scrub_personal_data(record: LifecycleModel) -> None:
    """Remove the personal data of one record, in its live row and in its history.

    What stays is what statistics need: kind, category, quantities, district, status, dates.
    The exact point collapses onto the public grid point.
    """
    model = type(record)
    values = record.scrubbed_values()
    if record.address:
        GeocodeCacheEntry.objects.filter(query__iexact=record.address.strip()).delete()
    model.objects.filter(pk=record.pk).update(**values, scrubbed_at=timezone.now())
    history_fields = {f.name for f in model.history.model._meta.fields}
    history_values = {k: v for k, v in values.items() if k in history_fields}
    if history_values:
        model.history.filter(id=record.pk).update(**history_values)
    record.scrub_related()


def scrub_closed_before(cutoff: datetime) -> int:
    """Retention: closed records older than the cutoff lose their personal data."""
    scrubbed = 0
    for model in lifecycle_services.lifecycle_models():
        stale = model.objects.filter(
            status__in=CLOSED_STATUSES, closed_at__lt=cutoff, scrubbed_at__isnull=True
        )
        for record in stale.iterator():
            scrub_personal_data(record)
            scrubbed += 1
    return scrubbed


# --- audit -------------------------------------------------------------------------------------


def log_access(viewer, records, *, why: str) -> int:
    """Write down that `viewer` saw the exact data of `records`, except what was their own.

    One row per record shown; the number written."""
    viewer_id = getattr(viewer, "pk", None)
    rows = []
    for record in records:
        subject_id = record.owner_user_id()
        if subject_id is None or subject_id == viewer_id:
            continue
        rows.append(
            DataAccess(
                viewer_id=viewer_id,
                subject_id=subject_id,
                record_model=record._meta.label_lower,
                record_id=record.pk,
                why=why[:200],
            )
        )
    DataAccess.objects.bulk_create(rows)
    return len(rows)
