"""Template tags of the web pages."""

from urllib.parse import urlsplit

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def language_next(context) -> str:
    """Where the language switcher returns to: this page, if it can be fetched again. A page
    shown in answer to a refused POST (an error beside a field) may live at an address that
    only takes POST; then it is the page the form was sent from, else the home page."""
    request = context.get("request")
    if request is None:
        return reverse("home")
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")
