"""Reading the directory: what is public, the search, "open now", the week's hours, the map.

Everything a person searches for is public (a service is a public place): published services
and profiles, with their exact points. "Open now" is asked with a `moment` the caller passes
(never read from the clock here), in local time (settings.TIME_ZONE): the SQL condition
`open_at_q` and the page's `is_open` (directory.hours) follow the same rule.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from accounts.models import Membership
from directory.hours import DayException, Interval, is_open_at, local
from directory.models import (
    HoursException,
    OpeningHours,
    ProviderProfile,
    PublicationStatus,
    Service,
    Weekday,
)
from editorial.selectors import matching_text_ids, overdue, reading

MAX_RADIUS_KM = 200.0


# --- who sees what ----------------------------------------------------------------------------


def editable_organisation_ids(user) -> list[int] | None:
    """Organisations whose entries `user` may change (None: all of them, a coordinator)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_coordinator:
        return None
    return list(
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def visible_services(user=None) -> QuerySet[Service]:
    """Published services for everyone; drafts and entries in review for whoever may change
    them."""
    published = Q(status=PublicationStatus.PUBLISHED)
    editable = editable_organisation_ids(user)
    if editable is None:
        return Service.objects.all()
    return Service.objects.filter(published | Q(provider__organisation_id__in=editable))


def editable_services(user) -> QuerySet[Service]:
    editable = editable_organisation_ids(user)
    if editable is None:
        return Service.objects.all()
    return Service.objects.filter(provider__organisation_id__in=editable)


def visible_profiles(user=None) -> QuerySet[ProviderProfile]:
    published = Q(status=PublicationStatus.PUBLISHED)
    editable = editable_organisation_ids(user)
    if editable is None:
        return ProviderProfile.objects.all()
    return ProviderProfile.objects.filter(published | Q(organisation_id__in=editable))


def editable_profiles(user) -> QuerySet[ProviderProfile]:
    editable = editable_organisation_ids(user)
    if editable is None:
        return ProviderProfile.objects.all()
    return ProviderProfile.objects.filter(organisation_id__in=editable)


def overdue_services() -> QuerySet[Service]:
    """Services not confirmed within EDITORIAL_CONFIRM_EVERY_DAYS, the oldest first."""
    return overdue(Service.objects.all())


def in_review() -> QuerySet[Service]:
    return Service.objects.filter(status=PublicationStatus.IN_REVIEW).order_by("updated_at", "pk")


def profiles_in_review() -> QuerySet[ProviderProfile]:
    return ProviderProfile.objects.filter(status=PublicationStatus.IN_REVIEW).order_by(
        "updated_at", "pk"
    )


# --- open now ---------------------------------------------------------------------------------


def _interval_covers(prefix: str, at: time) -> Q:
    """An interval that started `at` or earlier on its day and has not ended on that day."""
    return Q(**{f"{prefix}opens__lte": at}) & (
        Q(**{f"{prefix}closes__gt": at}) | Q(**{f"{prefix}closes__lte": F(f"{prefix}opens")})
    )


def _overnight_reaches(prefix: str, at: time) -> Q:
    """An interval of the day before that runs past midnight and has not ended `at`."""
    return Q(**{f"{prefix}closes__lte": F(f"{prefix}opens")}) & Q(**{f"{prefix}closes__gt": at})


def open_at_q(moment: datetime) -> Q:
    """Services open at `moment` (aware), as SQL: the day's intervals (or its exception's),
    and the night of the day before (or its exception's)."""
    now = local(moment)
    today, at = now.date(), now.time().replace(tzinfo=None)
    yesterday = today - timedelta(days=1)

    def exception(day: date):
        return HoursException.objects.filter(service=OuterRef("pk"), date=day)

    def weekly(day: date, condition: Q):
        return OpeningHours.objects.filter(condition, service=OuterRef("pk"), weekday=day.weekday())

    def special(day: date, condition: Q):
        return HoursException.objects.filter(
            condition, service=OuterRef("pk"), date=day, closed=False
        )

    return (
        (~Exists(exception(today)) & Exists(weekly(today, _interval_covers("", at))))
        | Exists(special(today, _interval_covers("", at)))
        | (~Exists(exception(yesterday)) & Exists(weekly(yesterday, _overnight_reaches("", at))))
        | Exists(special(yesterday, _overnight_reaches("", at)))
    )


def _weekly_of(service: Service) -> dict[int, list[Interval]]:
    weekly: dict[int, list[Interval]] = {}
    for row in service.hours.all():
        weekly.setdefault(row.weekday, []).append(Interval(row.opens, row.closes))
    return weekly


def _exceptions_of(service: Service) -> dict[date, DayException]:
    found = {}
    for row in service.exceptions.all():
        intervals = () if row.closed else (Interval(row.opens, row.closes),)
        found[row.date] = DayException(row.closed, intervals)
    return found


def is_open(service: Service, moment: datetime) -> bool:
    """The same answer as `open_at_q`, for one service whose hours are at hand."""
    return is_open_at(_weekly_of(service), _exceptions_of(service), moment)


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """What a person searches for; every part optional."""

    query: str = ""
    topic: str = ""
    language: str = ""  # a language spoken (ISO code)
    open_at: datetime | None = None  # "open now": the caller's now
    near: tuple[float, float] | None = None  # (lat, lon)
    within_km: float | None = None
    barrier_free: bool | None = None
    appointment_only: bool | None = None
    provider: int | None = None


def search_services(search: Search, queryset: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Published services (or `queryset`) that match every part of `search`; nearest first
    when a point is given (annotated `distance`), else in a stable order."""
    qs = queryset if queryset is not None else visible_services(None)
    if search.query.strip():
        qs = qs.filter(text_id__in=matching_text_ids(search.query))
    if search.topic:
        qs = qs.filter(topics__contains=[search.topic])
    if search.language:
        qs = qs.filter(languages__contains=[search.language])
    if search.open_at is not None:
        qs = qs.filter(open_at_q(search.open_at))
    if search.barrier_free:
        qs = qs.filter(barrier_free=True)
    if search.appointment_only is not None:
        qs = qs.filter(appointment_only=search.appointment_only)
    if search.provider is not None:
        qs = qs.filter(provider_id=search.provider)
    if search.near is not None:
        lat, lon = search.near
        centre = Point(lon, lat, srid=4326)
        qs = qs.annotate(distance=Distance("point", centre))
        if search.within_km:
            qs = qs.filter(point__dwithin=(centre, D(km=min(search.within_km, MAX_RADIUS_KM))))
        return qs.order_by("distance", "pk")
    return qs.order_by("district", "pk")


def for_listing(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """With texts, translations, provider and hours fetched in a few queries."""
    return queryset.select_related(
        "text", "provider__text", "provider__organisation"
    ).prefetch_related("text__translations", "provider__text__translations", "hours", "exceptions")


# --- what a page shows ------------------------------------------------------------------------


def week(service: Service) -> list[dict]:
    """Monday to Sunday, each with its intervals (for a table of the week)."""
    weekly = _weekly_of(service)
    return [
        {
            "weekday": day.value,
            "label": day.label,
            "intervals": sorted(weekly.get(day.value, []), key=lambda i: i.opens),
        }
        for day in Weekday
    ]


def exceptions_ahead(service: Service, today: date, days: int = 21) -> list[HoursException]:
    until = today + timedelta(days=days)
    return [row for row in service.exceptions.all() if today <= row.date <= until]


def exception_on(service: Service, day: date) -> HoursException | None:
    for row in service.exceptions.all():
        if row.date == day:
            return row
    return None


def provider_name(service: Service, language: str) -> str:
    profile = service.provider
    if profile.status == PublicationStatus.PUBLISHED:
        return reading(profile.text, language)["name"] or profile.organisation.name
    return profile.organisation.name
