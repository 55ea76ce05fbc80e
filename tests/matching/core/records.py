"""Plain records for the core tests: a feasible baseline per kind, varied with `replace`."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from matching.core.types import (
    Flat,
    GoodsNeed,
    GoodsOffer,
    Household,
    Shift,
    Volunteer,
    WeeklySlot,
)

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday in winter (UTC+1 in Berlin), noon local.
NOW = datetime(2026, 1, 5, 11, 0, tzinfo=UTC)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def goods_need(**changes: object) -> GoodsNeed:
    need = GoodsNeed(
        id=1,
        category_id=10,
        accepted_category_ids=frozenset({10, 11}),
        attributes={"size": "M"},
        quantity_open=3,
        max_distance_m=5_000,
        deadline=date(2026, 1, 20),
        created_at=datetime(2025, 12, 26, tzinfo=UTC),
    )
    return replace(need, **changes)


def goods_offer(**changes: object) -> GoodsOffer:
    offer = GoodsOffer(
        id=100,
        category_id=11,
        attributes={"size": "m ", "colour": "blue"},
        quantity_open=2,
        radius_m=3_000,
        condition="good",
        created_at=datetime(2025, 12, 30, tzinfo=UTC),
    )
    return replace(offer, **changes)


def shift(**changes: object) -> Shift:
    # Wednesday 7 Jan 2026, 10:00-14:00 Berlin.
    record = Shift(
        id=1,
        need_id=7,
        start=berlin(2026, 1, 7, 10),
        end=berlin(2026, 1, 7, 14),
        people_open=2,
        required_skills=frozenset({"driving"}),
        languages=frozenset({"uk", "ru"}),
        max_distance_m=10_000,
        created_at=datetime(2025, 12, 20, tzinfo=UTC),
    )
    return replace(record, **changes)


def every_day(start: time = time(8), end: time = time(20)) -> tuple[WeeklySlot, ...]:
    return tuple(WeeklySlot(weekday=d, start=start, end=end) for d in range(7))


def volunteer(**changes: object) -> Volunteer:
    record = Volunteer(
        id=50,
        skills=frozenset({"driving", "cooking"}),
        languages={"de": "native", "uk": "conversational"},
        slots=every_day(),
        away=(),
        radius_m=8_000,
        max_hours_per_week=10,
        booked=(),
        created_at=datetime(2025, 11, 1, tzinfo=UTC),
    )
    return replace(record, **changes)


def household(**changes: object) -> Household:
    record = Household(
        id=1,
        adults=2,
        children=1,
        rent_ceiling=900.0,
        needs_step_free=False,
        has_pets=False,
        move_in_date=date(2026, 2, 1),
        max_distance_m=20_000,
        min_stay_months=6,
        created_at=datetime(2025, 12, 1, tzinfo=UTC),
    )
    return replace(record, **changes)


def flat(**changes: object) -> Flat:
    record = Flat(
        id=200,
        rooms=3,
        size_m2=70,
        warm_rent=750.0,
        max_occupants=4,
        step_free=True,
        pets_allowed=False,
        available_from=date(2026, 2, 1),
        available_until=None,
        min_stay_months=None,
        created_at=datetime(2025, 12, 10, tzinfo=UTC),
    )
    return replace(record, **changes)
