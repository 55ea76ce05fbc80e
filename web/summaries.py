"""What a page may say about a match or an offer before both sides said yes: titles, public
districts, quantities and times. Never an exact address or a contact (those come from
`matching.selectors.revealed_details`, and only once the match is accepted)."""

from collections.abc import Collection

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from base.units import about_km_from_metres
from jobs import selectors as jobs_selectors
from jobs.models import Hours, JobSeeker
from lifecycle.states import Status
from matching.models import Match, MatchState
from matching.selectors import open_quantity_shown, public_distance_m
from web.volunteer_forms import language_choices


def _when(value) -> str:
    # Shown in Europe/Berlin (TIME_ZONE), written the way the active language writes dates.
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def status_label(status: str, open_quantity: int | None = None) -> str:
    """A need's or offer's status in words; "partly matched" with nothing left open would
    read as a contradiction beside "0 of 6", so it says that matches hold all of it."""
    if status == Status.PARTLY_MATCHED and open_quantity == 0:
        return _("All of it is in matches")
    return Status(status).label


def match_quantity(match: Match) -> str | None:
    """A goods match's quantity, and how many were handed over where that was fewer."""
    if match.kind != Match.Kind.GOODS:
        return None
    handed_over = match.fulfilled_quantity
    if handed_over is not None and handed_over != match.quantity:
        return _("%(handed_over)s of %(matched)s handed over") % {
            "handed_over": handed_over,
            "matched": match.quantity,
        }
    return str(match.quantity)


def kind_label(kind: str) -> str:
    return {
        Match.Kind.GOODS: _("Donated goods"),
        Match.Kind.VOLUNTEERS: _("Volunteering"),
        Match.Kind.HOUSING: _("A flat"),
        Match.Kind.JOBS: _("Work"),
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
    if match.kind == Match.Kind.JOBS:
        # A person is never named by a title: a profile has none.
        return _("A person looking for work")
    return title


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def household_facts(need) -> list[tuple[str, str]]:
    """A household's size and needs, what a landlord may know before both said yes: never
    its title, description, notes or contact (area "housing" of issue 13)."""
    stay = need.min_stay_months
    return [
        (_("Adults"), str(need.adults)),
        (_("Children"), str(need.children)),
        (_("Needs step-free access"), _yes_no(need.needs_step_free)),
        (_("Has pets"), _yes_no(need.has_pets)),
        (
            _("Shortest stay"),
            ngettext("%(count)s month", "%(count)s months", stay) % {"count": stay}
            if stay
            else "—",
        ),
    ]


def seeker_summary(seeker) -> list[tuple[str, str]]:
    """What an employer may know of a person looking for work before both said yes (area
    "jobs" of issue 15): occupations with years of experience, German level, languages (the
    district is the offer's area). Never the name, phone, email, address or the text about
    themselves."""
    language = get_language()
    rows = jobs_selectors.experience_of(seeker)
    worked = [
        _("%(occupation)s (%(years)s years)")
        % {"occupation": row.occupation.name(language), "years": f"{row.years.normalize():f}"}
        for row in rows
    ]
    names = dict(language_choices())
    return [
        (_("Experience"), "; ".join(worked) or "—"),
        (_("German level"), seeker.german_level or _("No German yet")),
        (_("Languages"), ", ".join(names.get(code, code) for code in seeker.languages) or "—"),
    ]


def job_facts(job) -> list[tuple[str, str]]:
    """A job's public facts, for both sides of its match."""
    facts = [
        (_("Occupation"), job.occupation.name(get_language())),
        (_("Hours"), str(Hours(job.hours).label)),
        (_("Start date"), _day(job.start_date)),
    ]
    if job.remote:
        facts.append((_("Remote work"), _yes_no(True)))
    if job.german_min:
        facts.append((_("German at least"), job.german_min))
    return facts


def match_facts(match: Match, sides: Collection[str] = ()) -> list[tuple[str, str]]:
    """(label, value) rows that both sides may see while the match is only offered.

    A household looking for a flat is personal: its title names it, so it is shown only to
    its own initiative (`"need" in sides`) or once both said yes; the landlord sees its size
    and needs (`household_facts`)."""
    need, offer = match.need, match.offer
    needed_by = f"{need.organisation.name}: {need.title}"
    if (
        match.kind == Match.Kind.HOUSING
        and "need" not in sides
        and match.state not in (MatchState.ACCEPTED, MatchState.FULFILLED)
    ):
        needed_by = need.organisation.name
    facts = [
        (_("What"), kind_label(match.kind)),
        (_("Needed by"), needed_by),
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
        facts.extend(household_facts(match.housing_need))
    if match.kind == Match.Kind.JOBS:
        facts.extend(job_facts(match.job))
        facts.extend(seeker_summary(match.job_seeker))
    facts.append((_("Need's area"), need.district or need.place or "—"))
    facts.append((_("Offer's area"), offer.district or offer.place or "—"))
    # Between the public points: a page does not know whether its reader may know more.
    facts.append((_("Distance"), about_km_from_metres(public_distance_m(match))))
    if match.state == "offered" and match.respond_by:
        facts.append((_("Please answer by"), _when(match.respond_by)))
    if match.fulfilled_quantity is not None:
        facts.append((_("Handed over"), str(match.fulfilled_quantity)))
    return facts


def offer_facts(record) -> list[tuple[str, str]]:
    """Rows about one's own offer, for the "still available?" links."""
    facts = []
    title = getattr(record, "title", "") or _("Your time as a volunteer")
    if isinstance(record, JobSeeker):
        title = record.person_name or _("Your profile: looking for work")
    facts.append((_("Offer"), title))
    still_open = open_quantity_shown(record)
    if still_open is not None:
        facts.append((_("Still open"), str(still_open)))
    facts.append((_("Area"), record.district or record.place or "—"))
    facts.append((_("Offered since"), _when(record.created_at)))
    return facts


# --- the inbox: one short summary per notification ------------------------------------------

# The page a person answers a match on, by the email's template: the button's words.
_MATCH_ACTIONS = {
    "match_offered": lambda: _("Answer on the match page"),
    "match_reminder": lambda: _("Answer on the match page"),
    "match_accepted": lambda: _("See how to reach the other side"),
    "match_message": lambda: _("Read and answer the message"),
    "handover_question": lambda: _("Confirm the handover"),
}

# The page of one's own offers, by the offer kind a notification names.
_OFFER_PAGES = {
    "donation": "donations",
    "volunteer": "volunteer-profile",
    "flat": "flats",
    "job_seeker": "work-profile",
}
_OWN_PAGES_BY_ROLE = {
    "donor": "donations",
    "volunteer": "volunteer-profile",
    "landlord": "flats",
}


def _url(name: str | None, anchor: str = "") -> str | None:
    """The path of a page if the site has it (pages are added role by role)."""
    if not name:
        return None
    try:
        return reverse(name) + anchor
    except NoReverseMatch:
        return None


def offer_kind_label(kind: str) -> str:
    return {
        "donation": _("Your donation"),
        "volunteer": _("Your offer to volunteer"),
        "flat": _("Your flat"),
        "job_seeker": _("Your profile: looking for work"),
    }.get(kind, kind)


def inbox_item(row, subject: str) -> dict:
    """What the inbox shows of a notification: its subject, when, what it is about (a few
    public words: titles, organisation, districts) and one link to the page where the person
    acts on it. Never the email's text: it carries one-click links (each one a key to answer
    for the person) and, once both sides said yes, the other side's contact, which belongs on
    the match page only."""
    context = row.context or {}
    about: list[str] = []
    link, label = None, ""
    match_id = context.get("match_id")
    if match_id:
        about.append(kind_label(context.get("kind", "")))
        if context.get("side") == "offer" and context.get("offer_title"):
            about.append(context["offer_title"])
        # A household's title names it: a landlord reads it on the match page once allowed.
        if not (context.get("kind") == Match.Kind.HOUSING and context.get("side") == "offer"):
            about.append(context.get("need_title") or "")
        about.append(context.get("organisation") or "")
        link = reverse("match", args=[match_id])
        label = _MATCH_ACTIONS.get(row.template, lambda: _("Open the match"))()
    elif row.template in ("still_available", "offer_withdrawn"):
        kind = context.get("offer_kind", "")
        about.append(offer_kind_label(kind))
        about.append(context.get("offer_title") or "")
        link = _url(_OFFER_PAGES.get(kind))
        label = _("Open your offers")
    elif row.template == "need_handed_over":
        about.append(context.get("need_title") or "")
        moved = (context.get("from_organisation", ""), context.get("to_organisation", ""))
        about.append(" → ".join(moved))
    elif row.template == "report_received":
        about.append(_("Report %(id)s") % {"id": context.get("report_id", "")})
        link = _url("coordination", f"#report-{context.get('report_id', '')}")
        label = _("Open the coordination page")
    elif row.template == "keep_confirm":
        about.append(context.get("organisation") or "")
        link = _url("kept")
        label = _("Check what you keep")
    elif row.template == "geocoding_failed":
        about.append(context.get("title") or "")
        link = _url(_OWN_PAGES_BY_ROLE.get(row.recipient.role))
        label = _("Open your offers")
    return {
        "id": row.pk,
        "subject": subject,
        "about": [part for part in about if part and part.strip()],
        "created_at": row.created_at,
        "when": _when(row.created_at),
        "unread": row.read_at is None,
        "link": link,
        "link_label": label,
    }
