"""Writes for flats (housing offers) and households looking for one (housing needs)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import initiative_to_post_for
from base.errors import ApplicationError
from housing.models import EARLIEST_DATE, HousingNeed, HousingOffer
from lifecycle.services import FieldErrors, create_record, update_record

# A date this far back is almost certainly a typo (a wrong year), not "as soon as possible".
PAST_TOLERANCE = timedelta(days=92)
# Nobody plans a flat or a move more than a few years ahead; further is a typo too.
FUTURE_LIMIT = timedelta(days=3 * 366)


def _check_dates(record: HousingOffer | HousingNeed, names: set[str], today: date) -> None:
    """Plausibility of the dates being set now (not of dates saved earlier, which simply age).

    The model already refuses years before 2000 and an end before the start.
    """
    errors: dict[str, str] = {}
    for name in sorted(names):
        value = getattr(record, name, None)
        if value is None or value < EARLIEST_DATE:
            continue  # missing or pre-2000: the model's own validators say so
        if value > today + FUTURE_LIMIT:
            errors[name] = _("Please check the year: the date lies too far in the future.")
        elif name == "available_until" and value < today:
            errors[name] = _("This date lies in the past; the flat would expire at once.")
        elif value < today - PAST_TOLERANCE:
            errors[name] = _(
                "This date lies more than three months in the past. Please check the year,"
                " or give today's date if the move can happen at once."
            )
    if errors:
        raise ApplicationError(errors)


OFFER_DATES = {"available_from", "available_until"}
NEED_DATES = {"move_in_date"}


@transaction.atomic
def create_housing_offer(
    *,
    user: User,
    title: str,
    address: str,
    rooms: Decimal,
    size_m2: int,
    warm_rent: Decimal,
    max_occupants: int,
    available_from: date,
    description: str = "",
    floor: int = 0,
    step_free: bool = False,
    lift: bool = False,
    pets_allowed: bool = False,
    furnished: bool = False,
    available_until: date | None = None,
    min_stay_months: int | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> HousingOffer:
    """Any signed-in user may offer a flat; they become its landlord."""
    offer = HousingOffer(
        landlord=user,
        title=title,
        description=description,
        address=address,
        rooms=rooms,
        size_m2=size_m2,
        warm_rent=warm_rent,
        max_occupants=max_occupants,
        floor=floor,
        step_free=step_free,
        lift=lift,
        pets_allowed=pets_allowed,
        furnished=furnished,
        available_from=available_from,
        available_until=available_until,
        min_stay_months=min_stay_months,
    )
    return _create(offer, user, latitude, longitude, OFFER_DATES, draft, FieldErrors())


@transaction.atomic
def create_housing_need(
    *,
    user: User,
    title: str,
    address: str,
    adults: int,
    rent_ceiling: Decimal,
    move_in_date: date,
    organisation: Organisation | None = None,
    children: int = 0,
    description: str = "",
    needs_step_free: bool = False,
    has_pets: bool = False,
    max_distance_km: float = 10,
    min_stay_months: int | None = None,
    household_notes: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> HousingNeed:
    """Only active members of an initiative post households, for their initiative."""
    errors = FieldErrors()
    organisation = errors.check(
        initiative_to_post_for,
        user,
        organisation,
        refusal=_("Only members of an initiative can post a household."),
    )
    need = HousingNeed(
        organisation=organisation,
        created_by=user,
        title=title,
        description=description,
        address=address,
        adults=adults,
        children=children,
        rent_ceiling=rent_ceiling,
        needs_step_free=needs_step_free,
        has_pets=has_pets,
        move_in_date=move_in_date,
        max_distance_km=max_distance_km,
        min_stay_months=min_stay_months,
        household_notes=household_notes,
    )
    return _create(need, user, latitude, longitude, NEED_DATES, draft, errors)


def _create(record, user, latitude, longitude, dates, draft, errors: FieldErrors):
    errors.check(_check_dates, record, dates, timezone.localdate())
    return create_record(
        record, user=user, draft=draft, latitude=latitude, longitude=longitude, errors=errors
    )


def _adjuster(dates: set[str]):
    def adjust(record, changes: dict) -> None:
        _check_dates(record, dates & set(changes), timezone.localdate())

    return adjust


def update_housing_offer(*, record: HousingOffer, user: User, **changes) -> HousingOffer:
    return update_record(record, user=user, changes=changes, adjust=_adjuster(OFFER_DATES))


def update_housing_need(*, record: HousingNeed, user: User, **changes) -> HousingNeed:
    return update_record(record, user=user, changes=changes, adjust=_adjuster(NEED_DATES))
