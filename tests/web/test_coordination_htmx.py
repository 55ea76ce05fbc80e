"""The review queue's partial updates (htmx, read by django-htmx): with the HX-Request header
a decision answers with one card and the filters with the queue alone; without it, the same
addresses answer whole pages as before (tests/web/test_coordination_pages.py)."""

import re

import pytest

from tests.factories import UserFactory
from tests.web.test_coordination_pages import coordinator, proposal, shown, signed_in, states

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_approval_by_htmx_answers_with_the_decision_in_the_cards_place_and_the_new_count():
    first, second = proposal(0), proposal(1)
    response = signed_in(coordinator()).post(f"/coordination/matches/{first.pk}/approve/", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<nav" not in html
    assert f'id="match-{first.pk}"' in html and "data-decided" in html
    assert f"Match {first.pk} approved" in html
    count = re.search(r'<span[^>]*id="proposal-count"[^>]*>(\d+)</span>', html)
    assert 'hx-swap-oob="true"' in count.group(0) and count.group(1) == "1"
    assert "HX-Request" in response["Vary"]
    assert states(first, second) == ["offered", "proposed"]


def test_the_new_count_after_a_decision_keeps_the_queues_filters():
    first, _elsewhere = proposal(0), proposal(1, district="Grünau")
    response = signed_in(coordinator()).post(
        f"/coordination/matches/{first.pk}/reject/?district=Lindenau",
        {"reason": "Zu weit"},
        **HTMX,
    )
    html = response.content.decode()
    assert f"Match {first.pk} rejected." in html
    assert re.search(r'id="proposal-count"[^>]*>0<', html)
    assert states(first) == ["rejected"]


def test_a_reject_by_htmx_without_a_reason_answers_400_with_the_card_and_the_focus_on_it():
    match = proposal(0)
    response = signed_in(coordinator()).post(
        f"/coordination/matches/{match.pk}/reject/?district=Lindenau", {"reason": ""}, **HTMX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert shown(html) == {match.pk}
    field = re.search(rf'<input type="text" id="reason-{match.pk}"[^>]*>', html).group(0)
    assert "autofocus" in field and 'aria-invalid="true"' in field
    assert f'id="reason-{match.pk}-error"' in html
    # The card's forms still post to the same filters.
    assert f'hx-post="/coordination/matches/{match.pk}/reject/?district=Lindenau"' in html
    assert states(match) == ["proposed"]


def test_a_too_long_reason_by_htmx_is_kept_in_the_card():
    match = proposal(0)
    reason = "Zu weit " + "y" * 300
    response = signed_in(coordinator()).post(
        f"/coordination/matches/{match.pk}/reject/", {"reason": reason}, **HTMX
    )
    assert response.status_code == 400
    assert f'value="{reason}"' in response.content.decode()
    assert states(match) == ["proposed"]


def test_a_decision_by_htmx_on_a_match_that_moved_on_answers_409_and_changes_nothing():
    match = proposal(0)
    client = signed_in(coordinator())
    client.post(f"/coordination/matches/{match.pk}/reject/", {"reason": "Zu weit"})
    response = client.post(f"/coordination/matches/{match.pk}/approve/", **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html and "not waiting for review any more" in html
    assert states(match) == ["rejected"]


def test_the_filters_by_htmx_answer_with_the_queue_alone():
    here, elsewhere = proposal(0), proposal(1, district="Grünau")
    response = signed_in(coordinator()).get("/coordination/?district=Grünau", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="queue-area"')
    assert "Reports of problems" not in html and "<html" not in html
    assert shown(html) == {elsewhere.pk}
    assert re.search(r'id="proposal-count"[^>]*>1<', html)
    assert "HX-Request" in response["Vary"]
    assert states(here, elsewhere) == ["proposed", "proposed"]


def test_a_bad_filter_by_htmx_is_shown_beside_its_field_in_the_queue():
    proposal(0)
    response = signed_in(coordinator()).get("/coordination/?min_score=lots", **HTMX)
    html = response.content.decode()
    field = re.search(r'<input type="text" inputmode="decimal" name="min_score"[^>]*>', html)
    assert 'aria-invalid="true"' in field.group(0)
    assert 'id="id_min_score-error"' in html


def test_without_htmx_the_same_addresses_answer_whole_pages():
    match = proposal(0)
    client = signed_in(coordinator())
    assert "<html" in client.get("/coordination/").content.decode()
    response = client.post(f"/coordination/matches/{match.pk}/approve/")
    assert response.status_code == 302


def test_someone_who_is_not_a_coordinator_gets_no_card_by_htmx():
    match = proposal(0)
    client = signed_in(UserFactory(username="donor-x"))
    response = client.post(f"/coordination/matches/{match.pk}/approve/", **HTMX)
    assert response.status_code in (302, 403)
    assert f"Match {match.pk}" not in response.content.decode()
    assert states(match) == ["proposed"]
