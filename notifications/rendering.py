"""Rendering of a notification in its recipient's language: subject, plain text and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

from notifications.models import Notification


def _render_language(language: str, template: str) -> str:
    """The recipient's language if this template exists in it, else English.

    Everything in one email (text, category names, lang and dir) then uses the same language.
    """
    try:
        get_template(f"notifications/email/{language}/{template}.txt")
        return language
    except TemplateDoesNotExist:
        return "en"


def render_email(notification: Notification) -> EmailMultiAlternatives:
    language = _render_language(notification.language, notification.template)
    folder = f"notifications/email/{language}/{notification.template}"
    with translation.override(language):
        context = {
            **notification.context,
            **_template_extras(notification, language),
            "recipient": notification.recipient,
        }
        subject = get_template(f"{folder}.subject.txt").render(context)
        text = get_template(f"{folder}.txt").render(context)
        html = get_template(f"{folder}.html").render(context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
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
    from donations.models import Category

    extras = {
        "site_url": settings.SITE_URL,
        "language": language,
        "rtl": translation.get_language_info(language)["bidi"],
    }
    slug = notification.context.get("category")
    if slug:
        category = Category.objects.filter(slug=slug).first()
        extras["category_name"] = category.name(language) if category else slug
    return extras
