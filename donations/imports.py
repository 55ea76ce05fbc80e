"""Importing goods needs from a file: all rows or none."""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import active_organisations_of
from base.errors import NOT_ALLOWED, ApplicationError
from donations.models import GoodsNeed
from donations.services import create_goods_need
from lifecycle.imports import create_all_or_nothing


def import_goods_needs(
    *,
    user: User,
    rows: Sequence[tuple[int, dict]],
    organisation_id: int | None = None,
    rejected: Mapping[int, Mapping[str, list[str]]] | None = None,
) -> list[GoodsNeed]:
    """A goods need for every row (the arguments of create_goods_need), or none; for the
    initiative given by id, or the user's first. Only its members may import."""
    organisation = _initiative_importing(user, organisation_id)
    return create_all_or_nothing(
        create_goods_need, rows, rejected=rejected, user=user, organisation=organisation
    )


def _initiative_importing(user: User, organisation_id: int | None) -> Organisation | None:
    """The whole file is refused at once, before any row, for someone who may not post."""
    organisations = active_organisations_of(user)
    if organisation_id is not None:
        organisation = organisations.filter(pk=organisation_id).first()
        if organisation is None:
            raise ApplicationError(_("You are not a member of this initiative."), code=NOT_ALLOWED)
        return organisation
    if not organisations.exists():
        raise ApplicationError(_("Only members of an initiative can post needs."), code=NOT_ALLOWED)
    return None
