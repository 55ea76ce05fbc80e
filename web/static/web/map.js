/* Maps of the web pages, with the Leaflet served from this project (vendor/leaflet-1.9.4).

   Two kinds, both set up from data- attributes (the Content-Security-Policy allows no inline
   script):

   - A pin picker: <div data-map="pin" data-lat-input="ID" data-lon-input="ID" …> bound to a
     form's latitude/longitude inputs. A click or tap sets the pin, the pin can be dragged, and
     keyboard users pan the map with the arrow keys and press "Put the pin here" (the button
     named by data-centre-button). "Remove the pin" (data-clear-button) empties both inputs.
     The form never needs the map: the person can always type an address or postal code.
   - A read-only map of public points: <div data-map="points" data-geojson-url="URL" …> draws
     the features of a GeoJSON FeatureCollection (the API's …/map/ endpoints, approximate
     points only), following its "next" pages up to a bound, as circles with their titles.

   Common attributes: data-tile-url and data-tile-attribution (settings.MAP_TILE_URL and
   MAP_TILE_ATTRIBUTION), data-center ("lat,lon") and data-zoom. Points and circles are vector
   layers, so the map shows them whether or not any tile loads (offline, blocked). */
(function () {
  "use strict";

  var MAX_PAGES = 10;

  function number(value, fallback) {
    var parsed = parseFloat(value);
    return isFinite(parsed) ? parsed : fallback;
  }

  function baseMap(element) {
    var centre = (element.dataset.center || "51.3397,12.3731").split(",");
    element.classList.add("map-ready");
    var map = L.map(element, {
      center: [number(centre[0], 51.3397), number(centre[1], 12.3731)],
      zoom: number(element.dataset.zoom, 12),
      scrollWheelZoom: false,
      keyboard: true,
    });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    }
    return map;
  }

  function pinPicker(element) {
    var latInput = document.getElementById(element.dataset.latInput);
    var lonInput = document.getElementById(element.dataset.lonInput);
    if (!latInput || !lonInput) {
      return;
    }
    var map = baseMap(element);
    var centreButton = document.getElementById(element.dataset.centreButton || "");
    var clearButton = document.getElementById(element.dataset.clearButton || "");
    var status = document.getElementById(element.dataset.status || "");
    var marker = null;

    function describe(lat, lon) {
      if (!status) {
        return;
      }
      status.textContent = lat === null ? status.dataset.empty || "" : (status.dataset.set || "") + " " + lat.toFixed(5) + ", " + lon.toFixed(5);
    }

    function setPin(latlng, pan) {
      var lat = Math.round(latlng.lat * 1e6) / 1e6;
      var lon = Math.round(L.Util.wrapNum(latlng.lng, [-180, 180], true) * 1e6) / 1e6;
      latInput.value = String(lat);
      lonInput.value = String(lon);
      if (marker === null) {
        marker = L.marker([lat, lon], {
          draggable: true,
          keyboard: true,
          title: element.dataset.markerTitle || "",
          alt: element.dataset.markerTitle || "",
        }).addTo(map);
        marker.on("dragend", function () {
          setPin(marker.getLatLng(), false);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (pan) {
        map.panTo([lat, lon]);
      }
      if (clearButton) {
        clearButton.hidden = false;
      }
      element.dataset.pinned = "true";
      describe(lat, lon);
    }

    function clearPin() {
      latInput.value = "";
      lonInput.value = "";
      if (marker !== null) {
        map.removeLayer(marker);
        marker = null;
      }
      if (clearButton) {
        clearButton.hidden = true;
      }
      delete element.dataset.pinned;
      describe(null, null);
    }

    map.on("click", function (event) {
      setPin(event.latlng, false);
    });
    if (centreButton) {
      centreButton.hidden = false;
      centreButton.addEventListener("click", function () {
        setPin(map.getCenter(), false);
      });
    }
    if (clearButton) {
      clearButton.addEventListener("click", clearPin);
    }
    var lat = parseFloat(latInput.value);
    var lon = parseFloat(lonInput.value);
    if (isFinite(lat) && isFinite(lon)) {
      setPin(L.latLng(lat, lon), true);
    } else {
      clearPin();
    }
  }

  function pointsMap(element) {
    var map = baseMap(element);
    var layer = L.featureGroup().addTo(map);
    var radius = number(element.dataset.circleMetres, 0);
    var count = 0;

    function add(feature) {
      var geometry = feature && feature.geometry;
      if (!geometry || geometry.type !== "Point") {
        return;
      }
      var latlng = L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
      var properties = feature.properties || {};
      var label = String(properties.title || properties.district || "");
      var point = L.circleMarker(latlng, {
        radius: 8,
        weight: 2,
        color: "#0b5cad",
        fillColor: "#0b5cad",
        fillOpacity: 0.5,
      });
      if (label) {
        // bindTooltip/bindPopup with a DOM node: the title is text, never markup.
        var text = document.createElement("span");
        text.textContent = label;
        point.bindPopup(text);
      }
      point.addTo(layer);
      if (radius > 0) {
        L.circle(latlng, { radius: radius, weight: 1, fillOpacity: 0.1 }).addTo(layer);
      }
      count += 1;
    }

    function finish() {
      element.dataset.points = String(count);
      if (count > 0) {
        map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [20, 20] });
      }
      var empty = document.getElementById(element.dataset.emptyNotice || "");
      if (empty) {
        empty.hidden = count > 0;
      }
    }

    function load(url, page) {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          (data.features || []).forEach(add);
          if (data.next && page < MAX_PAGES) {
            load(data.next, page + 1);
          } else {
            finish();
          }
        })
        .catch(function () {
          element.dataset.failed = "true";
          finish();
        });
    }

    if (element.dataset.geojsonUrl) {
      load(element.dataset.geojsonUrl, 1);
    } else {
      finish();
    }
  }

  function start() {
    if (typeof L === "undefined") {
      return; // Leaflet did not load: the form works without the map.
    }
    document.querySelectorAll("[data-map]").forEach(function (element) {
      if (element.dataset.map === "pin") {
        pinPicker(element);
      } else if (element.dataset.map === "points") {
        pointsMap(element);
      }
    });
  }

  // Other pages' scripts (web/static/web/directory.js) draw their maps on the same base.
  window.WillkommenMap = { baseMap: baseMap, number: number };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
