"""Reports of harm and their handling, and suspensions of accounts.

A report is about a match, the messages of a match, or a public record (a flat, a donation, a
volunteer's profile, a need). Who reported is kept for coordinators only: no answer, page,
email or export that the reported person can reach names the reporter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NO_SHOW = "no_show", _("Did not show up")
    ABUSE = "abuse", _("Abuse or harassment")
    EXPLOITATION = "exploitation", _("Exploitation")
    DISCRIMINATION = "discrimination", _("Discrimination")
    UNSAFE_PLACE = "unsafe_place", _("Unsafe place")
    OTHER = "other", _("Something else")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Urgent: someone may be in danger")
    HIGH = "high", _("Soon: within a day")
    NORMAL = "normal", _("Normal")


class ReportState(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Target(models.TextChoices):
    """What a report is about: a match, the messages of a match, or a public record."""

    MATCH = "match", _("A match")
    MESSAGES = "messages", _("The messages of a match")
    FLAT = "flat", _("A flat")
    DONATION = "donation", _("A donation")
    VOLUNTEER_PROFILE = "volunteer_profile", _("A volunteer's profile")
    GOODS_NEED = "goods_need", _("A need for goods")
    VOLUNTEER_NEED = "volunteer_need", _("A need for volunteers")
    HOUSING_NEED = "housing_need", _("A household's need for a flat")


MATCH_TARGETS = (Target.MATCH, Target.MESSAGES)


class Via(models.TextChoices):
    API = "api", _("API")
    WEB = "web", _("Web page")
    EMAIL_LINK = "email_link", _("Link in an email")


class Report(models.Model):
    """One report of harm, with its handling: taken up by a coordinator (the response-time
    goal `respond_by` follows from its urgency), then closed; every step is a ReportEvent."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_filed",
    )
    target = models.CharField(max_length=32, choices=Target.choices)
    match = models.ForeignKey(
        "matching.Match", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For a record: its model ("housing.housingoffer") and id.
    record_model = models.CharField(max_length=64, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    # Whom the report is about, as far as the target tells (coordinators act on it).
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("what happened"), max_length=32, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    text = models.TextField(_("what happened, in your words"))
    state = models.CharField(max_length=16, choices=ReportState.choices, default=ReportState.NEW)
    via = models.CharField(max_length=16, choices=Via.choices)
    # The response-time goal: taken up by a coordinator before this.
    respond_by = models.DateTimeField()
    taken_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["respond_by"],
                name="report_open_queue_idx",
                condition=~Q(state="closed"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target__in=["match", "messages"], match__isnull=False)
                    | (
                        ~Q(target__in=["match", "messages"])
                        & Q(record_id__isnull=False)
                        & ~Q(record_model="")
                    )
                ),
                name="report_names_its_target",
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.category} ({self.state})"


class ReportEvent(models.Model):
    """The history of a report: what was done, by whom, when, with a note."""

    class Action(models.TextChoices):
        FILED = "filed", _("Filed")
        TAKEN = "taken", _("Taken up")
        NOTE = "note", _("Note")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        SUSPENDED = "suspended", _("Account suspended")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} on report {self.report_id}"


class Suspension(models.Model):
    """A coordinator suspended an account (and later lifted it). While a suspension stands the
    account is inactive (`User.is_active`): every login is refused and the engine does not
    match its offers. The rows are the history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.CharField(_("reason"), max_length=500)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField(auto_now_add=True)
    matches_cancelled = models.PositiveIntegerField(default=0)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.CharField(_("why it was lifted"), max_length=500, blank=True)

    class Meta:
        ordering = ["-suspended_at", "-id"]
        constraints = [
            # Two coordinators suspending at once: one suspension stands, the other is refused.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="one_standing_suspension_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Suspension of {self.user_id} ({'lifted' if self.lifted_at else 'standing'})"
