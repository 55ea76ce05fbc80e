"""The reported person never learns who reported them: not over the API, not on a page, not
by email, not in their data export; the reporter's own export lists their reports."""

import json

import pytest
from django.urls import reverse

from notifications.models import Notification
from privacy.selectors import export_personal_data
from safety import services
from tests.conftest import client_for
from tests.safety.scenes import coordinator, housing_match, offered

pytestmark = pytest.mark.django_db
TEXT = "Der Vermieter Herr Lars hat uns bedroht."


@pytest.fixture
def reported(settings):
    """A household's member reports the landlord of an offered match; a coordinator takes it
    up, notes what was done and suspends the landlord with a reason."""
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False
    clara = coordinator()
    match = offered(housing_match())
    reporter = match.housing_need.created_by
    reporter.first_name, reporter.email = "Ines", "ines.reporter@example.org"
    reporter.save()
    landlord = match.housing_offer.landlord
    before = list(Notification.objects.filter(recipient=landlord).values_list("pk", flat=True))
    report = services.file_report(
        reporter=reporter,
        target="match",
        target_id=match.pk,
        category="abuse",
        urgency="immediate",
        text=TEXT,
    )
    services.take_report(report, actor=clara, note=f"Called {reporter.username} back")
    return report, reporter, landlord, before


def _markers(reporter) -> list[str]:
    return [reporter.username, reporter.email, "Ines", TEXT, "Called"]


def test_the_reported_person_finds_no_report_over_the_api(reported):
    report, reporter, landlord, _ = reported
    api = client_for(landlord)

    listed = api.get("/api/v1/reports/")
    detail = api.get(f"/api/v1/reports/{report.pk}/")

    assert listed.status_code == 200 and listed.json()["results"] == []
    assert detail.status_code == 404
    for body in (listed.content.decode(), detail.content.decode()):
        assert not [m for m in _markers(reporter) if m in body]


def test_the_reported_person_sees_no_queue_on_any_page(reported, client):
    report, reporter, landlord, _ = reported
    client.force_login(landlord)

    page = client.get(reverse("coordination"))

    assert page.status_code == 403
    assert not [m for m in _markers(reporter) if m in page.content.decode()]


def test_the_reported_person_gets_no_email_about_the_report(reported):
    report, reporter, landlord, before = reported

    now = list(Notification.objects.filter(recipient=landlord).values_list("pk", flat=True))

    assert now == before


def test_the_reported_persons_export_tells_nothing_of_the_report_even_after_suspension(reported):
    report, reporter, landlord, _ = reported
    services.suspend(landlord, actor=coordinator(), reason="Threatened a household", report=report)

    export = json.dumps(export_personal_data(landlord), default=str)

    assert not [m for m in _markers(reporter) if m in export]
    data = export_personal_data(landlord)
    assert data["reports_filed"] == []
    assert [s["reason"] for s in data["suspensions"]] == ["Threatened a household"]


def test_the_reporters_export_lists_their_report_without_the_coordinators_notes(reported):
    report, reporter, landlord, _ = reported

    data = export_personal_data(reporter)

    [filed] = data["reports_filed"]
    assert (filed["id"], filed["text"], filed["state"]) == (report.pk, TEXT, "in_progress")
    assert "Called" not in json.dumps(data, default=str)
