"""Moves along the lifecycle, expiry by date, and removal of personal data from records."""

from collections.abc import Callable
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifecycle.models import LifecycleModel
from lifecycle.states import CLOSED_STATUSES, MATCHABLE_STATUSES, Status, can_transition

SCRUBBED_TITLE = "—"


def lifecycle_models() -> list[type[LifecycleModel]]:
    """Every concrete need and offer model of the installed apps."""
    return [m for m in apps.get_models() if issubclass(m, LifecycleModel) and not m._meta.abstract]


def transition(record: LifecycleModel, target: str, *, actor=None, reason: str = ""):
    """Move a record to `target` under a row lock, or explain in a field error why not.

    Moving to the state the record is already in is a quiet no-op, so a retried request or
    task changes nothing.
    """
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
        if locked.status == target:
            return locked
        if not can_transition(locked.status, target):
            raise ValidationError(
                {
                    "status": _("A record that is %(current)s cannot become %(target)s.")
                    % {
                        "current": Status(locked.status).label,
                        "target": Status(target).label,
                    }
                }
            )
        locked.status = target
        fields = ["status", "updated_at"]
        if target in CLOSED_STATUSES:
            locked.closed_at = timezone.now()
            locked.needs_matching = False
            fields += ["closed_at", "needs_matching"]
        elif target == Status.OPEN:
            locked.needs_matching = True
            fields.append("needs_matching")
        locked._history_user = actor
        locked._change_reason = reason[:100]
        locked.save(update_fields=fields)
        if target in CLOSED_STATUSES:
            from matching.services import release_matches_of

            release_matches_of(locked, actor=actor, reason=reason or target)
        elif target == Status.OPEN:
            locked.request_matching()
        return locked


def request_matching(record: LifecycleModel) -> None:
    """Mark the record for matching and enqueue its work once the transaction commits.

    The flag is the source of truth; the task message is only a fast path (the sweep finds
    flagged records whose message was lost). A street address still waiting for the remote
    geocoder is refined first; the refinement asks for matching again when it is done.
    """
    from geo.models import GeocodeStatus
    from workers import tasks

    model = type(record)
    model.objects.filter(pk=record.pk).update(needs_matching=True)
    record.needs_matching = True
    label, pk = record._meta.label_lower, record.pk
    if getattr(record, "geocode_status", None) == GeocodeStatus.PENDING_REFINEMENT:
        transaction.on_commit(lambda: tasks.refine_location.delay(label, pk))
    else:
        from matching.scheduling import schedule_record

        schedule_record(record)


def withdraw(record: LifecycleModel, *, actor, reason: str = "") -> LifecycleModel:
    return transition(record, Status.WITHDRAWN, actor=actor, reason=reason or "withdrawn")


def publish(record: LifecycleModel, *, actor) -> LifecycleModel:
    return transition(record, Status.OPEN, actor=actor, reason="published")


def expire_due(today: date | None = None) -> int:
    """Expire every open record whose date has passed; safe to run any number of times."""
    today = today or timezone.localdate()
    expired = 0
    for model in lifecycle_models():
        q = model.expiry_q(today)
        if q is None:
            continue
        ids = model.objects.filter(q, status__in=MATCHABLE_STATUSES).values_list("pk", flat=True)
        for pk in list(ids):
            record = model(pk=pk)
            if transition(record, Status.EXPIRED, reason="expired").status == Status.EXPIRED:
                expired += 1
    return expired


def scrub_personal_data(record: LifecycleModel) -> None:
    """Remove the personal data of one record, in its live row and in its history.

    What stays is what statistics need: kind, category, quantities, district, status, dates.
    The exact point collapses onto the public grid point.
    """
    from geo.models import GeocodeCacheEntry

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
    for model in lifecycle_models():
        stale = model.objects.filter(
            status__in=CLOSED_STATUSES, closed_at__lt=cutoff, scrubbed_at__isnull=True
        )
        for record in stale.iterator():
            scrub_personal_data(record)
            scrubbed += 1
    return scrubbed


PLACE_FIELDS = ("address", "latitude", "longitude")


def save_new(record: LifecycleModel, *, user, latitude=None, longitude=None) -> LifecycleModel:
    """Place a new record by its address (or the pin), validate it and save it as the user's
    first history entry. The caller asks for matching once related rows are written."""
    from geo.services import apply_placement, place_address

    apply_placement(record, place_address(record.address, latitude, longitude))
    record.full_clean()
    record._history_user = user
    record.save()
    return record


@transaction.atomic
def update_record(
    record: LifecycleModel,
    *,
    user,
    changes: dict,
    adjust: Callable[[LifecycleModel, dict], None] | None = None,
) -> LifecycleModel:
    """Change the given fields of a need or offer under its row lock.

    A new address is placed again (and refined in a task if it names a street). `adjust`
    lets a kind check or derive fields from the changes (e.g. the open quantity) before the
    record is validated. A changed record that can be matched is matched again.
    """
    from geo.services import apply_placement, place_address

    model = type(record)
    locked = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if locked.status in CLOSED_STATUSES:
        raise ValidationError(
            {
                "status": _("This record is %(status)s and can no longer be changed.")
                % {"status": Status(locked.status).label}
            }
        )
    changes = dict(changes)
    place = {name: changes.pop(name) for name in PLACE_FIELDS if name in changes}
    if place:
        address = place.get("address", locked.address)
        locked.address = address
        apply_placement(
            locked, place_address(address, place.get("latitude"), place.get("longitude"))
        )
    relations = {k: v for k, v in changes.items() if _is_many_to_many(model, k)}
    for name, value in changes.items():
        if name not in relations:
            setattr(locked, name, value)
    if adjust is not None:
        adjust(locked, changes)
    locked.full_clean()
    locked._history_user = user
    locked.save()
    for name, value in relations.items():
        getattr(locked, name).set(value)
    if locked.status in MATCHABLE_STATUSES:
        locked.request_matching()
    return locked


def _is_many_to_many(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.many_to_many)
