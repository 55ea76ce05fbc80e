import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One event for one recipient: the in-app inbox item and the outbox row of its email.

    Written in the same transaction as the event that causes it. A delivery task sends the
    email once: the idempotency key makes a second row for the same event impossible, and the
    conditional claim makes a second send of the same row impossible while the first is in
    flight.
    """

    class Status(models.TextChoices):
        # Status of the email part; the inbox item exists whatever it says.
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Waiting for the daily digest, or for the next day (the cap per sender organisation).
        HELD = "held", _("Held")
        # Carried by a digest email (see `digest`).
        DIGESTED = "digested", _("Sent in a digest")
        # The recipient switched email off.
        SKIPPED = "skipped", _("Not sent by email")

    class Hold(models.TextChoices):
        NONE = "", _("Not held")
        DIGEST = "digest", _("Daily digest")
        CAP = "cap", _("Daily cap of the sender organisation")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    template = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    context = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # The organisation whose step caused the message (for the daily cap); none for messages
    # the platform sends on its own or to members of the organisation itself.
    sender_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Listed in the recipient's inbox (in-app channel on when written; never a digest).
    in_inbox = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    hold = models.CharField(max_length=8, choices=Hold.choices, default=Hold.NONE, blank=True)
    # A row held by the cap is released at this time (start of the next day in Berlin).
    release_at = models.DateTimeField(null=True, blank=True)
    # The day (Europe/Berlin) whose cap of the sender organisation this email counts against.
    cap_day = models.DateField(null=True, blank=True)
    # The digest row whose email carried this one.
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="bundled"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="notification_undelivered_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["hold", "release_at"],
                name="notification_held_idx",
                condition=Q(status="held"),
            ),
            models.Index(
                fields=["recipient", "sender_organisation", "cap_day"],
                name="notification_cap_idx",
                condition=Q(cap_day__isnull=False),
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_inbox_idx",
                condition=Q(in_inbox=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id} ({self.status})"

    @property
    def message_id(self) -> str:
        # Derived from the row, so a copy sent again after a crash carries the same id.
        return f"<notification-{self.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


class NotificationPreference(models.Model):
    """How a person wants to hear from the platform; created with the defaults when first
    needed."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("Instant")
        DAILY = "daily", _("Daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.INSTANT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(email=True) | Q(in_app=True), name="notification_some_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} in_app={self.in_app} {self.frequency}"


def _new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """Where an organisation wants its events posted, signed with the endpoint's secret."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    active = models.BooleanField(default=True)
    # Event names to send (e.g. ["match.offered"]); empty: every event.
    events = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.url}"

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent after commit, retried with backoff, logged per try."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Stable over retries (X-Willkommen-Delivery): the receiver drops a copy it has seen.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=250, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                name="webhook_undelivered_idx",
                condition=Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try of a delivery: what the receiver answered, or why it could not be reached."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status_code or self.error}"
