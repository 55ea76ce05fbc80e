"""Reads: a person's inbox, and what coordinators see of failed deliveries."""

import re

from django.db.models import QuerySet

from accounts.models import Organisation, User
from notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from notifications.rendering import render_text

EMAIL_LIKE = re.compile(r"[^\s<>'\"@,:;()]+@[^\s<>'\"@,:;()]+")


def inbox_of(user: User, *, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own inbox items, newest first (digest emails are not items of their own)."""
    rows = Notification.objects.filter(recipient=user, in_inbox=True).select_related("recipient")
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(read_at__isnull=False)
    return rows.order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return inbox_of(user, unread=True).count()


def inbox_text(notification: Notification) -> tuple[str, str]:
    """(subject, plain text) of an inbox item, in the recipient's language."""
    return render_text(notification)


def failed_notifications() -> QuerySet[Notification]:
    """Emails that could not be delivered after the last try, newest first."""
    return Notification.objects.filter(status=Notification.Status.FAILED).order_by(
        "-created_at", "-pk"
    )


def webhook_endpoints_of(organisation: Organisation) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation=organisation).order_by("pk")


def webhook_deliveries(
    *, endpoint: WebhookEndpoint | None = None, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.objects.select_related("endpoint").prefetch_related("attempt_log")
    if endpoint is not None:
        rows = rows.filter(endpoint=endpoint)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def error_without_addresses(text: str) -> str:
    """A delivery's last error as coordinators see it: an SMTP error may quote the refused
    address; coordinators see the row, not the address."""
    return EMAIL_LIKE.sub("…", text)
