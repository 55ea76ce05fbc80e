"""A person's rights over their data: a copy of everything (export) and erasure.

Erasure keeps what statistics need (records with kind, category, quantity, district, status
and dates; the user row as an anonymous anchor for them) and removes everything that says who
the person was, where they live and how to reach them.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Organisation, User
from accounts.services import ERASED_PREFIX
from lifecycle import services as lifecycle_services
from lifecycle.models import LifecycleModel
from lifecycle.states import CLOSED_STATUSES
from matching.models import MatchMessage

SCRUBBED = "—"
# Shorter strings (a username "ab") would be replaced inside unrelated admin log lines.
MIN_REPLACED_LENGTH = 3


def _plain(value):
    """A JSON-ready form of a model field value."""
    if hasattr(value, "coords"):
        return {"lat": value.y, "lon": value.x}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def _row(obj, exclude: Iterable[str] = ()) -> dict:
    skip = set(exclude)
    return {
        f.attname: _plain(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.attname not in skip
    }


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def records_of(user: User) -> dict[type[LifecycleModel], QuerySet]:
    """Every need and offer the person owns (OWNER_FIELD) or created (created_by)."""
    found = {}
    for model in lifecycle_services.lifecycle_models():
        q = Q(pk__in=[])
        if model.OWNER_FIELD:
            q |= Q(**{model.OWNER_FIELD: user})
        if _has_field(model, "created_by"):
            q |= Q(created_by=user)
        found[model] = model.objects.filter(q).order_by("pk")
    return found


def owned_records_of(user: User) -> dict[type[LifecycleModel], QuerySet]:
    """Records that belong to the person alone (not to an initiative)."""
    return {
        model: model.objects.filter(**{model.OWNER_FIELD: user}).order_by("pk")
        for model in lifecycle_services.lifecycle_models()
        if model.OWNER_FIELD
    }


def _matches_of(records: dict[type[LifecycleModel], list[int]]):
    """Matches with one of the records on either side, whatever kinds the Match model links."""
    from matching.models import Match

    q = Q(pk__in=[])
    for field in Match._meta.concrete_fields:
        ids = records.get(getattr(field, "related_model", None))
        if field.is_relation and ids:
            q |= Q(**{f"{field.name}__in": ids})
    return Match.objects.filter(q).prefetch_related("events").order_by("pk")


def export_personal_data(user: User) -> dict:
    """Everything the platform holds about the person, as plain JSON-ready data."""
    from notifications.models import Notification

    account = _row(user, exclude=("password",))
    memberships = [
        {
            "organisation": {"id": m.organisation_id, "name": m.organisation.name},
            "status": m.status,
            "is_admin": m.is_admin,
            "created_at": _plain(m.created_at),
        }
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]
    records, ids = [], {}
    for model, queryset in records_of(user).items():
        for record in queryset:
            data = record.export_data()
            data["history"] = [
                _row(h) for h in record.history.order_by("history_date", "history_id")
            ]
            records.append(data)
            ids.setdefault(model, []).append(record.pk)
    matches = []
    for match in _matches_of(ids):
        data = _row(match)
        data["events"] = [_row(event) for event in match.events.all()]
        matches.append(data)
    notifications = [
        _row(n, exclude=("recipient_id", "idempotency_key", "claimed_at"))
        for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    ]
    messages = [
        {"match": m.match_id, "side": m.sender_side, "body": m.body, "at": _plain(m.at)}
        for m in MatchMessage.objects.filter(sender=user).order_by("at", "pk")
    ]
    return {
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "memberships": memberships,
        "records": records,
        "matches": matches,
        "notifications": notifications,
        "messages_sent": messages,
    }


# --- erasure ---------------------------------------------------------------------------------


def erase_own_account(user: User, *, password: str) -> None:
    """Erasure asked for by the person: the password confirms it is them."""
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")})
    erase_account(user)


@transaction.atomic
def erase_account(user: User) -> None:
    """Remove the person's personal data everywhere; keep counts for statistics."""
    from notifications.models import Notification

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
            lifecycle_services.scrub_personal_data(record)

    owned_ids = {model: [r.pk for r in records] for model, records in owned.items() if records}
    match_ids = list(_matches_of(owned_ids).values_list("pk", flat=True))
    Notification.objects.filter(recipient=user).delete()
    _scrub_notifications_to_others(user, match_ids, identity, personal)
    _scrub_messages(user)
    _scrub_admin_log(user, owned, identity, replacement)

    Token.objects.filter(user=user).delete()
    _delete_sessions(user)
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
    from notifications.models import Notification

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
    from notifications.models import Notification

    sent = list(MatchMessage.objects.filter(sender=user).values_list("pk", flat=True))
    MatchMessage.objects.filter(pk__in=sent).update(body=SCRUBBED, sender=None)
    carried = Notification.objects.filter(
        template="match_message", context__message_id__in=sent
    ).select_for_update(of=("self",))
    for notification in carried:
        context = {**notification.context, "body": SCRUBBED}
        Notification.objects.filter(pk=notification.pk).update(context=context)


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


def _delete_sessions(user: User) -> None:
    # Sessions store the user id in their encoded data; there is no column to filter on.
    stale = [
        s.pk
        for s in Session.objects.iterator()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=stale).delete()
