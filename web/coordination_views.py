"""The coordinators' dashboard: proposals waiting for review, and what could not be delivered.

The review queue (`matching.review.proposals`) is filtered by GET parameters (kind, district,
goods category, lowest score, age) and paginated; each proposal shows its score factors in the
page's language (`web.score_factors`), the distance written the language's way and both exact
places on a small map (web/static/web/coordination.js). Decisions go through
`matching.workflow`, one match per transaction: one at a time, or the ticked ones together
(`bulk`). A refusal renders the queue again with the error beside the field, the focus on it
and what was typed and ticked kept; a decision returns to the same filters and page.

With htmx (django-htmx's `request.htmx`), the filters and the pages swap only the queue, and
a decision on one proposal swaps only its card: the decision's message in its place, or the
card again with the error beside the reason. Without script, the same forms post and reload.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from base.errors import INVALID, ApplicationError
from base.units import about_km_from_metres
from matching import review, workflow
from matching.models import REASON_MAX_LENGTH, Match
from notifications import selectors as notification_selectors
from web.coordination_forms import QueueFilterForm
from web.score_factors import breakdown
from web.summaries import kind_label, offer_title

LIST_SIZE = 100
# Proposals per page of the review queue: a page a coordinator can scroll on a phone.
PAGE_SIZE = 10


def _coordinator(request: HttpRequest) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied
    # Second factor (issue 12): SecondFactorMiddleware sends a coordinator without one to its
    # page first; this holds even where the middleware would not run.
    if settings.SECOND_FACTOR_REQUIRED and not request.user.is_verified():
        raise PermissionDenied


def _filters(form: QueueFilterForm) -> dict:
    """The filters that parsed; a filter with an error is left out (and shown beside it)."""
    form.is_valid()
    found = getattr(form, "cleaned_data", {})
    filters: dict = {}
    if found.get("kind"):
        filters["kind"] = found["kind"]
    if found.get("district"):
        filters["district"] = found["district"].strip()
    if found.get("category") is not None:
        filters["category_id"] = found["category"]
    if found.get("min_score") is not None:
        filters["min_score"] = float(found["min_score"])
    if found.get("age"):
        filters["min_age"] = timedelta(days=int(found["age"]))
    return filters


def _points(match: Match) -> str:
    """Both places, exact (coordinators may see them), for the proposal's small map."""
    places = []
    for side, record, label in (
        ("need", match.need, _("Need")),
        ("offer", match.offer, _("Offer")),
    ):
        point = record.point
        if point is not None:
            title = getattr(record, "title", "") or record.district
            places.append(
                {"side": side, "lat": point.y, "lon": point.x, "label": f"{label}: {title}"}
            )
    return json.dumps(places)


def _item(match: Match, state: dict) -> dict:
    return {
        "match": match,
        "kind": kind_label(match.kind),
        "need": match.need,
        "offer_title": offer_title(match),
        # The engine's distance between the exact places: coordinators may know it.
        "distance": about_km_from_metres(match.distance_m),
        "breakdown": breakdown(match.score_breakdown),
        "points": _points(match),
        "errors": state["errors"].get(match.pk, []),
        "reason": state["reasons"].get(match.pk, ""),
        "autofocus": state["focus"] == f"reason-{match.pk}",
        "checked": match.pk in state["selected"],
    }


def _queue(request: HttpRequest, state: dict) -> dict:
    form = QueueFilterForm(request.GET or None)
    paginator = Paginator(review.proposals(**_filters(form)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filter_query = query.urlencode()
    here = query.copy()
    if page.number > 1:
        here["page"] = page.number
    return {
        "filter_form": form,
        "filtered": any(value for key, value in query.items()),
        "districts": review.districts(),
        "page_obj": page,
        "proposal_count": paginator.count,
        "proposals": [_item(match, state) for match in page.object_list],
        "filter_query": filter_query,
        "here_query": here.urlencode(),
    }


def _state(state: dict | None) -> dict:
    return {
        "errors": {},
        "reasons": {},
        "focus": "",
        "selected": set(),
        "bulk": {},
        **(state or {}),
    }


def _page_settings() -> dict:
    return {
        "reason_max_length": REASON_MAX_LENGTH,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _partial(request: HttpRequest, template: str, context: dict, status: int) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The same address answers a whole page or a part: a cache must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _dashboard(request, *, state=None, status=200) -> HttpResponse:
    state = _state(state)
    if request.htmx:  # the filters or a page of the queue: the queue alone
        context = {**_queue(request, state), "bulk": state["bulk"], **_page_settings()}
        return _partial(request, "web/coordination/_queue.html", context, status)
    context = {
        **_queue(request, state),
        "failed_notifications": list(
            notification_selectors.failed_notifications().select_related("recipient")[:LIST_SIZE]
        ),
        "failed_webhooks": list(
            notification_selectors.webhook_deliveries(status="failed")[:LIST_SIZE]
        ),
        "bulk": state["bulk"],
        **_page_settings(),
    }
    return _partial(request, "web/coordination.html", context, status)


def _back(request: HttpRequest) -> HttpResponse:
    """The queue again, with the filters and the page the decision was made on."""
    query = request.GET.urlencode()
    return redirect(reverse("coordination") + (f"?{query}" if query else ""))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return _dashboard(request)


def _here_query(request: HttpRequest) -> str:
    return request.GET.urlencode()


def _card(request: HttpRequest, match: Match, state: dict, status: int) -> HttpResponse:
    """One proposal's card again (htmx), with the error beside its reason."""
    listed = review.proposals().filter(pk=match.pk).first() or match
    context = {
        "item": _item(listed, _state(state)),
        "here_query": _here_query(request),
        **_page_settings(),
    }
    return _partial(request, "web/coordination/_proposal.html", context, status)


def _decided(
    request: HttpRequest, match: Match, message: str, *, status: int = 200
) -> HttpResponse:
    """The decision's message in the card's place (htmx), and the queue's new count; or why
    nothing was decided, where the match had moved on (409)."""
    form = QueueFilterForm(request.GET or None)
    context = {
        "match": match,
        "message": message,
        "proposal_count": review.proposals(**_filters(form)).count(),
        "refused": status != 200,
    }
    return _partial(request, "web/coordination/_decided.html", context, status)


def _refused(request: HttpRequest, match: Match, error: ApplicationError) -> HttpResponse:
    """The queue (or, with htmx, the card) again with why a review was refused beside the
    match, what was typed kept and the focus on the reason: the workflow's messages for bad
    input (400); a match that has moved on in the dashboard's words (409)."""
    pk = match.pk
    reason = request.POST.get("reason", "")
    if error.code == INVALID:
        found = [message for messages in error.errors.values() for message in messages]
        state = {"errors": {pk: found}, "reasons": {pk: reason}, "focus": f"reason-{pk}"}
        status = 400
    else:
        moved_on = _("This match was not waiting for review any more; nothing changed.")
        if request.htmx:
            return _decided(request, match, moved_on, status=409)
        state = {"errors": {pk: [moved_on]}}
        status = 409
    if request.htmx:
        return _card(request, match, state, status)
    return _dashboard(request, state=state, status=status)


def _decision(request: HttpRequest, match: Match, message: str) -> HttpResponse:
    if request.htmx:
        return _decided(request, match, message)
    messages.success(request, message)
    return _back(request)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    try:
        workflow.approve(match, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        return _refused(request, match, error)
    message = _("Match %(id)s approved: both sides are asked now.") % {"id": match.pk}
    return _decision(request, match, message)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    try:
        workflow.reject(match, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        return _refused(request, match, error)
    return _decision(request, match, _("Match %(id)s rejected.") % {"id": match.pk})


def _selected(request: HttpRequest) -> list[int]:
    return sorted({int(value) for value in request.POST.getlist("match") if value.isdigit()})


def _name(match: Match) -> str:
    return _("Match %(id)s (%(kind)s: %(need)s)") % {
        "id": match.pk,
        "kind": kind_label(match.kind),
        "need": match.need.title,
    }


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject the ticked proposals, each in its own transaction through the
    workflow: one that is refused is named, the others still go through. A missing or too
    long reason (reject), or nothing ticked, changes nothing; the page keeps the ticks and
    the text and puts the focus on the field with the error."""
    _coordinator(request)
    action = request.POST.get("action", "")
    selected = _selected(request)
    reason = request.POST.get("bulk_reason", "")
    errors: dict[str, list[str]] = {}
    if action not in ("approve", "reject"):
        errors["action"] = [_("Choose approve or reject.")]
    if not selected:
        errors["match"] = [_("Tick at least one proposal.")]
    try:
        cleaned = workflow.clean_reason(reason, required=action == "reject")
    except ApplicationError as error:
        errors["reason"] = [message for found in error.errors.values() for message in found]
    if errors:
        focus = "bulk-reason" if "reason" in errors else "bulk-actions"
        bulk_state = {"errors": errors, "reason": reason, "focus": focus}
        state = {"selected": set(selected), "bulk": bulk_state}
        return _dashboard(request, state=state, status=400)
    step = workflow.approve if action == "approve" else workflow.reject
    done = 0
    for match in Match.objects.filter(pk__in=selected).order_by("pk"):
        try:
            step(match, actor=request.user, reason=cleaned)
        except ApplicationError as error:
            why = " ".join(message for found in error.errors.values() for message in found)
            messages.error(request, f"{_name(match)}: {why}")
        else:
            done += 1
    missing = len(selected) - Match.objects.filter(pk__in=selected).count()
    if missing:
        messages.error(
            request,
            ngettext(
                "%(n)s of the ticked proposals no longer exists.",
                "%(n)s of the ticked proposals no longer exist.",
                missing,
            )
            % {"n": missing},
        )
    if done and action == "approve":
        messages.success(
            request,
            ngettext(
                "%(n)s proposal approved: both sides are asked now.",
                "%(n)s proposals approved: both sides are asked now.",
                done,
            )
            % {"n": done},
        )
    elif done:
        messages.success(
            request,
            ngettext("%(n)s proposal rejected.", "%(n)s proposals rejected.", done) % {"n": done},
        )
    return _back(request)
