"""The admin's map widget, served from this project: Leaflet (web/static/web/vendor/, the
pinned npm package) instead of GeoDjango's OpenLayers from a CDN, which stays blank offline
and which the Content-Security-Policy would refuse anyway (inline start script).

The point is a WKT text field ("POINT (12.3745 51.3405)": longitude first) that a person can
always type into; the map beside it sets the point with a click and shows it. Without tiles
the marker still shows on a plain background. Other geometry types keep only the text field.
"""

from django.conf import settings
from django.contrib.gis.forms.widgets import BaseGeometryWidget

LEAFLET = "web/vendor/leaflet-1.9.4/"


class LeafletPointWidget(BaseGeometryWidget):
    template_name = "geo/leaflet_widget.html"
    map_srid = 4326
    default_lat = 51.3397  # Leipzig's centre, before a point is set
    default_lon = 12.3731
    default_zoom = 12

    class Media:
        css = {"all": (LEAFLET + "leaflet.css", "geo/admin-map.css")}
        js = (LEAFLET + "leaflet.js", "geo/admin-map.js")

    def __init__(self, attrs=None):
        super().__init__()
        for key in ("default_lat", "default_lon", "default_zoom"):
            self.attrs[key] = getattr(self, key)
        if attrs:
            self.attrs.update(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["tile_url"] = settings.MAP_TILE_URL
        context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context
