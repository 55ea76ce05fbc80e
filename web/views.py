from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from donations.models import DonationOffer, GoodsNeed
from matching.models import Match
from web.health import health


@never_cache
def healthz(request):
    healthy, checks = health()
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )


def home(request):
    context = {
        "open_needs": GoodsNeed.objects.filter(status__in=["open", "partly_matched"]).count(),
        "open_offers": DonationOffer.objects.filter(status__in=["open", "partly_matched"]).count(),
        "matches": Match.objects.count(),
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
