"""Editing the shifts of a volunteer need once matches hold places in them."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from matching.models import Match
from tests.matching.batching import created, run_for
from tests.matching.test_batches import LINDENAU, _next, _volunteer, east
from tests.volunteers.factories import VolunteerNeedFactory
from volunteers.services import update_volunteer_need

pytestmark = pytest.mark.django_db


def _matched_need():
    start = _next(1, time(17, 0))
    need = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=2), "people": 2}],
    )
    _volunteer(**east(LINDENAU, 1))
    _volunteer(**east(LINDENAU, 2))
    assert len(created(run_for(need))) == 2
    return need, need.shifts.get()


def test_a_shift_that_a_match_names_cannot_be_removed_and_nothing_changes():
    need, shift = _matched_need()
    later = shift.start + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        update_volunteer_need(
            record=need,
            user=need.created_by,
            shifts=[{"start": later, "end": later + timedelta(hours=2), "people": 1}],
        )
    assert "shifts" in error.value.message_dict
    assert list(need.shifts.values_list("pk", flat=True)) == [shift.pk]
    assert set(Match.objects.values_list("shift_id", flat=True)) == {shift.pk}


def test_places_cannot_fall_below_what_matches_hold_but_may_grow():
    need, shift = _matched_need()
    times = {"start": shift.start, "end": shift.end}
    with pytest.raises(ValidationError) as error:
        update_volunteer_need(record=need, user=need.created_by, shifts=[{**times, "people": 1}])
    assert "already matched" in str(error.value.message_dict["shifts"])
    shift.refresh_from_db()
    assert (shift.people, shift.people_open) == (2, 0)
    update_volunteer_need(record=need, user=need.created_by, shifts=[{**times, "people": 4}])
    shift.refresh_from_db()
    assert (shift.people, shift.people_open) == (4, 2)
    # The same shift row: its matches are kept.
    assert set(Match.objects.values_list("shift_id", flat=True)) == {shift.pk}
