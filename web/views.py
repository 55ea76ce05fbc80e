from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

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
    from donations.models import DonationOffer, GoodsNeed

    context = {
        "open_needs": GoodsNeed.objects.filter(status__in=["open", "partly_matched"]).count(),
        "open_offers": DonationOffer.objects.filter(status__in=["open", "partly_matched"]).count(),
        "matches": Match.objects.count(),
    }
    return render(request, "web/home.html", context)
