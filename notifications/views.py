"""The one-click unsubscribe page linked from every email (`List-Unsubscribe`, RFC 8058).

No login: the signed token in the URL is the permission. A GET only shows a confirm page (a
mail scanner following the link must not unsubscribe anyone); a POST switches email off —
what mail clients send for "List-Unsubscribe=One-Click", without a CSRF token.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import services


def _page(request: HttpRequest, template: str, language: str, status: int = 200, **context):
    with translation.override(language):
        context["language"] = language
        context["rtl"] = translation.get_language_bidi()
        return render(request, f"notifications/{template}", context, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = services.user_for_unsubscribe(token)
    if user is None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return _page(request, "unsubscribe_invalid.html", language, status=400)
    language = user.preferred_language or settings.LANGUAGE_CODE
    if request.method == "POST":
        services.unsubscribe(token)
        return _page(request, "unsubscribe_done.html", language)
    return _page(request, "unsubscribe.html", language, token=token)
