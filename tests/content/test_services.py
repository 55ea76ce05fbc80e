"""Writing pages and handouts: the honest status of their translations, the topic tree
without cycles, the way to publication, and bad input that saves nothing."""

import pytest

from accounts.models import Role
from base.errors import INVALID, NOT_ALLOWED, WRONG_STATE, ApplicationError
from content import services
from content.models import Handout, Page, PublicationStatus
from editorial import selectors as editorial
from editorial.models import Text, Translation, TranslationStatus
from tests.content.factories import (
    ARRIVING_AR,
    ARRIVING_DE,
    EditorFactory,
    make_handout,
    make_page,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory()


def _counts() -> tuple[int, int, int, int]:
    return (
        Page.objects.count(),
        Handout.objects.count(),
        Text.objects.count(),
        Translation.objects.count(),
    )


def test_changing_the_german_source_marks_the_arabic_translation_outdated(editor):
    page = make_page(editor, translations={"ar": ARRIVING_AR})
    assert editorial.statuses(page.text)["ar"] == TranslationStatus.CURRENT
    assert editorial.reading(page.text, "ar")["title"] == ARRIVING_AR["title"]

    services.update_page(page, actor=editor, changes={"body": "Neu: Termine nur online."})

    page.refresh_from_db()
    assert page.text.version == 2
    assert editorial.statuses(page.text)["ar"] == TranslationStatus.OUTDATED
    shown = editorial.reading(page.text, "ar")
    assert (shown.language, shown.notice) == ("de", "outdated")
    assert shown["body"] == "Neu: Termine nur online."


def test_moving_a_page_keeps_its_translations_current(editor):
    top = make_page(editor, "living")
    page = make_page(editor, translations={"ar": ARRIVING_AR})
    services.update_page(page, actor=editor, changes={"parent": top.pk, "position": 3})
    page.refresh_from_db()
    assert (page.parent, page.position, page.text.version) == (top, 3, 1)
    assert editorial.statuses(page.text)["ar"] == TranslationStatus.CURRENT


def test_a_translation_made_from_an_older_source_is_outdated_at_once(editor):
    page = make_page(editor)
    services.update_page(page, actor=editor, changes={"title": "Ankommen"})
    services.translate(page, actor=editor, language="ar", fields=ARRIVING_AR, from_version=1)
    page.refresh_from_db()
    assert editorial.statuses(page.text)["ar"] == TranslationStatus.OUTDATED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"slug": "Ankommen in Leipzig"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"language": "xx"}, "language"),
        ({"parent": 999_999}, "parent"),
        ({"position": 5000}, "position"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ankommen\u202etxt.exe"}, "title"),
        ({"body": "Text\x00"}, "body"),
        ({"summary": "\x1b[2J"}, "summary"),
    ],
)
def test_bad_input_for_a_new_page_gives_a_field_error_and_saves_nothing(editor, fields, field):
    before = _counts()
    with pytest.raises(ApplicationError) as refused:
        services.create_page(actor=editor, **{**ARRIVING_DE, "slug": "arriving", **fields})
    assert refused.value.code == INVALID
    assert field in refused.value.errors
    assert refused.value.errors[field][0]
    assert _counts() == before


def test_all_mistakes_are_told_at_once(editor):
    with pytest.raises(ApplicationError) as refused:
        services.create_page(actor=editor, slug="A B", title="", language="xx")
    assert set(refused.value.errors) == {"slug", "title", "language"}


def test_a_bad_edit_changes_nothing_not_even_the_text(editor):
    page = make_page(editor)
    with pytest.raises(ApplicationError) as refused:
        services.update_page(page, actor=editor, changes={"title": "", "body": "Neuer Text"})
    assert set(refused.value.errors) == {"title"}
    page.refresh_from_db()
    assert page.text.version == 1
    assert editorial.reading(page.text, "de")["body"] == ARRIVING_DE["body"]


def test_the_topic_tree_refuses_a_cycle(editor):
    arriving = make_page(editor, "arriving")
    registration = make_page(editor, "registration", parent=arriving)
    office = make_page(editor, "office", parent=registration)

    with pytest.raises(ApplicationError) as refused:
        services.update_page(arriving, actor=editor, changes={"parent": office.pk})
    assert refused.value.code == INVALID
    assert "under itself" in refused.value.errors["parent"][0]
    arriving.refresh_from_db()
    assert arriving.parent is None

    with pytest.raises(ApplicationError) as refused:
        services.update_page(arriving, actor=editor, changes={"parent": arriving.pk})
    assert "parent" in refused.value.errors
    arriving.refresh_from_db()
    assert arriving.parent is None


def test_one_slug_per_place_in_the_tree(editor):
    arriving = make_page(editor, "arriving")
    living = make_page(editor, "living")
    make_page(editor, "registration", parent=arriving)
    make_page(editor, "registration", parent=living)  # another place: fine
    with pytest.raises(ApplicationError) as refused:
        make_page(editor, "registration", parent=arriving)
    assert "slug" in refused.value.errors
    with pytest.raises(ApplicationError) as refused:
        make_page(editor, "arriving")  # a second topic of that name
    assert "slug" in refused.value.errors


def test_organisations_and_others_cannot_write_pages(editor):
    member = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, is_admin=True)
    page = make_page(editor)
    before = _counts()
    for person in (member, UserFactory(role=Role.VOLUNTEER)):
        with pytest.raises(ApplicationError) as refused:
            services.create_page(actor=person, slug="mine", **ARRIVING_DE)
        assert refused.value.code == NOT_ALLOWED
        with pytest.raises(ApplicationError):
            services.update_page(page, actor=person, changes={"title": "Meins"})
        with pytest.raises(ApplicationError):
            services.translate(page, actor=person, language="ar", fields=ARRIVING_AR)
        with pytest.raises(ApplicationError):
            services.publish(page, actor=person)
    assert _counts() == before


def test_a_page_goes_through_review_to_publication(editor):
    page = make_page(editor, published=False)
    services.submit_for_review(page, actor=editor)
    assert page.status == PublicationStatus.IN_REVIEW
    with pytest.raises(ApplicationError) as refused:
        services.submit_for_review(page, actor=editor)
    assert refused.value.code == WRONG_STATE
    services.approve(page, actor=editor)
    assert page.status == PublicationStatus.PUBLISHED
    with pytest.raises(ApplicationError) as refused:
        services.approve(page, actor=editor)
    assert refused.value.code == WRONG_STATE


def test_a_translation_into_an_unknown_or_the_source_language_is_refused(editor):
    page = make_page(editor)
    before = _counts()
    for language in ("xx", "de"):
        with pytest.raises(ApplicationError) as refused:
            services.translate(page, actor=editor, language=language, fields=ARRIVING_AR)
        assert "language" in refused.value.errors
    with pytest.raises(ApplicationError) as refused:
        services.translate(page, actor=editor, language="ar", fields={"title": ""})
    assert "title" in refused.value.errors
    assert _counts() == before


def test_a_handout_needs_a_known_audience_and_a_free_slug(editor):
    make_handout(editor, "kita-place")
    before = _counts()
    with pytest.raises(ApplicationError) as refused:
        services.create_handout(
            actor=editor, slug="kita-place", audience="parents", title="Kita", body=""
        )
    assert set(refused.value.errors) == {"slug", "audience"}
    assert _counts() == before


def test_confirming_a_page_makes_it_current(editor):
    page = make_page(editor)
    Page.objects.filter(pk=page.pk).update(last_confirmed_on="2020-01-01")
    page.refresh_from_db()
    services.confirm(page, actor=editor)
    page.refresh_from_db()
    assert page.last_confirmed_on.year > 2020
    assert page.last_confirmed_by == editor


def test_line_breaks_are_spelled_one_way(editor):
    page = services.create_page(
        actor=editor, slug="breaks", title="Zwei\nZeilen", body="Eins\r\nZwei"
    )
    shown = editorial.reading(page.text, "de")
    assert (shown["title"], shown["body"]) == ("Zwei Zeilen", "Eins\nZwei")
