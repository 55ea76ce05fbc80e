"""The event pages (issue 14): events and courses.

- `/events/` (everyone): the coming dates, filtered by category, dates, language the event is
  held in, district and words; a link to the same filter as an iCalendar feed to subscribe to
  (`api:events-feed`, a stable URL).
- `/events/<id>/` (everyone, a published series; its keepers also an unpublished one): the
  texts in the page's language (or the source with a notice), its coming dates, the dates left
  out, the place, and "Add to my calendar" (`/events/<id>/calendar.ics`, the whole series with
  its rule).
- `/events/new/` (members of an organisation, coordinators): post an event; the simple
  repetition choices become an RFC 5545 rule. `events.services` decides; errors beside the
  fields, nothing saved.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from base.errors import ApplicationError
from editorial.languages import content_languages
from editorial.selectors import reading
from events import calendar, recurrence, selectors, services
from events.models import Audience, EventLanguage, EventSeries
from web.event_forms import FilterForm, errors_of, form_errors, parse_event

PAGE_SIZE = 100
SHOWN_DATES = 30


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _bidi(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return code in ("ar", "fa", "prs", "ps", "ur", "ckb", "he")


def _shown(series: EventSeries, language: str) -> dict:
    """The series' text as the reader gets it, with lang/dir and the notice."""
    found = reading(series.text, language)
    return {
        "title": found["title"],
        "description": found["description"],
        "language": found.language,
        "dir": "rtl" if _bidi(found.language) else "ltr",
        "notice": found.notice,
        "source_name": get_language_info(found.language)["name_translated"] if found.notice else "",
    }


def _local(moment):
    return timezone.localtime(moment)


def _facts(series: EventSeries, language: str) -> dict:
    languages = dict(EventLanguage.choices)
    audiences = dict(Audience.choices)
    return {
        "categories": [category.name(language) for category in series.categories.all()],
        "languages": [str(languages.get(code, code)) for code in series.languages],
        "audiences": [str(audiences.get(code, code)) for code in series.audiences],
    }


# --- the list -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def event_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    form = FilterForm(request.GET or None)
    errors: dict[str, list[str]] = {}
    f = selectors.EventFilter()
    if request.GET:
        if form.is_valid():
            f = form.event_filter()
        else:
            errors = errors_of(form)
    rows = []
    if not errors:
        after, before = selectors.window(f)
        found = selectors.occurrences(selectors.filtered(selectors.published(), f), after, before)
        for occurrence, series in found[:PAGE_SIZE]:
            rows.append(
                {
                    "series": series,
                    "start": _local(occurrence.start),
                    "end": _local(occurrence.end),
                    "text": _shown(series, language),
                    **_facts(series, language),
                }
            )
        more = len(found) > PAGE_SIZE
    else:
        more = False
    query = f.as_query()
    feed_url = request.build_absolute_uri(
        reverse("api:events-feed") + ("?" + urlencode(query) if query else "")
    )
    values = {name: request.GET.get(name, "") for name in FilterForm.base_fields}
    context = {
        "rows": rows,
        "more": more,
        "values": values,
        "errors": errors,
        "has_errors": bool(errors),
        "searched": bool(query),
        "categories": [(c.slug, c.name(language)) for c in selectors.categories()],
        "languages": EventLanguage.choices,
        "districts": selectors.districts(),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "may_post": selectors.organisations_to_post_for(request.user).exists(),
    }
    return render(request, "web/events/list.html", context, status=400 if errors else 200)


# --- one series ---------------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> EventSeries:
    return get_object_or_404(selectors.visible_to(request.user), pk=pk)


@require_http_methods(["GET", "HEAD"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = _visible(request, pk)
    language = _language()
    now = timezone.now()
    upcoming = selectors.series_occurrences(series, now, series.last_ends_at + timedelta(seconds=1))
    past = not upcoming
    if past:
        upcoming = selectors.all_occurrences(series)[-3:]
    cancelled = [_local(m) for m in series.exdates if m >= now]
    category = series.categories.first()
    feed_query = {"category": category.slug} if category else {}
    feed_url = request.build_absolute_uri(
        reverse("api:events-feed") + ("?" + urlencode(feed_query) if feed_query else "")
    )
    frequency, interval = recurrence.describe_frequency(series.rrule)
    return render(
        request,
        "web/events/detail.html",
        {
            "series": series,
            "text": _shown(series, language),
            "dates": [(_local(o.start), _local(o.end)) for o in upcoming[:SHOWN_DATES]],
            "more_dates": max(len(upcoming) - SHOWN_DATES, 0),
            "past": past,
            "cancelled": cancelled,
            "repeats": bool(series.rrule),
            "frequency": frequency,
            "interval": interval,
            "ics_url": reverse("event-calendar", args=[series.pk]),
            "feed_url": feed_url,
            "category": category.name(language) if category else "",
            "may_manage": selectors.may_manage(request.user, series),
            **_facts(series, language),
        },
    )


@require_http_methods(["GET", "HEAD"])
def event_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The series as an .ics file to add to one's calendar (with its whole rule)."""
    series = _visible(request, pk)
    url = request.build_absolute_uri(reverse("event-detail", args=[series.pk]))
    content = calendar.series_calendar(series, _language(), url=url)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{calendar.filename(series)}"'
    return response


# --- posting --------------------------------------------------------------------------------


def _form_page(request, organisations, values: dict, errors: dict, status: int) -> HttpResponse:
    language = _language()
    general = errors.get("detail", []) + errors.get("owner", [])
    return render(
        request,
        "web/events/form.html",
        {
            "organisations": organisations,
            "values": values,
            "errors": errors,
            "general_errors": general,
            "has_errors": bool(errors),
            "content_languages": [
                (code, get_language_info(code)["name_local"]) for code in content_languages()
            ],
            "categories": [(c.slug, c.name(language)) for c in selectors.categories()],
            "audiences": Audience.choices,
            "languages": EventLanguage.choices,
            "checked": {
                name: values.getlist(name) if hasattr(values, "getlist") else values.get(name, [])
                for name in ("categories", "audiences", "languages")
            },
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_to_post_for(request.user))
    if not organisations:
        raise Http404(_("Only members of an organisation can post events."))
    if request.method != "POST":
        initial = {
            "language": _language() if _language() in content_languages() else "de",
            "owner": str(organisations[0].pk),
            "duration_minutes": "90",
            "time": "18:00",
            "free": "on",
            "categories": [],
            "audiences": [],
            "languages": [],
        }
        return _form_page(request, organisations, initial, {}, 200)
    fields, errors = parse_event(request.POST)
    series = None
    if not errors:
        owner_id = fields.pop("owner", None)
        owner = next((o for o in organisations if o.pk == owner_id), organisations[0])
        if owner_id is not None and owner.pk != owner_id:
            errors = {
                "owner": [_("You can post events only for an organisation you are a member of.")]
            }
        else:
            try:
                series = services.create_series(user=request.user, owner=owner, **fields)
            except ApplicationError as error:
                errors = form_errors(error.errors, repeating=bool(fields["rrule"]))
    if errors:
        return _form_page(request, organisations, request.POST, errors, 400)
    messages.success(
        request,
        _("Thank you! Your event “%(title)s” is online.")
        % {"title": reading(series.text, series.text.source_language)["title"]},
    )
    return redirect("event-detail", series.pk)
