/* The directory's pages: the map of the services (a GeoJSON FeatureCollection from the API,
   markers whose popup links to the service's page), the map of one place, the print button,
   and the focus on the first field with an error after a refused form. Everything works
   without it: the results are a list, the place has its address. No inline script (CSP). */
(function () {
  "use strict";

  var MAX_PAGES = 10;

  // The map's base and number parsing are web/static/web/map.js's (loaded before this).
  function number(value, fallback) {
    return window.WillkommenMap.number(value, fallback);
  }

  function baseMap(element) {
    return window.WillkommenMap.baseMap(element);
  }

  function marker(latlng, title, url) {
    var point = L.marker(latlng, { title: title, alt: title, keyboard: true });
    var box = document.createElement("span");
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = title; // text, never markup
      link.setAttribute("data-popup-link", "");
      box.appendChild(link);
    } else {
      box.textContent = title;
    }
    point.bindPopup(box);
    return point;
  }

  function servicesMap(element) {
    var map = baseMap(element);
    var layer = L.featureGroup().addTo(map);
    var count = 0;

    function add(feature) {
      var geometry = feature && feature.geometry;
      if (!geometry || geometry.type !== "Point") {
        return;
      }
      var properties = feature.properties || {};
      var latlng = L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
      marker(latlng, String(properties.title || ""), properties.url).addTo(layer);
      count += 1;
    }

    function finish() {
      element.dataset.points = String(count);
      if (count > 0) {
        map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [24, 24] });
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

    load(element.dataset.geojsonUrl, 1);
  }

  function placeMap(element) {
    var map = baseMap(element);
    var lat = number(element.dataset.lat, NaN);
    var lon = number(element.dataset.lon, NaN);
    if (isFinite(lat) && isFinite(lon)) {
      marker(L.latLng(lat, lon), element.dataset.title || "", "").addTo(map);
      element.dataset.points = "1";
    }
  }

  function start() {
    var first = document.querySelector("main [aria-invalid=true]");
    if (first) {
      first.focus();
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    if (typeof L === "undefined" || !window.WillkommenMap) {
      return; // Leaflet did not load: the list and the addresses are there without it.
    }
    document.querySelectorAll("[data-directory-map]").forEach(function (element) {
      if (element.dataset.geojsonUrl) {
        servicesMap(element);
      } else {
        placeMap(element);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
