"""The figures that show whether the welcome centre works, and the supply and demand per
district, for coordinators. Reads only.

- needs met: needs that reached "fulfilled", per kind;
- time to an accepted match: per need, from its posting (`created_at`) to the first match
  that both sides accepted (`accepted_at`, whatever happened to the match later); the median
  over the needs that have one;
- households housed: households with a fulfilled housing match;
- proposals within 7 days: of the needs posted (not drafts) at least 7 days ago, the share
  with at least one match (in any state) created within 7 days of the posting;
- failed notifications: emails that could not be delivered after the last try.

Supply and demand (`supply_and_demand`, `open_points`) count and show open records
(`MATCHABLE_STATUSES`) at their public points only.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Count, Exists, F, Min, OuterRef, QuerySet
from django.utils import timezone

from donations.selectors import descendant_ids
from lifecycle.states import MATCHABLE_STATUSES, Status
from matching.kinds import KINDS
from matching.models import Match, MatchState
from notifications import selectors as notification_selectors

PROPOSAL_WINDOW = timedelta(days=7)
# A bound on the points a map draws per side, so that one request never reads a whole table.
MAP_POINTS_LIMIT = 2000


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return 100 * self.part / self.whole if self.whole else None


def kinds() -> list[str]:
    return list(KINDS)


def needs_met() -> dict[str, int]:
    """Needs that reached "fulfilled", per kind."""
    return {
        kind: adapter.need_model.objects.filter(status=Status.FULFILLED).count()
        for kind, adapter in KINDS.items()
    }


def _waits_to_accepted(kind: str) -> list[timedelta]:
    adapter = KINDS[kind]
    rows = (
        Match.objects.filter(kind=kind, accepted_at__isnull=False)
        .values(need=F(adapter.need_field), posted=F(f"{adapter.need_field}__created_at"))
        .annotate(first=Min("accepted_at"))
        .order_by()
    )
    return [row["first"] - row["posted"] for row in rows]


def _median(waits: list[timedelta]) -> timedelta | None:
    if not waits:
        return None
    return timedelta(seconds=median(wait.total_seconds() for wait in waits))


def median_time_to_accepted() -> dict[str, timedelta | None]:
    """Per kind and over all kinds ("all"): the median time from a need's posting to its
    first accepted match, over the needs that have one (None if no need has)."""
    waits = {kind: _waits_to_accepted(kind) for kind in KINDS}
    result: dict[str, timedelta | None] = {kind: _median(found) for kind, found in waits.items()}
    result["all"] = _median([wait for found in waits.values() for wait in found])
    return result


def households_housed() -> int:
    """Households with a fulfilled housing match (each counted once)."""
    return (
        Match.objects.filter(kind=Match.Kind.HOUSING, state=MatchState.FULFILLED)
        .values("housing_need")
        .distinct()
        .count()
    )


def _proposed_within(kind: str, now: datetime) -> Share:
    adapter = KINDS[kind]
    posted = adapter.need_model.objects.exclude(status=Status.DRAFT).filter(
        created_at__lte=now - PROPOSAL_WINDOW
    )
    early = Match.objects.filter(
        **{
            adapter.need_field: OuterRef("pk"),
            "created_at__lte": OuterRef("created_at") + PROPOSAL_WINDOW,
        }
    )
    return Share(part=posted.filter(Exists(early)).count(), whole=posted.count())


def proposed_within_a_week(*, now: datetime | None = None) -> dict[str, Share]:
    """Per kind and over all kinds ("all"): of the needs posted at least 7 days ago (drafts
    are not posted), how many got a match (any state) within 7 days of their posting."""
    now = now or timezone.now()
    result = {kind: _proposed_within(kind, now) for kind in KINDS}
    result["all"] = Share(
        part=sum(share.part for share in result.values()),
        whole=sum(share.whole for share in result.values()),
    )
    return result


def failed_notifications() -> int:
    """Emails that could not be delivered after the last try."""
    return notification_selectors.failed_notifications().count()


# --- supply and demand ----------------------------------------------------------------------


def _open(queryset: QuerySet, kind: str, category_id: int | None) -> QuerySet:
    queryset = queryset.filter(status__in=MATCHABLE_STATUSES)
    if kind == Match.Kind.GOODS and category_id is not None:
        queryset = queryset.filter(category_id__in=descendant_ids(category_id))
    return queryset


def open_records(kind: str, side: str, *, category_id: int | None = None) -> QuerySet:
    """Open needs (side "need") or offers (side "offer") of a kind; for goods, of a category
    and its subcategories if one is given."""
    adapter = KINDS[kind]
    model = adapter.need_model if side == "need" else adapter.offer_model
    return _open(model.objects.all(), kind, category_id)


def supply_and_demand(kind: str, *, category_id: int | None = None) -> list[dict]:
    """Per district (public), the open needs and offers of a kind: rows of
    {"district", "needs", "offers"}, the districts with the most needs first."""
    counts: dict[str, dict] = {}
    for side, key in (("need", "needs"), ("offer", "offers")):
        rows = (
            open_records(kind, side, category_id=category_id)
            .values("district")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            entry = counts.setdefault(row["district"], {"district": row["district"]})
            entry[key] = row["n"]
    table = [{"needs": 0, "offers": 0, **entry} for entry in counts.values()]
    table.sort(key=lambda row: (-row["needs"], -row["offers"], row["district"]))
    return table


def open_points(kind: str, side: str, *, category_id: int | None = None) -> list[dict]:
    """The public points of open needs or offers of a kind (at most MAP_POINTS_LIMIT, the
    longest waiting first): {"lat", "lon", "district", "title"}."""
    records = open_records(kind, side, category_id=category_id).order_by("created_at", "pk")
    fields = {field.name for field in records.model._meta.get_fields()}
    names = ["approx_point", "district"] + (["title"] if "title" in fields else [])
    return [
        {
            "lat": row["approx_point"].y,
            "lon": row["approx_point"].x,
            "district": row["district"],
            "title": row.get("title", ""),
        }
        for row in records.values(*names)[:MAP_POINTS_LIMIT]
    ]
