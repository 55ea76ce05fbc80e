"""Information pages and handouts on the web: the reader of a missing or outdated language
sees the original with a notice, marked with its language and direction; handouts as PDF per
language; the editors' forms (errors beside the field, nothing saved) and status page."""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.models import Role
from content.models import Page, PublicationStatus
from editorial import selectors as editorial
from editorial.models import Text, Translation
from tests.content.factories import (
    ARRIVING_AR,
    KITA_AR,
    EditorFactory,
    make_handout,
    make_page,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    # The assertions read the editors' pages in English (their language follows them).
    return EditorFactory(preferred_language="en")


@pytest.fixture
def editing(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def _arabic_reader() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="ar")


def test_the_arabic_reader_sees_the_notice_when_the_german_source_changed(editor, editing):
    page = make_page(editor, "arriving", translations={"ar": ARRIVING_AR})
    reader = _arabic_reader()
    before = reader.get("/info/arriving/").content.decode()
    assert '<html lang="ar" dir="rtl">' in before
    assert 'lang="ar" dir="rtl" data-shown-language="ar"' in before
    assert ARRIVING_AR["title"] in before
    assert "data-notice" not in before

    answer = editing.post(
        f"/coordination/content/pages/{page.pk}/",
        {
            "title": "Ankommen in Leipzig",
            "summary": "",
            "body": "Neu: Termine nur online.",
            "slug": "arriving",
            "parent": "",
            "position": "0",
            "language": "de",
        },
    )
    assert answer.status_code == 302
    page.refresh_from_db()
    assert editorial.statuses(page.text)["ar"] == "outdated"

    after = reader.get("/info/arriving/").content.decode()
    assert '<html lang="ar" dir="rtl">' in after
    assert 'data-notice="outdated"' in after
    # The original, marked as German and left to right inside the Arabic page.
    assert 'lang="de" dir="ltr" data-shown-language="de"' in after
    assert "Neu: Termine nur online." in after
    assert ARRIVING_AR["title"] not in after


def test_a_missing_language_is_said_and_the_choice_of_language_is_kept(editor):
    arriving = make_page(editor, "arriving")
    make_page(editor, "registration", parent=arriving)
    html = Client().get("/info/arriving/registration/?language=uk").content.decode()
    assert 'data-notice="missing"' in html
    assert 'data-shown-language="de"' in html
    tree = Client().get("/info/?language=uk").content.decode()
    assert 'href="/info/arriving/?language=uk"' in tree
    assert 'data-notice="missing"' in tree


def test_drafts_are_for_editors_only(editor, editing):
    make_page(editor, "secret", published=False)
    assert Client().get("/info/secret/").status_code == 404
    assert "secret" not in Client().get("/info/").content.decode()
    assert editing.get("/info/secret/").status_code == 200


def test_the_body_is_plain_text_never_html(editor):
    make_page(
        editor,
        "careful",
        fields={"title": "Vorsicht", "body": "<script>alert(1)</script>\n\n- eins\n- zwei"},
    )
    html = Client().get("/info/careful/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>eins</li>" in html and "<li>zwei</li>" in html


def test_handouts_with_a_pdf_per_language(editor):
    handout = make_handout(editor, translations={"ar": KITA_AR})
    html = Client().get("/handouts/?audience=kitas").content.decode()
    for code in ("de", "en", "uk", "ar"):
        assert f'href="/handouts/kita-place/{code}.pdf"' in html
    answer = Client().get("/handouts/kita-place/ar.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert "البحث عن مكان في الروضة" in text
    assert Client().get("/handouts/kita-place/xx.pdf").status_code == 404
    handout.status = PublicationStatus.DRAFT
    handout.save()
    assert Client().get("/handouts/kita-place/ar.pdf").status_code == 404


def _counts():
    return (Page.objects.count(), Text.objects.count(), Translation.objects.count())


def test_an_empty_title_is_shown_beside_the_field_and_nothing_is_saved(editing):
    before = _counts()
    answer = editing.post(
        "/coordination/content/pages/new/",
        {"language": "de", "title": "", "body": "Text", "slug": "Falsch Geschrieben"},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert re.search(r'id="id_title"[^>]*aria-invalid="true"', html)
    assert 'id="title-error"' in html and "Please give a title." in html
    assert re.search(r'id="id_slug"[^>]*aria-invalid="true"', html)
    assert 'value="Falsch Geschrieben"' in html  # what was typed stays
    assert "web/content.js" in html  # focuses the first field with an error
    assert _counts() == before


def test_a_cycle_in_the_tree_is_shown_beside_the_parent(editor, editing):
    top = make_page(editor, "arriving")
    below = make_page(editor, "registration", parent=top)
    answer = editing.post(
        f"/coordination/content/pages/{top.pk}/",
        {"language": "de", "title": "Ankommen", "slug": "arriving", "parent": str(below.pk)},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'id="parent-error"' in html
    assert re.search(r'id="id_parent"[^>]*aria-invalid="true"', html)
    top.refresh_from_db()
    assert top.parent is None and top.text.version == 1


def test_the_translation_form_shows_the_source_beside_it(editor, editing):
    page = make_page(editor, "arriving")
    url = f"/coordination/content/pages/{page.pk}/translate/ar/"
    html = editing.get(url).content.decode()
    assert 'lang="de" dir="ltr" data-source' in html
    assert "Ankommen in Leipzig" in html
    assert re.search(r'id="id_title"[^>]*lang="ar" dir="rtl"', html)
    assert 'name="from_version" value="1"' in html

    answer = editing.post(url, {"title": "", "body": "نص", "from_version": "1"})
    assert answer.status_code == 400
    assert "Please give a title." in answer.content.decode()
    assert not Translation.objects.filter(text=page.text, language="ar").exists()

    answer = editing.post(url, {**ARRIVING_AR, "from_version": "1"})
    assert answer.status_code == 302
    page.refresh_from_db()
    assert editorial.statuses(page.text)["ar"] == "current"


def test_the_status_page_counts_missing_and_outdated_per_language(editor, editing):
    make_page(editor, "arriving", translations={"ar": ARRIVING_AR})
    outdated = make_page(editor, "work", translations={"ar": ARRIVING_AR})
    editing.post(
        f"/coordination/content/pages/{outdated.pk}/",
        {"language": "de", "title": "Arbeit", "slug": "work", "position": "1"},
    )
    make_handout(editor, translations={"en": {"title": "Finding a Kita place"}})
    Page.objects.filter(pk=outdated.pk).update(last_confirmed_on="2020-01-01")

    answer = editing.get("/coordination/content/")
    assert answer.status_code == 200
    html = answer.content.decode()

    def count(language: str, status: str) -> int:
        row = re.search(rf'<tr data-language="{language}">(.*?)</tr>', html, re.S).group(1)
        return int(re.search(rf'data-count="{status}">(\d+)<', row).group(1))

    ours_only = Text.objects.count() == 3
    if ours_only:  # other apps' texts would count too
        assert [count("ar", s) for s in ("source", "current", "outdated", "missing")] == [
            0,
            1,
            1,
            1,
        ]
        assert [count("en", s) for s in ("source", "current", "outdated", "missing")] == [
            0,
            1,
            0,
            2,
        ]
        assert [count("de", s) for s in ("source", "current", "outdated", "missing")] == [
            3,
            0,
            0,
            0,
        ]
        assert count("uk", "missing") == 3
    work = re.search(r'<section data-work="ar".*?</section>', html, re.S).group(0)
    assert 'data-status="outdated"' in work and "Arbeit" in work
    assert f"/coordination/content/pages/{outdated.pk}/translate/ar/" in work
    assert "Ankommen in Leipzig" not in work  # current in Arabic
    overdue = re.search(r"<ul class=\"work\" data-overdue>.*?</ul>", html, re.S).group(0)
    assert "Arbeit" in overdue
    assert f"/coordination/content/confirm/page/{outdated.pk}/" in overdue


def test_editors_publish_after_review_and_confirm(editor, editing):
    page = make_page(editor, "draft", published=False)
    editing.post(f"/coordination/content/pages/{page.pk}/submit/")
    page.refresh_from_db()
    assert page.status == PublicationStatus.IN_REVIEW
    editing.post(f"/coordination/content/pages/{page.pk}/approve/")
    page.refresh_from_db()
    assert page.status == PublicationStatus.PUBLISHED
    Page.objects.filter(pk=page.pk).update(last_confirmed_on="2020-01-01")
    editing.post(f"/coordination/content/confirm/page/{page.pk}/")
    page.refresh_from_db()
    assert page.last_confirmed_on.year > 2020


def test_only_editors_reach_the_editors_pages(editor):
    page = make_page(editor)
    member = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, is_admin=True)
    client = Client()
    client.force_login(member)
    for url in (
        "/coordination/content/",
        "/coordination/content/pages/new/",
        f"/coordination/content/pages/{page.pk}/",
        f"/coordination/content/pages/{page.pk}/translate/ar/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/coordination/content/pages/{page.pk}/publish/").status_code == 403
    assert Client().get("/coordination/content/").status_code == 302  # to the sign-in
