"""The volunteer's pages: their profile (skills, languages, a weekly grid of times, away
periods, radius, hours, place), their shifts, and the shifts as calendar files and a feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from base.errors import GENERAL, ApplicationError
from matching.models import MatchState
from matching.selectors import REVEALING_STATES
from volunteers import selectors, services
from web import volunteer_calendar, volunteer_forms
from web.summaries import state_label

# --- profile ---------------------------------------------------------------------------------


def _public_area(record) -> str:
    return ", ".join(part for part in (record.district, record.postal_code, record.place) if part)


def _profile_page(request, profile, values, errors=None, status=200) -> HttpResponse:
    errors = errors or {}
    # Messages of fields the form has no place for (one profile per person, a closed
    # profile …) stand at the top.
    general = [
        message
        for name, field_messages in errors.items()
        if name not in volunteer_forms.FIELDS
        for message in field_messages
    ]
    languages = list(values.languages) + [("", "")] * 2
    away_periods = list(values.away_periods) + [("", "")] * 2
    slots = volunteer_forms.slot_rows_of(profile)
    context = {
        "profile": profile,
        "values": values,
        "errors": errors,
        "general_errors": general,
        "first_error": next((name for name in volunteer_forms.FIELDS if name in errors), None),
        "skills": sorted(
            ((skill.slug, skill.name()) for skill in selectors.skills()),
            key=lambda choice: choice[1].casefold(),
        ),
        "languages": list(enumerate(languages)),
        "language_choices": volunteer_forms.language_choices(),
        "level_choices": volunteer_forms.level_choices(),
        "away_periods": list(enumerate(away_periods)),
        "grid": volunteer_forms.grid(values.cells),
        "blocks": [volunteer_forms.block_label(h) for h in volunteer_forms.BLOCK_STARTS],
        "slot_texts": volunteer_forms.slot_texts(slots),
        "grid_fits": _grid_draws(slots),
        "public_area": _public_area(profile) if profile is not None else "",
    }
    return render(request, "web/volunteer_profile.html", context, status=status)


def _grid_draws(slots) -> bool:
    """Whether the grid shows the saved slots exactly (else the page lists them in words)."""
    drawn = volunteer_forms.slots_from_cells(volunteer_forms.cells_of(slots))
    saved = [{"weekday": s.weekday, "start": s.start, "end": s.end} for s in slots]
    key = lambda slot: (slot["weekday"], slot["start"])  # noqa: E731
    return sorted(drawn, key=key) == sorted(saved, key=key)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    record = selectors.profile_of(request.user)
    if request.method != "POST":
        return _profile_page(request, record, volunteer_forms.values_of(record))
    values, data, errors = volunteer_forms.parse_profile(request.POST, list(selectors.skills()))
    if errors:
        return _profile_page(request, record, values, errors, status=400)
    changed = data.pop("availability_changed")
    try:
        if record is None:
            services.create_volunteer_profile(user=request.user, **data)
        else:
            if not changed:
                data.pop("availability")  # the saved slots stay exactly as they are
            if data["address"] == record.address:
                data.pop("address")  # placed again only when it changed (a pin stays)
            services.update_volunteer_profile(record=record, user=request.user, **data)
    except ApplicationError as error:
        return _profile_page(request, record, values, error.errors, status=400)
    messages.success(request, _("Your volunteer profile is saved."))
    return redirect("volunteer-profile")


# --- shifts ----------------------------------------------------------------------------------


def _when(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    last = "TIME_FORMAT" if start.date() == end.date() else "DATETIME_FORMAT"
    day = date_format(start, "l")  # the weekday's name: people plan by it
    return f"{day}, {date_format(start, 'DATETIME_FORMAT')} – {date_format(end, last)}"


def _shift_item(match) -> dict:
    need = match.shift.need
    return {
        "match": match,
        "when": _when(match.shift.start, match.shift.end),
        "start": match.shift.start,
        "title": need.title,
        "initiative": need.organisation.name,
        "area": _public_area(need) or "—",
        "state": state_label(match.state),
        "my_answer": match.offer_answer,
        "past": match.shift.end < timezone.now(),
    }


@login_required
def shifts(request: HttpRequest) -> HttpResponse:
    record = selectors.profile_of(request.user)
    matches = volunteer_calendar.shifts_of(request.user).filter(
        state__in=[MatchState.OFFERED, *REVEALING_STATES]
    )
    items = sorted((_shift_item(m) for m in matches), key=lambda item: item["start"])
    context = {
        "profile": record,
        "offered": [i for i in items if i["match"].state == MatchState.OFFERED],
        "accepted": [i for i in items if i["match"].state in REVEALING_STATES],
        "feed_url": (
            request.build_absolute_uri(
                reverse("calendar-feed", args=[volunteer_calendar.feed_token(record)])
            )
            if record is not None
            else ""
        ),
    }
    return render(request, "web/volunteer_shifts.html", context)


@login_required
@require_POST
def renew_feed(request: HttpRequest) -> HttpResponse:
    record = selectors.profile_of(request.user)
    if record is None:
        raise Http404
    try:
        services.renew_calendar_feed(record=record, user=request.user)
    except ApplicationError as error:
        for message in error.errors.get(GENERAL, []):
            messages.error(request, message)
        return redirect("volunteer-shifts")
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    return redirect("volunteer-shifts")


# --- calendar files --------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@never_cache
def shift_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One accepted shift of the signed-in volunteer; any other match (someone else's, a
    proposal, one still waiting for answers) is not there: 404."""
    match = volunteer_calendar.accepted_shifts_of(request.user).filter(pk=pk).first()
    if match is None:
        raise Http404
    return _ics(volunteer_calendar.calendar_of([match], request.user), f"shift-{match.pk}.ics")


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Every accepted shift of the volunteer the token names; no sign-in (calendar apps
    fetch it), so a token that is tampered with, renewed away or unknown is a 404."""
    record = volunteer_calendar.profile_for_token(token)
    if record is None:
        raise Http404
    user = record.user
    with translation.override(user.preferred_language or None):
        body = volunteer_calendar.calendar_of(
            volunteer_calendar.accepted_shifts_of(user),
            user,
            name=_("Willkommen: my shifts"),
        )
    return _ics(body, "shifts.ics")
