"""The initiative's pages, for its members (area "initiative").

- `/initiative/` (`?org=<id>` for a person in several initiatives): our open needs of every
  kind with their state as members are told it (`matching.selectors.as_shown`: proposals under
  review stay internal), and the matches of our needs that were offered, accepted or fulfilled,
  each leading to `/matches/<id>/` (answer, handover with a quantity, messages).
- `/initiative/needs/goods/new/`, `…/<id>/edit/`, `…/<id>/withdraw/`: a goods need through
  `donations.services`; `/initiative/needs/volunteers/…`: a volunteer need with its shifts
  through `volunteers.services`; withdrawing asks first (`lifecycle.services.withdraw`).
- `/initiative/needs/import/`: goods needs from a CSV file; every row is checked by
  `donations.imports.import_goods_needs` in a dry run and shown (bad rows with their line and
  messages), and only a file without bad rows is saved, once the person confirms.
- `/initiative/members/`: for the initiative's admins, who asked to join (approve or reject
  through `accounts.services`) and who is a member.

A need of another initiative is not there for a member (404).
"""

import base64
import binascii

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import Membership, Organisation
from base.errors import GENERAL, NOT_ALLOWED, NOT_FOUND, ApplicationError
from donations import services as donation_services
from donations.imports import import_goods_needs
from donations.models import GoodsNeed
from geo.services import address_for_pin
from housing.models import HousingNeed
from lifecycle import selectors as lifecycle_selectors
from lifecycle import services as lifecycle_services
from lifecycle.imports import RowsRejected
from lifecycle.states import CLOSED_STATUSES
from matching import selectors as matching_selectors
from matching.models import Match, MatchState
from volunteers import selectors as volunteer_selectors
from volunteers import services as volunteer_services
from volunteers.models import Shift, VolunteerNeed
from web import initiative_forms as forms
from web.donation_forms import ATTRIBUTE_LABELS, attributes_from
from web.donation_views import MAP_CENTRE, _category_groups
from web.edit_values import pin_values, place_changes
from web.summaries import kind_label, match_quantity, offer_title, state_label, status_label
from web.volunteer_forms import language_choices

# Matches of our needs that the overview lists: never proposals (internal to coordinators).
LISTED_MATCH_STATES = (MatchState.OFFERED, MatchState.ACCEPTED, MatchState.FULFILLED)
GOODS_FIELDS = (
    "organisation",
    "title",
    "category",
    "attributes",
    "quantity",
    "deadline",
    "max_distance_km",
    "description",
    "address",
)
VOLUNTEER_FIELDS = (
    "organisation",
    "title",
    "description",
    "required_skills",
    "languages",
    "works_with_children",
    "shifts",
    "max_distance_km",
    "address",
)


# --- which initiative --------------------------------------------------------------------------


def _initiatives(request: HttpRequest) -> list[Organisation]:
    return list(account_selectors.active_organisations_of(request.user).order_by("name", "pk"))


def _chosen(request: HttpRequest, initiatives: list[Organisation]) -> Organisation | None:
    """The initiative the page is about: `org` in the query or the form, else the first."""
    wanted = request.POST.get("organisation") or request.GET.get("org")
    if not wanted:
        return initiatives[0] if initiatives else None
    for organisation in initiatives:
        if str(organisation.pk) == wanted:
            return organisation
    raise Http404  # not one of theirs: for them it is not there


def _households_url() -> str:
    """The households' pages, if another area of the site has them."""
    try:
        return reverse("households")
    except NoReverseMatch:
        return ""


def _overview_url(organisation: Organisation | None) -> str:
    url = reverse("initiative")
    return f"{url}?{urlencode({'org': organisation.pk})}" if organisation else url


def _no_initiative(request: HttpRequest) -> HttpResponse:
    pending = account_selectors.memberships_of_user(request.user).filter(
        status=Membership.Status.REQUESTED
    )
    return render(
        request,
        "web/initiative/none.html",
        {"pending": [membership.organisation for membership in pending]},
    )


# --- overview ----------------------------------------------------------------------------------


def _when(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _status(record) -> tuple[str, str]:
    status = matching_selectors.status_told(record)
    open_quantity = getattr(record, "quantity_open", None)
    if open_quantity is not None:
        open_quantity = matching_selectors.open_told(record)
    return status, status_label(status, open_quantity)


def _goods_rows(user, organisation) -> list[dict]:
    needs = lifecycle_selectors.manageable_by(GoodsNeed, user).filter(organisation=organisation)
    needs = matching_selectors.as_shown(needs.exclude(status__in=CLOSED_STATUSES), user)
    rows = []
    for need in needs.select_related("category").order_by("-created_at", "-id"):
        status, label = _status(need)
        rows.append(
            {
                "need": need,
                "category": need.category.name(get_language()),
                "status": status,
                "status_label": label,
                "open_quantity": matching_selectors.open_told(need),
            }
        )
    return rows


def _volunteer_rows(user, organisation) -> list[dict]:
    needs = lifecycle_selectors.manageable_by(VolunteerNeed, user).filter(organisation=organisation)
    needs = list(
        matching_selectors.as_shown(needs.exclude(status__in=CLOSED_STATUSES), user).order_by(
            "-created_at", "-id"
        )
    )
    shifts = Shift.objects.filter(need__in=[need.pk for need in needs]).order_by("start", "pk")
    shifts = matching_selectors.shifts_as_told(shifts, user)
    by_need: dict[int, list[dict]] = {}
    for shift in shifts:
        by_need.setdefault(shift.need_id, []).append(
            {
                "start": _when(shift.start),
                "end": _when(shift.end),
                "people": shift.people,
                "open": matching_selectors.open_told(shift, "people_open"),
            }
        )
    rows = []
    for need in needs:
        status, label = _status(need)
        rows.append(
            {
                "need": need,
                "status": status,
                "status_label": label,
                "shifts": by_need.get(need.pk, []),
            }
        )
    return rows


def _housing_rows(user, organisation) -> list[dict]:
    needs = lifecycle_selectors.manageable_by(HousingNeed, user).filter(organisation=organisation)
    needs = matching_selectors.as_shown(needs.exclude(status__in=CLOSED_STATUSES), user)
    rows = []
    for need in needs.order_by("-created_at", "-id"):
        status, label = _status(need)
        rows.append({"need": need, "status": status, "status_label": label})
    return rows


def _match_rows(user, organisation) -> list[dict]:
    ours = (
        Q(goods_need__organisation=organisation)
        | Q(shift__need__organisation=organisation)
        | Q(housing_need__organisation=organisation)
    )
    found = matching_selectors.shown_to_sides(
        matching_selectors.matches_visible_to(user).filter(ours, state__in=LISTED_MATCH_STATES)
    )
    rows = []
    for match in found:
        rows.append(
            {
                "match": match,
                "kind": kind_label(match.kind),
                "need_title": match.need.title,
                "offer_title": offer_title(match),
                "state_label": state_label(match.state),
                "quantity": match_quantity(match),
                "shift": (
                    f"{_when(match.shift.start)} – {_when(match.shift.end)}"
                    if match.kind == Match.Kind.VOLUNTEERS
                    else ""
                ),
                "waits": match.state == MatchState.ACCEPTED,
            }
        )
    return rows


@never_cache
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    initiatives = _initiatives(request)
    organisation = _chosen(request, initiatives)
    if organisation is None:
        return _no_initiative(request)
    is_admin = account_selectors.is_initiative_admin(request.user, organisation)
    waiting = 0
    if is_admin:
        waiting = (
            account_selectors.memberships_of(organisation)
            .filter(status=Membership.Status.REQUESTED)
            .count()
        )
    return render(
        request,
        "web/initiative/overview.html",
        {
            "organisation": organisation,
            "initiatives": initiatives,
            "org_query": urlencode({"org": organisation.pk}),
            "is_admin": is_admin,
            "waiting": waiting,
            "goods": _goods_rows(request.user, organisation),
            "volunteers": _volunteer_rows(request.user, organisation),
            "households": _housing_rows(request.user, organisation),
            "households_url": _households_url(),
            "matches": _match_rows(request.user, organisation),
        },
    )


# --- forms shared by both kinds ----------------------------------------------------------------


def _split_errors(errors: dict, fields: tuple[str, ...]) -> tuple[dict, list[str]]:
    shown = {name: list(errors.get(name, [])) for name in fields}
    # A pin's coordinates are one thing on the page: their messages go with the place.
    shown["address"] += [*errors.get("latitude", []), *errors.get("longitude", [])]
    general = [
        message
        for name, found in errors.items()
        if name not in fields and name not in ("latitude", "longitude")
        for message in found
    ]
    return shown, general


def _place(data: dict) -> tuple[str, dict]:
    """The address to send: as typed, or the place near the pin; and its error if none."""
    address = data["address"].strip()
    if not address and data["latitude"] is not None:
        address = address_for_pin(data["latitude"], data["longitude"])
        if not address:
            return "", {
                "address": [
                    _(
                        "We know no place near this pin. Please type the address or postal code"
                        " as well."
                    )
                ]
            }
    return address, {}


def _form_errors(form) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, found in form.errors.items():
        errors.setdefault(GENERAL if name == "__all__" else name, []).extend(found)
    return errors


def _map_context() -> dict:
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_centre": MAP_CENTRE,
    }


def _withdraw(request: HttpRequest, record, kind: str) -> HttpResponse:
    back = _overview_url(record.organisation)
    if request.method == "POST":
        try:
            lifecycle_services.withdraw(record, actor=request.user)
        except ApplicationError as error:
            for found in error.errors.values():
                for message in found:
                    messages.error(request, message)
        else:
            messages.success(
                request, _("The need “%(title)s” is withdrawn.") % {"title": record.title}
            )
        return redirect(back)
    return render(
        request,
        "web/initiative/withdraw.html",
        {
            "record": record,
            "kind": kind,
            "back": back,
            "closed": record.status in CLOSED_STATUSES,
        },
    )


# --- goods needs -------------------------------------------------------------------------------


def _goods_page(request, page: dict, values: dict, errors: dict, status: int = 200):
    shown, general = _split_errors(errors, GOODS_FIELDS)
    context = {
        **page,
        **_map_context(),
        "values": values,
        "errors": shown,
        "general_errors": general,
        "has_errors": bool(errors),
        "category_groups": _category_groups(),
        "attribute_fields": [
            {"name": name, "label": label, "value": values.get(f"attr_{name}", "")}
            for name, label in ATTRIBUTE_LABELS.items()
        ],
    }
    return render(request, "web/initiative/goods_form.html", context, status=status)


def _goods_posted(request: HttpRequest) -> dict:
    names = (
        "organisation",
        "title",
        "description",
        "category",
        "quantity",
        "deadline",
        "max_distance_km",
        "address",
        "latitude",
        "longitude",
    )
    values = {name: request.POST.get(name, "") for name in names}
    for name in ATTRIBUTE_LABELS:
        values[f"attr_{name}"] = request.POST.get(f"attr_{name}", "")
    return values


def _goods_parse(request: HttpRequest) -> tuple[dict, dict]:
    form = forms.GoodsNeedForm(request.POST)
    if not form.is_valid():
        return {}, _form_errors(form)
    data = form.cleaned_data
    address, errors = _place(data)
    fields = {
        "title": data["title"],
        "description": data["description"],
        "category": data["category"],
        "quantity": data["quantity"],
        "deadline": data["deadline"],
        "max_distance_km": data["max_distance_km"],
        "attributes": attributes_from(request.POST, data["category"]),
        "address": address,
        "latitude": data["latitude"],
        "longitude": data["longitude"],
    }
    return fields, errors


def _our_goods_need(request: HttpRequest, pk: int) -> GoodsNeed:
    needs = lifecycle_selectors.manageable_by(GoodsNeed, request.user)
    return get_object_or_404(needs.select_related("category", "organisation"), pk=pk)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goods_need_new(request: HttpRequest) -> HttpResponse:
    initiatives = _initiatives(request)
    organisation = _chosen(request, initiatives)
    if organisation is None:
        return _no_initiative(request)
    page = {
        "heading": _("Ask for goods"),
        "action": reverse("initiative-goods-new"),
        "initiatives": initiatives,
        "organisation": organisation,
        "back": _overview_url(organisation),
    }
    if request.method != "POST":
        return _goods_page(request, page, {"quantity": "1"}, {})
    fields, errors = _goods_parse(request)
    if not errors:
        try:
            need = donation_services.create_goods_need(
                user=request.user, organisation=organisation, **fields
            )
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _goods_page(request, page, _goods_posted(request), errors, status=400)
    messages.success(request, _("The need “%(title)s” is online.") % {"title": need.title})
    return redirect(_overview_url(organisation))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goods_need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _our_goods_need(request, pk)
    page = {
        "heading": _("Change the need"),
        "action": reverse("initiative-goods-edit", args=[need.pk]),
        "record": need,
        "organisation": need.organisation,
        "back": _overview_url(need.organisation),
        "closed": need.status in CLOSED_STATUSES,
    }
    if request.method != "POST":
        values = {
            "title": need.title,
            "description": need.description,
            "category": need.category.slug,
            "quantity": str(need.quantity),
            "deadline": need.deadline.isoformat() if need.deadline else "",
            "max_distance_km": "" if need.max_distance_km is None else need.max_distance_km,
            **pin_values(need),
        }
        for name in ATTRIBUTE_LABELS:
            values[f"attr_{name}"] = need.attributes.get(name, "")
        return _goods_page(request, page, values, {})
    fields, errors = _goods_parse(request)
    changes = {}
    if not errors:
        changes = {
            name: fields[name]
            for name in (
                "title",
                "description",
                "category",
                "quantity",
                "deadline",
                "max_distance_km",
                "attributes",
            )
            if fields[name] != getattr(need, name)
        }
        changes.update(place_changes(need, fields))
        try:
            if changes:
                donation_services.update_goods_need(record=need, user=request.user, **changes)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _goods_page(request, page, _goods_posted(request), errors, status=400)
    messages.success(request, _("Your changes are saved.") if changes else _("Nothing changed."))
    return redirect(_overview_url(need.organisation))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def goods_need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _withdraw(request, _our_goods_need(request, pk), "goods")


# --- volunteer needs ---------------------------------------------------------------------------


def _volunteer_page(request, page: dict, values: dict, errors: dict, status: int = 200):
    shown, general = _split_errors(errors, VOLUNTEER_FIELDS)
    context = {
        **page,
        **_map_context(),
        "values": values,
        "errors": shown,
        "general_errors": general,
        "has_errors": bool(errors),
        "skills": sorted(
            ((skill.slug, skill.name()) for skill in volunteer_selectors.skills()),
            key=lambda choice: choice[1].casefold(),
        ),
        "language_rows": forms.language_rows(values.get("languages", [])),
        "language_choices": language_choices(),
    }
    return render(request, "web/initiative/volunteer_form.html", context, status=status)


def _volunteer_posted(request: HttpRequest) -> dict:
    names = (
        "organisation",
        "title",
        "description",
        "max_distance_km",
        "address",
        "latitude",
        "longitude",
    )
    values = {name: request.POST.get(name, "") for name in names}
    values["works_with_children"] = bool(request.POST.get("works_with_children"))
    values["skills"] = set(request.POST.getlist("skills"))
    values["languages"] = [
        request.POST.get(f"language_{n}", "") for n in range(forms.LANGUAGE_ROWS * 3)
    ]
    values["languages"] = [code for code in values["languages"] if code]
    values["shifts"] = forms.shift_rows(request.POST)
    return values


def _volunteer_parse(request: HttpRequest) -> tuple[dict, dict]:
    form = forms.VolunteerNeedForm(request.POST)
    errors: dict[str, list[str]] = {}
    shifts, shift_errors = forms.shifts_from(request.POST)
    if shift_errors:
        errors["shifts"] = shift_errors
    languages, language_errors = forms.languages_from(request.POST)
    if language_errors:
        errors["languages"] = language_errors
    skills = {skill.slug: skill for skill in volunteer_selectors.skills()}
    chosen = request.POST.getlist("skills")
    if set(chosen) - set(skills):
        errors["required_skills"] = [_("Choose skills from the list.")]
    if not form.is_valid():
        for name, found in _form_errors(form).items():
            errors.setdefault(name, []).extend(found)
        return {}, errors
    data = form.cleaned_data
    address, place_errors = _place(data)
    for name, found in place_errors.items():
        errors.setdefault(name, []).extend(found)
    fields = {
        "title": data["title"],
        "description": data["description"],
        "max_distance_km": data["max_distance_km"],
        "works_with_children": data["works_with_children"],
        "required_skills": [skills[slug] for slug in sorted(set(chosen)) if slug in skills],
        "languages": languages,
        "shifts": shifts,
        "address": address,
        "latitude": data["latitude"],
        "longitude": data["longitude"],
    }
    return fields, errors


def _our_volunteer_need(request: HttpRequest, pk: int) -> VolunteerNeed:
    needs = lifecycle_selectors.manageable_by(VolunteerNeed, request.user)
    return get_object_or_404(needs.select_related("organisation"), pk=pk)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def volunteer_need_new(request: HttpRequest) -> HttpResponse:
    initiatives = _initiatives(request)
    organisation = _chosen(request, initiatives)
    if organisation is None:
        return _no_initiative(request)
    page = {
        "heading": _("Ask for volunteers"),
        "action": reverse("initiative-volunteers-new"),
        "initiatives": initiatives,
        "organisation": organisation,
        "back": _overview_url(organisation),
    }
    if request.method != "POST":
        values = {"skills": set(), "languages": [], "shifts": forms.shift_rows()}
        return _volunteer_page(request, page, values, {})
    fields, errors = _volunteer_parse(request)
    if not errors:
        try:
            need = volunteer_services.create_volunteer_need(
                user=request.user, organisation=organisation, **fields
            )
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _volunteer_page(request, page, _volunteer_posted(request), errors, status=400)
    messages.success(request, _("The need “%(title)s” is online.") % {"title": need.title})
    return redirect(_overview_url(organisation))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def volunteer_need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _our_volunteer_need(request, pk)
    page = {
        "heading": _("Change the need"),
        "action": reverse("initiative-volunteers-edit", args=[need.pk]),
        "record": need,
        "organisation": need.organisation,
        "back": _overview_url(need.organisation),
        "closed": need.status in CLOSED_STATUSES,
    }
    current_shifts = list(need.shifts.order_by("start", "pk"))
    current_skills = list(need.required_skills.all())
    if request.method != "POST":
        values = {
            "title": need.title,
            "description": need.description,
            "max_distance_km": "" if need.max_distance_km is None else need.max_distance_km,
            "works_with_children": need.works_with_children,
            "skills": {skill.slug for skill in current_skills},
            "languages": list(need.languages),
            "shifts": forms.shift_rows(shifts=current_shifts),
            **pin_values(need),
        }
        return _volunteer_page(request, page, values, {})
    fields, errors = _volunteer_parse(request)
    changes: dict = {}
    if not errors:
        changes = {
            name: fields[name]
            for name in (
                "title",
                "description",
                "max_distance_km",
                "works_with_children",
                "languages",
            )
            if fields[name] != getattr(need, name)
        }
        if {s.pk for s in fields["required_skills"]} != {s.pk for s in current_skills}:
            changes["required_skills"] = fields["required_skills"]
        given = [(s["start"], s["end"], s["people"]) for s in fields["shifts"]]
        if given != [(s.start, s.end, s.people) for s in current_shifts]:
            changes["shifts"] = fields["shifts"]
        changes.update(place_changes(need, fields))
        try:
            if changes:
                volunteer_services.update_volunteer_need(record=need, user=request.user, **changes)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _volunteer_page(request, page, _volunteer_posted(request), errors, status=400)
    messages.success(request, _("Your changes are saved.") if changes else _("Nothing changed."))
    return redirect(_overview_url(need.organisation))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def volunteer_need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _withdraw(request, _our_volunteer_need(request, pk), "volunteers")


# --- CSV import --------------------------------------------------------------------------------


def _import_page(request, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "web/initiative/import.html", context, status=status)


def _check_file(request, organisation, text: str, *, save: bool) -> tuple[list, list, list]:
    """(rows, bad rows, created needs) of the file: each row parsed and checked by the import
    service, in a dry run unless `save` and every row is good."""
    rows = forms.read_goods_needs_csv(text)
    rejected = {row.line: row.errors for row in rows if row.errors}
    valid = [(row.line, row.fields) for row in rows if row.fields is not None]
    created = []
    try:
        created = import_goods_needs(
            user=request.user,
            rows=valid,
            rejected=rejected,
            organisation_id=organisation.pk,
            dry_run=not save,
        )
    except RowsRejected as exc:
        for line, errors in exc.errors.items():
            for row in rows:
                if row.line == line and not row.errors:
                    row.errors = {name: list(found) for name, found in errors.items()}
    bad = [row for row in rows if row.errors]
    return rows, bad, created


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_needs(request: HttpRequest) -> HttpResponse:
    initiatives = _initiatives(request)
    organisation = _chosen(request, initiatives)
    if organisation is None:
        return _no_initiative(request)
    context = {
        "initiatives": initiatives,
        "organisation": organisation,
        "back": _overview_url(organisation),
        "columns": ", ".join(forms.NEED_COLUMNS),
    }
    if request.method != "POST":
        return _import_page(request, context)
    confirming = request.POST.get("step") == "confirm"
    try:
        if confirming:
            try:
                raw = base64.b64decode(request.POST.get("content", ""), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise forms.CsvFileError(_("Please choose the file again.")) from exc
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise forms.CsvFileError(_("Choose a CSV file."))
            if upload.size is not None and upload.size > forms.MAX_IMPORT_BYTES:
                raise forms.CsvFileError(
                    _("The file is larger than %(limit)s kB; split it into several files.")
                    % {"limit": forms.MAX_IMPORT_BYTES // 1000}
                )
            raw = upload.read(forms.MAX_IMPORT_BYTES + 1)
        text = forms.decode_csv(raw)
        rows, bad, created = _check_file(request, organisation, text, save=confirming)
    except forms.CsvFileError as error:
        context["file_error"] = str(error)
        return _import_page(request, context, status=400)
    except ApplicationError as error:
        if error.code == NOT_ALLOWED:
            raise PermissionDenied from error
        context["file_error"] = " ".join(m for found in error.errors.values() for m in found)
        return _import_page(request, context, status=400)
    if confirming and not bad:
        messages.success(
            request,
            _("%(count)s needs were imported.") % {"count": len(created)},
        )
        return redirect(_overview_url(organisation))
    context.update(
        {
            "preview": True,
            "rows": rows,
            "bad": bad,
            "good": [row for row in rows if not row.errors],
            "content": base64.b64encode(text.encode("utf-8")).decode("ascii"),
        }
    )
    return _import_page(request, context, status=400 if bad else 200)


# --- members -----------------------------------------------------------------------------------


def _administered(request: HttpRequest) -> Organisation:
    organisation = _chosen(request, _initiatives(request))
    if organisation is None:
        raise Http404
    if not account_selectors.is_initiative_admin(request.user, organisation):
        raise PermissionDenied(_("Only admins of this initiative decide about its members."))
    return organisation


@never_cache
@login_required
def members(request: HttpRequest) -> HttpResponse:
    organisation = _administered(request)
    memberships = list(account_selectors.memberships_of(organisation))
    return render(
        request,
        "web/initiative/members.html",
        {
            "organisation": organisation,
            "back": _overview_url(organisation),
            "requested": [m for m in memberships if m.status == Membership.Status.REQUESTED],
            "active": [m for m in memberships if m.status == Membership.Status.ACTIVE],
        },
    )


def _decide(request: HttpRequest, pk: int, decision) -> HttpResponse:
    organisation = _chosen(request, _initiatives(request))
    if organisation is None:
        raise Http404
    try:
        decision(organisation=organisation, membership_id=pk, actor=request.user)
    except ApplicationError as error:
        if error.code == NOT_ALLOWED:
            raise PermissionDenied from error
        if error.code == NOT_FOUND:
            raise Http404 from error
        for found in error.errors.values():
            for message in found:
                messages.error(request, message)
        return redirect(f"{reverse('initiative-members')}?{urlencode({'org': organisation.pk})}")
    return None


@login_required
@require_POST
def member_approve(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _decide(request, pk, account_services.approve_membership)
    if answer is None:
        messages.success(request, _("The person is now a member."))
        organisation = _chosen(request, _initiatives(request))
        answer = redirect(f"{reverse('initiative-members')}?{urlencode({'org': organisation.pk})}")
    return answer


@login_required
@require_POST
def member_reject(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _decide(request, pk, account_services.reject_membership)
    if answer is None:
        messages.success(request, _("The request was turned down."))
        organisation = _chosen(request, _initiatives(request))
        answer = redirect(f"{reverse('initiative-members')}?{urlencode({'org': organisation.pk})}")
    return answer
