"""Importing goods needs from a file: all rows or none."""

from collections.abc import Mapping, Sequence

from accounts.models import Organisation, User
from donations.models import GoodsNeed
from donations.services import create_goods_need
from lifecycle.imports import create_all_or_nothing


def import_goods_needs(
    *,
    user: User,
    rows: Sequence[tuple[int, dict]],
    organisation: Organisation | None = None,
    rejected: Mapping[int, Mapping[str, list[str]]] | None = None,
) -> list[GoodsNeed]:
    """A goods need for every row (the arguments of create_goods_need), or none."""
    return create_all_or_nothing(
        create_goods_need, rows, rejected=rejected, user=user, organisation=organisation
    )
