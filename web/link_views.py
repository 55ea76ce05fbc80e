"""One-click links from emails: `GET /l/<token>/` explains the action and asks to confirm it,
`POST` does it (through `matching.link_actions.use_link`) and shows what happened.

The GET changes nothing, because mail scanners and link previews follow links: only a person
pressing the button decides. The page speaks the recipient's language (`link.user`), not the
browser's, because the email it came from did; a visitor may still switch with `?lang=`.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from matching.link_actions import use_link
from matching.links import check_link, offer_record
from matching.models import REASON_MAX_LENGTH, ActionLink, Match
from matching.selectors import reveal_to
from web.summaries import match_facts, offer_facts

SUPPORTED = {code for code, _name in settings.LANGUAGES}

# What went wrong with a link, and the status that says it to machines too.
PROBLEM_STATUS = {
    "invalid": 404,
    "expired": 410,
    "used": 410,
    "closed": 409,
    "someone_else": 403,
}


def _language(request: HttpRequest, link: ActionLink | None) -> str:
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in SUPPORTED:
        return chosen
    if link is not None and link.user.preferred_language in SUPPORTED:
        return link.user.preferred_language
    return translation.get_language()


def _viewer(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _texts(action: str) -> dict:
    """Heading, explanation and button of each action (translated when called)."""
    return {
        ActionLink.Action.ACCEPT: {
            "title": _("Say yes to this match"),
            "explain": _(
                "If you say yes and the other side says yes too, you both see each other's "
                "contact details and can arrange the handover. Until then nobody sees them."
            ),
            "button": _("Yes, I accept"),
        },
        ActionLink.Action.DECLINE: {
            "title": _("Say no to this match"),
            "explain": _(
                "If you say no, this match ends and we look for another one. You may tell us "
                "why; the other side does not see your reason."
            ),
            "button": _("No, I decline"),
        },
        ActionLink.Action.FULFILLED: {
            "title": _("Confirm the handover"),
            "explain": _(
                "Please tell us how many were actually handed over. If it was fewer, we look "
                "for the rest again."
            ),
            "button": _("Confirm the handover"),
        },
        ActionLink.Action.NOT_HAPPENED: {
            "title": _("The handover did not happen"),
            "explain": _(
                "The match ends, and we look for another one. You may tell us what happened."
            ),
            "button": _("It did not happen"),
        },
        ActionLink.Action.AVAILABLE: {
            "title": _("Is your offer still available?"),
            "explain": _("If you confirm, your offer stays open and can be matched."),
            "button": _("Yes, it is still available"),
        },
        ActionLink.Action.WITHDRAW: {
            "title": _("Withdraw your offer"),
            "explain": _("Your offer will no longer be matched. Thank you for offering it."),
            "button": _("Withdraw my offer"),
        },
    }[action]


def _problem_texts(problem: str) -> dict:
    return {
        "invalid": {
            "title": _("This link does not work"),
            "text": _(
                "The address may be incomplete or changed. Please open the link again from "
                "the email, or copy the whole address. Nothing was changed."
            ),
        },
        "expired": {
            "title": _("This link has expired"),
            "text": _(
                "Links in our emails work only for a limited time. Nothing was changed. Sign "
                "in to see the current state in your inbox."
            ),
        },
        "used": {
            "title": _("This link was already used"),
            "text": _(
                "Each link works once, and your answer has been saved. Nothing was changed "
                "now. Sign in to see the current state in your inbox."
            ),
        },
        "closed": {
            "title": _("This is no longer open"),
            "text": _(
                "Things have moved on: the match or the offer has been answered, has expired "
                "or was cancelled. Nothing was changed. Your inbox shows the current state."
            ),
        },
        "someone_else": {
            "title": _("This link is meant for someone else"),
            "text": _(
                "You are signed in as a different person from the one this link was sent to. "
                "Nothing was changed. Sign out and open the link again, or pass it on to the "
                "person it was meant for."
            ),
        },
    }[problem]


def _languages(request: HttpRequest) -> list[dict]:
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": f"{request.path}?lang={code}",
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


def _problem(request: HttpRequest, problem: str, link: ActionLink | None) -> HttpResponse:
    # Someone else's link is explained in the viewer's own language, not the recipient's.
    language = translation.get_language() if problem == "someone_else" else _language(request, link)
    with translation.override(language):
        response = render(
            request,
            "web/links/problem.html",
            {"problem": problem, **_problem_texts(problem), "languages": _languages(request)},
            status=PROBLEM_STATUS[problem],
        )
    response["Content-Language"] = language
    return response


def _subject(link: ActionLink) -> tuple[list[tuple[str, str]], Match | None]:
    if link.match_id:
        return match_facts(link.match, {link.side}), link.match
    record = offer_record(link)
    return (offer_facts(record) if record is not None else []), None


def _form(request, link, *, errors=None, values=None, status=200) -> HttpResponse:
    language = _language(request, link)
    with translation.override(language):
        facts, match = _subject(link)
        context = {
            "link": link,
            "action": link.action,
            "facts": facts,
            "match": match,
            "errors": errors or {},
            "values": values or {},
            "quantity_max": match.quantity if match is not None else None,
            "reason_max_length": REASON_MAX_LENGTH,
            "language": language,
            "languages": _languages(request),
            **_texts(link.action),
        }
        response = render(request, "web/links/confirm.html", context, status=status)
    response["Content-Language"] = language
    return response


def _done(request, link: ActionLink, outcome) -> HttpResponse:
    language = _language(request, link)
    with translation.override(language):
        match = outcome.match
        contact = None
        if match is not None and link.side:
            # Both sides said yes: the person who holds this link may now see the other side.
            contact = reveal_to(link.user, match, link.side)
        response = render(
            request,
            "web/links/done.html",
            {
                "link": link,
                "action": link.action,
                "match": match,
                "contact": contact,
                "languages": _languages(request),
            },
        )
    response["Content-Language"] = language
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def action_link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        checked = check_link(token, user=_viewer(request))
        if checked.problem:
            return _problem(request, checked.problem, checked.link)
        initial = {}
        if checked.link.action == ActionLink.Action.FULFILLED:
            initial["quantity"] = checked.link.match.quantity
        return _form(request, checked.link, values=initial)

    data = {name: request.POST[name] for name in ("reason", "quantity") if name in request.POST}
    # The workflow words its refusals in the active language: make it the page's.
    link = check_link(token, user=_viewer(request)).link
    with translation.override(_language(request, link)):
        outcome = use_link(token, user=_viewer(request), data=data)
    if outcome.problem:
        return _problem(request, outcome.problem, outcome.link)
    if outcome.errors:
        return _form(request, outcome.link, errors=outcome.errors, values=data, status=400)
    return _done(request, outcome.link, outcome)
