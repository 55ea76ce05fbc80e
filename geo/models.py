from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    ADDRESS = "address", _("Street address")
    PIN = "pin", _("Pin set by the user")
    DISTRICT = "district", _("District")
    POSTAL_CODE = "postal_code", _("Postal code")
    PLACE = "place", _("Town or city")


class GeocodeStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PENDING_REFINEMENT = "pending_refinement", _("Waiting for the street to be found")
    REFINED = "refined", _("Street found")
    REFINEMENT_FAILED = "refinement_failed", _("Street not found")


# A record with one of these statuses has a point good enough to match on.
PLACED_STATUSES = (GeocodeStatus.PLACED, GeocodeStatus.REFINED)


class PlacedModel(models.Model):
    """A record with a place on the map.

    `address` and `point` are private (only the owner, coordinators and the other side of an
    accepted match see them). `approx_point`, `district`, `postal_code` and `place` are public.
    The point lives on the record itself, not in a joined table, so that candidate searches can
    use one GiST index over the record's own rows.
    """

    address = models.CharField(_("address"), max_length=300)
    point = models.PointField(geography=True, srid=4326)
    # Indexed: the distance filters of every list that a person not entitled to the exact
    # place can use are computed on the public point.
    approx_point = models.PointField(geography=True, srid=4326, spatial_index=True)
    postal_code = models.CharField(max_length=10, blank=True)
    place = models.CharField(max_length=120, blank=True)
    district = models.CharField(max_length=120, blank=True)
    precision = models.CharField(max_length=16, choices=Precision.choices)
    geocode_status = models.CharField(
        max_length=24, choices=GeocodeStatus.choices, default=GeocodeStatus.PLACED
    )
    geocode_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class GeocodeCacheEntry(models.Model):
    """Answers of a remote geocoder, kept so that one address is asked for only once."""

    provider = models.CharField(max_length=32)
    query = models.CharField(max_length=300)
    found = models.BooleanField()
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    raw = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "query"], name="unique_geocode_query")
        ]
