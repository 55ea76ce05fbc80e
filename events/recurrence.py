"""The dates of a series: RFC 5545 recurrence, expanded by python-dateutil, not by hand.

The rule is read in the series' own time zone: the first start is given to dateutil as an
aware local time (Europe/Berlin), and dateutil repeats its wall-clock time, so a weekly
course at 18:00 is at 18:00 local before and after the change to summer time (17:00 UTC, then
16:00 UTC). Dates left out (EXDATE) and extra dates (RDATE) are instants and compare as such.
Every date handed out is converted to UTC.

A rule's UNTIL is kept in UTC, as RFC 5545 asks when DTSTART has a time zone: an UNTIL given
as a date ("until 15 April") is the end of that day in the series' zone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr
from django.utils.translation import gettext as _
from icalendar.prop import vRecur

# A series of more dates is a mistake (an UNTIL years ahead on a daily rule), not a course.
MAX_OCCURRENCES = 500
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


class RuleError(ValueError):
    """A rule that cannot be used: the message says why, for the person who wrote it."""


@dataclass(frozen=True)
class Occurrence:
    """One date of a series, in UTC."""

    series_id: int
    start: datetime
    end: datetime


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _never_ends() -> RuleError:
    return RuleError(_("A repeating event needs an end: a number of times or a last date."))


def normalise_rule(rule: str, *, tz: str) -> str:
    """The rule in one spelling (no "RRULE:" prefix, UNTIL in UTC), or RuleError."""
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        return ""
    try:
        parts = vRecur.from_ical(text)
    except (ValueError, TypeError, KeyError) as error:
        raise RuleError(_("This repetition rule cannot be read.")) from error
    freq = [str(f).upper() for f in parts.get("FREQ", [])]
    if len(freq) != 1:
        raise RuleError(_("This repetition rule cannot be read."))
    if freq[0] not in ALLOWED_FREQUENCIES:
        raise RuleError(_("An event repeats at most daily: every day, week, month or year."))
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError(_("Give either a number of times or a last date, not both."))
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _never_ends()
    if "UNTIL" in parts:
        until = parts["UNTIL"][0]
        if isinstance(until, datetime):
            if until.tzinfo is None:
                until = until.replace(tzinfo=zone(tz))
        else:  # a date: the end of that day where the event takes place
            until = datetime.combine(until, time(23, 59, 59), tzinfo=zone(tz))
        parts["UNTIL"] = [until.astimezone(UTC)]
    if "COUNT" in parts and int(parts["COUNT"][0]) < 1:
        raise RuleError(_("An event repeats at least once."))
    normalised = vRecur(parts).to_ical().decode()
    try:
        rrulestr(normalised, dtstart=datetime(2026, 1, 1, 12, tzinfo=zone(tz)))
    except (ValueError, TypeError, KeyError) as error:
        raise RuleError(_("This repetition rule cannot be read.")) from error
    return normalised


def build(
    starts_at: datetime,
    *,
    rule: str,
    tz: str,
    exdates: Iterable[datetime] = (),
    rdates: Iterable[datetime] = (),
) -> rruleset:
    """The dateutil set of start times: the rule (or the first start alone) from the first
    start in local time, without the EXDATEs, with the RDATEs."""
    local_start = starts_at.astimezone(zone(tz))
    dates = rruleset()
    if rule:
        dates.rrule(rrulestr(rule, dtstart=local_start))
    else:
        dates.rdate(local_start)
    for moment in rdates:
        dates.rdate(moment.astimezone(zone(tz)))
    for moment in exdates:
        dates.exdate(moment.astimezone(zone(tz)))
    return dates


def starts(
    starts_at: datetime,
    *,
    rule: str,
    tz: str,
    exdates: Iterable[datetime] = (),
    rdates: Iterable[datetime] = (),
    limit: int = MAX_OCCURRENCES + 1,
) -> list[datetime]:
    """Every start (UTC), at most `limit` of them."""
    dates = build(starts_at, rule=rule, tz=tz, exdates=exdates, rdates=rdates)
    return [moment.astimezone(UTC) for moment in islice(iter(dates), limit)]


def starts_between(
    starts_at: datetime,
    *,
    rule: str,
    tz: str,
    exdates: Iterable[datetime],
    rdates: Iterable[datetime],
    after: datetime,
    before: datetime,
) -> list[datetime]:
    """The starts (UTC) from `after` (inclusive) to `before` (exclusive)."""
    dates = build(starts_at, rule=rule, tz=tz, exdates=exdates, rdates=rdates)
    found = dates.between(after, before, inc=True)
    return [moment.astimezone(UTC) for moment in found if moment < before]


def rule_from_choice(
    repeat: str, *, until: date | None = None, count: int | None = None, tz: str
) -> str:
    """A rule from the simple choices of the web form: "" (once), "weekly", "biweekly",
    "monthly", ending on a date or after a number of times."""
    if not repeat:
        return ""
    parts: dict = {
        "weekly": {"FREQ": ["WEEKLY"]},
        "biweekly": {"FREQ": ["WEEKLY"], "INTERVAL": [2]},
        "monthly": {"FREQ": ["MONTHLY"]},
    }[repeat]
    if count:
        parts["COUNT"] = [count]
    if until:
        end = datetime.combine(until, time(23, 59, 59), tzinfo=zone(tz))
        parts["UNTIL"] = [end.astimezone(UTC)]
    # Without an end it is returned as it is, so that the service names the missing end.
    return vRecur(parts).to_ical().decode()


def describe_frequency(rule: str) -> tuple[str, int]:
    """("WEEKLY", 2) for a rule every two weeks; ("", 0) for none."""
    if not rule:
        return "", 0
    parts = vRecur.from_ical(rule)
    return str(parts["FREQ"][0]).upper(), int(parts.get("INTERVAL", [1])[0])
