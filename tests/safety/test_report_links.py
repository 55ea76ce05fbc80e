"""Every email about a match carries a "report a problem" link for its recipient, in all four
languages; the link opens a report form without signing in, in the recipient's language, and
files the report for that match. Households are told which checks of the landlord stand."""

import re

import pytest
from django.test import Client

from accounts.models import Role
from notifications.models import Notification
from notifications.rendering import render_email, render_text
from safety.links import read_report_link
from safety.models import Report
from tests.factories import UserFactory
from tests.safety.scenes import coordinator, housing_match, offered

pytestmark = pytest.mark.django_db

REPORT_LINE = {
    "de": "Ist etwas schiefgegangen oder fühlen Sie sich unsicher?",
    "en": "Did something go wrong, or do you feel unsafe?",
    "uk": "Щось пішло не так або Ви почуваєтеся в небезпеці?",
    "ar": "هل حدث خطأ ما أو تشعرون بعدم الأمان؟",
}
CHECKED_LINE = {
    "de": "Vom Willkommenszentrum geprüft: Identität",
    "en": "Checked by the welcome centre: identity seen",
    "uk": "Перевірено координаційним центром: особу",
    "ar": "تحقق مركز الاستقبال من: الهوية",
}


@pytest.fixture(autouse=True)
def checked_hosts_only(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


def _token(text: str) -> str:
    return re.search(r"/report/l/([^/\s]+)/", text).group(1)


def _offer_email(language: str, side: str = "need") -> tuple[Notification, str]:
    offered(housing_match())
    row = Notification.objects.get(template="match_offered", context__side=side)
    row.recipient.preferred_language = language
    row.recipient.save()
    Notification.objects.filter(pk=row.pk).update(language=language)
    row.refresh_from_db()
    return row, render_email(row).body


@pytest.mark.parametrize("language", ["de", "en", "uk", "ar"])
def test_the_match_email_carries_the_report_link_and_the_checks_in_every_language(language):
    row, body = _offer_email(language)

    assert REPORT_LINE[language] in body and "/report/l/" in body
    assert CHECKED_LINE[language] in body
    html = render_email(row).alternatives[0][0]
    assert "/report/l/" in html
    # The same email renders the same link (the inbox, the digest and the email agree).
    assert _token(render_text(row)[1]) == _token(body) == _token(html)


def test_the_landlord_is_not_told_about_checks_and_the_link_names_their_side():
    row, body = _offer_email("de", side="offer")

    assert "geprüft" not in body
    link = read_report_link(_token(body))
    assert link.ok and link.user == row.recipient and link.side == "offer"


def test_an_unchecked_landlord_is_shown_as_not_checked_where_such_flats_are_matched(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = True
    offered(housing_match(checked=False))
    row = Notification.objects.get(template="match_offered", context__side="need")

    assert "Noch nicht vom Willkommenszentrum geprüft" in render_email(row).body


def _link_of(row: Notification) -> str:
    return f"/report/l/{_token(render_email(row).body)}/"


def test_the_link_opens_the_form_without_signing_in_and_files_the_report(client: Client):
    row, _ = _offer_email("uk")
    path = _link_of(row)

    page = client.get(path)
    assert page.status_code == 200 and page["Content-Language"] == "uk"
    assert not Report.objects.exists()  # opening it decides nothing

    sent = client.post(
        path,
        {"about": "messages", "category": "abuse", "urgency": "high", "text": "Образи"},
    )

    assert sent.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.target, report.via) == (row.recipient, "messages", "email_link")
    assert report.match_id == row.context["match_id"]


def test_bad_input_through_the_link_is_shown_beside_the_fields_and_stores_nothing(client):
    row, _ = _offer_email("de")

    sent = client.post(_link_of(row), {"category": "", "urgency": "normal", "text": ""})

    assert sent.status_code == 400
    assert sent.context["errors"].keys() == {"category", "text"}
    assert not Report.objects.exists()


def test_a_tampered_expired_foreign_or_suspended_link_files_nothing(client, settings):
    row, _ = _offer_email("de")
    path = _link_of(row)

    assert client.get(path[:-5] + "abcd/").status_code == 404
    someone = UserFactory(username="neugierig", role=Role.DONOR)
    client.force_login(someone)
    form = {"category": "other", "urgency": "normal", "text": "x"}
    assert client.post(path, form).status_code == 403
    client.logout()
    settings.REPORT_LINK_DAYS = 0
    assert client.get(path).status_code == 410
    settings.REPORT_LINK_DAYS = 90
    row.recipient.is_active = False  # suspended (or erased) since the email went out
    row.recipient.save()
    assert client.get(path).status_code == 404
    assert not Report.objects.exists()
    assert coordinator().is_coordinator
