"""Diagnostics: one test per rule and per reason class."""

from matching.core.diagnostics import diagnose
from matching.core.types import Kind, Reason


def test_nothing_around_the_need_is_nothing_in_range():
    diagnosis = diagnose(Kind.GOODS, [])
    assert diagnosis.reason == Reason.NOTHING_IN_RANGE
    assert diagnosis.in_range == 0
    assert diagnosis.counts == {}


def test_only_failing_offers_report_the_nearest_miss():
    checks = [(Reason.WRONG_CATEGORY, 1)] * 10 + [(Reason.WRONG_ATTRIBUTES, 1)] * 2
    diagnosis = diagnose(Kind.GOODS, checks)
    assert diagnosis.reason == Reason.WRONG_ATTRIBUTES
    assert diagnosis.counts == {"wrong_category": 10, "wrong_attributes": 2}
    assert diagnosis.in_range == 12


def test_offers_all_beyond_the_pair_radius_are_out_of_range():
    diagnosis = diagnose(Kind.GOODS, [(Reason.OUT_OF_RANGE, 3), (Reason.OUT_OF_RANGE, 1)])
    assert diagnosis.reason == Reason.OUT_OF_RANGE


def test_volunteer_nearest_miss_follows_the_volunteer_check_order():
    checks = [
        (Reason.OUT_OF_RANGE, 1),
        (Reason.NO_SHARED_LANGUAGE, 1),
        (Reason.HOURS_EXCEEDED, 1),
        (Reason.MISSING_SKILLS, 1),
    ]
    assert diagnose(Kind.VOLUNTEERS, checks).reason == Reason.HOURS_EXCEEDED


def test_housing_nearest_miss_follows_the_housing_check_order():
    checks = [(Reason.TOO_SMALL, 1), (Reason.NO_PETS, 1), (Reason.RENT_TOO_HIGH, 1)]
    assert diagnose(Kind.HOUSING, checks).reason == Reason.NO_PETS


def test_feasible_offers_without_free_capacity_are_all_reserved():
    checks = [(None, 0), (None, -1), (Reason.WRONG_CATEGORY, 5)]
    diagnosis = diagnose(Kind.GOODS, checks)
    assert diagnosis.reason == Reason.ALL_RESERVED
    assert diagnosis.counts == {"feasible": 2, "wrong_category": 1}


def test_pairs_failing_only_for_capacity_count_as_all_reserved():
    checks = [(Reason.ALL_RESERVED, 0), (Reason.TOO_SMALL, 1)]
    assert diagnose(Kind.HOUSING, checks).reason == Reason.ALL_RESERVED


def test_feasible_and_free_offers_mean_the_need_was_outscored():
    checks = [(None, 0), (None, 2), (Reason.OUT_OF_RANGE, 1)]
    diagnosis = diagnose(Kind.VOLUNTEERS, checks)
    assert diagnosis.reason == Reason.OUTSCORED
    assert diagnosis.in_range == 3
    assert diagnosis.counts == {"feasible": 2, "out_of_range": 1}
