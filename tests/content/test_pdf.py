"""A handout as PDF in every content language; Arabic right to left.

What is verified of the Arabic PDF: pypdf extracts the words of the title and body, each word
with its letters in the order they are written (not mirrored: "الروضة", not "ةضورلا"), and the
words of a sentence in the order they are written (the first word before the second …). An
Arabic PDF made without right-to-left layout, or with reversed glyphs, fails these checks (the
test `test_a_mirrored_layout_would_be_caught` shows that the check can tell the difference)."""

import io

import pytest
from pypdf import PdfReader

from content import pdf, services
from tests.content.factories import KITA_AR, KITA_DE, EditorFactory, make_handout

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory()


def _text(document: bytes) -> str:
    reader = PdfReader(io.BytesIO(document))
    return "\n".join(page.extract_text() for page in reader.pages)


def _in_order(text: str, words: list[str]) -> bool:
    """Each word found after the one before it (a short word such as "في" may also stand
    earlier on the page, in the translated footer)."""
    position = 0
    for word in words:
        position = text.find(word, position)
        if position < 0:
            return False
        position += len(word)
    return True


def test_the_arabic_handout_is_a_pdf_whose_text_reads_right_to_left_in_order(editor):
    handout = make_handout(editor, translations={"ar": KITA_AR})
    document = pdf.handout_pdf(handout, "ar")
    assert document.startswith(b"%PDF-")
    text = _text(document)
    # The title, word by word, as written (logical order).
    assert _in_order(text, ["البحث", "عن", "مكان", "في", "الروضة"]), text
    assert "الروضة" in text and "ةضورلا" not in text  # letters not mirrored
    # A sentence of the body and both list items.
    assert _in_order(text, ["لكل", "طفل", "من", "عمر", "سنة", "الحق"]), text
    assert "التسجيل في بوابة الأهل" in text
    assert "قسيمة الروضة من مكتب الشباب" in text
    # No notice: the Arabic translation is current.
    assert "outdated" not in text and "original language" not in text


def test_a_mirrored_layout_would_be_caught():
    mirrored = " ".join(reversed(["البحث", "عن", "مكان", "في", "الروضة"]))
    assert not _in_order(mirrored, ["البحث", "عن", "مكان", "في", "الروضة"])


def test_the_html_of_the_pdf_says_language_and_direction(editor):
    handout = make_handout(editor, translations={"ar": KITA_AR})
    html = pdf.handout_html(handout, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article lang="ar" dir="rtl">' in html
    assert "Noto Naskh Arabic" in html


def test_an_outdated_arabic_handout_shows_the_german_source_with_the_notice(editor):
    handout = make_handout(editor, translations={"ar": KITA_AR})
    services.update_handout(handout, actor=editor, changes={"body": "Neu: Anmeldung nur online."})
    handout.refresh_from_db()
    html = pdf.handout_html(handout, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article lang="de" dir="ltr">' in html  # the source keeps its own direction
    text = _text(pdf.handout_pdf(handout, "ar"))
    assert "Neu: Anmeldung nur online." in text
    assert KITA_DE["title"] in text
    # The frame is in the wanted language; the tests read the English message catalogue's
    # source, as the Arabic one comes from the translators.
    assert "outdated" in text or "قديمة" in text


def test_the_pdf_says_its_language_and_when_it_was_last_confirmed(editor):
    handout = make_handout(editor)
    text = _text(pdf.handout_pdf(handout, "en"))
    assert "English" in text
    assert "not yet available" in text  # English is missing: the German source, with a notice
    assert KITA_DE["title"] in text
    day = handout.last_confirmed_on
    assert any(
        stamp in text
        for stamp in (day.strftime("%m/%d/%Y"), day.strftime("%d.%m.%Y"), day.isoformat())
    ), text


def test_the_ukrainian_pdf_has_cyrillic_text(editor):
    handout = make_handout(
        editor, translations={"uk": {"title": "Як знайти місце в дитсадку", "body": "Кожна дитина"}}
    )
    text = _text(pdf.handout_pdf(handout, "uk"))
    assert "Як знайти місце в дитсадку" in text


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://static.invalid/../etc/passwd",
        "https://static.invalid/static/../../etc/passwd",
        "file:///etc/passwd",
        "data:text/plain,hello",
    ],
)
def test_rendering_fetches_nothing_from_outside(url):
    with pytest.raises(pdf.RefusedFetch):
        pdf.url_fetcher(url)


def test_the_projects_own_static_files_may_be_used():
    found = pdf.url_fetcher("https://static.invalid/static/web/site.css")
    assert b"--ink" in found.read()
    assert found.headers.get_content_type() == "text/css"
