"""A report of harm reaches the coordinators: in their queue, with a response-time goal by
its urgency, and at once in their inbox when it is urgent; its handling is a history of who
did what. Bad input stores nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from base.errors import ApplicationError
from notifications.models import Notification
from notifications.rendering import render_text
from safety import selectors, services
from safety.models import Report, ReportEvent, ReportState
from tests.factories import OrganisationFactory
from tests.safety.scenes import (
    coordinator,
    flat,
    household,
    housing_match,
    identity_seen,
    landlord,
    member_of,
    offered,
)

pytestmark = pytest.mark.django_db
TEXT = "Er verlangt 500 Euro bar vor der Besichtigung."


@pytest.fixture(autouse=True)
def settings_for_reports(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False
    settings.REPORT_RESPONSE_HOURS = {"immediate": 2, "high": 24, "normal": 72}


def _file(reporter, match, **fields):
    values = {"category": "exploitation", "urgency": "high", "text": TEXT, **fields}
    return services.file_report(reporter=reporter, target="match", target_id=match.pk, **values)


def test_a_report_on_a_match_reaches_the_coordinators_queue_with_its_goal():
    clara = coordinator()
    match = offered(housing_match())
    member = match.housing_need.created_by
    before = timezone.now()

    report = _file(member, match)

    assert report.reported_user == match.housing_offer.landlord
    assert report.reporter == member and report.state == ReportState.NEW
    assert timedelta(hours=23) < report.respond_by - before <= timedelta(hours=24, seconds=5)
    [item] = selectors.open_queue(10)
    assert item.report == report and not item.overdue
    assert list(report.events.values_list("action", "actor")) == [("filed", member.pk)]
    assert clara.is_coordinator


def test_an_urgent_report_alerts_every_coordinator_in_their_language_but_never_the_reported():
    clara = coordinator()
    carl = coordinator("carl")
    carl.preferred_language = "uk"
    carl.save()
    match = offered(housing_match())
    owner = match.housing_offer.landlord
    before = set(Notification.objects.filter(recipient=owner).values_list("pk", flat=True))

    report = _file(match.housing_need.created_by, match, urgency="immediate")

    alerts = {n.recipient: n for n in Notification.objects.filter(template="report_received")}
    assert {clara, carl} <= set(alerts) and owner not in alerts
    subject, text = render_text(alerts[clara])
    assert subject.startswith("Dringend") and f"/coordination/#report-{report.pk}" in text
    assert TEXT not in text  # what was written stays in the platform
    subject, _ = render_text(alerts[carl])
    assert subject.startswith("Терміново")
    after = set(Notification.objects.filter(recipient=owner).values_list("pk", flat=True))
    assert after == before


def test_a_normal_report_waits_in_the_queue_without_an_alert():
    coordinator()
    match = offered(housing_match())

    report = _file(match.housing_need.created_by, match, urgency="normal")

    assert not Notification.objects.filter(template="report_received").exists()
    assert [item.report for item in selectors.open_queue(10)] == [report]


def test_the_queue_puts_the_nearest_goal_first_and_marks_what_is_overdue():
    coordinator()
    match = offered(housing_match())
    member = match.housing_need.created_by
    normal = _file(member, match, urgency="normal")
    urgent = _file(member, match, urgency="immediate")
    Report.objects.filter(pk=normal.pk).update(respond_by=timezone.now() - timedelta(hours=1))

    items = selectors.open_queue(10)

    assert [item.report.pk for item in items] == [normal.pk, urgent.pk]
    assert [item.overdue for item in items] == [True, False]


def test_a_flat_can_be_reported_by_anyone_who_can_see_it_but_not_by_its_landlord():
    owner = landlord()
    identity_seen(owner)
    offer = flat(owner)
    member = member_of(OrganisationFactory(name="Frauentreff"), "fatima")

    report = services.file_report(
        reporter=member,
        target="flat",
        target_id=offer.pk,
        category="unsafe_place",
        urgency="normal",
        text="Mould everywhere and no heating.",
    )
    assert (report.record_model, report.record_id) == ("housing.housingoffer", offer.pk)
    assert report.reported_user == owner

    with pytest.raises(ApplicationError) as own:
        services.file_report(
            reporter=owner,
            target="flat",
            target_id=offer.pk,
            category="other",
            urgency="normal",
            text="Testing",
        )
    assert set(own.value.errors) == {"target_id"}


def test_a_record_the_reporter_cannot_see_is_not_found():
    need = household()  # a household's need is seen by its initiative only
    stranger = member_of(OrganisationFactory(name="Anderswo"), "otto")

    with pytest.raises(ApplicationError) as hidden:
        services.file_report(
            reporter=stranger,
            target="housing_need",
            target_id=need.pk,
            category="other",
            urgency="normal",
            text="?",
        )

    assert hidden.value.code == "not_found"
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"category": "gossip"}, {"category"}),
        ({"urgency": "yesterday"}, {"urgency"}),
        ({"text": "   "}, {"text"}),
        ({"text": "x" * (services.TEXT_MAX_LENGTH + 1)}, {"text"}),
        ({"text": "null\x00byte"}, {"text"}),
        ({"text": "override \u202e txt.exe"}, {"text"}),
        ({"category": "", "urgency": "", "text": ""}, {"category", "urgency", "text"}),
    ],
)
def test_bad_input_names_every_field_and_stores_nothing(fields, bad):
    match = offered(housing_match())

    with pytest.raises(ApplicationError) as refused:
        _file(match.housing_need.created_by, match, **fields)

    assert refused.value.code == "invalid" and set(refused.value.errors) == bad
    assert not Report.objects.exists() and not ReportEvent.objects.exists()


def test_taking_noting_and_closing_make_a_history_of_who_did_what():
    clara, carl = coordinator(), coordinator("carl")
    match = offered(housing_match())
    report = _file(match.housing_need.created_by, match)

    services.take_report(report, actor=clara)
    with pytest.raises(ApplicationError) as taken:
        services.take_report(report, actor=carl)
    services.add_note(report, actor=carl, note="Called the household; they are safe.")
    with pytest.raises(ApplicationError) as silent:
        services.close_report(report, actor=clara, note="")
    services.close_report(report, actor=clara, note="Landlord suspended, household rehoused.")
    services.take_report(report, actor=carl, note="New information")

    assert taken.value.code == "wrong_state" and set(silent.value.errors) == {"note"}
    report.refresh_from_db()
    assert report.state == ReportState.IN_PROGRESS and report.closed_at is None
    assert report.taken_at is not None and report.handled_by == carl
    history = [(e.action, e.actor.username) for e in report.events.select_related("actor")]
    assert history == [
        ("filed", match.housing_need.created_by.username),
        ("taken", "clara"),
        ("note", "carl"),
        ("closed", "clara"),
        ("reopened", "carl"),
    ]


def test_only_coordinators_handle_reports():
    match = offered(housing_match())
    member = match.housing_need.created_by
    report = _file(member, match)

    for step in (services.take_report, services.close_report, services.add_note):
        with pytest.raises(ApplicationError) as refused:
            step(report, actor=member, note="mine now")
        assert refused.value.code == "not_allowed"
