"""Importing goods needs from a file: all rows or none, and the columns such a file has."""

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.selectors import active_organisations_of
from base.errors import NOT_ALLOWED, ApplicationError
from donations.models import Category, GoodsNeed
from donations.services import create_goods_need
from lifecycle.csv_import import CsvColumns
from lifecycle.imports import create_all_or_nothing

# The columns of a file of goods needs, for every edge that reads one (the API's import and
# the initiative's import page), so that both take the same file.
NEED_COLUMNS = (
    "title",
    "category",
    "quantity",
    "address",
    "attributes",
    "deadline",
    "max_distance_km",
    "description",
    "latitude",
    "longitude",
)
REQUIRED_COLUMNS = ("title", "category", "quantity", "address")
NUMERIC_COLUMNS = ("quantity", "max_distance_km", "latitude", "longitude")
# Header spellings of German spreadsheets.
NEED_COLUMN_ALIASES = {
    "titel": "title",
    "kategorie": "category",
    "menge": "quantity",
    "anzahl": "quantity",
    "adresse": "address",
    "ort": "address",
    "merkmale": "attributes",
    "größe": "size",
    "groesse": "size",
    "schuhgröße": "shoe_size",
    "schuhgroesse": "shoe_size",
    "alter": "age",
    "frist": "deadline",
    "bis": "deadline",
    "max_entfernung_km": "max_distance_km",
    "beschreibung": "description",
}


def attribute_names() -> list[str]:
    """Every attribute some category asks for (size, shoe_size, age …): each may be a column
    of its own besides the "attributes" column."""
    per_category = Category.objects.values_list("attributes", flat=True)
    return sorted({name for names in per_category for name in names})


def goods_need_columns() -> CsvColumns:
    """The columns a file of goods needs may have (read from the taxonomy, so a new attribute
    is a new column without a change here)."""
    return CsvColumns(
        known=(*NEED_COLUMNS, *attribute_names()),
        required=REQUIRED_COLUMNS,
        aliases=NEED_COLUMN_ALIASES,
        numeric=NUMERIC_COLUMNS,
    )


def import_goods_needs(
    *,
    user: User,
    rows: Sequence[tuple[int, dict]],
    organisation_id: int | None = None,
    rejected: Mapping[int, Mapping[str, list[str]]] | None = None,
    dry_run: bool = False,
) -> list[GoodsNeed]:
    """A goods need for every row (the arguments of create_goods_need), or none; for the
    initiative given by id, or the user's first. Only its members may import. With
    `dry_run`, every row is checked as in the real import and nothing is saved (a preview)."""
    organisation = _initiative_importing(user, organisation_id)
    return create_all_or_nothing(
        create_goods_need,
        rows,
        rejected=rejected,
        dry_run=dry_run,
        user=user,
        organisation=organisation,
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
