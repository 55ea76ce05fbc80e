"""The coordinators' other pages (issue 13, area "coordination"):

- `/coordination/unmet/`: the open needs of a kind, longest waiting first, each with the
  engine's reason why it is unmet (`matching.diagnostics`), a page at a time;
- `/coordination/figures/`: the figures that show whether the centre works
  (`matching.figures`), each with a plain explanation;
- `/coordination/map/`: open needs and offers of a kind (and goods category) per district, as
  a table that works without JavaScript or tiles, and on a map of their public points
  (`/coordination/map/points/`, GeoJSON, drawn by web/static/web/map.js).

Reads only; the review queue and its decisions are in web/coordination_views.py.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from base.units import km_number
from matching import diagnostics, figures
from web.coordination_forms import MapFilterForm, UnmetFilterForm
from web.coordination_views import _coordinator
from web.summaries import kind_label

# Needs per page of /coordination/unmet/: each is one bounded search around the need.
UNMET_PAGE_SIZE = 20
# Where the map starts before it fits its points: Leipzig's centre.
MAP_CENTRE = "51.3397,12.3731"


class _Counted:
    """A sequence of `count` items for the paginator, of which only the page is read."""

    def __init__(self, count: int) -> None:
        self.length = count

    def __len__(self) -> int:
        return self.length

    def count(self) -> int:
        return self.length

    def __getitem__(self, index):
        return []


def _kind_or_default(form) -> str:
    form.is_valid()
    return getattr(form, "cleaned_data", {}).get("kind") or "goods"


@login_required
@require_safe
def unmet(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    form = UnmetFilterForm(request.GET or None)
    kind = _kind_or_default(form)
    total = diagnostics.open_needs(kind).count()
    page = Paginator(_Counted(total), UNMET_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = diagnostics.open_needs_with_diagnoses(
        kind, limit=UNMET_PAGE_SIZE, offset=page.start_index() - 1 if total else 0
    )
    return render(
        request,
        "web/coordination/unmet.html",
        {
            "filter_form": form,
            "kind": kind,
            "kind_label": kind_label(kind),
            "total": total,
            "rows": rows,
            "page_obj": page,
            "filter_query": urlencode({"kind": kind}),
        },
    )


def _days(wait) -> str:
    if wait is None:
        return "—"
    return _("%(days)s days") % {"days": km_number(wait.total_seconds() / 86400)}


def _percent(share: figures.Share) -> str:
    if share.percent is None:
        return "—"
    return _("%(percent)s %% (%(part)s of %(whole)s)") % {
        "percent": km_number(share.percent),
        "part": share.part,
        "whole": share.whole,
    }


@login_required
@require_safe
def figures_page(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    met = figures.needs_met()
    waits = figures.median_time_to_accepted()
    early = figures.proposed_within_a_week()
    kinds = figures.kinds()
    per_kind = [
        {
            "kind": kind,
            "label": kind_label(kind),
            "met": met[kind],
            "median": _days(waits[kind]),
            "early": _percent(early[kind]),
        }
        for kind in kinds
    ]
    return render(
        request,
        "web/coordination/figures.html",
        {
            "per_kind": per_kind,
            "met_total": sum(met.values()),
            "median_all": _days(waits["all"]),
            "early_all": _percent(early["all"]),
            "housed": figures.households_housed(),
            "failed": figures.failed_notifications(),
        },
    )


def _map_filters(request: HttpRequest) -> tuple[MapFilterForm, str, int | None]:
    form = MapFilterForm(request.GET or None)
    form.is_valid()
    found = getattr(form, "cleaned_data", {})
    kind = found.get("kind") or "goods"
    category = found.get("category") if kind == "goods" else None
    return form, kind, category


@login_required
@require_safe
def supply_map(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    form, kind, category = _map_filters(request)
    query = {"kind": kind, **({"category": request.GET.get("category", "")} if category else {})}
    points = reverse("coordination-map-points")
    table = figures.supply_and_demand(kind, category_id=category)
    return render(
        request,
        "web/coordination/map.html",
        {
            "filter_form": form,
            "kind_label": kind_label(kind),
            "table": table,
            "need_total": sum(row["needs"] for row in table),
            "offer_total": sum(row["offers"] for row in table),
            "needs_url": f"{points}?{urlencode({**query, 'side': 'need'})}",
            "offers_url": f"{points}?{urlencode({**query, 'side': 'offer'})}",
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "map_centre": MAP_CENTRE,
        },
    )


@login_required
@require_safe
def map_points(request: HttpRequest) -> JsonResponse:
    """Open needs or offers of a kind at their public points, as a GeoJSON FeatureCollection."""
    _coordinator(request)
    _form, kind, category = _map_filters(request)
    side = "offer" if request.GET.get("side") == "offer" else "need"
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point["lon"], point["lat"]]},
            "properties": {"title": point["title"], "district": point["district"]},
        }
        for point in figures.open_points(kind, side, category_id=category)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
