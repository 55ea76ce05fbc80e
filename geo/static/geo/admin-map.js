/* The admin's map widget (geo/widgets.py): a Leaflet map beside the point's WKT text field.
   A click sets the point (unless the field is read-only); typing in the field moves the
   marker. The marker is drawn whether or not tiles load. */
(function () {
  "use strict";

  var POINT = /^\s*(?:SRID=\d+;\s*)?POINT\s*\(\s*(-?[\d.]+(?:e-?\d+)?)\s+(-?[\d.]+(?:e-?\d+)?)\s*\)\s*$/i;

  function parse(text) {
    var found = POINT.exec(text || "");
    return found ? L.latLng(parseFloat(found[2]), parseFloat(found[1])) : null;
  }

  function widget(element) {
    var text = document.getElementById(element.dataset.geoMap);
    var box = element.querySelector(".geo-map");
    if (!text || !box || element.dataset.geomType !== "Point") {
      if (box) {
        box.hidden = true;
      }
      return;
    }
    var centre = (element.dataset.center || "51.3397,12.3731").split(",");
    var map = L.map(box, {
      center: [parseFloat(centre[0]), parseFloat(centre[1])],
      zoom: parseInt(element.dataset.zoom, 10) || 12,
    });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    }
    var disabled = element.dataset.disabled === "true";
    var marker = null;

    function show(latlng, pan) {
      if (latlng === null) {
        if (marker !== null) {
          map.removeLayer(marker);
          marker = null;
        }
        return;
      }
      if (marker === null) {
        marker = L.circleMarker(latlng, { radius: 9, weight: 3, color: "#a3261b", fillOpacity: 0.6 }).addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) {
        map.setView(latlng, map.getZoom());
      }
    }

    show(parse(text.value), true);
    text.addEventListener("change", function () {
      show(parse(text.value), true);
    });
    if (!disabled) {
      map.on("click", function (event) {
        var lat = Math.round(event.latlng.lat * 1e6) / 1e6;
        var lon = Math.round(event.latlng.lng * 1e6) / 1e6;
        text.value = "POINT (" + lon + " " + lat + ")";
        show(L.latLng(lat, lon), false);
      });
    }
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-geo-map]").forEach(widget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
