"""The one way every need and offer is created, changed and moved along its lifecycle."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import ApplicationError, collect
from base.text import clean_model_text, clean_model_values
from geo.services import apply_placement, place_address
from lifecycle.models import LifecycleModel
from lifecycle.signals import record_closed
from lifecycle.states import CLOSED_STATUSES, MATCHABLE_STATUSES, Status, can_transition

PLACE_FIELDS = ("address", "latitude", "longitude")
# Set by placing the address; when it cannot be placed, their "required" would only repeat it.
PLACEMENT_FIELDS = ("point", "approx_point", "precision")


def lifecycle_models() -> list[type[LifecycleModel]]:
    """Every concrete need and offer model of the installed apps."""
    return [m for m in apps.get_models() if issubclass(m, LifecycleModel) and not m._meta.abstract]


class FieldErrors:
    """Collects the field messages of every check, so that one answer names every field that
    needs a fix instead of the first one only."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    @contextmanager
    def checking(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            collect(self.errors, error)

    def check(self, rule: Callable, *args, **kwargs):
        """`rule(*args, **kwargs)`, or None after noting its messages."""
        with self.checking():
            return rule(*args, **kwargs)
        return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ApplicationError(self.errors)


def create_record(
    record: LifecycleModel,
    *,
    user,
    draft: bool = False,
    latitude: float | None = None,
    longitude: float | None = None,
    errors: FieldErrors | None = None,
    related: Callable[[LifecycleModel], None] | None = None,
) -> LifecycleModel:
    """Create a need or an offer of any kind: place it by its address (or the pin), validate
    it, save it as the user's first history entry, write its related rows and ask for matching.

    `errors` carries what the kind's own checks found already; every problem is answered at
    once, and nothing is written unless there is none. A draft is not flagged for matching:
    publishing it does that. The caller runs this in its transaction.

    Every text field is held to the text rule first (`base.text`: no null bytes, direction
    or control characters; a line break is a space in a CharField, "\\n" in a TextField),
    whoever writes: the API, an import, a web form; an address it refuses is not placed.
    """
    errors = errors or FieldErrors()
    exclude: list[str] = []
    text_refused: dict[str, list[str]] = {}
    with errors.checking():
        try:
            clean_model_text(record)
        except ApplicationError as refused:
            text_refused = refused.errors
            raise
    if "address" not in text_refused:
        with errors.checking():
            apply_placement(record, place_address(record.address, latitude, longitude))
    if "address" in errors.errors:
        exclude += PLACEMENT_FIELDS
    # A field a check refused already is not checked again (its message would only repeat).
    exclude += [name for name in errors.errors if name != "address"]
    with errors.checking():
        record.full_clean(exclude=exclude)
    errors.raise_if_any()
    record.status = Status.DRAFT if draft else Status.OPEN
    record.needs_matching = not draft
    record._history_user = user
    record.save()
    if related is not None:
        related(record)
    if not draft:
        record.request_matching()
    return record


def transition(record: LifecycleModel, target: str, *, actor=None, reason: str = ""):
    """Move a record to `target` under a row lock, or explain in a field error why not.

    Moving to the state the record is already in is a quiet no-op, so a retried request or
    task changes nothing. A record that closes gives back whatever is promised on it (the
    layers above listen to `record_closed`).
    """
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
        if locked.status == target:
            return locked
        if not can_transition(locked.status, target):
            raise ApplicationError(
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
            record_closed.send(
                sender=model, record=locked, actor=actor, reason=reason or str(target)
            )
        elif target == Status.OPEN:
            locked.request_matching()
        return locked


def status_after(record: LifecycleModel, *, holds: bool) -> None:
    """Open or partly matched, as whether matches hold part of it (unsaved; the caller holds
    the row lock and saves)."""
    if record.status in MATCHABLE_STATUSES:
        record.status = Status.PARTLY_MATCHED if holds else Status.OPEN


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
    model = type(record)
    locked = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
    if locked.status in CLOSED_STATUSES:
        raise ApplicationError(
            {
                "status": _("This record is %(status)s and can no longer be changed.")
                % {"status": Status(locked.status).label}
            }
        )
    # The text rule (see create_record) for every text being changed, before anything is
    # placed or looked up.
    changes = clean_model_values(model, changes)
    place = {name: changes.pop(name) for name in PLACE_FIELDS if name in changes}
    errors = FieldErrors()
    if ("latitude" in place or "longitude" in place) and "address" not in place:
        # A pin is where the address is; moved alone it would disagree with it.
        raise ApplicationError({"address": _("Give the address together with the pin.")})
    if place:
        address = place.get("address", locked.address)
        locked.address = address
        with errors.checking():
            apply_placement(
                locked, place_address(address, place.get("latitude"), place.get("longitude"))
            )
    relations = {k: v for k, v in changes.items() if _is_many_to_many(model, k)}
    for name, value in changes.items():
        if name not in relations:
            setattr(locked, name, value)
    if adjust is not None:
        errors.check(adjust, locked, changes)
    errors.raise_if_any()
    with errors.checking():
        locked.full_clean()
    errors.raise_if_any()
    locked._history_user = user
    locked.save()
    for name, value in relations.items():
        getattr(locked, name).set(value)
    if locked.status in MATCHABLE_STATUSES:
        locked.request_matching()
    return locked


def _is_many_to_many(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.many_to_many)
