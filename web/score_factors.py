"""The names of the matching engine's score factors (the keys of `Match.score_breakdown`,
`matching.core.scoring`) in the page's language: the one place pages take them from."""

from django.utils.translation import gettext_lazy as _

FACTOR_LABELS = {
    "distance": _("Distance"),
    "urgency": _("Urgency"),
    "waiting": _("Time waiting"),
    "fit": _("Fit"),
    "language": _("Language"),
    "manual": _("Made by hand"),
}


def factor_label(name: str) -> str:
    """The factor's name in the active language; an unknown factor keeps its key."""
    label = FACTOR_LABELS.get(name)
    return str(label) if label is not None else name


def breakdown(score_breakdown: dict | None) -> list[tuple[str, str, float]]:
    """(key, label, points) per factor, in the order of FACTOR_LABELS, unknown ones last."""
    order = {name: index for index, name in enumerate(FACTOR_LABELS)}
    items = sorted(
        (score_breakdown or {}).items(), key=lambda item: (order.get(item[0], len(order)), item[0])
    )
    return [(name, factor_label(name), value) for name, value in items]
