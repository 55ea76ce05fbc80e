"""Each hard constraint of each kind: the reason it produces, and the feasible baseline."""

from datetime import date, time

from matching.core.constraints import (
    CHECK_ORDER,
    goods_reason,
    housing_reason,
    volunteer_reason,
    whole_months,
)
from matching.core.types import Kind, Reason, WeeklySlot

from .records import (
    BERLIN,
    NOW,
    berlin,
    every_day,
    flat,
    goods_need,
    goods_offer,
    household,
    shift,
    volunteer,
)

# --- goods -------------------------------------------------------------------------------


def test_goods_baseline_is_feasible():
    assert goods_reason(goods_need(), goods_offer(), 2_000) is None


def test_goods_beyond_the_smaller_radius_is_out_of_range():
    # Offer radius 3 km is smaller than the need's 5 km.
    assert goods_reason(goods_need(), goods_offer(), 3_000) is None
    assert goods_reason(goods_need(), goods_offer(), 3_001) == Reason.OUT_OF_RANGE
    assert goods_reason(goods_need(max_distance_m=1_000), goods_offer(), 1_500) == (
        Reason.OUT_OF_RANGE
    )


def test_goods_category_outside_the_accepted_tree_is_wrong_category():
    assert goods_reason(goods_need(), goods_offer(category_id=12), 100) == Reason.WRONG_CATEGORY


def test_goods_range_is_checked_before_category():
    offer = goods_offer(category_id=12)
    assert goods_reason(goods_need(), offer, 9_000) == Reason.OUT_OF_RANGE


def test_goods_differing_attribute_is_wrong_attributes():
    offer = goods_offer(attributes={"size": "L"})
    assert goods_reason(goods_need(), offer, 100) == Reason.WRONG_ATTRIBUTES


def test_goods_offer_without_the_named_attribute_is_wrong_attributes():
    offer = goods_offer(attributes={"colour": "blue"})
    assert goods_reason(goods_need(), offer, 100) == Reason.WRONG_ATTRIBUTES


def test_goods_attributes_compare_stripped_and_casefolded():
    offer = goods_offer(attributes={"size": "  m\t"})
    assert goods_reason(goods_need(attributes={"size": "M "}), offer, 100) is None


def test_goods_need_without_or_with_blank_attribute_accepts_any_value():
    offer = goods_offer(attributes={"size": "XXL"})
    assert goods_reason(goods_need(attributes={}), offer, 100) is None
    assert goods_reason(goods_need(attributes={"size": "  "}), offer, 100) is None


def test_goods_with_no_open_quantity_on_either_side_is_all_reserved():
    assert goods_reason(goods_need(), goods_offer(quantity_open=0), 100) == Reason.ALL_RESERVED
    assert goods_reason(goods_need(quantity_open=0), goods_offer(), 100) == Reason.ALL_RESERVED


def test_goods_attributes_are_checked_before_reservations():
    offer = goods_offer(attributes={"size": "L"}, quantity_open=0)
    assert goods_reason(goods_need(), offer, 100) == Reason.WRONG_ATTRIBUTES


# --- volunteers ---------------------------------------------------------------------------


def vreason(s=None, v=None, distance=1_000.0, now=NOW, extra=()):
    return volunteer_reason(
        s or shift(), v or volunteer(), distance, now=now, tz=BERLIN, booked_extra=extra
    )


def test_volunteer_baseline_is_feasible():
    assert vreason() is None


def test_volunteer_beyond_the_smaller_radius_is_out_of_range():
    assert vreason(distance=8_000) is None
    assert vreason(distance=8_001) == Reason.OUT_OF_RANGE


def test_volunteer_for_a_started_shift_is_shift_over():
    assert vreason(now=berlin(2026, 1, 7, 10)) == Reason.SHIFT_OVER
    assert vreason(now=berlin(2026, 1, 7, 9, 59)) is None


def test_volunteer_without_every_required_skill_is_missing_skills():
    s = shift(required_skills=frozenset({"driving", "first_aid"}))
    assert vreason(s) == Reason.MISSING_SKILLS


def test_volunteer_without_a_shift_language_is_no_shared_language():
    assert vreason(shift(languages=frozenset({"ar", "fa"}))) == Reason.NO_SHARED_LANGUAGE


def test_shift_without_languages_accepts_anyone():
    assert vreason(shift(languages=frozenset()), volunteer(languages={})) is None


def test_volunteer_whose_slot_does_not_cover_the_shift_is_not_available():
    v = volunteer(slots=every_day(time(11), time(20)))
    assert vreason(v=v) == Reason.NOT_AVAILABLE


def test_volunteer_slot_on_another_weekday_does_not_count():
    # The shift is on a Wednesday (weekday 2); the only slot is Tuesday.
    v = volunteer(slots=(WeeklySlot(1, time(8), time(20)),))
    assert vreason(v=v) == Reason.NOT_AVAILABLE
    v = volunteer(slots=(WeeklySlot(2, time(10), time(14)),))
    assert vreason(v=v) is None


def test_availability_is_judged_in_local_time():
    # 10:00-14:00 Berlin is 09:00-13:00 UTC; a slot 09:00-13:00 must not be read as UTC.
    v = volunteer(slots=(WeeklySlot(2, time(9), time(13)),))
    assert vreason(v=v) == Reason.NOT_AVAILABLE


def test_two_adjacent_slots_do_not_together_cover_one_day():
    v = volunteer(slots=(WeeklySlot(2, time(8), time(12)), WeeklySlot(2, time(12), time(20))))
    assert vreason(v=v) == Reason.NOT_AVAILABLE


def test_night_shift_needs_slots_on_both_days():
    night = shift(start=berlin(2026, 1, 7, 22), end=berlin(2026, 1, 8, 2))
    evening_wed = WeeklySlot(2, time(18), time(0))  # end 00:00 = midnight
    early_thu = WeeklySlot(3, time(0), time(6))
    assert vreason(night, volunteer(slots=(evening_wed, early_thu))) is None
    assert vreason(night, volunteer(slots=(evening_wed,))) == Reason.NOT_AVAILABLE
    assert vreason(night, volunteer(slots=(early_thu,))) == Reason.NOT_AVAILABLE


def test_slot_wrapping_past_midnight_covers_a_night_shift():
    night = shift(start=berlin(2026, 1, 7, 22), end=berlin(2026, 1, 8, 2))
    assert vreason(night, volunteer(slots=(WeeklySlot(2, time(20), time(3)),))) is None


def test_shift_ending_at_midnight_does_not_need_the_next_day():
    evening = shift(start=berlin(2026, 1, 7, 18), end=berlin(2026, 1, 8, 0))
    assert vreason(evening, volunteer(slots=(WeeklySlot(2, time(18), time(0)),))) is None


def test_volunteer_away_on_the_day_is_not_available():
    v = volunteer(away=((date(2026, 1, 7), date(2026, 1, 7)),))
    assert vreason(v=v) == Reason.NOT_AVAILABLE
    v = volunteer(away=((date(2026, 1, 1), date(2026, 1, 6)),))
    assert vreason(v=v) is None


def test_volunteer_away_on_the_second_day_of_a_night_shift_is_not_available():
    night = shift(start=berlin(2026, 1, 7, 22), end=berlin(2026, 1, 8, 2))
    v = volunteer(slots=every_day(time(0), time(0)), away=((date(2026, 1, 8), date(2026, 1, 9)),))
    assert vreason(night, v) == Reason.NOT_AVAILABLE


def test_volunteer_already_booked_at_that_time_has_an_overlapping_shift():
    booked = ((berlin(2026, 1, 7, 13), berlin(2026, 1, 7, 15)),)
    assert vreason(v=volunteer(booked=booked)) == Reason.OVERLAPPING_SHIFT
    assert vreason(extra=booked) == Reason.OVERLAPPING_SHIFT


def test_shifts_that_only_touch_do_not_overlap():
    before = (berlin(2026, 1, 7, 8), berlin(2026, 1, 7, 10))
    after = (berlin(2026, 1, 7, 14), berlin(2026, 1, 7, 16))
    assert vreason(v=volunteer(booked=(before,)), extra=(after,)) is None


def test_hours_beyond_the_weekly_maximum_are_hours_exceeded():
    # 4 h shift + 7 h booked on Monday of the same ISO week > 10 h.
    booked = ((berlin(2026, 1, 5, 9), berlin(2026, 1, 5, 16)),)
    assert vreason(v=volunteer(booked=booked)) == Reason.HOURS_EXCEEDED
    # Exactly 10 h is allowed.
    booked = ((berlin(2026, 1, 5, 9), berlin(2026, 1, 5, 15)),)
    assert vreason(v=volunteer(booked=booked)) is None


def test_hours_booked_in_another_iso_week_do_not_count():
    # Sunday 4 Jan 2026 belongs to ISO week 1, the shift (Wed 7 Jan) to week 2.
    booked = ((berlin(2026, 1, 4, 8), berlin(2026, 1, 4, 18)),)
    assert vreason(v=volunteer(booked=booked)) is None


def test_iso_week_is_taken_in_local_time():
    # A booking Monday 00:30 Berlin is Sunday 23:30 UTC: in UTC it would fall in the week
    # before, locally it is in the shift's week and counts.
    booked = ((berlin(2026, 1, 5, 0, 30), berlin(2026, 1, 5, 7, 30)),)
    assert vreason(v=volunteer(booked=booked)) == Reason.HOURS_EXCEEDED


def test_extra_bookings_count_against_weekly_hours():
    extra = ((berlin(2026, 1, 8, 8), berlin(2026, 1, 8, 15)),)
    assert vreason(extra=extra) == Reason.HOURS_EXCEEDED


def test_shift_without_open_places_is_all_reserved():
    assert vreason(shift(people_open=0)) == Reason.ALL_RESERVED


def test_skills_are_checked_before_availability():
    s = shift(required_skills=frozenset({"first_aid"}))
    v = volunteer(slots=())
    assert vreason(s, v) == Reason.MISSING_SKILLS


# --- housing ------------------------------------------------------------------------------


def test_housing_baseline_is_feasible():
    assert housing_reason(household(), flat(), 5_000) is None


def test_housing_beyond_the_household_distance_is_out_of_range():
    assert housing_reason(household(), flat(), 20_001) == Reason.OUT_OF_RANGE


def test_more_persons_than_occupants_is_too_small():
    assert housing_reason(household(children=3), flat(), 100) == Reason.TOO_SMALL


def test_warm_rent_above_the_ceiling_is_rent_too_high():
    assert housing_reason(household(), flat(warm_rent=900.0), 100) is None
    assert housing_reason(household(), flat(warm_rent=900.5), 100) == Reason.RENT_TOO_HIGH


def test_flat_with_steps_for_a_household_needing_step_free_is_not_step_free():
    h = household(needs_step_free=True)
    assert housing_reason(h, flat(step_free=False), 100) == Reason.NOT_STEP_FREE
    assert housing_reason(h, flat(step_free=True), 100) is None


def test_pets_in_a_flat_without_pets_is_no_pets():
    h = household(has_pets=True)
    assert housing_reason(h, flat(), 100) == Reason.NO_PETS
    assert housing_reason(h, flat(pets_allowed=True), 100) is None


def test_flat_free_after_the_tolerance_is_not_available_in_time():
    h = household(move_in_date=date(2026, 2, 1), min_stay_months=None)
    assert housing_reason(h, flat(available_from=date(2026, 3, 3)), 100) is None
    assert housing_reason(h, flat(available_from=date(2026, 3, 4)), 100) == (
        Reason.NOT_AVAILABLE_IN_TIME
    )
    late = flat(available_from=date(2026, 2, 10))
    assert housing_reason(h, late, 100, move_in_tolerance_days=7) == Reason.NOT_AVAILABLE_IN_TIME


def test_flat_ending_before_the_move_in_is_not_available_in_time():
    h = household(min_stay_months=None)
    f = flat(available_from=date(2026, 1, 1), available_until=date(2026, 1, 31))
    assert housing_reason(h, f, 100) == Reason.NOT_AVAILABLE_IN_TIME


def test_flat_available_for_fewer_months_than_the_minimum_stay_is_stay_too_short():
    h = household(min_stay_months=6)
    f = flat(available_until=date(2026, 7, 30))  # 1 Feb .. 30 Jul: 5 full months
    assert housing_reason(h, f, 100) == Reason.STAY_TOO_SHORT
    f = flat(available_until=date(2026, 7, 31))  # 1 Feb .. 31 Jul: 6 months
    assert housing_reason(h, f, 100) is None


def test_stay_is_counted_from_the_later_of_move_in_and_available_from():
    h = household(min_stay_months=6, move_in_date=date(2026, 2, 1))
    f = flat(available_from=date(2026, 2, 20), available_until=date(2026, 8, 10))
    assert housing_reason(h, f, 100) == Reason.STAY_TOO_SHORT


def test_household_without_minimum_stay_takes_a_short_flat():
    f = flat(available_until=date(2026, 2, 28))
    assert housing_reason(household(min_stay_months=None), f, 100) is None


def test_whole_months_counts_full_calendar_months_inclusive():
    assert whole_months(date(2026, 1, 1), date(2026, 3, 31)) == 3
    assert whole_months(date(2026, 1, 15), date(2026, 2, 13)) == 0
    assert whole_months(date(2026, 1, 15), date(2026, 2, 14)) == 1
    assert whole_months(date(2026, 1, 31), date(2026, 1, 30)) == 0


def test_every_reason_a_constraint_can_return_is_in_its_check_order():
    assert set(CHECK_ORDER) == set(Kind)
    for order in CHECK_ORDER.values():
        assert order[0] == Reason.OUT_OF_RANGE
        assert len(set(order)) == len(order)
