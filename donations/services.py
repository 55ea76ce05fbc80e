"""Writes for goods needs and donation offers."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import initiative_to_post_for
from base.errors import ApplicationError
from donations.models import (
    EARLIEST_DATE,
    Category,
    DonationOffer,
    GoodsNeed,
    PickupWindow,
)
from lifecycle.services import FieldErrors, create_record, update_record


def _check_attributes(category: Category, attributes: dict) -> dict:
    """The attributes if they belong to the category and take allowed values, with each value
    in the spelling of the taxonomy ("m" becomes "M"); else a field error on "attributes"."""
    if not isinstance(attributes, dict):
        raise ApplicationError({"attributes": _("Attributes must be an object.")})
    unknown = sorted(set(attributes) - set(category.attributes))
    if unknown:
        raise ApplicationError(
            {
                "attributes": _("Not an attribute of %(category)s: %(names)s.")
                % {"category": category.slug, "names": ", ".join(unknown)}
            }
        )
    cleaned, errors = {}, []
    for name, value in attributes.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            errors.append(_("Give %(name)s as text, for example “M”.") % {"name": name})
            continue
        value = str(value).strip()
        allowed = category.allowed_values.get(name)
        if allowed is None:
            cleaned[name] = value
            continue
        spelled = {v.casefold(): v for v in allowed}.get(value.casefold())
        if spelled is None:
            errors.append(
                _(
                    "“%(value)s” is not a valid %(name)s for %(category)s;"
                    " choose one of: %(allowed)s."
                )
                % {
                    "value": value,
                    "name": name,
                    "category": category.slug,
                    "allowed": ", ".join(allowed),
                }
            )
            continue
        cleaned[name] = spelled
    if errors:
        raise ApplicationError({"attributes": errors})
    return cleaned


# An offer rarely needs more than a few; the limit keeps a request from writing thousands.
MAX_PICKUP_WINDOWS = 20
# A window is when someone is there to hand the goods over: hours or a few days. An offer
# available any time needs no window at all (it stays open until withdrawn).
MAX_PICKUP_WINDOW_LENGTH = timedelta(days=14)
# A date further ahead is a wrong year (3026, 2062) or junk, as housing's FUTURE_LIMIT says
# for flats. Five years rather than housing's three: plans for help are few that far out, but
# the API's published examples (and clients copying them) use dates about five years ahead.
FUTURE_LIMIT = timedelta(days=5 * 366)


def _clean_pickup_windows(
    windows: Iterable[Mapping[str, datetime]],
    *,
    keep: Iterable[tuple[datetime, datetime]] = (),
) -> list[tuple[datetime, datetime]]:
    """Windows as (start, end) pairs, or a field error on "pickup_windows" naming each bad one.

    A window must end after it starts, lie after 2000, last at most
    MAX_PICKUP_WINDOW_LENGTH, end within FUTURE_LIMIT and not be over yet; only the windows in
    `keep` (those the offer has already) may be over, so an update can send them back as they
    were.
    """
    windows = list(windows)
    if len(windows) > MAX_PICKUP_WINDOWS:
        raise ApplicationError(
            {
                "pickup_windows": _("Give at most %(limit)s pickup windows.")
                % {"limit": MAX_PICKUP_WINDOWS}
            }
        )
    now = timezone.now()
    keep = set(keep)
    cleaned, errors = [], []
    for number, window in enumerate(windows, start=1):
        start, end = (_aware(window["start"]), _aware(window["end"]))
        if start.date() < EARLIEST_DATE or end.date() < EARLIEST_DATE:
            errors.append(
                _("Window %(number)s: check the year; dates before 2000 are not accepted.")
                % {"number": number}
            )
        elif end <= start:
            errors.append(_("Window %(number)s ends before it starts.") % {"number": number})
        elif end - start > MAX_PICKUP_WINDOW_LENGTH:
            errors.append(
                _(
                    "Window %(number)s lasts more than %(days)s days; give shorter windows, or "
                    "none if the goods can be picked up any time."
                )
                % {"number": number, "days": MAX_PICKUP_WINDOW_LENGTH.days}
            )
        elif end > now + FUTURE_LIMIT:
            errors.append(
                _("Window %(number)s: check the year; it lies too far in the future.")
                % {"number": number}
            )
        elif end <= now and (start, end) not in keep:
            errors.append(_("Window %(number)s is already over.") % {"number": number})
        else:
            cleaned.append((start, end))
    if errors:
        raise ApplicationError({"pickup_windows": errors})
    return cleaned


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _replace_pickup_windows(offer: DonationOffer, windows: list[tuple[datetime, datetime]]):
    offer.pickup_windows.all().delete()
    PickupWindow.objects.bulk_create(
        PickupWindow(offer=offer, start=start, end=end) for start, end in windows
    )


def _check_deadline(deadline: date | None) -> None:
    """A need's deadline may not lie in the past (in Berlin's calendar) nor beyond
    FUTURE_LIMIT, whoever sets it."""
    if deadline is None:
        return
    today = timezone.localdate()
    if deadline < today:
        raise ApplicationError({"deadline": _("The deadline lies in the past.")})
    if deadline > today + FUTURE_LIMIT:
        raise ApplicationError(
            {"deadline": _("Please check the year: the deadline lies too far in the future.")}
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
    errors = FieldErrors()
    organisation = errors.check(initiative_to_post_for, user, organisation)
    attributes = errors.check(_check_attributes, category, attributes or {})
    errors.check(_check_deadline, deadline)
    need = GoodsNeed(
        organisation=organisation,
        created_by=user,
        title=title,
        description=description,
        category=category,
        attributes=attributes or {},
        quantity=quantity,
        quantity_open=quantity,
        deadline=deadline,
        max_distance_km=max_distance_km,
        address=address,
    )
    return create_record(
        need, user=user, draft=draft, latitude=latitude, longitude=longitude, errors=errors
    )


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
    pickup_windows: Iterable[Mapping[str, datetime]] = (),
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> DonationOffer:
    """An offer of goods; `pickup_windows` ([{"start": …, "end": …}]) say when the donor can
    hand them over (none: any time by arrangement)."""
    errors = FieldErrors()
    attributes = errors.check(_check_attributes, category, attributes or {})
    windows = errors.check(_clean_pickup_windows, pickup_windows) or []
    offer = DonationOffer(
        donor=user,
        title=title,
        description=description,
        category=category,
        attributes=attributes or {},
        condition=condition,
        quantity=quantity,
        quantity_open=quantity,
        delivery_radius_km=delivery_radius_km,
        address=address,
    )
    return create_record(
        offer,
        user=user,
        draft=draft,
        latitude=latitude,
        longitude=longitude,
        errors=errors,
        related=lambda saved: _replace_pickup_windows(saved, windows),
    )


def _adjust_goods(record: GoodsNeed | DonationOffer, changes: dict) -> None:
    """Check attributes against the category, and keep what matches hold when the quantity
    changes: the open quantity moves by the same amount, and cannot drop below zero."""
    if "attributes" in changes or "category" in changes:
        record.attributes = _check_attributes(record.category, record.attributes)
    if "deadline" in changes and isinstance(record, GoodsNeed):
        _check_deadline(record.deadline)
    if "quantity" in changes:
        previous = type(record).objects.values_list("quantity", "quantity_open").get(pk=record.pk)
        reserved = previous[0] - previous[1]
        if record.quantity < reserved:
            raise ApplicationError(
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


@transaction.atomic
def update_donation_offer(
    *,
    record: DonationOffer,
    user: User,
    pickup_windows: Iterable[Mapping[str, datetime]] | None = None,
    **changes,
) -> DonationOffer:
    """Change the given fields; `pickup_windows`, when given, replace all windows the offer
    had (an empty list removes them)."""
    windows = None
    if pickup_windows is not None:
        windows = _clean_pickup_windows(
            pickup_windows, keep=record.pickup_windows.values_list("start", "end")
        )
    offer = update_record(record, user=user, changes=changes, adjust=_adjust_goods)
    if windows is not None:
        _replace_pickup_windows(offer, windows)
    return offer
