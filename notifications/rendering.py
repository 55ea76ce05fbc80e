"""Rendering of a notification in its recipient's language: subject, plain text and HTML.

The row's context holds only what the event knew (JSON, no personal data of the other side);
what may change or must stay out of the row is added here, at render time: category names
in the rendering language, the items of a digest, and whatever the layers above provide
through `add_context_provider` (matching adds the contact details of an accepted match).
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist, engines
from django.utils import translation

from donations.models import Category
from notifications.models import Notification

FOLDER = "notifications/email"

# Functions of a notification that return template context to add at render time; layers
# above register theirs in `AppConfig.ready`, so rendering needs to know none of them.
ContextProvider = Callable[[Notification], dict]
_context_providers: list[ContextProvider] = []


def add_context_provider(provider: ContextProvider) -> None:
    if provider not in _context_providers:
        _context_providers.append(provider)


def _engine():
    # The project's Django engine (looked up each time: tests may change its options).
    return engines["django"].engine


def _render_language(language: str, template: str) -> str:
    """The recipient's language if this template exists in it, else English.

    Everything in one email (text, category names, dates, lang and dir) then uses the same
    language.
    """
    try:
        _engine().get_template(f"{FOLDER}/{language}/{template}.txt")
        return language
    except TemplateDoesNotExist:
        return "en"


def _render(name: str, context: dict, *, html: bool) -> str:
    # Plain text and subjects are not HTML: no escaping of "&" or quotes there.
    return _engine().get_template(name).render(Context(context, autoescape=html))


def _tidy(text: str) -> str:
    """Plain text without trailing spaces and without the runs of empty lines that template
    tags leave behind."""
    lines = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", lines).strip() + "\n"


def _one_line(subject: str) -> str:
    return " ".join(subject.split())


def _context(notification: Notification, language: str, **flags) -> dict:
    return {
        **notification.context,
        **_template_extras(notification, language),
        "recipient": notification.recipient,
        **flags,
    }


def _subject_and_text(folder: str, context: dict) -> tuple[str, str]:
    subject = _render(f"{folder}.subject.txt", context, html=False)
    text = _render(f"{folder}.txt", context, html=False)
    return _one_line(subject), _tidy(text)


def _render_text_in(notification: Notification, language: str, **flags) -> tuple[str, str]:
    folder = f"{FOLDER}/{language}/{notification.template}"
    with translation.override(language):
        return _subject_and_text(folder, _context(notification, language, **flags))


def render_text(notification: Notification) -> tuple[str, str]:
    """(subject, plain text) in the recipient's language: for the inbox and the digest."""
    language = _render_language(notification.language, notification.template)
    return _render_text_in(notification, language)


def render_email(notification: Notification) -> EmailMultiAlternatives:
    """The email in the recipient's language: subject, plain text and HTML."""
    language = _render_language(notification.language, notification.template)
    folder = f"{FOLDER}/{language}/{notification.template}"
    with translation.override(language):
        # The email's text ends with a signature; the inbox and digest items do not.
        context = _context(notification, language, for_email=True)
        subject, text = _subject_and_text(folder, context)
        html = _render(f"{folder}.html", context, html=True)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={
            "Message-ID": notification.message_id,
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
            "X-Willkommen-Notification": str(notification.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _template_extras(notification: Notification, language: str) -> dict:
    rtl = translation.get_language_info(language)["bidi"]
    recipient = notification.recipient
    extras = {
        "site_url": settings.SITE_URL,
        "language": language,
        "rtl": rtl,
        "direction": "rtl" if rtl else "ltr",
        "recipient_name": recipient.first_name or recipient.username,
        # Only ever what a provider says now (matching: once both said yes), never anything
        # stored in the row.
        "counterpart": None,
    }
    context = notification.context
    slug = context.get("category")
    if slug:
        category = Category.objects.filter(slug=slug).first()
        extras["category_name"] = category.name(language) if category else slug
    for provider in _context_providers:
        extras.update(provider(notification))
    if notification.template == "digest":
        extras["items"] = _digest_items(notification, language)
    return extras


def _digest_items(digest: Notification, language: str) -> list[dict]:
    """Each notification of the digest as (subject, text) in the digest's language, in the
    order given; only the digest recipient's own notifications."""
    ids = [pk for pk in digest.context.get("notification_ids", []) if pk != digest.pk]
    rows = Notification.objects.filter(pk__in=ids, recipient_id=digest.recipient_id)
    by_id = {row.pk: row for row in rows.select_related("recipient")}
    items = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None or row.template == "digest":
            continue
        subject, text = _render_text_in(
            row, _render_language(language, row.template), in_digest=True
        )
        # Without its greeting an item may start with a small letter ("wir konnten ...").
        text = text[:1].upper() + text[1:]
        items.append({"subject": subject, "text": text, "created_at": row.created_at})
    return items
