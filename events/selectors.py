"""Reads about events: who may post and change them, which series match a filter, and their
dates between two moments (expanded from each series' rule, in its own time zone).

Filters are the same for the public list, the map, the iCalendar feed and the web page:
category (slug), language the event is held in, district, audience, a text in any content
language (`editorial.selectors.matching_text_ids`), online only, and a date range.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from editorial.selectors import matching_text_ids, with_translations
from events import recurrence
from events.models import EventCategory, EventSeries, EventStatus
from events.recurrence import Occurrence

# The public list starts today and looks this far ahead unless asked otherwise.
DEFAULT_DAYS_AHEAD = 90
# A date range asked for is at most this long (each series is expanded inside it).
MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class EventFilter:
    category: str = ""
    language: str = ""
    district: str = ""
    audience: str = ""
    q: str = ""
    online: bool | None = None
    date_from: date | None = None
    date_to: date | None = None

    def as_query(self) -> dict[str, str]:
        """The filter as query parameters (for the feed's link), empty ones left out."""
        values = {
            "category": self.category,
            "language": self.language,
            "district": self.district,
            "audience": self.audience,
            "q": self.q,
            "online": "" if self.online is None else ("true" if self.online else "false"),
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {name: value for name, value in values.items() if value}


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone, in UTC."""
    return datetime.combine(day, time(0), tzinfo=local_zone()).astimezone(UTC)


# --- who may do what ---------------------------------------------------------------------


def active_organisation_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def organisations_to_post_for(user: User) -> QuerySet[Organisation]:
    """The organisations whose events the user may post: their own (active membership);
    every organisation for a coordinator."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_coordinator:
        return Organisation.objects.order_by("name", "pk")
    return Organisation.objects.filter(pk__in=active_organisation_ids(user)).order_by("name", "pk")


def may_post_for(user: User, organisation: Organisation | None) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    return user.is_coordinator or organisation.pk in active_organisation_ids(user)


def may_manage(user: User, series: EventSeries) -> bool:
    """Coordinators and active members of the series' owner change it."""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or (
        series.owner_id is not None and series.owner_id in active_organisation_ids(user)
    )


def managed_by(user: User) -> QuerySet[EventSeries]:
    if not user.is_authenticated:
        return EventSeries.objects.none()
    if user.is_coordinator:
        return EventSeries.objects.all()
    return EventSeries.objects.filter(owner_id__in=active_organisation_ids(user))


def kept_by(user: User) -> QuerySet[EventSeries]:
    """The series of the management page: those of the user's organisations, and those the
    user posted (a coordinator posts for any organisation), every status."""
    if not user.is_authenticated:
        return EventSeries.objects.none()
    mine = EventSeries.objects.filter(owner_id__in=active_organisation_ids(user)) | (
        EventSeries.objects.filter(created_by=user)
    )
    return with_translations(mine).select_related("owner").order_by("status", "starts_at", "pk")


def waiting_for_review() -> QuerySet[EventSeries]:
    """What organisations submitted and a coordinator has not yet approved, oldest first."""
    return (
        with_translations(EventSeries.objects.filter(status=EventStatus.IN_REVIEW))
        .select_related("owner")
        .order_by("updated_at", "pk")
    )


# --- series and their dates ---------------------------------------------------------------


def categories() -> QuerySet[EventCategory]:
    return EventCategory.objects.order_by("position", "slug")


def published() -> QuerySet[EventSeries]:
    return with_translations(EventSeries.objects.filter(published=True)).prefetch_related(
        "categories"
    )


def visible_to(user: User) -> QuerySet[EventSeries]:
    """Published series, and the unpublished ones the user keeps."""
    if not user.is_authenticated:
        return published()
    return with_translations(
        EventSeries.objects.filter(published=True) | managed_by(user)
    ).prefetch_related("categories")


def districts() -> list[str]:
    """The districts that published events take place in, for the filter's choices."""
    return list(
        EventSeries.objects.filter(published=True)
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


def filtered(queryset: QuerySet[EventSeries], f: EventFilter) -> QuerySet[EventSeries]:
    """The series that match a filter, before the date range (see `occurrences`)."""
    if f.category:
        queryset = queryset.filter(categories__slug=f.category)
    if f.language:
        queryset = queryset.filter(languages__contains=[f.language])
    if f.district:
        queryset = queryset.filter(district__iexact=f.district)
    if f.audience:
        queryset = queryset.filter(audiences__contains=[f.audience])
    if f.online is not None:
        queryset = queryset.filter(online=f.online)
    if f.q.strip():
        queryset = queryset.filter(text_id__in=matching_text_ids(f.q))
    return queryset.distinct()


def window(f: EventFilter, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The moments (UTC) a filter's date range stands for: from its first day's midnight (or
    now) to the midnight after its last day (or DEFAULT_DAYS_AHEAD ahead)."""
    now = now or timezone.now()
    after = day_start(f.date_from) if f.date_from else now
    if f.date_to:
        before = day_start(f.date_to + timedelta(days=1))
    else:
        start_day = f.date_from or timezone.localdate(now)
        before = day_start(start_day + timedelta(days=DEFAULT_DAYS_AHEAD))
    return after, before


def series_occurrences(series: EventSeries, after: datetime, before: datetime) -> list[Occurrence]:
    """The dates of one series that are not over at `after` and begin before `before`."""
    found = recurrence.starts_between(
        series.starts_at,
        rule=series.rrule,
        tz=series.time_zone,
        exdates=series.exdates,
        rdates=series.rdates,
        after=after - series.duration,
        before=before,
    )
    return [
        Occurrence(series.pk, start, start + series.duration)
        for start in found
        if start + series.duration > after
    ]


def all_occurrences(series: EventSeries) -> list[Occurrence]:
    """Every date of a series (there are at most recurrence.MAX_OCCURRENCES)."""
    found = recurrence.starts(
        series.starts_at,
        rule=series.rrule,
        tz=series.time_zone,
        exdates=series.exdates,
        rdates=series.rdates,
    )
    return [Occurrence(series.pk, start, start + series.duration) for start in found]


def occurrences(
    queryset: QuerySet[EventSeries], after: datetime, before: datetime
) -> list[tuple[Occurrence, EventSeries]]:
    """The dates of the series in `queryset` between two moments, ordered by start. Series
    that cannot have a date then are left out by the database (first start, last end)."""
    candidates = queryset.filter(starts_at__lt=before, last_ends_at__gt=after)
    found = [
        (occurrence, series)
        for series in candidates
        for occurrence in series_occurrences(series, after, before)
    ]
    found.sort(key=lambda pair: (pair[0].start, pair[0].series_id))
    return found


def next_occurrence(series: EventSeries, *, now: datetime | None = None) -> Occurrence | None:
    now = now or timezone.now()
    upcoming = series_occurrences(series, now, series.last_ends_at + timedelta(seconds=1))
    return upcoming[0] if upcoming else None


def in_feed(queryset: QuerySet[EventSeries], f: EventFilter) -> QuerySet[EventSeries]:
    """The series of a feed: those that match the filter and have a date in its range."""
    after, before = window(f)
    ids = {occurrence.series_id for occurrence, _series in occurrences(queryset, after, before)}
    return queryset.filter(pk__in=ids).order_by("starts_at", "pk")
