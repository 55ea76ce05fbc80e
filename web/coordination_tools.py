"""The coordinators' tools (issue 13, area "coordination-tools"): match a need and an offer by
hand, cancel a live match, hand a need over to another initiative.

Plain server-rendered forms. The forms only parse; every rule (open records, capacity, a
required reason, who may do it) is `matching.workflow`'s, and its `ApplicationError` field
errors are shown beside the fields with the focus on the first (`autofocus`), what was typed
kept and nothing changed. Only coordinators with a confirmed second factor reach them
(`web.coordination_views._coordinator`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation, OrganisationKind
from base.errors import WRONG_STATE, ApplicationError
from matching import workflow
from matching.kinds import KINDS
from matching.kinds.rows import matchable
from matching.models import REASON_MAX_LENGTH, Match
from web.coordination_forms import HandOverForm, ManualMatchForm, PickSearchForm
from web.coordination_views import _coordinator
from web.inbox_views import _match_page as match_page
from web.summaries import kind_label

# Records in each short list to pick from: enough to find one, short enough for a phone.
PICK_SIZE = 10


def _mark(form: forms.Form, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put `errors` (field -> messages, from the form or the workflow) beside the form's
    fields, link them with aria-describedby and focus the first; messages of no field of the
    form are returned to show above it."""
    general: dict[str, list[str]] = {}
    first = True
    for name, found in errors.items():
        if name not in form.fields:
            general[name] = found
            continue
        if name not in form.errors:
            form.add_error(name, found)
    for name, field in form.fields.items():
        if name in form.errors:
            attrs = field.widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"id_{name}-error"
            if first:
                attrs["autofocus"] = True
                first = False
    return general


def _reason_errors(reason: str) -> dict[str, list[str]]:
    """The workflow's word on the reason, asked too when another field already failed, so
    that every error shows at once."""
    try:
        workflow.clean_reason(reason, required=True)
    except ApplicationError as error:
        return dict(error.errors)
    return {}


def _record_label(record) -> str:
    title = getattr(record, "title", "") or ""
    if not title and hasattr(record, "user"):
        user = record.user
        title = user.get_full_name() or user.username
    return f"{title} · {record.district or record.place or '—'}"


def _search(queryset, words: str, *, person: bool = False):
    if not words:
        return queryset
    found = Q(district__icontains=words) | Q(place__icontains=words)
    if person:
        found |= (
            Q(user__first_name__icontains=words)
            | Q(user__last_name__icontains=words)
            | Q(user__username__icontains=words)
        )
    else:
        found |= Q(title__icontains=words)
    return queryset.filter(found)


def _picks(kind: str, words: str) -> tuple[list, list]:
    """Open needs and offers of `kind` whose title, district or place (or volunteer's name)
    has `words`, newest first."""
    adapter = KINDS[kind]
    needs = _search(matchable(adapter.need_model.objects), words).order_by("-created_at", "-pk")
    offers = _search(
        matchable(adapter.offer_model.objects),
        words,
        person=not hasattr(adapter.offer_model, "title"),
    ).order_by("-created_at", "-pk")
    if kind == Match.Kind.VOLUNTEERS:
        offers = offers.select_related("user")
    return (
        [(record.pk, _record_label(record)) for record in needs[:PICK_SIZE]],
        [(record.pk, _record_label(record)) for record in offers[:PICK_SIZE]],
    )


def _shift_choices(kind: str, need_id) -> list[tuple[int, str]]:
    if kind != Match.Kind.VOLUNTEERS or not str(need_id or "").isdigit():
        return []
    need = KINDS[kind].need_model.objects.filter(pk=int(need_id)).first()
    if need is None:
        return []
    return [
        (
            shift.pk,
            _("%(start)s, %(open)s of %(people)s places open")
            % {
                "start": date_format(shift.start, "SHORT_DATETIME_FORMAT"),
                "open": shift.people_open,
                "people": shift.people,
            },
        )
        for shift in need.shifts.filter(people_open__gt=0)
    ]


def _manual_page(request, form, search, *, general=None, status=200) -> HttpResponse:
    search.is_valid()
    found = getattr(search, "cleaned_data", {})
    kind = found.get("kind") or Match.Kind.GOODS
    words = (found.get("q") or "").strip()
    needs, offers = _picks(kind, words)
    # Links that pick a record keep the kind, the words and the other choice.
    keep = {
        "kind": kind,
        "q": words,
        "need": form["need"].value() or "",
        "offer": form["offer"].value() or "",
    }
    context = {
        "form": form,
        "search": search,
        "pick_kind": kind,
        "pick_kind_label": kind_label(kind),
        "pick_needs": needs,
        "pick_offers": offers,
        "keep": keep,
        "general": general or {},
    }
    return render(request, "web/coordination/manual.html", context, status=status)


@login_required
def manual_match(request: HttpRequest) -> HttpResponse:
    """GET: the form (prefilled from the query: kind, need, offer) and the short lists of
    open records to pick from. POST: the workflow makes the match; on success the match's
    page, otherwise the form again with the errors beside the fields."""
    _coordinator(request)
    if request.method != "POST":
        initial = {name: request.GET.get(name, "") for name in ("kind", "need", "offer")}
        initial["kind"] = initial["kind"] or Match.Kind.GOODS
        form = ManualMatchForm(
            initial=initial,
            shifts=_shift_choices(initial["kind"], initial["need"]),
            reason_max_length=REASON_MAX_LENGTH,
        )
        return _manual_page(request, form, PickSearchForm(request.GET))
    kind = request.POST.get("kind", "")
    form = ManualMatchForm(
        request.POST,
        shifts=_shift_choices(kind, request.POST.get("need")),
        reason_max_length=REASON_MAX_LENGTH,
    )
    search = PickSearchForm({"kind": kind if kind in KINDS else "", "q": ""})
    if not form.is_valid():
        general = _mark(form, _reason_errors(request.POST.get("reason", "")))
        return _manual_page(request, form, search, general=general, status=400)
    values = form.cleaned_data
    adapter = KINDS[values["kind"]]
    errors: dict[str, list[str]] = {}
    need = adapter.need_model.objects.filter(pk=values["need"]).first()
    offer = adapter.offer_model.objects.filter(pk=values["offer"]).first()
    if need is None:
        errors["need"] = [_("No such need.")]
    if offer is None:
        errors["offer"] = [_("No such offer.")]
    shift = None
    if need is not None and values["kind"] == Match.Kind.VOLUNTEERS and values["shift"]:
        shift = need.shifts.filter(pk=values["shift"]).first()
    if not errors:
        try:
            match = workflow.create_manual(
                actor=request.user,
                kind=values["kind"],
                need=need,
                offer=offer,
                quantity=values["quantity"] if values["kind"] == Match.Kind.GOODS else None,
                shift=shift,
                reason=values["reason"],
            )
        except ApplicationError as error:
            errors = dict(error.errors)
        else:
            messages.success(
                request,
                _("Match %(id)s was made by hand and is offered to both sides now.")
                % {"id": match.pk},
            )
            return redirect("match", pk=match.pk)
    general = _mark(form, errors)
    return _manual_page(request, form, search, general=general, status=400)


@login_required
@require_POST
def cancel_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a live match with a reason (the form is on the match's page for coordinators);
    a refusal shows the match's page again with the error beside the reason."""
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        workflow.cancel(match, actor=request.user, reason=reason)
    except ApplicationError as error:
        errors = dict(error.errors)
        if error.code == WRONG_STATE:
            errors = {"reason": [_("This match is not live any more; nothing changed.")]}
        match.refresh_from_db()
        return _match_page_again(request, match, reason, errors)
    messages.success(request, _("Match %(id)s cancelled.") % {"id": match.pk})
    return redirect("match", pk=match.pk)


def _match_page_again(request, match, reason, errors) -> HttpResponse:
    # The match's page as `web.inbox_views` draws it, with the cancel form's error and text.
    return match_page(
        request,
        match,
        workflow.sides_of(match, request.user),
        errors={"cancel_reason": [m for found in errors.values() for m in found]},
        values={"quantity": match.quantity, "cancel_reason": reason},
        status=400,
    )


def _initiatives(need) -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=OrganisationKind.INITIATIVE)
        .exclude(pk=need.organisation_id)
        .order_by("name", "pk")
    )


def _need(kind: str, pk: int):
    adapter = KINDS.get(kind)
    if adapter is None:
        raise Http404
    return get_object_or_404(adapter.need_model.objects.select_related("organisation"), pk=pk)


@login_required
def hand_over(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Hand a need over to another initiative: choose it and say why."""
    _coordinator(request)
    need = _need(kind, pk)
    form = HandOverForm(
        request.POST if request.method == "POST" else None,
        initiatives=_initiatives(need),
        reason_max_length=REASON_MAX_LENGTH,
    )
    general: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        errors: dict[str, list[str]] = {}
        if not form.is_valid():
            errors = _reason_errors(request.POST.get("reason", ""))
        else:
            organisation = Organisation.objects.get(pk=form.cleaned_data["organisation"])
            try:
                handover = workflow.hand_over_need(
                    need,
                    actor=request.user,
                    to_organisation=organisation,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                errors = dict(error.errors)
            else:
                messages.success(
                    request,
                    _("“%(need)s” now belongs to %(organisation)s.")
                    % {"need": need.title, "organisation": handover.to_organisation.name},
                )
                return redirect("coordination-hand-over", kind=kind, pk=need.pk)
        general = _mark(form, errors)
        status = 400
    context = {
        "form": form,
        "need": need,
        "kind": kind,
        "kind_text": kind_label(kind),
        "general": general,
    }
    return render(request, "web/coordination/hand_over.html", context, status=status)
