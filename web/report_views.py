"""Report a problem, and the coordinators' handling of reports and suspensions.

- `/report/<target>/<id>/` (signed in): report a match, its messages or a record one can see.
- `/report/l/<token>/` (no sign-in): the link in every match email opens the same form for
  that match, in the language of the person it was sent to (`?lang=` switches); the GET only
  shows the form, the POST (CSRF-protected) files the report.
- `/coordination/reports/<id>/take|note|close|suspend/`, `/coordination/suspensions/<user>/
  lift/` (coordinators): the actions of the queue on /coordination/ (`safety_tags`).

Whom a report concerns never sees it: nothing here answers them.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from base.errors import NOT_FOUND, ApplicationError
from safety import services
from safety.links import ReportLink, read_report_link
from safety.models import MATCH_TARGETS, Category, Report, Target, Urgency, Via
from web.summaries import match_facts

SUPPORTED = {code for code, _name in settings.LANGUAGES}
LINK_PROBLEM_STATUS = {"invalid": 404, "expired": 410, "someone_else": 403}
FIELDS = ("category", "urgency", "text")


def _form_context(values: dict, errors: dict, **extra) -> dict:
    return {
        "categories": Category.choices,
        "urgencies": Urgency.choices,
        "values": values,
        "errors": errors,
        "text_max_length": services.TEXT_MAX_LENGTH,
        **extra,
    }


def _values(request: HttpRequest) -> dict:
    return {name: request.POST.get(name, "") for name in (*FIELDS, "about")}


def _file(request: HttpRequest, reporter: User, target: str, pk: int, via: str):
    """(report, errors): the report filed, or the field messages (nothing was stored)."""
    values = _values(request)
    try:
        report = services.file_report(
            reporter=reporter,
            target=target,
            target_id=pk,
            category=values["category"],
            urgency=values["urgency"],
            text=values["text"],
            via=via,
        )
    except ApplicationError as error:
        if error.code == NOT_FOUND:
            raise Http404 from error
        return None, error.errors
    return report, {}


# --- signed in -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    if target not in Target.values:
        raise Http404
    context = {"target_label": Target(target).label, "action": request.path}
    if request.method != "POST":
        return render(request, "web/report.html", _form_context({}, {}, **context))
    report, errors = _file(request, request.user, target, pk, Via.WEB)
    if errors:
        return render(
            request,
            "web/report.html",
            _form_context(_values(request), errors, **context),
            status=400,
        )
    return render(request, "web/report.html", {"done": True, "report": report})


# --- from an email, without signing in -----------------------------------------------------


def _language(request: HttpRequest, link: ReportLink) -> str:
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in SUPPORTED:
        return chosen
    if link.user is not None and link.user.preferred_language in SUPPORTED:
        return link.user.preferred_language
    return translation.get_language()


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


def _link_page(request, link: ReportLink, context: dict, status: int = 200) -> HttpResponse:
    language = _language(request, link)
    with translation.override(language):
        response = render(
            request,
            "web/report.html",
            {**context, "language": language, "languages": _languages(request), "by_link": True},
            status=status,
        )
    response["Content-Language"] = language
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def report_link(request: HttpRequest, token: str) -> HttpResponse:
    link = read_report_link(token)
    viewer = request.user if request.user.is_authenticated else None
    if link.ok and viewer is not None and viewer.pk != link.user.pk:
        link = ReportLink(problem="someone_else")
    if not link.ok:
        return _link_page(
            request, link, {"problem": link.problem}, status=LINK_PROBLEM_STATUS[link.problem]
        )
    with translation.override(_language(request, link)):
        facts = match_facts(link.match)
    context = {"facts": facts, "action": request.path, "match_link": True}
    if request.method != "POST":
        return _link_page(request, link, _form_context({"about": Target.MATCH}, {}, **context))
    about = request.POST.get("about")
    target = about if about in MATCH_TARGETS else Target.MATCH
    with translation.override(_language(request, link)):
        try:
            report, errors = _file(request, link.user, target, link.match.pk, Via.EMAIL_LINK)
        except Http404:
            # No longer a side of the match (they left the initiative).
            return _link_page(request, link, {"problem": "invalid"}, status=404)
    if errors:
        return _link_page(
            request, link, _form_context(_values(request), errors, **context), status=400
        )
    return _link_page(request, link, {"done": True, "report": report})


# --- coordinators ------------------------------------------------------------------------------


def _coordinator(request: HttpRequest) -> None:
    if not request.user.is_coordinator:
        raise PermissionDenied
    # As on the dashboard: a coordinator without a confirmed second factor acts on nothing.
    if settings.SECOND_FACTOR_REQUIRED and not request.user.is_verified():
        raise PermissionDenied


def _back(report: Report | None = None) -> HttpResponse:
    anchor = f"#report-{report.pk}" if report is not None else "#suspensions"
    return redirect(reverse("coordination") + anchor)


def _refused(request: HttpRequest, error: ApplicationError) -> None:
    for found in error.errors.values():
        for message in found:
            messages.error(request, message)


def _report_step(request: HttpRequest, pk: int, step, done: str) -> HttpResponse:
    _coordinator(request)
    report = get_object_or_404(Report, pk=pk)
    try:
        step(report)
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(request, done % {"id": report.pk})
    return _back(report)


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(
        request,
        pk,
        lambda report: services.take_report(
            report, actor=request.user, note=request.POST.get("note", "")
        ),
        _("Report %(id)s is now in progress."),
    )


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(
        request,
        pk,
        lambda report: services.add_note(
            report, actor=request.user, note=request.POST.get("note", "")
        ),
        _("Your note on report %(id)s was saved."),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(
        request,
        pk,
        lambda report: services.close_report(
            report, actor=request.user, note=request.POST.get("note", "")
        ),
        _("Report %(id)s is closed."),
    )


@login_required
@require_POST
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    report = get_object_or_404(Report, pk=pk)
    if report.reported_user is None:
        messages.error(request, _("This report names no account to suspend."))
        return _back(report)
    try:
        suspension = services.suspend(
            report.reported_user,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            report=report,
        )
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The account is suspended; %(n)d live matches were ended.")
            % {"n": suspension.matches_cancelled},
        )
    return _back(report)


@login_required
@require_POST
def lift(request: HttpRequest, user_pk: int) -> HttpResponse:
    _coordinator(request)
    user = get_object_or_404(User, pk=user_pk)
    try:
        services.lift_suspension(user, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The suspension is lifted; the account's offers are matched again.")
        )
    return _back()
