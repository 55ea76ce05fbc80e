"""A signed-in person's pages speak the language they chose in their profile."""

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Runs after authentication: LocaleMiddleware guessed from the browser or the language
    cookie, but a signed-in person's `preferred_language` wins on the web pages (it is also
    the language of their emails, so the two agree). The API keeps Accept-Language, which
    clients set on purpose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user else ""
        if (
            user is not None
            and user.is_authenticated
            and language in SUPPORTED
            and not request.path.startswith("/api/")
        ):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
