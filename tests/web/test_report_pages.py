"""The report form for signed-in people, and the reports queue with its actions and the
suspended accounts on /coordination/."""

import pytest
from django.urls import reverse

from safety import services
from safety.models import Report, Suspension
from tests.factories import OrganisationFactory
from tests.safety.scenes import (
    coordinator,
    flat,
    housing_match,
    identity_seen,
    landlord,
    member_of,
    offered,
)

pytestmark = pytest.mark.django_db
TEXT = "Die Wohnung hat keine Heizung und Schimmel im Kinderzimmer."


@pytest.fixture(autouse=True)
def checked_hosts_only(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


@pytest.fixture
def offer():
    owner = landlord()
    identity_seen(owner)
    return flat(owner)


def test_a_signed_in_person_reports_a_flat_from_its_page(client, offer):
    member = member_of(OrganisationFactory(name="Frauentreff"), "fatima")
    client.force_login(member)
    url = reverse("report", args=["flat", offer.pk])

    form = client.get(url)
    sent = client.post(url, {"category": "unsafe_place", "urgency": "normal", "text": TEXT})

    assert form.status_code == 200 and "110" in form.content.decode()
    assert sent.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.reported_user, report.via) == (member, offer.landlord, "web")


def test_bad_input_on_the_form_is_shown_beside_the_fields_and_stores_nothing(client, offer):
    client.force_login(member_of(OrganisationFactory(name="Frauentreff"), "fatima"))

    sent = client.post(
        reverse("report", args=["flat", offer.pk]),
        {"category": "gossip", "urgency": "", "text": "a\x00b"},
    )

    assert sent.status_code == 400
    assert set(sent.context["errors"]) == {"category", "urgency", "text"}
    assert 'aria-invalid="true"' in sent.content.decode()
    assert not Report.objects.exists()


def test_unknown_targets_and_what_one_cannot_see_are_not_found(client, offer):
    client.force_login(member_of(OrganisationFactory(name="Frauentreff"), "fatima"))
    match = housing_match()  # not theirs

    assert client.get(reverse("report", args=["passport", offer.pk])).status_code == 404
    sent = client.post(
        reverse("report", args=["match", match.pk]),
        {"category": "other", "urgency": "normal", "text": "?"},
    )
    assert sent.status_code == 404 and not Report.objects.exists()


def test_the_queue_on_the_coordination_page_shows_the_report_and_its_actions_work(client):
    clara = coordinator()
    match = offered(housing_match())
    member = match.housing_need.created_by
    report = services.file_report(
        reporter=member,
        target="match",
        target_id=match.pk,
        category="abuse",
        urgency="immediate",
        text=TEXT,
    )
    client.force_login(clara)

    page = client.get(reverse("coordination")).content.decode()
    assert f'id="report-{report.pk}"' in page and TEXT in page and member.username in page

    client.post(reverse("coordination-report-take", args=[report.pk]))
    client.post(reverse("coordination-report-note", args=[report.pk]), {"note": "Angerufen"})
    suspended = client.post(
        reverse("coordination-report-suspend", args=[report.pk]), {"reason": "Bedrohung"}
    )
    assert suspended.status_code == 302
    owner = match.housing_offer.landlord
    assert Suspension.objects.filter(user=owner, report=report, lifted_at=None).exists()
    page = client.get(reverse("coordination")).content.decode()
    assert f'data-suspension="{owner.pk}"' in page

    client.post(reverse("coordination-suspension-lift", args=[owner.pk]), {"reason": "Geklärt"})
    client.post(reverse("coordination-report-close", args=[report.pk]), {"note": "Erledigt"})

    report.refresh_from_db()
    owner.refresh_from_db()
    assert report.state == "closed" and owner.is_active
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["filed", "taken", "note", "suspended", "closed"]
    assert f'id="report-{report.pk}"' not in client.get(reverse("coordination")).content.decode()


def test_a_refused_action_is_explained_and_changes_nothing(client):
    clara = coordinator()
    match = offered(housing_match())
    report = services.file_report(
        reporter=match.housing_need.created_by,
        target="match",
        target_id=match.pk,
        category="other",
        urgency="normal",
        text=TEXT,
    )
    clara.preferred_language = "en"  # the pages speak the user's language
    clara.save(update_fields=["preferred_language"])
    client.force_login(clara)

    answer = client.post(
        reverse("coordination-report-close", args=[report.pk]),
        {"note": ""},
        follow=True,
    )

    assert "Please write what was done." in answer.content.decode()
    report.refresh_from_db()
    assert report.state == "new"


def test_people_who_are_not_coordinators_can_do_nothing_with_reports(client):
    match = offered(housing_match())
    member = match.housing_need.created_by
    report = services.file_report(
        reporter=member,
        target="match",
        target_id=match.pk,
        category="other",
        urgency="normal",
        text=TEXT,
    )
    client.force_login(member)

    for name in ("take", "close", "suspend"):
        url = reverse(f"coordination-report-{name}", args=[report.pk])
        assert client.post(url, {"note": "x", "reason": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.state == "new" and not Suspension.objects.exists()
