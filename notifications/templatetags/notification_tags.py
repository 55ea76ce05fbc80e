"""Filters for notification templates: dates arrive as ISO 8601 strings in UTC and are shown
in Europe/Berlin (settings.TIME_ZONE), written the way the active language writes them."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from base.units import about_km as _about_km
from notifications.selectors import error_without_addresses

register = template.Library()


@register.filter
def about_km(km) -> str:
    """`{{ distance_km|about_km }}`: "etwa 6,2 km", "about 6.2 km" (base/units.py)."""
    return _about_km(km)


@register.filter
def without_addresses(text: str) -> str:
    return error_without_addresses(text or "")


# How the weekday, the date and the time join up in each language; Django's locale formats
# give the parts (Arabic has no DATETIME_FORMAT of its own, so the parts are joined here).
_WHEN = {
    "de": "{weekday}, {date}, {time} Uhr",
    # English: the time first, so that "a.m." never meets the full stop of a sentence.
    "en": "{time} on {weekday}, {date}",
    # Ukrainian: the weekday in brackets, so it reads right after "до"/"з" in any sentence.
    "uk": "{date} ({weekday}) о {time}",
    "ar": "{weekday}، {date}، الساعة {time}",
}
_DAY = {"ar": "{weekday}، {date}", "uk": "{date} ({weekday})"}
_DEFAULT_WHEN = "{weekday}, {date}, {time}"
_DEFAULT_DAY = "{weekday}, {date}"


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def _moment(value) -> datetime | date | None:
    """A datetime in Europe/Berlin, a plain date for date-only values, None if unreadable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if len(value) <= 10:  # "2025-04-01": a day, not a moment
            return moment.date()
    else:
        return None
    if moment.tzinfo is None:  # the contract says UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _weekday(moment: date) -> str:
    name = date_format(moment, "l", use_l10n=True)
    # Ukrainian writes weekdays in small letters inside a sentence.
    return name.lower() if _language() == "uk" else name


def _parts(moment: datetime | date) -> dict:
    return {
        "weekday": _weekday(moment),
        "date": date_format(moment, "DATE_FORMAT", use_l10n=True),
    }


@register.filter
def when(value) -> str:
    """`{{ respond_by|when }}`: weekday, date and time in Europe/Berlin."""
    moment = _moment(value)
    if moment is None:
        return value or ""
    if not isinstance(moment, datetime):
        return day(moment)
    pattern = _WHEN.get(_language(), _DEFAULT_WHEN)
    return pattern.format(**_parts(moment), time=time_format(moment, "TIME_FORMAT", use_l10n=True))


@register.filter
def day(value) -> str:
    """`{{ move_in|day }}`: weekday and date (the Berlin day of a moment)."""
    moment = _moment(value)
    if moment is None:
        return value or ""
    return _DAY.get(_language(), _DEFAULT_DAY).format(**_parts(moment))


_BUTTON = (
    '<a href="{url}" style="display:inline-block;margin:4px 0;padding:12px 20px;'
    "border-radius:6px;border:2px solid #1d6b4f;font-weight:bold;text-decoration:none;"
    '{colours}">{label}</a>'
)
_PRIMARY = "background-color:#1d6b4f;color:#ffffff;"
_SECONDARY = "background-color:#ffffff;color:#1d6b4f;"
_RULE = '<hr style="border:0;border-top:1px solid #dddddd;margin:24px 0 16px 0">'
_HEADING = '<p style="margin:0 0 16px 0;font-weight:bold;font-size:18px">{text}</p>'
_LINK = '<a href="{url}" style="color:#1d6b4f">{url}</a>'


@register.filter(needs_autoescape=True)
def email_html(text, autoescape=True) -> str:
    """The HTML body of an email from its plain text, so both always say the same.

    Paragraphs (split at empty lines) become <p>, lines within them <br>. A line that is only
    a link of this site, after a line ending in a colon, becomes a button labelled with that
    line: the first button of a paragraph filled, the others outlined. Other links of this
    site become links; anything else (e.g. a URL in a relayed message) stays plain text.
    A paragraph that starts with a rule of "━" (a digest item) becomes a rule and a heading.
    """
    text = conditional_escape(text) if autoescape else text
    site = conditional_escape(settings.SITE_URL.rstrip("/"))
    paragraphs = []
    for block in re.split(r"\n\s*\n", str(text).strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and set(lines[0]) == {"━"}:  # a digest item: a rule, then its subject
            paragraphs.append(_RULE)
            paragraphs.append(_HEADING.format(text="<br>\n".join(lines[1:])))
            continue
        out, buttons = [], 0
        for line in lines:
            ours = line.startswith(site) and " " not in line
            label = out[-1] if out else ""
            if ours and label.endswith((":", "：")) and not label.startswith("<a "):
                colours = _PRIMARY if buttons == 0 else _SECONDARY
                label = label.rstrip(":：").strip()
                out[-1] = _BUTTON.format(url=line, label=label, colours=colours)
                buttons += 1
            elif ours:
                out.append(_LINK.format(url=line))
            else:
                out.append(line)
        if buttons and len(out) == buttons:
            paragraphs.append('<p style="margin:24px 0">' + "&nbsp; ".join(out) + "</p>")
        else:
            paragraphs.append('<p style="margin:0 0 16px 0">' + "<br>\n".join(out) + "</p>")
    return mark_safe("\n".join(paragraphs))
