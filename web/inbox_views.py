"""A person's inbox (their notifications, newest first) and the page of one of their matches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from base.errors import GENERAL, WRONG_STATE, ApplicationError
from matching import workflow
from matching.models import ACTIVE_STATES, REASON_MAX_LENGTH, Match, MatchState
from matching.selectors import matches_visible_to, reveal_to
from notifications import selectors, services
from web.summaries import inbox_item, match_facts, state_label

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    # A short summary per item, never the email's text (one-click links, contacts).
    items = []
    for row in selectors.inbox_of(request.user)[:PAGE_SIZE]:
        subject, _text = selectors.inbox_text(row)
        items.append(inbox_item(row, subject))
    unread = selectors.unread_count(request.user)
    return render(request, "web/inbox.html", {"items": items, "unread": unread})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's message does not exist for you.
    get_object_or_404(selectors.inbox_of(request.user), pk=pk)
    services.mark_read(request.user, pk)
    return redirect("inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    if services.mark_all_read(request.user):
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
    # Contact details come only from reveal_to: None until both sides said yes.
    contacts = []
    for side in sorted(sides):
        details = reveal_to(request.user, match, side)
        if details:
            contacts.append(details)
    unanswered = [s for s in sorted(sides) if not getattr(match, f"{s}_answer")]
    context = {
        "match": match,
        "sides": sides,
        "state_text": state_label(match.state),
        # A household's title only to its initiative and coordinators (web.summaries).
        "facts": match_facts(match, {"need", "offer"} if request.user.is_coordinator else sides),
        "contacts": contacts,
        "can_answer": match.state == MatchState.OFFERED and bool(unanswered),
        "answered": match.state == MatchState.OFFERED and not unanswered and bool(sides),
        "can_confirm": match.state == MatchState.ACCEPTED and "need" in sides,
        # The donor says the goods were picked up; the initiative confirms how many.
        "can_confirm_pickup": (
            match.state == MatchState.ACCEPTED
            and match.kind == Match.Kind.GOODS
            and "offer" in sides
            and match.pickup_confirmed_at is None
        ),
        "can_write": match.state in (MatchState.OFFERED, MatchState.ACCEPTED) and bool(sides),
        # area: coordination-tools — coordinators cancel a live match here, with a reason
        # (web/coordination_tools.py).
        "can_cancel": request.user.is_coordinator and match.state in ACTIVE_STATES,
        "thread": list(match.messages.all()),
        "errors": errors or {},
        "values": values or {"quantity": match.quantity},
        "reason_max_length": REASON_MAX_LENGTH,
        "message_max_length": workflow.MESSAGE_MAX_LENGTH,
    }
    return render(request, "web/match.html", context, status=status)


def _form_errors(error: ApplicationError) -> dict[str, list[str]]:
    """The workflow's messages beside the form's fields. A step the match has moved past is
    said in the page's words: the workflow's sentence names a state the person may not know."""
    errors = dict(error.errors)
    if error.code == WRONG_STATE:
        errors[GENERAL] = [_("This is not possible any more: the match has moved on.")]
    return errors


@login_required
@require_POST
def match_respond(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    reason = request.POST.get("reason", "")
    try:
        workflow.respond(
            match, user=request.user, answer=request.POST.get("answer", ""), reason=reason
        )
    except ApplicationError as error:
        match.refresh_from_db()
        return _match_page(
            request,
            match,
            sides,
            errors=_form_errors(error),
            values={"reason": reason},
            status=400,
        )
    answer = request.POST["answer"]
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
        quantity = None  # not a number: the workflow says what it wants instead
    try:
        workflow.fulfil(match, user=request.user, quantity=quantity)
    except ApplicationError as error:
        match.refresh_from_db()
        return _match_page(
            request,
            match,
            sides,
            errors=_form_errors(error),
            values={"quantity": raw},
            status=400,
        )
    messages.success(request, _("The handover is confirmed. Thank you!"))
    return redirect("match", pk=match.pk)


@login_required
@require_POST
def match_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    try:
        workflow.confirm_pickup(match, user=request.user)
    except ApplicationError as error:
        match.refresh_from_db()
        return _match_page(request, match, sides, errors=_form_errors(error), status=400)
    messages.success(
        request, _("Thank you! The initiative is asked to confirm how many it received.")
    )
    return redirect("match", pk=match.pk)


@login_required
@require_POST
def match_message(request: HttpRequest, pk: int) -> HttpResponse:
    match, sides = _match_for(request, pk)
    body = request.POST.get("body", "")
    try:
        workflow.send_message(match, user=request.user, body=body)
    except ApplicationError as error:
        match.refresh_from_db()
        return _match_page(
            request, match, sides, errors=_form_errors(error), values={"body": body}, status=400
        )
    messages.success(request, _("Your message was sent."))
    return redirect("match", pk=match.pk)
