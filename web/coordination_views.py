"""The coordinators' dashboard: proposals waiting for review, and what could not be delivered."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import workflow
from matching.models import Match, MatchState
from notifications.models import Notification
from web.summaries import kind_label, offer_title

LIST_SIZE = 100


def _coordinator(request: HttpRequest) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied


def _failed_webhooks() -> list:
    """Failed webhook deliveries, if the channels part is installed (helper C's model)."""
    try:
        model = apps.get_model("notifications", "WebhookDelivery")
    except LookupError:
        return []
    return list(
        model.objects.filter(status="failed").select_related("endpoint").order_by("-id")[:LIST_SIZE]
    )


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
            Notification.objects.filter(status=Notification.Status.FAILED)
            .select_related("recipient")
            .order_by("-created_at")[:LIST_SIZE]
        ),
        "failed_webhooks": _failed_webhooks(),
        "errors": errors or {},
    }
    return render(request, "web/coordination.html", context, status=status)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return _dashboard(request)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    try:
        workflow.approve(match, actor=request.user, reason=request.POST.get("reason", ""))
    except workflow.WorkflowError:
        return _dashboard(
            request,
            errors={pk: [_("This match was not waiting for review any more; nothing changed.")]},
            status=409,
        )
    messages.success(
        request, _("Match %(id)s approved: both sides are asked now.") % {"id": match.pk}
    )
    return redirect("coordination")


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    match = get_object_or_404(Match, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        workflow.reject(match, actor=request.user, reason=reason)
    except workflow.WorkflowError as exc:
        if "reason" in exc.errors:
            text = (
                _("Please say why (at most 300 characters).")
                if reason.strip()
                else _("Please say why you reject this match.")
            )
            return _dashboard(request, errors={pk: [text]}, status=400)
        return _dashboard(
            request,
            errors={pk: [_("This match was not waiting for review any more; nothing changed.")]},
            status=409,
        )
    messages.success(request, _("Match %(id)s rejected.") % {"id": match.pk})
    return redirect("coordination")
