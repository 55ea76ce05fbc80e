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
- `/events/manage/` (members of an organisation, coordinators): our series with their
  status, last confirmation and links; for coordinators also what waits for review.
- `/events/<id>/edit/` and `/events/<id>/dates/` (the keepers: members of the owner,
  coordinators): the same form as "new", filled in; cancel one coming date, add an extra one.
- `/events/<id>/status/` (POST, the keepers): "still right", submit for review or publish
  (as the organisation's rule allows), unpublish; approve (coordinators).

Who may see what: a series that is not public is not found (404) for anyone but its keepers;
a public one that someone else tries to change is refused (403).
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from base.errors import NOT_ALLOWED, ApplicationError
from editorial.languages import content_languages
from editorial.selectors import is_overdue, reading
from events import calendar, recurrence, selectors, services
from events.models import Audience, EventLanguage, EventSeries, EventStatus
from web.event_forms import (
    AddDateForm,
    FilterForm,
    errors_of,
    form_errors,
    parse_event,
    parse_moment,
    simple_repeat,
)

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


def _form_page(
    request, organisations, values: dict, errors: dict, status: int, series=None
) -> HttpResponse:
    language = _language()
    general = errors.get("detail", []) + errors.get("owner", [])
    editing = {}
    if series is not None:
        editing = {
            "series": series,
            "action": reverse("event-edit", args=[series.pk]),
            "source_language_name": get_language_info(series.text.source_language)["name_local"],
            "imported": "://" in series.source,
            "after_review": not services.publishes_directly(request.user, series),
            "status_label": EventStatus(series.status).label,
        }
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
            "action": reverse("event-new"),
            "editing": bool(editing),
            **editing,
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
    title = reading(series.text, series.text.source_language)["title"]
    if series.status == EventStatus.IN_REVIEW:
        messages.success(
            request,
            _(
                "Thank you! Your event “%(title)s” is saved; the welcome centre reviews it "
                "before it is shown to everyone."
            )
            % {"title": title},
        )
    else:
        messages.success(
            request, _("Thank you! Your event “%(title)s” is online.") % {"title": title}
        )
    return redirect("event-detail", series.pk)


# --- keeping: manage, edit, dates, status ---------------------------------------------------


def _kept(request: HttpRequest, pk: int) -> EventSeries:
    """A series the user may change: not found unless it is visible to them (a draft of
    another organisation does not exist for them), refused if it is public but not theirs."""
    series = _visible(request, pk)
    if not selectors.may_manage(request.user, series):
        raise PermissionDenied(
            _("Only the organisation that posted this event or a coordinator can change it.")
        )
    return series


def _local_day(moment) -> str:
    return _local(moment).strftime("%d.%m.%Y")


def _series_values(series: EventSeries) -> dict:
    """The edit form filled from a series: the source text, local times, simple choices."""
    source = reading(series.text, series.text.source_language)
    start = _local(series.starts_at)
    return {
        "language": series.text.source_language,
        "title": source["title"],
        "description": source["description"],
        "venue": series.venue,
        "address": series.address,
        "online": "on" if series.online else "",
        "online_url": series.online_url,
        "date": start.date().isoformat(),
        "time": start.strftime("%H:%M"),
        "duration_minutes": str(int(series.duration.total_seconds() // 60)),
        **simple_repeat(series.rrule, series.time_zone),
        "leave_out": "\n".join(_local_day(m) for m in series.exdates),
        "extra_dates": "\n".join(_local_day(m) for m in series.rdates),
        "free": "on" if series.free else "",
        "cost": series.cost,
        "registration_url": series.registration_url,
        "places": "" if series.places is None else str(series.places),
        "categories": [category.slug for category in series.categories.all()],
        "audiences": list(series.audiences),
        "languages": list(series.languages),
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The "new" form, filled in; the source text is edited (translations become outdated)."""
    series = _kept(request, pk)
    organisations = [series.owner] if series.owner else []
    if request.method != "POST":
        return _form_page(request, organisations, _series_values(series), {}, 200, series)
    post = request.POST.copy()
    post["language"] = series.text.source_language  # the source stays in its language
    fields, errors = parse_event(post, current_rule=series.rrule)
    if not errors:
        for name in ("owner", "language"):
            fields.pop(name, None)
        if (fields.get("address") or "").strip() == series.address and bool(
            fields.get("online")
        ) == series.online:
            # The same place: keep where it was placed (a pin set through the API stays).
            fields.pop("address")
            fields.pop("online")
        try:
            series = services.update_series(series=series, user=request.user, **fields)
        except ApplicationError as error:
            errors = form_errors(error.errors, repeating=bool(fields["rrule"]))
    if errors:
        return _form_page(request, organisations, post, errors, 400, series)
    if series.status == EventStatus.IN_REVIEW:
        messages.success(
            request, _("Your changes are saved; the welcome centre reviews them before they show.")
        )
    else:
        messages.success(request, _("Your changes are saved."))
    return redirect("event-detail", series.pk)


DATES_SHOWN = 60


def _dates_page(
    request: HttpRequest, series: EventSeries, errors: dict, values: dict, status: int
) -> HttpResponse:
    now = timezone.now()
    upcoming = selectors.series_occurrences(series, now, series.last_ends_at + timedelta(seconds=1))
    start = _local(series.starts_at)
    return render(
        request,
        "web/events/dates.html",
        {
            "series": series,
            "text": _shown(series, _language()),
            "dates": [
                {"start": _local(o.start), "end": _local(o.end), "value": o.start.isoformat()}
                for o in upcoming[:DATES_SHOWN]
            ],
            "more_dates": max(len(upcoming) - DATES_SHOWN, 0),
            "cancelled": [
                {"start": _local(m), "value": m.isoformat()} for m in series.exdates if m >= now
            ],
            "errors": errors,
            "has_errors": bool(errors),
            "values": {"date": "", "time": start.strftime("%H:%M"), **values},
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one coming date (or take a cancelled one back), add an extra date."""
    series = _kept(request, pk)
    if request.method != "POST":
        return _dates_page(request, series, {}, {}, 200)
    action = request.POST.get("action", "")
    errors: dict[str, list[str]] = {}
    values: dict = {}
    try:
        if action in ("cancel", "restore"):
            moment = parse_moment(request.POST.get("start", ""))
            if moment is None:
                errors = {"cancel": [_("Please choose one of the dates.")]}
            elif action == "cancel":
                services.cancel_date(series=series, user=request.user, on=moment)
                done = _("The date of %(day)s is cancelled.")
            else:
                services.add_date(series=series, user=request.user, start=moment)
                done = _("The date of %(day)s takes place again.")
        elif action == "add":
            form = AddDateForm(request.POST)
            values = {"date": request.POST.get("date", ""), "time": request.POST.get("time", "")}
            if not form.is_valid():
                errors = errors_of(form)
            else:
                moment = form.start()
                services.add_date(series=series, user=request.user, start=moment)
                done = _("The extra date on %(day)s is added.")
        else:
            errors = {"cancel": [_("Please choose what to do.")]}
    except ApplicationError as error:
        names = {"date": "cancel", "exdates": "cancel", "start": "date", "rdates": "date"}
        if action == "add":
            names["date"] = "date"
        errors = {}
        for name, found in error.errors.items():
            errors.setdefault(names.get(name, "cancel"), []).extend(found)
    if errors:
        series.refresh_from_db()
        return _dates_page(request, series, errors, values, 400)
    messages.success(request, done % {"day": _local_day(moment)})
    return redirect("event-dates", series.pk)


def _row(series: EventSeries, user, language: str, directly: dict) -> dict:
    upcoming = selectors.next_occurrence(series)
    if series.owner_id not in directly:
        directly[series.owner_id] = services.publishes_directly(user, series)
    return {
        "series": series,
        "text": _shown(series, language),
        "status": series.status,
        "status_label": EventStatus(series.status).label,
        "next": _local(upcoming.start) if upcoming else None,
        "overdue": is_overdue(series),
        "directly": directly[series.owner_id],
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def event_manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_coordinator and not selectors.organisations_to_post_for(user).exists():
        raise Http404(_("Only members of an organisation can keep events."))
    language = _language()
    review = []
    directly: dict = {}  # per organisation: publishes at once, or after review
    if user.is_coordinator:
        review = [
            _row(s, user, language, directly) for s in selectors.waiting_for_review()[:PAGE_SIZE]
        ]
    kept = list(selectors.kept_by(user)[:PAGE_SIZE])
    return render(
        request,
        "web/events/manage.html",
        {
            "rows": [_row(s, user, language, directly) for s in kept],
            "more": len(kept) == PAGE_SIZE,
            "review": review,
            "is_coordinator": user.is_coordinator,
        },
    )


@login_required
@require_http_methods(["POST"])
def event_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One button: still right, submit (or publish), unpublish, approve."""
    series = _kept(request, pk)
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "confirm":
            services.confirm(series=series, user=user)
            done = _("Thank you: the event is marked as still right.")
        elif action == "submit":
            series = services.submit(series=series, user=user)
            if series.status == EventStatus.IN_REVIEW:
                done = _("The event waits for review by the welcome centre.")
            else:
                done = _("The event is published.")
        elif action == "publish":
            services.publish(series=series, user=user)
            done = _("The event is published.")
        elif action == "unpublish":
            services.unpublish(series=series, user=user)
            done = _("The event is no longer shown to everyone.")
        elif action == "approve":
            services.approve(series=series, user=user)
            done = _("The event is approved and published.")
        else:
            return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
    except ApplicationError as error:
        if error.code == NOT_ALLOWED:
            raise PermissionDenied() from error
        for found in error.errors.values():
            for message in found:
                messages.error(request, message)
    else:
        messages.success(request, done)
    back = request.POST.get("back", "")
    if back == "detail":
        return redirect("event-detail", series.pk)
    if back == "edit":
        return redirect("event-edit", series.pk)
    return redirect("event-manage")
