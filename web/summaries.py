"""What a page may say about a match or an offer before both sides said yes: titles, public
districts, quantities and times. Never an exact address or a contact (those come from
`matching.selectors.revealed_details`, and only once the match is accepted)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from matching.models import Match
from matching.selectors import public_distance_m


def _when(value) -> str:
    # Shown in Europe/Berlin (TIME_ZONE), written the way the active language writes dates.
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def kind_label(kind: str) -> str:
    return {
        Match.Kind.GOODS: _("Donated goods"),
        Match.Kind.VOLUNTEERS: _("Volunteering"),
        Match.Kind.HOUSING: _("A flat"),
    }.get(kind, kind)


def state_label(state: str) -> str:
    return {
        "proposed": _("waiting for the welcome centre's review"),
        "approved": _("approved by the welcome centre"),
        "offered": _("waiting for both sides to answer"),
        "accepted": _("both sides said yes"),
        "fulfilled": _("handed over"),
        "rejected": _("not approved by the welcome centre"),
        "declined": _("declined"),
        "expired": _("expired without an answer"),
        "cancelled": _("cancelled"),
    }.get(state, state)


def offer_title(match: Match) -> str:
    title = getattr(match.offer, "title", "") or ""
    if not title and match.kind == Match.Kind.VOLUNTEERS:
        return _("Your time as a volunteer")
    return title


def match_facts(match: Match) -> list[tuple[str, str]]:
    """(label, value) rows that both sides may see while the match is only offered."""
    need, offer = match.need, match.offer
    facts = [
        (_("What"), kind_label(match.kind)),
        (_("Needed by"), f"{need.organisation.name}: {need.title}"),
        (_("Offered"), offer_title(match)),
    ]
    if match.kind == Match.Kind.GOODS:
        category = match.goods_need.category
        facts.append((_("Category"), category.name(get_language())))
        facts.append((_("Quantity"), str(match.quantity)))
    if match.kind == Match.Kind.VOLUNTEERS:
        facts.append((_("Shift"), f"{_when(match.shift.start)} – {_when(match.shift.end)}"))
    if match.kind == Match.Kind.HOUSING:
        facts.append((_("Move-in from"), _day(match.housing_need.move_in_date)))
    facts.append((_("Need's area"), need.district or need.place or "—"))
    facts.append((_("Offer's area"), offer.district or offer.place or "—"))
    # Between the public points: a page does not know whether its reader may know more.
    distance_km = round(public_distance_m(match) / 1000, 1)
    facts.append((_("Distance"), _("about %(km)s km") % {"km": distance_km}))
    if match.state == "offered" and match.respond_by:
        facts.append((_("Please answer by"), _when(match.respond_by)))
    if match.fulfilled_quantity is not None:
        facts.append((_("Handed over"), str(match.fulfilled_quantity)))
    return facts


def offer_facts(record) -> list[tuple[str, str]]:
    """Rows about one's own offer, for the "still available?" links."""
    facts = []
    title = getattr(record, "title", "") or _("Your time as a volunteer")
    facts.append((_("Offer"), title))
    if getattr(record, "quantity_open", None) is not None:
        facts.append((_("Still open"), str(record.quantity_open)))
    facts.append((_("Area"), record.district or record.place or "—"))
    facts.append((_("Offered since"), _when(record.created_at)))
    return facts
