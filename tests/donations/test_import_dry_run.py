"""A dry run of the goods needs import (the web page's preview): every row is checked as in
the real import, and nothing is saved, good file or bad."""

import pytest

from accounts.models import Role
from donations.imports import import_goods_needs
from donations.models import Category, GoodsNeed
from lifecycle.imports import RowsRejected
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _row(**changes) -> dict:
    row = {
        "title": "Winter jackets",
        "category": Category.objects.get(slug="clothing-winter-jacket"),
        "quantity": 5,
        "address": "04109 Leipzig",
    }
    row.update(changes)
    return row


@pytest.fixture
def member(db):
    person = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=person)
    return person


def test_a_dry_run_of_good_rows_checks_them_and_saves_nothing(member):
    checked = import_goods_needs(user=member, rows=[(2, _row()), (3, _row())], dry_run=True)
    assert len(checked) == 2
    assert not GoodsNeed.objects.exists()


def test_a_dry_run_names_every_bad_row_and_saves_nothing(member):
    rows = [(2, _row()), (3, _row(quantity=0)), (4, _row(address=""))]
    with pytest.raises(RowsRejected) as rejected:
        import_goods_needs(user=member, rows=rows, dry_run=True)
    assert sorted(rejected.value.errors) == [3, 4]
    assert not GoodsNeed.objects.exists()


def test_without_a_dry_run_the_good_rows_are_saved(member):
    import_goods_needs(user=member, rows=[(2, _row())])
    assert GoodsNeed.objects.count() == 1
