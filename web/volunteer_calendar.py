"""Volunteers' shifts as iCalendar files (RFC 5545, the `icalendar` package): one file per
accepted shift, and a personal feed of all of them behind a secret address.

The feed's address carries a signed token (django.core.signing, its own salt) that names the
profile and the version of its address (`VolunteerProfile.calendar_feed_version`); renewing
the address counts the version up, so every older address stops working. A calendar app
fetches the feed without signing in, so the token is all it has.

A shift's LOCATION is the exact address of the need only once both sides said yes; whoever
gets the file then sees it, so the audit hears of it (`matching.selectors.reveal_to`).
"""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import User
from matching.models import Match
from matching.selectors import REVEALING_STATES, matches_visible_to, reveal_to, shown_to_sides
from volunteers.models import VolunteerProfile

FEED_SALT = "web.volunteer_calendar.feed"
PRODID = "-//Willkommen//Volunteer shifts//EN"


# --- which matches ---------------------------------------------------------------------------


def shifts_of(user: User) -> QuerySet[Match]:
    """The volunteer's own shift matches that were shown to them (never a proposal), even
    when the user is a coordinator, who would otherwise see every match."""
    return shown_to_sides(
        matches_visible_to(user).filter(kind=Match.Kind.VOLUNTEERS, volunteer__user=user)
    ).select_related("shift__need__organisation", "volunteer")


def accepted_shifts_of(user: User) -> QuerySet[Match]:
    """Shifts both sides said yes to (accepted, or already done): those go in a calendar."""
    return shifts_of(user).filter(state__in=REVEALING_STATES).order_by("shift__start", "pk")


# --- the feed's secret address ---------------------------------------------------------------


def feed_token(profile: VolunteerProfile) -> str:
    # Without a timestamp: the address stays the same until it is renewed, so the page shows
    # one address however often it is opened (and a calendar that subscribed keeps working).
    return signing.Signer(salt=FEED_SALT).sign_object(
        {"p": profile.pk, "v": profile.calendar_feed_version}
    )


def profile_for_token(token: str) -> VolunteerProfile | None:
    """The profile a feed token names, if it is signed by us and of the profile's current
    version, and its owner may still sign in; None otherwise (a tampered, renewed or foreign
    token all look the same)."""
    try:
        data = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    profile = (
        VolunteerProfile.objects.select_related("user")
        .filter(pk=data["p"], calendar_feed_version=data.get("v"))
        .first()
    )
    if profile is None or not profile.user.is_active:
        return None
    return profile


# --- the calendar ----------------------------------------------------------------------------


def _uid(match: Match) -> str:
    # Stable per match, so that a calendar app updates the event instead of adding another.
    host = urlsplit(settings.SITE_URL).hostname or "willkommen"
    return f"volunteer-shift-{match.pk}@{host}"


def shift_event(match: Match, viewer: User) -> Event:
    """One VEVENT for a shift match. The exact address only once both sides said yes;
    before that the need's public area."""
    shift, need = match.shift, match.shift.need
    event = Event()
    event.add("uid", _uid(match))
    event.add("dtstamp", match.accepted_at or match.updated_at)
    event.add("dtstart", shift.start.astimezone(UTC))
    event.add("dtend", shift.end.astimezone(UTC))
    event.add("summary", need.title)
    details = reveal_to(viewer, match, "offer") if match.state in REVEALING_STATES else None
    if details is not None:
        event.add("location", details["address"])
    else:
        event.add("location", ", ".join(p for p in (need.district, need.place) if p) or "—")
    match_url = settings.SITE_URL.rstrip("/") + reverse("match", args=[match.pk])
    event.add(
        "description",
        "\n".join(
            [
                _("Initiative: %(name)s") % {"name": need.organisation.name},
                _("Details and messages: %(url)s") % {"url": match_url},
            ]
        ),
    )
    event.add("url", match_url)
    event.add("status", "CONFIRMED" if match.state in REVEALING_STATES else "TENTATIVE")
    return event


def calendar_of(matches, viewer: User, *, name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for match in matches:
        calendar.add_component(shift_event(match, viewer))
    return calendar.to_ical()
