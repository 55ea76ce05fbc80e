"""Writes for goods needs and donation offers."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import active_organisations_of
from donations.models import Category, DonationOffer, GoodsNeed, Status
from geo.models import GeocodeStatus
from geo.services import apply_placement, place_address
from lifecycle.services import update_record


def request_matching(record: GoodsNeed | DonationOffer) -> None:
    """Mark the record for matching and enqueue it once the transaction commits.

    The flag is the source of truth; the task message is only a fast path (the sweep finds
    flagged records whose message was lost).
    """
    from workers import tasks

    type(record).objects.filter(pk=record.pk).update(needs_matching=True)
    if record.geocode_status == GeocodeStatus.PENDING_REFINEMENT:
        transaction.on_commit(
            lambda: tasks.refine_location.delay(record._meta.label_lower, record.pk)
        )
        return
    task = tasks.match_goods_need if isinstance(record, GoodsNeed) else tasks.match_donation_offer
    transaction.on_commit(lambda: task.delay(record.pk))


def _check_attributes(category: Category, attributes: dict) -> None:
    if not isinstance(attributes, dict):
        raise ValidationError({"attributes": _("Attributes must be an object.")})
    unknown = sorted(set(attributes) - set(category.attributes))
    if unknown:
        raise ValidationError(
            {
                "attributes": _("Not an attribute of %(category)s: %(names)s.")
                % {"category": category.slug, "names": ", ".join(unknown)}
            }
        )


@transaction.atomic
def create_goods_need(
    *,
    user: User,
    title: str,
    category: Category,
    quantity: int,
    address: str,
    organisation: Organisation | None = None,
    attributes: dict | None = None,
    description: str = "",
    deadline: date | None = None,
    max_distance_km: float | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> GoodsNeed:
    organisations = active_organisations_of(user)
    if organisation is None:
        organisation = organisations.first()
        if organisation is None:
            raise ValidationError(
                {"organisation": _("Only members of an initiative can post needs.")}
            )
    elif not organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("You are not a member of this initiative.")})
    attributes = attributes or {}
    _check_attributes(category, attributes)
    need = GoodsNeed(
        organisation=organisation,
        created_by=user,
        title=title,
        description=description,
        category=category,
        attributes=attributes,
        quantity=quantity,
        quantity_open=quantity,
        deadline=deadline,
        max_distance_km=max_distance_km,
        address=address,
        status=Status.DRAFT if draft else Status.OPEN,
    )
    return _save_new(need, user, latitude, longitude)


@transaction.atomic
def create_donation_offer(
    *,
    user: User,
    title: str,
    category: Category,
    quantity: int,
    address: str,
    attributes: dict | None = None,
    description: str = "",
    condition: str = "good",
    delivery_radius_km: float | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> DonationOffer:
    attributes = attributes or {}
    _check_attributes(category, attributes)
    offer = DonationOffer(
        donor=user,
        title=title,
        description=description,
        category=category,
        attributes=attributes,
        condition=condition,
        quantity=quantity,
        quantity_open=quantity,
        delivery_radius_km=delivery_radius_km,
        address=address,
        status=Status.DRAFT if draft else Status.OPEN,
    )
    return _save_new(offer, user, latitude, longitude)


def _save_new(record, user: User, latitude: float | None, longitude: float | None):
    apply_placement(record, place_address(record.address, latitude, longitude))
    record.full_clean()
    record._history_user = user
    record.save()
    if record.status == Status.OPEN:
        request_matching(record)
    return record


def _adjust_goods(record: GoodsNeed | DonationOffer, changes: dict) -> None:
    """Check attributes against the category, and keep what matches hold when the quantity
    changes: the open quantity moves by the same amount, and cannot drop below zero."""
    if "attributes" in changes or "category" in changes:
        _check_attributes(record.category, record.attributes)
    if "quantity" in changes:
        previous = type(record).objects.values_list("quantity", "quantity_open").get(pk=record.pk)
        reserved = previous[0] - previous[1]
        if record.quantity < reserved:
            raise ValidationError(
                {
                    "quantity": _(
                        "%(reserved)s are already promised in matches; the quantity cannot be"
                        " lower."
                    )
                    % {"reserved": reserved}
                }
            )
        record.quantity_open = record.quantity - reserved


def update_goods_need(*, record: GoodsNeed, user: User, **changes) -> GoodsNeed:
    return update_record(record, user=user, changes=changes, adjust=_adjust_goods)


def update_donation_offer(*, record: DonationOffer, user: User, **changes) -> DonationOffer:
    return update_record(record, user=user, changes=changes, adjust=_adjust_goods)
