from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from accounts.passwords import lockout_message
from matching import diagnostics
from web.health import health, may_see_details, readiness


@never_cache
def healthz(request):
    """The public learns ok (200) or not (503); coordinators, staff and local probes also
    get each check's answer (web.health.may_see_details)."""
    healthy, checks = health()
    body: dict = {"status": "ok" if healthy else "failing"}
    if may_see_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
def readyz(request):
    """Readiness: a worker's recent heartbeat and no email or record to match waiting beyond
    its limit, besides the database and Redis (web.health.readiness). Ok (200) or not (503)
    for the public; the names of the failing checks and each check's answer only for those
    who may see /healthz's details."""
    ready, checks = readiness()
    body: dict = {"status": "ok" if ready else "failing"}
    if may_see_details(request):
        body["reasons"] = [name for name, answer in checks.items() if answer.startswith("failing")]
        body["checks"] = checks
    return JsonResponse(body, status=200 if ready else 503)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes' answer to a refused sign-in (AXES_LOCKOUT_CALLABLE): 429 with the page in
    the person's language (the admin's sign-in too), JSON for an API path."""
    status = 429  # Too Many Requests: it ends by itself, unlike a 403
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=status)
    return render(request, "web/locked_out.html", {"message": lockout_message()}, status=status)


# The kinds of need the home page counts (matching.kinds.KINDS names them).
HOME_COUNTED_KINDS = ("goods", "volunteers", "housing")


def home(request):
    """What the platform is and how to take part in each role, with how many needs of each
    kind wait right now (unmet needs, as the engine counts them; counts only, nothing
    personal)."""
    context = {
        "open_needs": {kind: diagnostics.open_needs(kind).count() for kind in HOME_COUNTED_KINDS}
    }
    return render(request, "web/home.html", context)


def set_language(request):
    """Django's language switcher; a signed-in person's choice is also saved as their
    preferred language, which their pages and emails use from now on."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and request.user.preferred_language != language
    ):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response
