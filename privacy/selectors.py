"""A person's right to a copy of everything the platform holds about them (export)."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.checks import export_checks_of
from accounts.models import Membership, User
from lifecycle.models import LifecycleModel
from lifecycle.services import lifecycle_models
from matching.models import Match, MatchMessage
from matching.selectors import REVEALING_STATES, public_distance_m, shown_to_sides
from notifications.models import Notification
from privacy.models import DataAccess
from rooms.models import RoomRequest
from safety.selectors import export_for as safety_export_for


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
    for model in lifecycle_models():
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
        for model in lifecycle_models()
        if model.OWNER_FIELD
    }


def matches_of_records(records: dict[type[LifecycleModel], list[int]]):
    """Matches with one of the records on either side, whatever kinds the Match model links."""
    q = Q(pk__in=[])
    for field in Match._meta.concrete_fields:
        ids = records.get(getattr(field, "related_model", None))
        if field.is_relation and ids:
            q |= Q(**{f"{field.name}__in": ids})
    return Match.objects.filter(q).prefetch_related("events").order_by("pk")


# Fields of a match's step that name who took it and why: for coordinators, as in the API.
_WHO_AND_WHY = ("actor_id", "reason")


def _match_row(match: Match, user: User) -> dict:
    """A match as its side may have it: what the match pages and the API show them, no more."""
    data = _row(match)
    events = list(match.events.all())
    if not user.is_coordinator:
        if match.state not in REVEALING_STATES:
            # Before both said yes the other side's place is public only to the grid: the exact
            # distance (and the score, which weighs it) would give it away (no oracle).
            data["distance_m"] = round(public_distance_m(match))
            data["score"] = data["score_breakdown"] = None
        # One's own steps stay whole: what they said is theirs.
        data["events"] = [
            _row(event) if event.actor_id == user.pk else _row(event, exclude=_WHO_AND_WHY)
            for event in events
        ]
    else:
        data["events"] = [_row(event) for event in events]
    return data


def export_personal_data(user: User) -> dict:
    """Everything the platform holds about the person, as plain JSON-ready data."""
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
    found = matches_of_records(ids)
    if not user.is_coordinator:
        # A proposal stays internal to the welcome centre until it is approved.
        found = shown_to_sides(found)
    matches = [_match_row(match, user) for match in found]
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
        # Rooms the person asked for on behalf of an initiative (who decided stays out).
        "room_requests": [
            _row(r, exclude=("requested_by_id", "decided_by_id"))
            for r in RoomRequest.objects.filter(requested_by=user).order_by("created_at", "pk")
        ],
        "seen_by": seen_by(user),
        # Checks about the person (what, when, the note; not which coordinator), the reports
        # they filed and their suspensions; never reports about them (they would say who).
        "checks": export_checks_of(user),
        **safety_export_for(user),
    }


def seen_by(user: User) -> list[dict]:
    """Who saw the exact address or contact details of the person's needs and offers, when
    and why (from the audit)."""
    return [
        {
            "viewer": access.viewer.username if access.viewer else None,
            "viewer_role": access.viewer.role if access.viewer else None,
            "record": {"kind": access.record_model, "id": access.record_id},
            "why": access.why,
            "at": _plain(access.at),
        }
        for access in DataAccess.objects.filter(subject=user).select_related("viewer")
    ]
