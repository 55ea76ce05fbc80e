"""The API of information pages and handouts: public reading in a language with an honest
notice, editors' writes with field errors that save nothing, the PDF, and the editors'
translation status."""

import io

import pytest
from pypdf import PdfReader

from accounts.models import Role
from content.models import Handout, Page
from editorial.models import Text, Translation
from tests.conftest import client_for
from tests.content.factories import (
    ARRIVING_AR,
    KITA_AR,
    EditorFactory,
    make_handout,
    make_page,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v1/content/pages/"
HANDOUTS = "/api/v1/content/handouts/"
STATUS = "/api/v1/content/translation-status/"


@pytest.fixture
def editor():
    return EditorFactory()


def _counts():
    return (Page.objects.count(), Handout.objects.count(), Text.objects.count())


def test_after_the_german_source_changed_the_arabic_reader_gets_it_with_the_notice(editor):
    page = make_page(editor, translations={"ar": ARRIVING_AR})
    anonymous = client_for(None)
    before = anonymous.get(f"{PAGES}{page.pk}/?language=ar").json()
    assert (before["shown_language"], before["notice"]) == ("ar", "")
    assert before["title"] == ARRIVING_AR["title"]

    changed = client_for(editor).patch(
        f"{PAGES}{page.pk}/", {"body": "Neu: Termine nur online."}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2
    assert changed.json()["translations"]["ar"] == "outdated"

    after = anonymous.get(f"{PAGES}{page.pk}/?language=ar").json()
    assert after["wanted_language"] == "ar"
    assert (after["shown_language"], after["notice"]) == ("de", "outdated")
    assert after["body"] == "Neu: Termine nur online."
    assert after["translations"]["ar"] == "outdated"
    # Accept-Language says the same when no ?language= is given.
    by_header = anonymous.get(f"{PAGES}{page.pk}/", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert (by_header["wanted_language"], by_header["notice"]) == ("ar", "outdated")


def test_the_public_tree_in_a_language_without_drafts(editor):
    arriving = make_page(editor, "arriving", translations={"ar": ARRIVING_AR})
    make_page(editor, "registration", parent=arriving)
    make_page(editor, "secret", published=False)
    answer = client_for(None).get(f"{PAGES}?language=ar")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [(r["path"], r["depth"], r["shown_language"], r["notice"]) for r in rows] == [
        ("arriving", 0, "ar", ""),
        ("arriving/registration", 1, "de", "missing"),
    ]
    # Editors see the draft too, with its state.
    rows = client_for(editor).get(PAGES).json()["results"]
    assert {r["path"]: r["publication_status"] for r in rows}["secret"] == "draft"


def test_an_unknown_language_is_a_field_error(editor):
    page = make_page(editor)
    answer = client_for(None).get(f"{PAGES}{page.pk}/?language=xx")
    assert answer.status_code == 400
    assert "language" in answer.json()


def test_bad_input_gives_field_messages_and_saves_nothing(editor):
    before = _counts()
    answer = client_for(editor).post(
        PAGES, {"slug": "Not a slug", "title": " ", "language": "xx"}, format="json"
    )
    assert answer.status_code == 400
    assert set(answer.json()) >= {"slug", "title", "language"}
    assert all(answer.json()[name][0] for name in ("slug", "title", "language"))
    assert _counts() == before

    answer = client_for(editor).post(
        HANDOUTS, {"slug": "ok", "title": "Kita", "audience": "parents"}, format="json"
    )
    assert answer.status_code == 400
    assert "audience" in answer.json()
    assert _counts() == before


def test_a_move_that_makes_a_cycle_is_refused(editor):
    top = make_page(editor, "arriving")
    below = make_page(editor, "registration", parent=top)
    answer = client_for(editor).patch(f"{PAGES}{top.pk}/", {"parent": below.pk}, format="json")
    assert answer.status_code == 400
    assert "parent" in answer.json()
    top.refresh_from_db()
    assert top.parent is None


def test_organisations_cannot_write_pages(editor):
    member = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, is_admin=True)
    page = make_page(editor)
    before = (_counts(), Translation.objects.count())
    client = client_for(member)
    assert client.post(PAGES, {"slug": "x", "title": "X"}, format="json").status_code == 403
    assert client.patch(f"{PAGES}{page.pk}/", {"title": "X"}, format="json").status_code == 403
    answer = client.put(f"{PAGES}{page.pk}/translations/ar/", ARRIVING_AR, format="json")
    assert answer.status_code == 403
    assert client.get(STATUS).status_code == 403
    assert (_counts(), Translation.objects.count()) == before


def test_editors_translate_and_publish_through_review(editor):
    client = client_for(editor)
    created = client.post(
        PAGES, {"slug": "work", "title": "Arbeit", "body": "Text"}, format="json"
    ).json()
    assert created["publication_status"] == "draft"
    pk = created["id"]
    answer = client.put(f"{PAGES}{pk}/translations/ar/", {"title": "العمل"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["translation_status"] == "current"
    assert client.put(f"{PAGES}{pk}/translations/xx/", {"title": "?"}, format="json").json()[
        "language"
    ]
    assert client_for(None).get(f"{PAGES}{pk}/").status_code == 404  # a draft
    assert client.post(f"{PAGES}{pk}/submit/").json()["publication_status"] == "in_review"
    assert client.post(f"{PAGES}{pk}/submit/").status_code == 409
    assert client.post(f"{PAGES}{pk}/approve/").json()["publication_status"] == "published"
    shown = client_for(None).get(f"{PAGES}{pk}/?language=ar").json()
    assert (shown["title"], shown["notice"]) == ("العمل", "")


def test_the_handout_pdf_in_arabic(editor):
    handout = make_handout(editor, translations={"ar": KITA_AR})
    answer = client_for(None).get(f"{HANDOUTS}{handout.pk}/pdf/?language=ar")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert 'filename="kita-place-ar.pdf"' in answer["Content-Disposition"]
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert "البحث عن مكان في الروضة" in text
    listed = client_for(None).get(f"{HANDOUTS}?audience=kitas&language=ar").json()["results"]
    assert listed[0]["pdf"]["ar"].endswith(f"/content/handouts/{handout.pk}/pdf/?language=ar")
    assert client_for(None).get(f"{HANDOUTS}?audience=nobody").status_code == 400


def test_the_translation_status_counts_per_language(editor):
    make_page(editor, "arriving", translations={"ar": ARRIVING_AR})
    outdated = make_page(editor, "work", translations={"ar": ARRIVING_AR})
    client_for(editor).patch(f"{PAGES}{outdated.pk}/", {"title": "Arbeit"}, format="json")
    make_handout(editor)
    Page.objects.filter(pk=outdated.pk).update(last_confirmed_on="2020-01-01")
    answer = client_for(editor).get(STATUS)
    assert answer.status_code == 200
    data = answer.json()
    ours = [row for row in data["records"] if row["kind"].startswith("content.")]
    assert len(ours) == 3
    if len(ours) == len(data["records"]):
        assert data["counts"]["ar"] == {"source": 0, "current": 1, "outdated": 1, "missing": 1}
        assert data["counts"]["de"]["source"] == 3
    assert {(row["kind"], row["id"]) for row in data["overdue"]} >= {("content.page", outdated.pk)}


def test_refusals_of_the_pdf_are_json_whatever_format_was_asked(editor):
    answer = client_for(None).get(f"{HANDOUTS}999999/pdf/?format=pdf")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    handout = make_handout(editor)
    answer = client_for(None).get(f"{HANDOUTS}{handout.pk}/pdf/?language=xx")
    assert answer.status_code == 400
    assert "language" in answer.json()
