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
        status=Status.OPEN,
    )
    apply_placement(need, place_address(address, latitude, longitude))
    need.full_clean()
    need.save()
    request_matching(need)
    return need


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
        status=Status.OPEN,
    )
    apply_placement(offer, place_address(address, latitude, longitude))
    offer.full_clean()
    offer.save()
    request_matching(offer)
    return offer
