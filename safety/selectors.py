"""Reads about reports and suspensions: the coordinators' queue, a reporter's own reports, what
a person's export holds, and the offers a suspension pauses.

The reported person reads nothing here: reports are visible to coordinators and to whoever
filed them, never to whom they are about.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from lifecycle.models import LifecycleModel
from lifecycle.services import lifecycle_models
from lifecycle.states import MATCHABLE_STATUSES
from matching.kinds import KINDS
from matching.models import ACTIVE_STATES, Match
from safety.models import Report, ReportState, Suspension

OPEN_STATES = (ReportState.NEW, ReportState.IN_PROGRESS)


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Coordinators: every report. Anyone else: the reports they filed themselves."""
    reports = Report.objects.select_related(
        "reporter", "reported_user", "reported_organisation", "handled_by"
    )
    if user.is_authenticated and user.is_coordinator:
        return reports
    if not user.is_authenticated:
        return reports.none()
    return reports.filter(reporter=user)


def queue(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Open reports first, the one whose response-time goal comes first at the top; then the
    closed ones, most recently closed first."""
    return reports.annotate(
        closed=Case(
            When(state=ReportState.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("closed", "respond_by", "-closed_at", "id")


def is_overdue(report: Report, now: datetime | None = None) -> bool:
    """Nobody took the report up within its response-time goal."""
    return report.state == ReportState.NEW and report.respond_by < (now or timezone.now())


@dataclass(frozen=True)
class QueueItem:
    report: Report
    overdue: bool
    suspended: bool


def open_queue(limit: int) -> list[QueueItem]:
    """The open reports for the coordinators' page, most pressing first, each with whether
    it is overdue and whether the reported account is suspended now."""
    now = timezone.now()
    reports = list(
        queue(Report.objects.filter(state__in=OPEN_STATES)).select_related(
            "reporter", "reported_user", "reported_organisation", "handled_by"
        )[:limit]
    )
    suspended = set(
        Suspension.objects.filter(
            lifted_at__isnull=True,
            user_id__in=[r.reported_user_id for r in reports if r.reported_user_id],
        ).values_list("user_id", flat=True)
    )
    return [
        QueueItem(report, is_overdue(report, now), report.reported_user_id in suspended)
        for report in reports
    ]


def standing_suspension(user: User) -> Suspension | None:
    return Suspension.objects.filter(user=user, lifted_at__isnull=True).first()


def suspensions_of(user: User) -> QuerySet[Suspension]:
    return Suspension.objects.filter(user=user).select_related(
        "suspended_by", "lifted_by", "report"
    )


def standing_suspensions(limit: int) -> list[Suspension]:
    return list(
        Suspension.objects.filter(lifted_at__isnull=True)
        .select_related("user", "suspended_by")
        .order_by("suspended_at", "id")[:limit]
    )


def open_offers_of(user: User) -> list[LifecycleModel]:
    """The person's own offers the engine could match (open or partly matched): what a
    suspension pauses and lifting it gives back to matching."""
    found: list[LifecycleModel] = []
    for model in lifecycle_models():
        if model.OWNER_FIELD:
            found.extend(
                model.objects.filter(
                    **{model.OWNER_FIELD: user}, status__in=MATCHABLE_STATUSES
                ).order_by("pk")
            )
    return found


def live_matches_of(user: User) -> QuerySet[Match]:
    """Live matches (proposed to accepted) on offers the person owns: the ones a suspension
    ends. An initiative's needs are its members' together, so a suspended member's initiative
    keeps its matches."""
    q = Q(pk__in=[])
    for adapter in KINDS.values():
        q |= Q(**{f"{adapter.offer_field}__{adapter.offer_model.OWNER_FIELD}": user})
    return Match.objects.filter(q, state__in=ACTIVE_STATES).order_by("pk")


def export_for(user: User) -> dict:
    """What the person's data export holds from here: the reports they filed (not what
    coordinators noted about them) and their own suspensions. Reports about the person are not
    listed: they would tell who reported (GDPR Art. 15(4): others' rights)."""
    filed = [
        {
            "id": report.pk,
            "target": report.target,
            "match": report.match_id,
            "record": (
                {"model": report.record_model, "id": report.record_id} if report.record_id else None
            ),
            "category": report.category,
            "urgency": report.urgency,
            "text": report.text,
            "state": report.state,
            "created_at": report.created_at.isoformat(),
            "closed_at": report.closed_at.isoformat() if report.closed_at else None,
        }
        for report in Report.objects.filter(reporter=user).order_by("created_at", "pk")
    ]
    suspensions = [
        {
            "suspended_at": s.suspended_at.isoformat(),
            "reason": s.reason,
            "lifted_at": s.lifted_at.isoformat() if s.lifted_at else None,
            "lift_reason": s.lift_reason,
        }
        for s in Suspension.objects.filter(user=user).order_by("suspended_at", "pk")
    ]
    return {"reports_filed": filed, "suspensions": suspensions}
