"""The directory's pages (issue 14): services and providers.

- `/directory/` (everyone): search by words (in any content language), topic, language
  spoken, open now, near a place or postal code (the offline gazetteer), barrier-free and
  appointment; results with a map (the API's GeoJSON, `web/static/web/directory.js`).
- `/directory/print/`: the same results as a printable list (no map, a print stylesheet).
- `/directory/services/<id>/`, `/directory/providers/<id>/`: one service (texts in the page's
  language, or the source with a notice; the week's hours, the next exceptions, "open now")
  and one provider with its services. Drafts and entries in review only for their editors.
- `/directory/manage/` (signed in): the profiles and services of my organisations (all of
  them for coordinators, with what waits for review); the forms for a profile and a service
  with its hours, publishing and approving. `directory.services` decides; errors beside the
  fields, nothing saved on bad input.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from base.errors import ApplicationError
from directory import selectors, services
from directory.hours import local
from directory.models import (
    Audience,
    Cost,
    ProviderKind,
    ProviderProfile,
    PublicationStatus,
    Service,
    Weekday,
)
from directory.taxonomy import spoken_choices, spoken_name, topic_choices, topic_name
from editorial.languages import content_languages
from editorial.selectors import reading
from web.directory_forms import (
    EMPTY_EXCEPTION_ROWS,
    INTERVALS_A_DAY,
    RADII_KM,
    ProfileForm,
    SearchForm,
    errors_of,
    exception_field,
    hours_field,
    parse_service,
)

MAP_CENTRE = "51.3397,12.3731"
PAGE_SIZE = 50


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _bidi(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return code in ("ar", "fa", "he", "ur", "ps", "ckb", "prs")


def _shown(text, language: str) -> dict:
    """A text as the reader gets it, with what the template needs for lang/dir and the notice."""
    found = reading(text, language)
    return {
        "fields": found.fields,
        "language": found.language,
        "dir": "rtl" if _bidi(found.language) else "ltr",
        "notice": found.notice,
        "source_name": get_language_info(found.language)["name_translated"] if found.notice else "",
    }


def _card(service: Service, language: str, now) -> dict:
    return {
        "service": service,
        "text": _shown(service.text, language),
        "provider": selectors.provider_name(service, language),
        "topics": [topic_name(slug, language) for slug in service.topics],
        "languages": [spoken_name(code) for code in service.languages],
        "open_now": selectors.is_open(service, now),
        "distance_km": round(service.distance.km, 1)
        if getattr(service, "distance", None)
        else None,
        "week": selectors.week(service),
    }


# --- the public search ------------------------------------------------------------------------


def _search(request: HttpRequest):
    form = SearchForm(request.GET or None)
    now = timezone.now()
    search = selectors.Search()
    errors: dict[str, list[str]] = {}
    api_query = QueryDict(mutable=True)
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            access = data.get("access")
            search = selectors.Search(
                query=data["q"],
                topic=data["topic"],
                language=data["language"],
                open_at=now if data["open_now"] else None,
                near=form.point,
                within_km=float(data["within_km"])
                if data.get("within_km") and form.point
                else None,
                barrier_free=data["barrier_free"] or None,
                appointment_only={"appointment": True, "open": False}.get(access),
            )
            for name, value in (
                ("q", data["q"]),
                ("topic", data["topic"]),
                ("language", data["language"]),
            ):
                if value:
                    api_query[name] = value
            if data["open_now"]:
                api_query["open_now"] = "true"
            if data["barrier_free"]:
                api_query["barrier_free"] = "true"
            if access:
                api_query["appointment_only"] = "true" if access == "appointment" else "false"
            if form.point:
                api_query["lat"], api_query["lon"] = (
                    f"{form.point[0]:.5f}",
                    f"{form.point[1]:.5f}",
                )
                if data.get("within_km"):
                    api_query["within_km"] = str(data["within_km"])
        else:
            errors = errors_of(form)
    unknown_topic = bool(search.topic) and search.topic not in dict(topic_choices())
    unknown_language = bool(search.language) and search.language not in dict(spoken_choices())
    if unknown_topic:
        errors.setdefault("topic", []).append(_("Choose a topic from the list."))
    if unknown_language:
        errors.setdefault("language", []).append(_("Choose a language from the list."))
    found = Service.objects.none() if errors else selectors.search_services(search)
    return form, search, errors, found, now, api_query


def _search_context(request: HttpRequest) -> tuple[dict, int]:
    language = _language()
    form, search, errors, found, now, api_query = _search(request)
    rows = list(selectors.for_listing(found)[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    cards = [_card(service, language, now) for service in rows[:PAGE_SIZE]]
    values = {name: request.GET.get(name, "") for name in SearchForm.base_fields}
    context = {
        "values": values,
        "errors": errors,
        "has_errors": bool(errors),
        "searched": bool(request.GET),
        "cards": cards,
        "more": more,
        "topics": topic_choices(language),
        "spoken": spoken_choices(),
        "radii": RADII_KM,
        "now_local": local(now),
        "map_url": reverse("api:directory-services-map")
        + ("?" + api_query.urlencode() if api_query else ""),
        "print_url": reverse("directory-print")
        + ("?" + request.GET.urlencode() if request.GET else ""),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_centre": MAP_CENTRE,
    }
    return context, 400 if errors else 200


@require_http_methods(["GET", "HEAD"])
def search(request: HttpRequest) -> HttpResponse:
    context, status = _search_context(request)
    return render(request, "web/directory/search.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def printable(request: HttpRequest) -> HttpResponse:
    context, status = _search_context(request)
    context["printed_on"] = timezone.localdate()
    return render(request, "web/directory/print.html", context, status=status)


# --- one service, one provider ----------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def service_page(request: HttpRequest, pk: int) -> HttpResponse:
    language = _language()
    service = get_object_or_404(
        selectors.for_listing(selectors.visible_services(request.user)), pk=pk
    )
    now = timezone.now()
    today = local(now).date()
    card = _card(service, language, now)
    exception_today = selectors.exception_on(service, today)
    return render(
        request,
        "web/directory/service.html",
        {
            **card,
            "today": today,
            "today_weekday": today.weekday(),
            "exception_today": exception_today,
            "exceptions": [
                row for row in selectors.exceptions_ahead(service, today) if row.date != today
            ],
            "audience": [Audience(value).label for value in service.audience],
            "cost_label": Cost(service.cost).label,
            "may_edit": services.may_edit(request.user, service.provider.organisation),
            "published": service.status == PublicationStatus.PUBLISHED,
            "status_label": PublicationStatus(service.status).label,
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "map_centre": f"{service.point.y:.5f},{service.point.x:.5f}",
        },
    )


@require_http_methods(["GET", "HEAD"])
def provider_page(request: HttpRequest, pk: int) -> HttpResponse:
    language = _language()
    profile = get_object_or_404(
        selectors.visible_profiles(request.user).select_related("text", "organisation"), pk=pk
    )
    now = timezone.now()
    offered = selectors.for_listing(
        selectors.visible_services(request.user).filter(provider=profile).order_by("pk")
    )
    return render(
        request,
        "web/directory/provider.html",
        {
            "profile": profile,
            "text": _shown(profile.text, language),
            "kind_label": ProviderKind(profile.kind).label,
            "cards": [_card(service, language, now) for service in offered],
            "may_edit": services.may_edit(request.user, profile.organisation),
        },
    )


# --- managing one's entries -------------------------------------------------------------------


def _organisations(user):
    editable = selectors.editable_organisation_ids(user)
    organisations = Organisation.objects.order_by("name", "pk")
    if editable is not None:
        organisations = organisations.filter(pk__in=editable)
    return organisations


@never_cache
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    language = _language()
    rows = []
    for organisation in _organisations(request.user).select_related("provider_profile__text"):
        profile = getattr(organisation, "provider_profile", None)
        if profile is None and request.user.is_coordinator:
            continue  # coordinators see the organisations that have a profile
        entries = []
        if profile is not None:
            for service in (
                profile.services.select_related("text")
                .prefetch_related("text__translations")
                .order_by("pk")
            ):
                entries.append(
                    {
                        "service": service,
                        "title": reading(service.text, language)["title"],
                        "status_label": PublicationStatus(service.status).label,
                    }
                )
        rows.append(
            {
                "organisation": organisation,
                "profile": profile,
                "profile_status": PublicationStatus(profile.status).label if profile else "",
                "services": entries,
            }
        )
    review, overdue, profiles = [], [], []
    if request.user.is_coordinator:
        profiles = list(selectors.profiles_in_review().select_related("organisation"))
        review = [
            {"service": service, "title": reading(service.text, language)["title"]}
            for service in selectors.in_review()
            .select_related("text")
            .prefetch_related("text__translations")
        ]
        overdue = [
            {"service": service, "title": reading(service.text, language)["title"]}
            for service in selectors.overdue_services()
            .select_related("text", "provider__organisation")
            .prefetch_related("text__translations")[:50]
        ]
    return render(
        request,
        "web/directory/manage.html",
        {
            "rows": rows,
            "review": review,
            "profiles_in_review": profiles,
            "overdue": overdue,
            "coordinator": request.user.is_coordinator,
        },
    )


def _profile_page(request, organisation, profile, values, errors, status=200) -> HttpResponse:
    return render(
        request,
        "web/directory/profile_form.html",
        {
            "organisation": organisation,
            "profile": profile,
            "values": values,
            "errors": errors,
            "has_errors": bool(errors),
            "general_errors": [m for n, found in errors.items() if n not in values for m in found],
            "kinds": ProviderKind.choices,
            "languages": _content_language_choices(),
        },
        status=status,
    )


def _content_language_choices() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code in content_languages()]


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_profile(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_object_or_404(_organisations(request.user), pk=organisation_pk)
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    if request.method != "POST":
        if profile is None:
            values = {"language": _language(), "name": organisation.name, "kind": "provider"}
        else:
            text = reading(profile.text, profile.text.source_language)
            values = {
                "language": profile.text.source_language,
                "name": text["name"],
                "description": text["description"],
                "kind": profile.kind,
                "website": profile.website,
                "phone": profile.phone,
                "email": profile.email,
            }
        return _profile_page(request, organisation, profile, values, {})
    values = {name: request.POST.get(name, "") for name in ProfileForm.base_fields}
    form = ProfileForm(request.POST)
    errors = errors_of(form) if not form.is_valid() else {}
    if not errors:
        try:
            services.save_provider_profile(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as refused:
            errors = refused.errors
    if errors:
        return _profile_page(request, organisation, profile, values, errors, status=400)
    messages.success(request, _("The profile is saved."))
    return redirect("directory-manage")


def _service_values(service: Service | None, language: str) -> dict:
    if service is None:
        return {
            "language": language,
            "cost": Cost.FREE,
            "topics": [],
            "audience": [],
            "languages": [],
        }
    text = reading(service.text, service.text.source_language)
    values = {
        "language": service.text.source_language,
        "title": text["title"],
        "description": text["description"],
        "cost_note": text["cost_note"],
        "cost": service.cost,
        "appointment_only": service.appointment_only,
        "barrier_free": service.barrier_free,
        "address": service.address,
        "website": service.website,
        "phone": service.phone,
        "email": service.email,
        "topics": list(service.topics),
        "audience": list(service.audience),
        "languages": list(service.languages),
    }
    counts: dict[int, int] = {}
    for row in service.hours.all():
        number = counts.get(row.weekday, 0)
        if number < INTERVALS_A_DAY:
            values[hours_field(row.weekday, number, "opens")] = row.opens.strftime("%H:%M")
            values[hours_field(row.weekday, number, "closes")] = row.closes.strftime("%H:%M")
        counts[row.weekday] = number + 1
    for number, row in enumerate(service.exceptions.all()):
        values[exception_field(number, "date")] = row.date.isoformat()
        values[exception_field(number, "closed")] = row.closed
        values[exception_field(number, "opens")] = row.opens.strftime("%H:%M") if row.opens else ""
        values[exception_field(number, "closes")] = (
            row.closes.strftime("%H:%M") if row.closes else ""
        )
        values[exception_field(number, "note")] = row.note
    return values


def _posted_service(post, rows: int) -> dict:
    values = {name: post.get(name, "") for name in post if name != "csrfmiddlewaretoken"}
    for name in ("topics", "audience", "languages"):
        values[name] = post.getlist(name)
    for flag in ("appointment_only", "barrier_free"):
        values[flag] = post.get(flag) == "on"
    for number in range(rows):
        values[exception_field(number, "closed")] = (
            post.get(exception_field(number, "closed")) == "on"
        )
    return values


def _exception_rows(service: Service | None) -> int:
    existing = service.exceptions.count() if service is not None else 0
    return existing + EMPTY_EXCEPTION_ROWS


def _service_page(request, *, provider, service, values, errors, rows, status=200) -> HttpResponse:
    language = _language()
    days = [
        {
            "weekday": day.value,
            "label": day.label,
            "intervals": [
                {
                    "number": number,
                    "opens_name": hours_field(day.value, number, "opens"),
                    "closes_name": hours_field(day.value, number, "closes"),
                    "opens": values.get(hours_field(day.value, number, "opens"), ""),
                    "closes": values.get(hours_field(day.value, number, "closes"), ""),
                }
                for number in range(INTERVALS_A_DAY)
            ],
        }
        for day in Weekday
    ]
    exception_rows = [
        {
            "number": number,
            **{
                part: values.get(exception_field(number, part), "")
                for part in ("date", "closed", "opens", "closes", "note")
            },
            **{
                f"{part}_name": exception_field(number, part)
                for part in ("date", "closed", "opens", "closes", "note")
            },
        }
        for number in range(rows)
    ]
    known = {
        "language", "title", "description", "cost_note", "cost", "appointment_only",
        "barrier_free", "address", "website", "phone", "email", "topics", "audience",
        "languages", "hours", "exceptions",
    }  # fmt: skip
    return render(
        request,
        "web/directory/service_form.html",
        {
            "provider": provider,
            "service": service,
            "provider_name": reading(provider.text, language)["name"],
            "values": values,
            "errors": errors,
            "has_errors": bool(errors),
            "general_errors": [m for n, found in errors.items() if n not in known for m in found],
            "days": days,
            "exception_rows": exception_rows,
            "topics": topic_choices(language),
            "audiences": Audience.choices,
            "spoken": spoken_choices(),
            "costs": Cost.choices,
            "languages": _content_language_choices(),
            "rows": rows,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_service(request: HttpRequest, provider_pk: int) -> HttpResponse:
    provider = get_object_or_404(selectors.editable_profiles(request.user), pk=provider_pk)
    rows = _exception_rows(None)
    if request.method != "POST":
        return _service_page(
            request, provider=provider, service=None, values=_service_values(None, _language()),
            errors={}, rows=rows,
        )  # fmt: skip
    rows = _rows_posted(request, rows)
    fields, errors = parse_service(request.POST, rows)
    if not errors:
        try:
            services.create_service(provider=provider, actor=request.user, **fields)
        except ApplicationError as refused:
            errors = refused.errors
    if errors:
        return _service_page(
            request, provider=provider, service=None, values=_posted_service(request.POST, rows),
            errors=errors, rows=rows, status=400,
        )  # fmt: skip
    messages.success(request, _("The service is saved as a draft. Publish it when it is ready."))
    return redirect("directory-manage")


def _rows_posted(request: HttpRequest, rows: int) -> int:
    try:
        posted = int(request.POST.get("exception_rows", rows))
    except ValueError:
        posted = rows
    return max(EMPTY_EXCEPTION_ROWS, min(posted, 60 + EMPTY_EXCEPTION_ROWS))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        selectors.editable_services(request.user).select_related("provider__text", "text"), pk=pk
    )
    rows = _exception_rows(service)
    if request.method != "POST":
        return _service_page(
            request, provider=service.provider, service=service,
            values=_service_values(service, _language()), errors={}, rows=rows,
        )  # fmt: skip
    rows = _rows_posted(request, rows)
    fields, errors = parse_service(request.POST, rows)
    if not errors:
        try:
            services.update_service(service=service, actor=request.user, **fields)
        except ApplicationError as refused:
            errors = refused.errors
    if errors:
        return _service_page(
            request, provider=service.provider, service=service,
            values=_posted_service(request.POST, rows), errors=errors, rows=rows, status=400,
        )  # fmt: skip
    messages.success(request, _("Your changes are saved."))
    return redirect("directory-manage")


def _step(request: HttpRequest, step, done: str) -> HttpResponse:
    try:
        step()
    except ApplicationError as refused:
        for found in refused.errors.values():
            for message in found:
                messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("directory-manage")


@login_required
@require_POST
def publish_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(selectors.editable_services(request.user), pk=pk)
    return _step(
        request,
        lambda: services.publish_service(service=service, actor=request.user),
        _("Published, or sent to the welcome centre for review."),
    )


@login_required
@require_POST
def approve_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    if not request.user.is_coordinator:
        raise Http404
    return _step(
        request,
        lambda: services.approve_service(service=service, actor=request.user),
        _("The service is published."),
    )


@login_required
@require_POST
def confirm_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        selectors.editable_services(request.user).select_related("provider__organisation"), pk=pk
    )
    return _step(
        request,
        lambda: services.confirm_service(service=service, actor=request.user),
        _("Thank you: the entry is confirmed as correct."),
    )


@login_required
@require_POST
def approve_profile(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(ProviderProfile, pk=pk)
    if not request.user.is_coordinator:
        raise Http404
    return _step(
        request,
        lambda: services.approve_profile(profile=profile, actor=request.user),
        _("The profile is published."),
    )


@login_required
@require_POST
def publish_profile(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(selectors.editable_profiles(request.user), pk=pk)
    return _step(
        request,
        lambda: services.publish_profile(profile=profile, actor=request.user),
        _("Published, or sent to the welcome centre for review."),
    )
