"""Reading the topic tree, pages and handouts in a language, and the editors' overview of
translation status and overdue records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content import selectors, services
from content.models import Audience, Handout, Page
from tests.content.factories import (
    ARRIVING_AR,
    KITA_AR,
    EditorFactory,
    make_handout,
    make_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return EditorFactory()


def test_the_topic_tree_in_order_without_drafts_or_what_hangs_below_them(editor):
    work = make_page(editor, "work", position=2)
    arriving = make_page(editor, "arriving", position=1, translations={"ar": ARRIVING_AR})
    make_page(editor, "registration", parent=arriving)
    draft = make_page(editor, "children", position=3, published=False)
    make_page(editor, "kita", parent=draft)  # published, but below a draft

    tree = selectors.topic_tree("ar")
    assert [node.path for node in tree] == ["arriving", "work"]
    assert [node.path for node in tree[0].children] == ["arriving/registration"]
    assert (tree[0].reading.language, tree[0].reading.notice) == ("ar", "")
    assert (tree[1].reading.language, tree[1].reading.notice) == ("de", "missing")
    assert tree[1].page == work
    everything = selectors.flattened(selectors.topic_tree("de", published_only=False))
    assert [node.path for node in everything] == [
        "arriving",
        "arriving/registration",
        "work",
        "children",
        "children/kita",
    ]


def test_a_page_by_its_path_of_slugs(editor):
    arriving = make_page(editor, "arriving")
    registration = make_page(editor, "registration", parent=arriving)
    make_page(editor, "registration", parent=make_page(editor, "living"))
    assert selectors.page_by_path("arriving/registration") == registration
    assert selectors.page_by_path("/arriving/registration/") == registration
    assert selectors.page_by_path("registration") is None
    assert selectors.page_by_path("arriving/nothing") is None
    assert selectors.page_by_path("") is None
    assert selectors.path_of(registration) == "arriving/registration"


def test_handouts_by_audience_with_those_for_everyone(editor):
    kita = make_handout(editor, "kita-place", audience=Audience.KITAS)
    school = make_handout(editor, "school-start", audience=Audience.SCHOOLS)
    everyone = make_handout(editor, "welcome", audience=Audience.EVERYONE)
    make_handout(editor, "draft", audience=Audience.KITAS, published=False)
    assert list(selectors.handouts(audience=Audience.KITAS)) == [kita, everyone]
    assert list(selectors.handouts(audience=Audience.SCHOOLS)) == [school, everyone]
    assert set(selectors.handouts()) == {kita, school, everyone}
    assert Handout.objects.count() == 4


def test_the_overview_counts_missing_and_outdated_per_language(editor):
    current = make_page(editor, "arriving", translations={"ar": ARRIVING_AR, "en": {"title": "A"}})
    outdated = make_page(editor, "work", translations={"ar": ARRIVING_AR})
    services.update_page(outdated, actor=editor, changes={"title": "Arbeit"})
    make_page(editor, "living", published=False)  # drafts count: editors work on them
    make_handout(editor, translations={"ar": KITA_AR})

    overview = selectors.translation_overview()
    ours = [row for row in overview.rows if row.kind.startswith("content.")]
    assert len(ours) == 4
    counts = {
        language: {
            status: sum(1 for row in ours if row.statuses[language] == status)
            for status in ("source", "current", "outdated", "missing")
        }
        for language in overview.languages
    }
    assert counts["de"] == {"source": 4, "current": 0, "outdated": 0, "missing": 0}
    assert counts["ar"] == {"source": 0, "current": 2, "outdated": 1, "missing": 1}
    assert counts["en"] == {"source": 0, "current": 1, "outdated": 0, "missing": 3}
    assert counts["uk"] == {"source": 0, "current": 0, "outdated": 0, "missing": 4}
    if len(ours) == len(overview.rows):  # no other app's texts: the totals are ours
        assert {k: overview.counts["ar"][k] for k in counts["ar"]} == counts["ar"]
    needing_ar = {row.record for row in overview.needing_work("ar")}
    assert outdated in needing_ar and current not in needing_ar
    assert "work" not in {row.title for row in overview.rows}  # titles, not slugs
    assert "Arbeit" in {row.title for row in overview.rows}


def test_pages_and_handouts_are_found_as_models_with_a_text():
    models = selectors.text_models()
    assert models[:2] == [Page, Handout]


def test_overdue_lists_what_nobody_confirmed_in_time(editor, settings):
    settings.EDITORIAL_CONFIRM_EVERY_DAYS = 180
    fresh = make_page(editor, "fresh")
    stale = make_page(editor, "stale")
    handout = make_handout(editor)
    long_ago = timezone.localdate() - timedelta(days=200)
    Page.objects.filter(pk=stale.pk).update(last_confirmed_on=long_ago)
    Handout.objects.filter(pk=handout.pk).update(last_confirmed_on=long_ago - timedelta(days=1))
    overdue = [row for row in selectors.overdue_records() if row.kind.startswith("content.")]
    assert [row.record for row in overdue] == [handout, stale]
    assert fresh not in [row.record for row in overdue]


def test_a_cycle_written_around_the_services_does_not_hang_the_breadcrumbs(editor):
    top = make_page(editor, "arriving")
    below = make_page(editor, "registration", parent=top)
    Page.objects.filter(pk=top.pk).update(parent=below)  # as the admin or SQL could
    top.refresh_from_db()
    assert [page.slug for page in selectors.ancestors(top)] == ["registration"]
    assert selectors.path_of(below) == "arriving/registration"
