"""Units written the way the reader's language writes numbers: one helper per unit, used by
every page and every email, so that a distance never reads "6.2 km" on one page and "6,2 km"
on another."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def one_decimal(value: float) -> str:
    """A number with one decimal in the active language: "6,2" in German, "6.2" in English
    (days, percentages and the like)."""
    return number_format(round(float(value), 1), decimal_pos=1, use_l10n=True)


def km_number(km: float) -> str:
    """Kilometres with one decimal in the active language: "6,2" in German, "6.2" in English."""
    return one_decimal(km)


def about_km(km: float | None) -> str:
    """A distance between public (approximate) points: "etwa 6,2 km", "about 6.2 km"; empty
    when unknown."""
    if km is None or km == "":
        return ""
    return _("about %(km)s km") % {"km": km_number(km)}


def about_km_from_metres(metres: float | None) -> str:
    return "" if metres is None else about_km(metres / 1000)
