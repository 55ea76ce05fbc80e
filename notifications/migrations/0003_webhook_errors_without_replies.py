"""Webhook errors logged by older versions quoted the exception's text, which may carry what
the target sent (a status line, an SSH or Redis banner). The delivery log is shown to the
organisation, so each stored error becomes the fixed reason the sender writes now.

Reversing keeps the reasons: the quoted replies are not kept anywhere to restore.
"""

import re

from django.db import migrations

KEPT = {
    "",
    "endpoint switched off",
    "gave up: the worker was lost on every try",
}
HTTP_STATUS = re.compile(r"HTTP \d{3}")
NOT_HTTP = {"BadStatusLine", "LineTooLong", "IncompleteRead", "UnknownProtocol", "HTTPException"}


def reason(stored: str) -> str:
    """The fixed reason for an error text written by an older version (`Class: text`)."""
    if stored in KEPT or HTTP_STATUS.fullmatch(stored):
        return stored
    kind, _, text = stored.partition(":")
    text = text.lower()
    if kind == "RemoteDisconnected":
        return "connection closed without an answer"
    if kind in NOT_HTTP:
        return "not an HTTP answer"
    if "certificate_verify_failed" in text:
        return "TLS certificate not valid"
    if kind.startswith("SSL") or "[ssl" in text:
        return "TLS error"
    if kind in ("TimeoutError", "timeout") or "timed out" in text:
        return "timed out"
    if kind == "ConnectionRefusedError" or "connection refused" in text:
        return "connection refused"
    if kind in ("ConnectionResetError", "BrokenPipeError", "ConnectionAbortedError"):
        return "connection reset"
    if kind == "gaierror" or "name or service not known" in text or "name resolution" in text:
        return "host name not found"
    if "unreachable" in text:
        return "address unreachable"
    return "connection failed"


def scrub_errors(apps, schema_editor) -> None:
    for model, field in (("WebhookAttempt", "error"), ("WebhookDelivery", "last_error")):
        rows = apps.get_model("notifications", model).objects.exclude(**{field: ""})
        for row in rows.only("pk", field).iterator():
            shown = reason(getattr(row, field))
            if shown != getattr(row, field):
                setattr(row, field, shown)
                row.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_channels_preferences_webhooks")]

    operations = [migrations.RunPython(scrub_errors, migrations.RunPython.noop)]
