"""Work: people looking for work for employers' job and training places.

A job is the need (its `places`), a person looking for work the offer (one place at a time:
the database allows one live match per person). A batch allocates places to people with a
minimum-cost flow, as goods allocate quantities. Only jobs of employers a coordinator has
checked are matched.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.gis.measure import D
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from base.errors import INVALID, ApplicationError
from jobs.models import Experience, Job, JobSeeker
from lifecycle.models import LifecycleModel
from lifecycle.services import status_after
from lifecycle.states import MATCHABLE_STATUSES
from matching.areas import Cell
from matching.core import allocation, scoring
from matching.core.diagnostics import Diagnosis, diagnose
from matching.core.jobs import job_factors, job_reason
from matching.core.types import Edge, Kind, Reason
from matching.kinds import job_search as search
from matching.kinds.base import BatchProblem, Checks, KindAdapter, LockedBatch
from matching.kinds.nearby import around
from matching.kinds.rows import live_matches, lock_row, matchable, relock, reopen
from matching.models import Match

_CHECKED = Q(organisation__employer__checked_at__isnull=False)
UNCHECKED_EMPLOYER_MESSAGE = gettext_lazy(
    "This job cannot be matched: the welcome centre has not checked its employer (or the "
    "check was withdrawn)."
)
_SEEKER_FIELDS = (
    "id",
    "german_level",
    "languages",
    "skills",
    "hours_wanted",
    "travel_radius_km",
    "available_from",
    "recognition",
    "residence",
    "created_at",
)
_JOB_FIELDS = (
    "id",
    "places_open",
    "remote",
    "hours",
    "start_date",
    "german_min",
    "languages",
    "skills",
    "requires_recognition",
    "open_to",
    "residence_irrelevant",
    "max_distance_km",
    "created_at",
)


def checked_jobs(jobs: QuerySet) -> QuerySet:
    """The jobs among `jobs` whose employer a coordinator has checked."""
    return jobs.filter(_CHECKED)


def _experience_of(seeker_ids) -> dict[int, dict[str, float]]:
    experience: dict[int, dict[str, float]] = {}
    rows = Experience.objects.filter(job_seeker_id__in=list(seeker_ids)).values_list(
        "job_seeker_id", "occupation__code", "years"
    )
    for seeker_id, code, years in rows:
        experience.setdefault(seeker_id, {})[code] = float(years)
    return experience


class JobsAdapter(KindAdapter):
    kind = Match.Kind.JOBS.value
    need_model = Job
    offer_model = JobSeeker
    need_field = "job"
    offer_field = "job_seeker"
    unit_field = "job"
    divisible = False
    # A revision is judged by the places it fills, as for shifts.
    count_places = True
    need_relations = ("occupation", "organisation")
    offer_relations = ("created_by",)

    @property
    def auto_approvable(self) -> bool:  # type: ignore[override]
        # Coordinators review every proposal of work at first (JOBS_REVIEW_EVERY_PROPOSAL).
        return not settings.JOBS_REVIEW_EVERY_PROPOSAL

    # --- reach --------------------------------------------------------------------------

    def reach_m(self, offer: JobSeeker) -> float:
        # Remote jobs reach people beyond their travel radius; `needs_reaching` is exact.
        return max(float(offer.travel_radius_km) * 1000.0, search.remote_reach_m())

    def needs_reaching(self, offer: JobSeeker) -> QuerySet:
        near = Q(approx_point__dwithin=(offer.approx_point, F("max_distance_km") * 1000.0)) & Q(
            approx_point__dwithin=(offer.approx_point, float(offer.travel_radius_km) * 1000.0)
        )
        jobs = checked_jobs(matchable(Job.objects)).filter(hours__in=offer.hours_wanted)
        return jobs.filter(near | Q(remote=True))

    # --- one batch ----------------------------------------------------------------------

    def cell_needs(self, cell: Cell) -> QuerySet:
        return checked_jobs(super().cell_needs(cell))

    def candidates(self, unit_ids: Sequence[int], *, limit_per_need: int):
        return search.job_candidates(unit_ids, limit_per_need=limit_per_need)

    def offer_record(self, offer: JobSeeker) -> Any:
        return search.load_seekers([offer.pk])[offer.pk]

    def problem(self, batch: LockedBatch) -> BatchProblem:
        # People a live match holds outside the revisable proposals take no second place.
        firm = live_matches(kind=self.kind).exclude(pk__in=batch.revisable_ids)
        placed = set(
            firm.filter(job_seeker_id__in=list(batch.offers)).values_list(
                "job_seeker_id", flat=True
            )
        )
        held_need, held_offer = Counter(), Counter()
        for _match, n, o in batch.revisable:
            held_need[n] += 1
            held_offer[o] += 1
        # Read under the locks: a check withdrawn or an account suspended after the search.
        allowed_jobs = set(
            checked_jobs(Job.objects.filter(pk__in=list(batch.units))).values_list("pk", flat=True)
        )
        active = set(
            JobSeeker.objects.filter(
                pk__in=list(batch.offers), created_by__is_active=True
            ).values_list("pk", flat=True)
        )
        today = batch.now.astimezone(batch.tz).date()
        tolerance = settings.JOBS_START_TOLERANCE_DAYS
        edges = []
        for (n, o), distance in batch.pairs.items():
            if n not in allowed_jobs or o not in active or o in placed:
                continue
            if n not in batch.unit_records or o not in batch.offer_records:
                continue
            job, seeker = batch.unit_records[n], batch.offer_records[o]
            if job_reason(job, seeker, distance, today=today, start_tolerance_days=tolerance):
                continue
            value, breakdown = scoring.combine(
                job_factors(job, seeker, distance, now=batch.now), settings.MATCHING_WEIGHTS
            )
            edges.append(Edge(n, o, max(value, scoring.MIN_SCORE), distance, breakdown))
        return BatchProblem(
            edges=edges,
            need_open={
                n: job.places_open if n in allowed_jobs else 0 for n, job in batch.units.items()
            },
            offer_open={
                o: 0 if o in placed or held_offer[o] or o not in active else 1 for o in batch.offers
            },
            solve=allocation.allocate_flow,
        )

    def settle(self, batch: LockedBatch, released: list[Match], created: list[Match]) -> None:
        delta = Counter()
        for match in released:
            delta[match.job_id] += 1
        for match in created:
            delta[match.job_id] -= 1
        for pk, change in delta.items():
            if change:
                job = batch.units[pk]
                job.places_open += change
                status_after(job, holds=self.holds(job))
                job.save(update_fields=["places_open", "status", "updated_at"])
        for pk in {m.job_seeker_id for m in released} | {m.job_seeker_id for m in created}:
            seeker = batch.offers[pk]
            status_after(seeker, holds=self.holds(seeker))
            seeker.save(update_fields=["status", "updated_at"])

    # --- outside a batch ----------------------------------------------------------------

    def holds(self, record: Job | JobSeeker) -> bool:
        if isinstance(record, Job):
            return record.places_open < record.places
        return live_matches(kind=self.kind, job_seeker=record).exists()

    def give_back(self, match: Match, quantity: int | None = None) -> None:
        # A place is held whole: a match that ends gives its one place back.
        job = lock_row(Job, match.job_id)
        if job is not None and job.status in MATCHABLE_STATUSES:
            job.places_open = min(job.places, job.places_open + 1)
            job.save(update_fields=["places_open"])
            reopen(job, holds=self.holds(job))
        seeker = lock_row(JobSeeker, match.job_seeker_id)
        if seeker is not None:
            reopen(seeker, holds=self.holds(seeker))

    def hold_by_hand(
        self, need: Job, offer: JobSeeker, *, quantity: int | None = None, unit=None
    ) -> tuple[dict[str, Any], int]:
        need, offer = relock(need), relock(offer)
        if not checked_jobs(Job.objects.filter(pk=need.pk)).exists():
            raise ApplicationError(UNCHECKED_EMPLOYER_MESSAGE, code=INVALID, field="need")
        if need.places_open < 1:
            raise ApplicationError(
                _("Every place of this job is held by a match."), code=INVALID, field="need"
            )
        # A second live match of the person is refused by the database (IntegrityError).
        need.places_open -= 1
        status_after(need, holds=True)
        need.save(update_fields=["places_open", "status", "updated_at"])
        status_after(offer, holds=True)
        offer.save(update_fields=["status", "updated_at"])
        return {"job": need, "job_seeker": offer}, 1

    def approval_problem(self, match: Match) -> str | None:
        if checked_jobs(Job.objects.filter(pk=match.job_id)).exists():
            return None
        return str(UNCHECKED_EMPLOYER_MESSAGE)

    def sides_done(self, match: Match) -> list[LifecycleModel]:
        job = Job.objects.get(pk=match.job_id)
        done: list[LifecycleModel] = [match.job_seeker]
        if job.places_open == 0 and not live_matches(job=job).exists():
            done.append(job)
        return done

    # --- diagnostics: why a job's places stay open --------------------------------------

    def unmet_needs(self, now: datetime) -> QuerySet:
        """Places left to fill, of checked employers."""
        return checked_jobs(matchable(Job.objects)).filter(places_open__gt=0)

    def diagnosis_checks(self, need: Job, now: datetime, *, limit: int) -> list[tuple[Job, Checks]]:
        job = search.load_jobs([need.pk])[need.pk]
        radius_km = search.remote_reach_m() / 1000.0 if need.remote else need.max_distance_km
        placed = Exists(live_matches(kind=self.kind, job_seeker=OuterRef("pk")))
        rows = list(
            around(JobSeeker, need, radius_km)
            .annotate(placed=placed)
            .values(*_SEEKER_FIELDS, "distance", "placed")[:limit]
        )
        experience = _experience_of(row["id"] for row in rows)
        today = timezone.localdate(now)
        checks = []
        for row in rows:
            seeker = search.seeker_record(
                SimpleNamespace(**row, experience=experience.get(row["id"], {}))
            )
            reason = job_reason(
                job,
                seeker,
                row["distance"].m,
                today=today,
                start_tolerance_days=settings.JOBS_START_TOLERANCE_DAYS,
            )
            checks.append((reason, 0 if row["placed"] else 1))
        return [(need, checks)]

    nothing_in_range = gettext_lazy("Nobody looking for work lives within %(km)s km.")
    messages: Mapping[Reason, Any] = {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d person lies within the job's radius but would travel less far.",
            "%(n)d people lie within the job's radius but would travel less far.",
            "n",
        ),
        Reason.OTHER_OCCUPATION: ngettext_lazy(
            "%(n)d person in range has worked in other occupations.",
            "%(n)d people in range have worked in other occupations.",
            "n",
        ),
        Reason.HOURS_DIFFER: ngettext_lazy(
            "%(n)d person in range wants other hours (full time, part time, mini-job …).",
            "%(n)d people in range want other hours (full time, part time, mini-job …).",
            "n",
        ),
        Reason.RESIDENCE_DOES_NOT_FIT: ngettext_lazy(
            "%(n)d person in range may work only in a way the job is not open to (for example "
            "with the authorities' approval still to come).",
            "%(n)d people in range may work only in a way the job is not open to (for example "
            "with the authorities' approval still to come).",
            "n",
        ),
        Reason.GERMAN_TOO_LOW: ngettext_lazy(
            "%(n)d person in range speaks less German than the job asks.",
            "%(n)d people in range speak less German than the job asks.",
            "n",
        ),
        Reason.NO_SHARED_LANGUAGE: ngettext_lazy(
            "%(n)d person in range speaks none of the languages the job asks for.",
            "%(n)d people in range speak none of the languages the job asks for.",
            "n",
        ),
        Reason.NOT_RECOGNISED: ngettext_lazy(
            "%(n)d person in range has no recognised qualification yet.",
            "%(n)d people in range have no recognised qualification yet.",
            "n",
        ),
        Reason.STARTS_TOO_LATE: ngettext_lazy(
            "%(n)d person in range can start only later than the job begins.",
            "%(n)d people in range can start only later than the job begins.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting person is already in a match.",
            "All %(n)d fitting people are already in matches.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting person is free but went to a job with a better score, or the next "
            "matching run has not reached them yet.",
            "%(n)d fitting people are free but went to jobs with a better score, or the next "
            "matching run has not reached them yet.",
            "n",
        ),
    }

    # --- diagnostics: why a person gets no proposal ---------------------------------------

    def seeker_diagnosis(self, seeker: JobSeeker, now: datetime, *, limit: int) -> Diagnosis:
        """The nearest miss among the checked employers' jobs around a person (within their
        travel radius, and remote jobs within the remote reach)."""
        record = search.load_seekers([seeker.pk])[seeker.pk]
        radius_km = search.remote_reach_m() / 1000.0
        within_travel = Q(
            approx_point__dwithin=(seeker.approx_point, D(km=seeker.travel_radius_km))
        )
        rows = (
            checked_jobs(around(Job, seeker, radius_km))
            .filter(Q(remote=True) | within_travel)
            .values(*_JOB_FIELDS, "occupation__code", "distance")[:limit]
        )
        today = timezone.localdate(now)
        checks = []
        for row in rows:
            job = search.job_record(SimpleNamespace(**row, occupation=row["occupation__code"]))
            reason = job_reason(
                job,
                record,
                row["distance"].m,
                today=today,
                start_tolerance_days=settings.JOBS_START_TOLERANCE_DAYS,
            )
            checks.append((reason, job.places_open))
        return diagnose(Kind.JOBS, checks)

    nothing_for_seeker = gettext_lazy("No job of a checked employer within %(km)s km.")
    seeker_messages: Mapping[Reason, Any] = {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d job lies within your radius, but its employer looks for people living nearer.",
            "%(n)d jobs lie within your radius, but their employers look for people living nearer.",
            "n",
        ),
        Reason.OTHER_OCCUPATION: ngettext_lazy(
            "%(n)d job nearby is in another occupation.",
            "%(n)d jobs nearby are in other occupations.",
            "n",
        ),
        Reason.HOURS_DIFFER: ngettext_lazy(
            "%(n)d job nearby has other hours than you want.",
            "%(n)d jobs nearby have other hours than you want.",
            "n",
        ),
        Reason.RESIDENCE_DOES_NOT_FIT: ngettext_lazy(
            "No employer nearby accepts your residence situation yet: %(n)d job is open only "
            "to other situations.",
            "No employer nearby accepts your residence situation yet: %(n)d jobs are open only "
            "to other situations.",
            "n",
        ),
        Reason.GERMAN_TOO_LOW: ngettext_lazy(
            "%(n)d job nearby asks for more German.",
            "%(n)d jobs nearby ask for more German.",
            "n",
        ),
        Reason.NO_SHARED_LANGUAGE: ngettext_lazy(
            "%(n)d job nearby asks for a language you did not name.",
            "%(n)d jobs nearby ask for a language you did not name.",
            "n",
        ),
        Reason.NOT_RECOGNISED: ngettext_lazy(
            "%(n)d job nearby needs a recognised qualification.",
            "%(n)d jobs nearby need a recognised qualification.",
            "n",
        ),
        Reason.STARTS_TOO_LATE: ngettext_lazy(
            "%(n)d job nearby starts before you can.",
            "%(n)d jobs nearby start before you can.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting job has all its places in matches.",
            "All %(n)d fitting jobs have all their places in matches.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting job went to other people this time, or the next matching run has "
            "not reached you yet.",
            "%(n)d fitting jobs went to other people this time, or the next matching run has "
            "not reached you yet.",
            "n",
        ),
    }
