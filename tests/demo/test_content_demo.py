"""The demo's information pages and handouts: ten pages in a topic tree, three handouts, with
missing and outdated translations on purpose; loading twice creates nothing new."""

import pytest

from accounts.models import Role
from content import selectors
from content.models import Handout, Page
from demo.base import DemoReport
from demo.content import load_content
from editorial import selectors as editorial
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_content_loads_once_with_honest_gaps():
    UserFactory(username="koordination", role=Role.COORDINATOR)
    report = DemoReport()
    load_content(report)
    assert (report.created["pages"], report.created["handouts"]) == (10, 3)
    assert Page.objects.count() == 10 and Handout.objects.count() == 3
    tree = selectors.topic_tree("ar")
    assert [node.path for node in tree] == ["arriving", "living", "work", "children"]
    assert len(selectors.flattened(tree)) == 10

    registration = selectors.page_by_path("arriving/registration")
    assert editorial.statuses(registration.text) == {
        "de": "source",
        "en": "outdated",
        "uk": "outdated",
        "ar": "outdated",
    }
    health = selectors.page_by_path("living/health")
    assert editorial.statuses(health.text)["ar"] == "outdated"
    assert editorial.statuses(health.text)["en"] == "current"
    assert editorial.statuses(selectors.page_by_path("work/recognition").text)["ar"] == "missing"
    school = Handout.objects.get(slug="school-start")
    assert editorial.statuses(school.text)["ar"] == "outdated"
    assert [row.record.slug for row in selectors.overdue_records()] == ["finding-a-flat"]

    again = DemoReport()
    load_content(again)
    assert sum(again.created.values()) == 0
    assert (again.present["pages"], again.present["handouts"]) == (10, 3)
    assert Page.objects.count() == 10 and Handout.objects.count() == 3
