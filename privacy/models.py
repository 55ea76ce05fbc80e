from django.conf import settings
from django.db import models


class DataAccess(models.Model):
    """Someone other than its owner saw the exact address or contact details of a need or an
    offer: who, whose, when and why. A person's export lists who saw their data."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The person the data belongs to (the record's owner), kept even after the record closes.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    record_model = models.CharField(max_length=64)
    record_id = models.BigIntegerField()
    why = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "-at"])]
        verbose_name = "access to personal data"
        verbose_name_plural = "accesses to personal data"

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.record_model} {self.record_id} ({self.why})"
