"""The three kinds of help the engine matches, and which models stand on which side."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from donations.models import DonationOffer, GoodsNeed
from donations.selectors import ancestor_ids
from geo.models import PLACED_STATUSES
from housing.models import HousingNeed, HousingOffer
from lifecycle.states import MATCHABLE_STATUSES
from volunteers.models import VolunteerNeed, VolunteerProfile

# The widest a household may ask for (HousingNeed.max_distance_km's validator).
HOUSING_MAX_REACH_KM = 100.0


def matchable(queryset: QuerySet) -> QuerySet:
    """Records the engine may match: open or partly matched, and placed well enough."""
    return queryset.filter(status__in=MATCHABLE_STATUSES, geocode_status__in=PLACED_STATUSES)


def open_needs(info: "KindInfo") -> QuerySet:
    return matchable(info.need_model.objects)


def _need_radius_m():
    """Each need's own search radius in metres, with the default where it sets none."""
    return Coalesce(F("max_distance_km"), Value(settings.DEFAULT_NEED_MAX_DISTANCE_KM)) * 1000.0


@dataclass(frozen=True)
class KindInfo:
    kind: str
    need_model: type
    offer_model: type

    def reach_m(self, offer) -> float:
        """How far from an offer a need may be and still be served by it."""
        if self.kind == "goods":
            km = offer.delivery_radius_km or settings.DEFAULT_OFFER_RADIUS_KM
        elif self.kind == "volunteers":
            km = offer.travel_radius_km
        else:
            km = HOUSING_MAX_REACH_KM
        return float(km) * 1000.0

    def needs_reaching(self, offer) -> QuerySet:
        """Open needs whose own radius reaches the offer (the caller bounds the distance by
        the offer's reach as well, through the index)."""
        needs = matchable(self.need_model.objects)
        if self.kind == "goods":
            needs = needs.filter(category_id__in=ancestor_ids(offer.category_id))
        radius = F("max_distance_km") * 1000.0 if self.kind == "housing" else _need_radius_m()
        return needs.filter(point__dwithin=(offer.point, radius))


GOODS = KindInfo("goods", GoodsNeed, DonationOffer)
VOLUNTEERS = KindInfo("volunteers", VolunteerNeed, VolunteerProfile)
HOUSING = KindInfo("housing", HousingNeed, HousingOffer)
KINDS = {info.kind: info for info in (GOODS, VOLUNTEERS, HOUSING)}


def kind_of(model: type) -> tuple[KindInfo, str]:
    """(kind, "need" or "offer") for a model the engine matches; KeyError otherwise."""
    for info in KINDS.values():
        if model is info.need_model:
            return info, "need"
        if model is info.offer_model:
            return info, "offer"
    raise KeyError(model.__name__)
