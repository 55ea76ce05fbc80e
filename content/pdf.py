"""A handout as a PDF, in any content language; Arabic right to left.

WeasyPrint lays out an HTML page (content/templates/content/handout_pdf.html) with Pango and
HarfBuzz, which shape Arabic and order it right to left by the `dir` attribute; the fonts are
Debian's Noto fonts (fonts-noto-core, scripts/bootstrap.sh), found through fontconfig. The PDF
says which language it is in and when the handout was last confirmed, and where the wanted
language is missing or outdated it shows the source with a notice in the wanted language.

Rendering never reaches the network: the URL fetcher hands out the project's own static files
and refuses everything else (a handout is rendered in a request; a slow or hostile address
must not hold it, nor learn who prints what)."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcherResponse

from content.markup import blocks
from content.models import Handout
from content.selectors import language_name, text_direction
from editorial import selectors as editorial

# Where static files seem to be, for the base URL of the document: only a name, never fetched.
STATIC_BASE = "https://static.invalid/"


class RefusedFetch(ValueError):
    """An address a handout's PDF may not load."""


def url_fetcher(url: str) -> URLFetcherResponse:
    """The project's static files by their path below STATIC_URL; anything else is refused."""
    parsed = urlparse(url)
    base = urlparse(STATIC_BASE)
    if (parsed.scheme, parsed.netloc) != (base.scheme, base.netloc):
        raise RefusedFetch(f"a handout's PDF loads nothing from {url!r}")
    name = unquote(parsed.path).lstrip("/")
    prefix = settings.STATIC_URL.strip("/") + "/"
    if not name.startswith(prefix) or ".." in Path(name).parts:
        raise RefusedFetch(f"not a static file: {url!r}")
    found = finders.find(name[len(prefix) :])
    if not found:
        raise RefusedFetch(f"no such static file: {url!r}")
    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
    return URLFetcherResponse(
        url=url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
    )


def handout_html(handout: Handout, language: str) -> str:
    """The HTML the PDF is made of (also what a test reads): the frame in the wanted
    language, the text in the language it is shown in."""
    shown = editorial.reading(handout.text, language)
    with translation.override(language):
        return render_to_string(
            "content/handout_pdf.html",
            {
                "handout": handout,
                "wanted": language,
                "wanted_dir": text_direction(language),
                "wanted_name": language_name(language),
                # Not the Reading itself: templates look names up as keys first, and a
                # Reading answers every key (with "" for fields it does not have).
                "fields": shown.fields,
                "notice": shown.notice,
                "shown_language": shown.language,
                "shown_dir": text_direction(shown.language),
                "shown_name": language_name(shown.language),
                "blocks": blocks(shown["body"]),
                "source_name": language_name(handout.text.source_language),
                "static_base": STATIC_BASE + settings.STATIC_URL.strip("/") + "/",
            },
        )


def handout_pdf(handout: Handout, language: str) -> bytes:
    """The handout as a PDF for a reader of `language`."""
    html = handout_html(handout, language)
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=url_fetcher).write_pdf()
