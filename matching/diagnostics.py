"""Why an open need stays unmet: the core's diagnosis over what PostGIS finds around the need.

The batch's candidate search (`matching.candidates`) only returns pairs that can be matched;
diagnostics need the opposite view: every offer (volunteer, flat) within the need's OWN
search radius, of any category and whatever its remaining capacity, each with the first
hard constraint it fails. `matching.core.diagnostics.diagnose` then names the nearest miss.

Capacity is taken as the engine sees it: a donation's `quantity_open`, a volunteer's shifts
held by live matches (`booked`), a flat with a live match has none left. An offer that
already holds a live match with this very need cannot get a second one for the same pair, so
it counts as fitting but reserved.

The searches are bounded (`DIAGNOSIS_CANDIDATES`, nearest first) and use the GiST index on
`point`; nothing reads a whole table. Counts and messages only: no offer's place, address or
contact leaves this module.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from donations.models import DonationOffer, GoodsNeed
from donations.selectors import descendant_ids
from housing.models import HousingNeed, HousingOffer
from matching import candidates as records
from matching.core import constraints
from matching.core.diagnostics import FEASIBLE, Diagnosis, diagnose
from matching.core.types import Kind, Reason
from matching.core.types import Volunteer as VolunteerRecord
from matching.kinds import matchable
from matching.models import ACTIVE_STATES, Match
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    VolunteerNeed,
    VolunteerProfile,
)

# How many offers around one need are checked, nearest first. Enough to say why a need in a
# dense city is unmet; a bound so that one request never walks a whole table.
DIAGNOSIS_CANDIDATES = 300

KINDS: tuple[str, ...] = tuple(kind.value for kind in Kind)

NEED_MODELS: dict[str, type[Model]] = {
    Kind.GOODS: GoodsNeed,
    Kind.VOLUNTEERS: VolunteerNeed,
    Kind.HOUSING: HousingNeed,
}


@dataclass(frozen=True)
class ShiftDiagnosis:
    """Why one open shift of a volunteer need is not filled."""

    shift: Shift
    diagnosis: Diagnosis
    message: str


@dataclass(frozen=True)
class NeedDiagnosis:
    """Why one open need is unmet, for a coordinator. For volunteer needs, `diagnosis` is
    that of the earliest open shift (the most urgent one) and `shifts` lists every one."""

    kind: str
    need: Model
    radius_km: float
    diagnosis: Diagnosis
    message: str
    shifts: tuple[ShiftDiagnosis, ...] = field(default=())


# --- messages -----------------------------------------------------------------------------

# Per kind and reason a sentence about the `n` items counted for that reason. Each kind has
# its own sentences: translators need the noun and its grammar in one piece.
_MESSAGES = {
    Kind.GOODS: {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d donation offer lies within the need's radius, but its donor does not "
            "deliver that far.",
            "%(n)d donation offers lie within the need's radius, but their donors do not "
            "deliver that far.",
            "n",
        ),
        Reason.WRONG_CATEGORY: ngettext_lazy(
            "%(n)d offer in range is of another category.",
            "%(n)d offers in range are of another category.",
            "n",
        ),
        Reason.WRONG_ATTRIBUTES: ngettext_lazy(
            "%(n)d offer in range fits the category but not the size or other details.",
            "%(n)d offers in range fit the category but not the size or other details.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting offer is reserved by matches in progress.",
            "All %(n)d fitting offers are reserved by matches in progress.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting offer is free but went to needs with a better score, or the next "
            "matching run has not reached it yet.",
            "%(n)d fitting offers are free but went to needs with a better score, or the next "
            "matching run has not reached them yet.",
            "n",
        ),
    },
    Kind.VOLUNTEERS: {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d volunteer lives within the need's radius, but does not travel that far.",
            "%(n)d volunteers live within the need's radius, but do not travel that far.",
            "n",
        ),
        Reason.SHIFT_OVER: ngettext_lazy(
            "The shift has started; %(n)d volunteer in range can no longer join it.",
            "The shift has started; %(n)d volunteers in range can no longer join it.",
            "n",
        ),
        Reason.MISSING_SKILLS: ngettext_lazy(
            "%(n)d volunteer in range lacks a required skill.",
            "%(n)d volunteers in range lack a required skill.",
            "n",
        ),
        Reason.NO_SHARED_LANGUAGE: ngettext_lazy(
            "%(n)d volunteer in range speaks none of the need's languages.",
            "%(n)d volunteers in range speak none of the need's languages.",
            "n",
        ),
        Reason.NOT_AVAILABLE: ngettext_lazy(
            "%(n)d volunteer in range is not available at this shift's time.",
            "%(n)d volunteers in range are not available at this shift's time.",
            "n",
        ),
        Reason.OVERLAPPING_SHIFT: ngettext_lazy(
            "%(n)d volunteer in range is already booked for another shift at that time.",
            "%(n)d volunteers in range are already booked for another shift at that time.",
            "n",
        ),
        Reason.HOURS_EXCEEDED: ngettext_lazy(
            "%(n)d volunteer in range would pass their weekly hours with this shift.",
            "%(n)d volunteers in range would pass their weekly hours with this shift.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting volunteer is already held by a match in progress.",
            "All %(n)d fitting volunteers are already held by matches in progress.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting volunteer is free but went to shifts with a better score, or the "
            "next matching run has not reached them yet.",
            "%(n)d fitting volunteers are free but went to shifts with a better score, or the "
            "next matching run has not reached them yet.",
            "n",
        ),
    },
    Kind.HOUSING: {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d flat lies just beyond the household's maximum distance.",
            "%(n)d flats lie just beyond the household's maximum distance.",
            "n",
        ),
        Reason.TOO_SMALL: ngettext_lazy(
            "%(n)d flat in range takes fewer people than the household has.",
            "%(n)d flats in range take fewer people than the household has.",
            "n",
        ),
        Reason.RENT_TOO_HIGH: ngettext_lazy(
            "%(n)d flat in range costs more than the rent ceiling.",
            "%(n)d flats in range cost more than the rent ceiling.",
            "n",
        ),
        Reason.NOT_STEP_FREE: ngettext_lazy(
            "%(n)d flat in range is not step-free.",
            "%(n)d flats in range are not step-free.",
            "n",
        ),
        Reason.NO_PETS: ngettext_lazy(
            "%(n)d flat in range does not allow pets.",
            "%(n)d flats in range do not allow pets.",
            "n",
        ),
        Reason.NOT_AVAILABLE_IN_TIME: ngettext_lazy(
            "%(n)d flat in range is not free in time for the move-in date.",
            "%(n)d flats in range are not free in time for the move-in date.",
            "n",
        ),
        Reason.STAY_TOO_SHORT: ngettext_lazy(
            "%(n)d flat in range is available for a shorter stay than the household needs.",
            "%(n)d flats in range are available for a shorter stay than the household needs.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting flat is reserved by a match in progress.",
            "All %(n)d fitting flats are reserved by matches in progress.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting flat is free but went to a household with a better score, or the "
            "next matching run has not reached it yet.",
            "%(n)d fitting flats are free but went to households with a better score, or the "
            "next matching run has not reached them yet.",
            "n",
        ),
    },
}
_NOTHING_IN_RANGE = {
    Kind.GOODS: gettext_lazy("No donation offer within %(km)s km."),
    Kind.VOLUNTEERS: gettext_lazy("No volunteer within %(km)s km."),
    Kind.HOUSING: gettext_lazy("No flat within %(km)s km."),
}


def _km(value: float) -> str:
    return f"{value:g}"


def explain(kind: str, diagnosis: Diagnosis, *, radius_km: float) -> str:
    """The diagnosis as one sentence in the active language, with the count it rests on."""
    kind = Kind(kind)
    reason = diagnosis.reason
    if reason == Reason.NOTHING_IN_RANGE:
        return str(_NOTHING_IN_RANGE[kind] % {"km": _km(radius_km)})
    if reason in (Reason.ALL_RESERVED, Reason.OUTSCORED):
        # Fitting items: those feasible and those failing only for capacity.
        n = diagnosis.counts.get(FEASIBLE, 0) + diagnosis.counts.get(Reason.ALL_RESERVED, 0)
    else:
        n = diagnosis.counts.get(str(reason), 0)
    return str(_MESSAGES[kind][reason] % {"n": n})


# --- open needs ---------------------------------------------------------------------------


def _open_shifts(now: datetime) -> QuerySet:
    return Shift.objects.filter(start__gt=now, people_open__gt=0)


def _live(**fields) -> QuerySet:
    return Match.objects.filter(state__in=ACTIVE_STATES, **fields)


def open_needs(kind: str, *, now: datetime | None = None) -> QuerySet:
    """Open needs of a kind, longest waiting first: matchable, placed, still with capacity.

    Goods: something left to receive. Volunteers: a future shift with a place left.
    Housing: no live match for the household. A need that is not placed (its street is still
    being looked up) is not matched at all and is left out here.
    """
    kind = Kind(kind)
    now = now or timezone.now()
    if kind == Kind.GOODS:
        qs = matchable(GoodsNeed.objects).filter(quantity_open__gt=0).select_related("category")
    elif kind == Kind.VOLUNTEERS:
        qs = (
            matchable(VolunteerNeed.objects)
            .filter(Exists(_open_shifts(now).filter(need=OuterRef("pk"))))
            .prefetch_related("required_skills")
        )
    else:
        qs = matchable(HousingNeed.objects).filter(
            ~Exists(_live(kind=Match.Kind.HOUSING, housing_need=OuterRef("pk")))
        )
    return qs.select_related("organisation").order_by("created_at", "pk")


def open_need(kind: str, pk: int, *, now: datetime | None = None) -> Model | None:
    """One open need of a kind, or None if there is none such (unknown, closed, met)."""
    return open_needs(kind, now=now).filter(pk=pk).first()


def _radius_km(need: Model) -> float:
    km = getattr(need, "max_distance_km", None)
    return float(km if km is not None else settings.DEFAULT_NEED_MAX_DISTANCE_KM)


def _around(model: type[Model], need: Model, radius_km: float) -> QuerySet:
    """Matchable, placed offers within the need's radius, nearest first (the caller slices).

    Ordered by the KNN operator `<->`, which the GiST index on `point` answers in order, so a
    slice stops after that many rows even where thousands lie within the radius.
    """
    table = model._meta.db_table
    nearest = RawSQL(f'"{table}"."point" <-> %s::geography', (need.point.ewkt,))
    return (
        matchable(model.objects)
        .filter(point__dwithin=(need.point, D(km=radius_km)))
        .annotate(distance=Distance("point", need.point))
        .order_by(nearest)
    )


# --- goods --------------------------------------------------------------------------------


# What the record builders of `matching.candidates` read: plain values instead of model
# instances, since hundreds of rows per need are read only to be checked.
_OFFER_FIELDS = (
    "id",
    "category_id",
    "attributes",
    "quantity_open",
    "delivery_radius_km",
    "condition",
    "created_at",
)
_FLAT_FIELDS = (
    "id",
    "rooms",
    "size_m2",
    "warm_rent",
    "max_occupants",
    "step_free",
    "pets_allowed",
    "available_from",
    "available_until",
    "min_stay_months",
    "created_at",
)


def _goods_checks(need: GoodsNeed) -> list[tuple[Reason | None, int]]:
    record = records.goods_need_record(need, accepted_category_ids=descendant_ids(need.category_id))
    # One live match per pair: an offer already matched to this need cannot give it more
    # until that match ends, so for this need its rest is held.
    paired = set(
        _live(kind=Match.Kind.GOODS, goods_need=need).values_list("donation_offer_id", flat=True)
    )
    checks = []
    offers = _around(DonationOffer, need, _radius_km(need)).values(*_OFFER_FIELDS, "distance")
    for offer in offers[:DIAGNOSIS_CANDIDATES]:
        offer_record = records.goods_offer_record(SimpleNamespace(**offer))
        reason = constraints.goods_reason(record, offer_record, offer["distance"].m)
        free = 0 if offer["id"] in paired else offer_record.quantity_open
        checks.append((reason, free))
    return checks


def diagnose_goods_need(need: GoodsNeed) -> Diagnosis:
    """Why a goods need is unmet, from the donation offers within its radius."""
    return diagnose(Kind.GOODS, _goods_checks(need))


# --- volunteers ---------------------------------------------------------------------------


@dataclass
class _Volunteers:
    """The volunteers around one need, as core records, with the distance to the need and the
    shifts each holds through live matches."""

    items: list[tuple[VolunteerRecord, float]]  # (record, distance in metres)
    shifts_held: dict[int, set[int]]  # volunteer id -> shift ids of its live matches


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    """Rows (owner id, *values) grouped by owner id."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for owner, *values in rows:
        grouped[owner].append(tuple(values))
    return grouped


def _volunteers_around(need: VolunteerNeed) -> _Volunteers:
    # Plain values, not model instances with prefetches: hundreds of profiles per need would
    # otherwise cost more in ORM objects than the whole diagnosis.
    profiles = list(
        _around(VolunteerProfile, need, _radius_km(need)).values(
            "id", "languages", "travel_radius_km", "max_hours_per_week", "created_at", "distance"
        )[:DIAGNOSIS_CANDIDATES]
    )
    ids = [p["id"] for p in profiles]
    skills = _grouped(
        VolunteerProfile.skills.through.objects.filter(volunteerprofile_id__in=ids).values_list(
            "volunteerprofile_id", "skill__slug"
        )
    )
    slots = _grouped(
        AvailabilitySlot.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "weekday", "start", "end"
        )
    )
    away = _grouped(
        AwayPeriod.objects.filter(profile_id__in=ids).values_list("profile_id", "start", "end")
    )
    live = _grouped(
        _live(kind=Match.Kind.VOLUNTEERS, volunteer__in=ids).values_list(
            "volunteer_id", "shift_id", "shift__start", "shift__end"
        )
    )
    items = []
    for profile in profiles:
        pk = profile["id"]
        record = records.volunteer_record(
            SimpleNamespace(**profile),
            skills=[slug for (slug,) in skills.get(pk, ())],
            slots=slots.get(pk, ()),
            away=away.get(pk, ()),
            booked=[(start, end) for _, start, end in live.get(pk, ())],
        )
        items.append((record, profile["distance"].m))
    held = {pk: {shift_id for shift_id, _, _ in rows} for pk, rows in live.items()}
    return _Volunteers(items=items, shifts_held=held)


def _shift_checks(
    shift: Shift, need: VolunteerNeed, skills: Iterable[str], around: _Volunteers, now: datetime
) -> list[tuple[Reason | None, int]]:
    record = records.shift_record(shift, need=need, required_skills=skills)
    tz = ZoneInfo(settings.TIME_ZONE)
    checks = []
    for volunteer, distance in around.items:
        if shift.pk in around.shifts_held.get(volunteer.id, ()):
            # Already on this shift: judge them without it (it would overlap with itself);
            # if they still fit, they are a fitting volunteer held by a match.
            others = tuple(
                (s, e) for s, e in volunteer.booked if not (s == shift.start and e == shift.end)
            )
            reason = constraints.volunteer_reason(
                record, replace(volunteer, booked=others), distance, now=now, tz=tz
            )
            checks.append((reason, 0))
            continue
        reason = constraints.volunteer_reason(record, volunteer, distance, now=now, tz=tz)
        checks.append((reason, 1))
    return checks


def _diagnose_shifts(
    need: VolunteerNeed, shifts: list[Shift], now: datetime
) -> list[tuple[Shift, Diagnosis]]:
    around = _volunteers_around(need)
    skills = [s.slug for s in need.required_skills.all()]
    return [
        (shift, diagnose(Kind.VOLUNTEERS, _shift_checks(shift, need, skills, around, now)))
        for shift in shifts
    ]


def diagnose_shift(shift: Shift, *, now: datetime | None = None) -> Diagnosis:
    """Why a shift of a volunteer need is not filled, from the volunteers within the need's
    radius."""
    [(_, diagnosis)] = _diagnose_shifts(shift.need, [shift], now or timezone.now())
    return diagnosis


# --- housing ------------------------------------------------------------------------------


def _housing_checks(household: HousingNeed) -> list[tuple[Reason | None, int]]:
    record = records.household_record(household)
    let = Exists(_live(kind=Match.Kind.HOUSING, housing_offer=OuterRef("pk")))
    flats = (
        _around(HousingOffer, household, _radius_km(household))
        .annotate(let=let)
        .values(*_FLAT_FIELDS, "distance", "let")
    )
    checks = []
    for flat in flats[:DIAGNOSIS_CANDIDATES]:
        reason = constraints.housing_reason(
            record,
            records.flat_record(SimpleNamespace(**flat)),
            flat["distance"].m,
            move_in_tolerance_days=settings.HOUSING_MOVE_IN_TOLERANCE_DAYS,
        )
        checks.append((reason, 0 if flat["let"] else 1))
    return checks


def diagnose_household(household: HousingNeed) -> Diagnosis:
    """Why a household has no flat, from the flats within its maximum distance."""
    return diagnose(Kind.HOUSING, _housing_checks(household))


# --- one need, a page of needs ------------------------------------------------------------


def diagnose_need(kind: str, need: Model, *, now: datetime | None = None) -> NeedDiagnosis:
    """The diagnosis of one open need with its sentence; for volunteer needs, per open shift
    (the need's own answer is that of its earliest open shift)."""
    kind = Kind(kind)
    now = now or timezone.now()
    radius = _radius_km(need)
    if kind == Kind.VOLUNTEERS:
        shifts = list(_open_shifts(now).filter(need=need).order_by("start", "pk"))
        per_shift = tuple(
            ShiftDiagnosis(shift, d, explain(kind, d, radius_km=radius))
            for shift, d in _diagnose_shifts(need, shifts, now)
        )
        if per_shift:
            first = per_shift[0]
            return NeedDiagnosis(kind, need, radius, first.diagnosis, first.message, per_shift)
        # Every place was taken (or every shift began) since the need was listed as open.
        diagnosis = Diagnosis(reason=Reason.ALL_RESERVED, counts={}, in_range=0)
        message = gettext("No shift of this need has a free place left.")
        return NeedDiagnosis(kind, need, radius, diagnosis, message)
    diagnosis = diagnose_goods_need(need) if kind == Kind.GOODS else diagnose_household(need)
    return NeedDiagnosis(kind, need, radius, diagnosis, explain(kind, diagnosis, radius_km=radius))


def open_needs_with_diagnoses(kind: str, *, limit: int, offset: int = 0) -> list[NeedDiagnosis]:
    """A page of open needs of a kind, longest waiting first, each with its diagnosis."""
    now = timezone.now()
    needs = open_needs(kind, now=now)[offset : offset + limit]
    return diagnose_needs(kind, needs, now=now)


def diagnose_needs(
    kind: str, needs: Iterable[Model], *, now: datetime | None = None
) -> list[NeedDiagnosis]:
    """Diagnoses of the given needs (one bounded search around each)."""
    now = now or timezone.now()
    return [diagnose_need(kind, need, now=now) for need in needs]


__all__ = [
    "DIAGNOSIS_CANDIDATES",
    "KINDS",
    "NeedDiagnosis",
    "ShiftDiagnosis",
    "diagnose_goods_need",
    "diagnose_household",
    "diagnose_need",
    "diagnose_needs",
    "diagnose_shift",
    "explain",
    "open_need",
    "open_needs",
    "open_needs_with_diagnoses",
]
