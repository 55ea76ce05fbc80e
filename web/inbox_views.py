"""A person's inbox (their notifications, newest first) and the page of one of their matches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching import workflow
from matching.models import Match, MatchState
from matching.selectors import matches_visible_to, revealed_details
from notifications.models import Notification
from web.summaries import match_facts, state_label

PAGE_SIZE = 50


def _render_text(notification: Notification) -> tuple[str, str]:
    """Subject and text in the recipient's language (helper T's rendering)."""
    from notifications import rendering

    return rendering.render_text(notification)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = list(
        Notification.objects.filter(recipient=request.user, in_inbox=True).order_by(
            "-created_at", "-id"
        )[:PAGE_SIZE]
    )
    items = []
    for row in rows:
        subject, text = _render_text(row)
        items.append(
            {
                "id": row.pk,
                "subject": subject,
                "text": text,
                "created_at": row.created_at,
                "unread": row.read_at is None,
                "match_id": (row.context or {}).get("match_id"),
            }
        )
    unread = Notification.objects.filter(
        recipient=request.user, in_inbox=True, read_at__isnull=True
    ).count()
    return render(request, "web/inbox.html", {"items": items, "unread": unread})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Notification, pk=pk, recipient=request.user, in_inbox=True)
    if row.read_at is None:
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    unread = Notification.objects.filter(
        recipient=request.user, in_inbox=True, read_at__isnull=True
    )
    done = unread.update(read_at=timezone.now())
    if done:
        messages.success(request, _("All messages are marked as read."))
    return redirect("inbox")


def _match_for(request: HttpRequest, pk: int) -> tuple[Match, set[str]]:
    """The match if the person is one of its sides or a coordinator; 404 otherwise, so that
    nobody learns which matches exist."""
    match = matches_visible_to(request.user).filter(pk=pk).first()
    if match is None:
        raise Http404
    return match, workflow.sides_of(match, request.user)


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    return _match_page(request, match, sides)


def _match_page(request, match, sides, *, errors=None, values=None, status=200) -> HttpResponse:
    # Contact details come only from revealed_details: None until both sides said yes.
    contacts = []
    for side in sorted(sides):
        details = revealed_details(match, side)
        if details:
            contacts.append(details)
    unanswered = [s for s in sorted(sides) if not getattr(match, f"{s}_answer")]
    context = {
        "match": match,
        "sides": sides,
        "state_text": state_label(match.state),
        "facts": match_facts(match),
        "contacts": contacts,
        "can_answer": match.state == MatchState.OFFERED and bool(unanswered),
        "answered": match.state == MatchState.OFFERED and not unanswered and bool(sides),
        "can_confirm": match.state == MatchState.ACCEPTED and "need" in sides,
        "can_write": match.state in (MatchState.OFFERED, MatchState.ACCEPTED) and bool(sides),
        "thread": list(match.messages.all()),
        "errors": errors or {},
        "values": values or {"quantity": match.quantity},
    }
    return render(request, "web/match.html", context, status=status)


def _error_words(match: Match, exc: workflow.WorkflowError) -> dict[str, list[str]]:
    """The workflow's field errors, with the page's own words for the fields it knows."""
    words = {}
    if "quantity" in exc.errors:
        words["quantity"] = [
            _("Enter a whole number between 1 and %(most)s.") % {"most": match.quantity}
        ]
    if "reason" in exc.errors:
        words["reason"] = [_("The reason can be at most 300 characters long.")]
    if exc.code == "wrong_state":
        words["detail"] = [_("This is not possible any more: the match has moved on.")]
    for name, found in exc.errors.items():
        words.setdefault(name, [str(m) for m in found])
    return words


@login_required
@require_POST
def match_respond(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    answer = request.POST.get("answer", "")
    reason = request.POST.get("reason", "")
    if answer not in ("yes", "no"):
        return _match_page(
            request,
            match,
            sides,
            errors={"answer": [_("Please choose yes or no.")]},
            values={"reason": reason},
            status=400,
        )
    try:
        workflow.respond(match, user=request.user, answer=answer, reason=reason)
    except workflow.WorkflowError as exc:
        match.refresh_from_db()
        errors = _error_words(match, exc)
        return _match_page(
            request, match, sides, errors=errors, values={"reason": reason}, status=400
        )
    messages.success(
        request, _("Your yes is saved.") if answer == "yes" else _("Your answer is saved.")
    )
    return redirect("match", pk=match.pk)


@login_required
@require_POST
def match_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    raw = request.POST.get("quantity", "").strip()
    try:
        quantity = int(raw)
    except ValueError:
        quantity = None
    try:
        if quantity is None:
            raise workflow.WorkflowError("invalid", "not a number", field="quantity")
        workflow.fulfil(match, user=request.user, quantity=quantity)
    except workflow.WorkflowError as exc:
        match.refresh_from_db()
        errors = _error_words(match, exc)
        return _match_page(
            request, match, sides, errors=errors, values={"quantity": raw}, status=400
        )
    messages.success(request, _("The handover is confirmed. Thank you!"))
    return redirect("match", pk=match.pk)


@login_required
@require_POST
def match_message(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    body = request.POST.get("body", "")
    try:
        workflow.send_message(match, user=request.user, body=body)
    except workflow.WorkflowError as exc:
        match.refresh_from_db()
        errors = {"body": [_("Please write a message of at most 2000 characters.")]}
        if "body" not in exc.errors:
            errors = _error_words(match, exc)
        return _match_page(request, match, sides, errors=errors, values={"body": body}, status=400)
    messages.success(request, _("Your message was sent."))
    return redirect("match", pk=match.pk)
