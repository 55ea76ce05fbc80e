"""The coordinators' dashboard: proposals waiting for review, and what could not be delivered."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from base.errors import INVALID, ApplicationError
from matching import workflow
from matching.models import REASON_MAX_LENGTH, Match, MatchState
from notifications import selectors as notification_selectors
from web.summaries import kind_label, offer_title

LIST_SIZE = 100


def _coordinator(request: HttpRequest) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied
    # Second factor (issue 12): SecondFactorMiddleware sends a coordinator without one to its
    # page first; this holds even where the middleware would not run.
    if settings.SECOND_FACTOR_REQUIRED and not request.user.is_verified():
        raise PermissionDenied


def _proposals() -> list[dict]:
    rows = (
        Match.objects.filter(state=MatchState.PROPOSED)
        .select_related(
            "goods_need__organisation",
            "goods_need__category",
            "donation_offer",
            "shift__need__organisation",
            "volunteer",
            "housing_need__organisation",
            "housing_offer",
        )
        .order_by("created_at", "id")[:LIST_SIZE]
    )
    return [
        {
            "match": match,
            "kind": kind_label(match.kind),
            "need": match.need,
            "offer_title": offer_title(match),
            "distance_km": round(match.distance_m / 1000, 1),
            "breakdown": sorted((match.score_breakdown or {}).items()),
        }
        for match in rows
    ]


def _dashboard(request, *, errors=None, status=200) -> HttpResponse:
    context = {
        "proposals": _proposals(),
        "failed_notifications": list(
            notification_selectors.failed_notifications().select_related("recipient")[:LIST_SIZE]
        ),
        "failed_webhooks": list(
            notification_selectors.webhook_deliveries(status="failed")[:LIST_SIZE]
        ),
        "errors": errors or {},
        "reason_max_length": REASON_MAX_LENGTH,
    }
    return render(request, "web/coordination.html", context, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return _dashboard(request)


def _refused(request: HttpRequest, pk: int, error: ApplicationError) -> HttpResponse:
    """The dashboard again with why a review was refused beside the match: the workflow's
    messages for bad input (400); a match that has moved on in the dashboard's words (409)."""
    if error.code == INVALID:
        found = [message for messages in error.errors.values() for message in messages]
        return _dashboard(request, errors={pk: found}, status=400)
    return _dashboard(
        request,
        errors={pk: [_("This match was not waiting for review any more; nothing changed.")]},
        status=409,
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    try:
        workflow.approve(match, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        return _refused(request, pk, error)
    messages.success(
        request, _("Match %(id)s approved: both sides are asked now.") % {"id": match.pk}
    )
    return redirect("coordination")


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    try:
        workflow.reject(match, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        return _refused(request, pk, error)
    messages.success(request, _("Match %(id)s rejected.") % {"id": match.pk})
    return redirect("coordination")
