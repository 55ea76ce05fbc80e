"""The platform's own Prometheus metrics: gauges read from the database and Redis at scrape
time, and the duration of matching batches.

The gauges are the reliable source: every process computes them from the same database, so
whichever web process answers a scrape tells the truth. The batch histogram is observed in the
worker process that ran the batch; prometheus_client keeps it in that process's memory, which
the web process's /metrics does not see (no multiprocess mode, no exporter in the workers). It
is there for a worker exporter later; alerts belong on the gauges.

Lives in workers because it reads matching, notifications and every need and offer model, and
watches matching's task from outside (matching imports nothing above it); registered once per
process in WorkersConfig.ready().
"""

import logging
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import redis
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Subquery,
)
from django.utils import timezone
from prometheus_client import REGISTRY, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from lifecycle.services import lifecycle_models
from matching.kinds import KINDS
from matching.models import Match, OwedBatch
from matching.tasks import match_area
from notifications.models import Notification

logger = logging.getLogger(__name__)

PREFIX = "willkommen"
# How far back the time from a need's posting to its first proposal looks.
FIRST_PROPOSAL_WINDOW = timedelta(days=30)

BATCH_SECONDS = Histogram(
    f"{PREFIX}_matching_batch_seconds",
    "Duration of one matching batch (match_area task), in the worker process that ran it.",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)


def queue_names() -> list[str]:
    """The default queue and any other queue the settings route tasks to."""
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    if isinstance(routes, dict):
        for route in routes.values():
            if isinstance(route, dict) and route.get("queue"):
                names.add(route["queue"])
    for queue in getattr(settings, "CELERY_TASK_QUEUES", None) or ():
        names.add(getattr(queue, "name", queue))
    return sorted(names)


class _Seconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _age_seconds(oldest, now) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0


def _queues() -> Iterator[Metric]:
    gauge = GaugeMetricFamily(
        f"{PREFIX}_queue_length", "Messages waiting in a Celery queue (Redis).", labels=["queue"]
    )
    with redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2) as client:
        for name in queue_names():
            gauge.add_metric([name], client.llen(name))
    yield gauge


def _outbox() -> Iterator[Metric]:
    now = timezone.now()
    pending = Notification.objects.filter(status=Notification.Status.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_outbox_pending", "Notifications waiting to be sent.", value=pending["count"]
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_outbox_oldest_pending_age_seconds",
        "Age of the oldest notification waiting to be sent (0 if none).",
        value=_age_seconds(pending["oldest"], now),
    )


def _matches() -> Iterator[Metric]:
    gauge = GaugeMetricFamily(
        f"{PREFIX}_matches", "Matches by kind and current state.", labels=["kind", "state"]
    )
    rows = Match.objects.order_by().values("kind", "state").annotate(n=Count("pk"))
    for row in rows:
        gauge.add_metric([row["kind"], row["state"]], row["n"])
    yield gauge


def _notifications() -> Iterator[Metric]:
    gauge = GaugeMetricFamily(
        f"{PREFIX}_notifications",
        "Notifications by channel and status (sent, failed, pending …).",
        labels=["channel", "status"],
    )
    rows = Notification.objects.order_by().values("channel", "status").annotate(n=Count("pk"))
    for row in rows:
        gauge.add_metric([row["channel"], row["status"]], row["n"])
    yield gauge


def _flagged() -> Iterator[Metric]:
    now = timezone.now()
    count = GaugeMetricFamily(
        f"{PREFIX}_flagged_records",
        "Needs and offers flagged for matching that no batch has taken yet.",
        labels=["model"],
    )
    age = GaugeMetricFamily(
        f"{PREFIX}_flagged_oldest_age_seconds",
        "Time since the oldest flagged record changed (0 if none).",
        labels=["model"],
    )
    for model in lifecycle_models():
        flagged = model.objects.filter(needs_matching=True).aggregate(
            count=Count("pk"), oldest=Min("updated_at")
        )
        label = model._meta.label_lower
        count.add_metric([label], flagged["count"])
        age.add_metric([label], _age_seconds(flagged["oldest"], now))
    yield count
    yield age


def _owed() -> Iterator[Metric]:
    owed = OwedBatch.objects.aggregate(count=Count("pk"), oldest=Min("created_at"))
    yield GaugeMetricFamily(
        f"{PREFIX}_owed_batches",
        "Changes that owe a batch of a cell which has not started yet (matching.owed).",
        value=owed["count"],
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_owed_oldest_age_seconds",
        "Age of the oldest change that no batch has seen yet (0 if none); /readyz's limit.",
        value=_age_seconds(owed["oldest"], timezone.now()),
    )


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def first_proposal_seconds(kind: str, since) -> dict[str, float | int | None]:
    """Median and mean seconds from a need's posting (since `since`) to its first match, and
    how many needs had one: one aggregate query, computed in PostgreSQL."""
    adapter = KINDS[kind]
    first = (
        Match.objects.filter(**{adapter.need_field: OuterRef("pk")})
        .order_by("created_at")
        .values("created_at")[:1]
    )
    return (
        adapter.need_model.objects.filter(created_at__gte=since)
        .annotate(first=Subquery(first))
        .filter(first__isnull=False)
        .annotate(seconds=_Seconds(F("first") - F("created_at")))
        .aggregate(median=_Median("seconds"), mean=Avg("seconds"), needs=Count("pk"))
    )


def _first_proposal() -> Iterator[Metric]:
    since = timezone.now() - FIRST_PROPOSAL_WINDOW
    days = FIRST_PROPOSAL_WINDOW.days
    med = GaugeMetricFamily(
        f"{PREFIX}_need_first_proposal_median_seconds",
        f"Median time from a need's posting to its first proposal (needs of {days} days).",
        labels=["kind"],
    )
    mean = GaugeMetricFamily(
        f"{PREFIX}_need_first_proposal_mean_seconds",
        f"Mean time from a need's posting to its first proposal (needs of {days} days).",
        labels=["kind"],
    )
    proposed = GaugeMetricFamily(
        f"{PREFIX}_need_first_proposal_needs",
        f"Needs of the last {days} days that had a proposal (the sample of the two above).",
        labels=["kind"],
    )
    for kind in KINDS:
        figures = first_proposal_seconds(kind, since)
        proposed.add_metric([kind], figures["needs"])
        if figures["needs"]:
            med.add_metric([kind], figures["median"])
            mean.add_metric([kind], figures["mean"])
    yield med
    yield mean
    yield proposed


PARTS: dict[str, Callable[[], Iterator[Metric]]] = {
    "queues": _queues,
    "outbox": _outbox,
    "matches": _matches,
    "notifications": _notifications,
    "flagged": _flagged,
    "owed": _owed,
    "first_proposal": _first_proposal,
}


class PlatformCollector(Collector):
    """Computes the gauges when Prometheus scrapes; a part that fails (Redis down) is left out
    and counted in willkommen_metrics_part_failed, never fails the whole scrape."""

    def describe(self) -> Iterator[Metric]:
        # Lets the registry learn the names without touching the database at registration.
        return iter(())

    def collect(self) -> Iterator[Metric]:
        failed = GaugeMetricFamily(
            f"{PREFIX}_metrics_part_failed",
            "1 if this part of the platform's metrics could not be computed in this scrape.",
            labels=["part"],
        )
        for name, part in PARTS.items():
            try:
                metrics = list(part())
            except Exception:  # any failure is reported, none may break the scrape
                logger.exception("metrics part %s failed", name)
                failed.add_metric([name], 1)
                continue
            failed.add_metric([name], 0)
            yield from metrics
        yield failed


_started: dict[str, float] = {}


def _batch_started(task_id: str | None = None, task=None, **kwargs) -> None:
    if task is not None and task.name == match_area.name and task_id:
        _started[task_id] = time.monotonic()


def _batch_finished(task_id: str | None = None, task=None, args=None, kwargs=None, **extra):
    started = _started.pop(task_id, None) if task_id else None
    if started is None or task is None or task.name != match_area.name:
        return
    kind = (kwargs or {}).get("kind") or (args[0] if args else "unknown")
    BATCH_SECONDS.labels(kind=kind).observe(time.monotonic() - started)


_registered = False


def register() -> None:
    """Once per process (WorkersConfig.ready): the collector and the batch timing."""
    global _registered
    if _registered:
        return
    REGISTRY.register(PlatformCollector())
    task_prerun.connect(_batch_started, weak=False, dispatch_uid="willkommen-batch-started")
    task_postrun.connect(_batch_finished, weak=False, dispatch_uid="willkommen-batch-finished")
    _registered = True
