"""Opening hours as plain data: the rule for one interval and "is it open at this moment?".

Plain Python over (weekday, opens, closes) tuples and {date: exception} maps, so that the rule
and the answer are tested without a database (tests/directory/test_hours.py, with hypothesis)
and the page and the search agree: `directory.selectors.open_at_q` asks the same question in
SQL.

Times are local wall-clock times in settings.TIME_ZONE (Europe/Berlin). An interval belongs
to the day it starts on; one whose `closes` is not after its `opens` ends the next day (up to
`OVERNIGHT_LIMIT`). An exception for a date replaces the intervals that start on that date.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from directory.models import OVERNIGHT_LIMIT


@dataclass(frozen=True)
class Interval:
    opens: time
    closes: time

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens


@dataclass(frozen=True)
class DayException:
    closed: bool
    intervals: tuple[Interval, ...] = ()


def interval_problem(opens: time | None, closes: time | None) -> str:
    """Why an interval is refused ("" if it is fine)."""
    if opens is None or closes is None:
        return _("Give both the opening and the closing time.")
    if opens == closes:
        return _("The closing time must differ from the opening time.")
    if closes < opens and closes > OVERNIGHT_LIMIT:
        return _(
            "It ends before it starts. A closing time before the opening time means past "
            "midnight, which is possible up to %(limit)s."
        ) % {"limit": OVERNIGHT_LIMIT.strftime("%H:%M")}
    return ""


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def week_overlaps(hours: Iterable[tuple[int, time, time]]) -> list[tuple[int, int]]:
    """Pairs of indexes of intervals (weekday, opens, closes) that overlap in the week (an
    overnight interval counts into the next day; Sunday night into Monday)."""
    week = 7 * 24 * 60
    spans = []
    for index, (weekday, opens, closes) in enumerate(hours):
        start = weekday * 24 * 60 + _minutes(opens)
        length = (_minutes(closes) - _minutes(opens)) % (24 * 60) or 24 * 60
        spans.append((index, start, start + length))
    found = []
    for i, (a, start_a, end_a) in enumerate(spans):
        for b, start_b, end_b in spans[i + 1 :]:
            for shift in (-week, 0, week):
                if start_a < end_b + shift and start_b + shift < end_a:
                    found.append((a, b))
                    break
    return found


def local(moment: datetime) -> datetime:
    """`moment` (aware) as naive wall-clock time in the site's time zone."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def is_open_at(
    weekly: Mapping[int, Iterable[Interval]],
    exceptions: Mapping[date, DayException],
    moment: datetime,
) -> bool:
    """Whether a service with these weekly intervals (by weekday, Monday 0) and exceptions (by
    date) is open at `moment` (aware; compared in local time)."""
    now = local(moment)
    for day in (now.date() - timedelta(days=1), now.date()):
        if day in exceptions:
            found = exceptions[day]
            intervals: Iterable[Interval] = () if found.closed else found.intervals
        else:
            intervals = weekly.get(day.weekday(), ())
        for interval in intervals:
            start = datetime.combine(day, interval.opens)
            end_day = day + timedelta(days=1) if interval.overnight else day
            end = datetime.combine(end_day, interval.closes)
            if start <= now < end:
                return True
    return False
