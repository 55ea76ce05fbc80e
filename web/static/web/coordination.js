/* The review queue (web/templates/web/coordination.html), without inline script (CSP):

   - a small map per proposal with both places, exact (coordinators may see them): the
     points come from the card's data-points attribute ([{side, lat, lon, label}]); they are
     vector layers, so they show whether or not any tile loads (data-tile-url);
   - after a refused decision the server marks the field with the error `autofocus`; where
     a browser did not focus it, the first field with aria-invalid gets the focus;
   - the same for a part that htmx swapped in (the queue after a filter, one card after a
     decision). */
(function () {
  "use strict";

  var COLOURS = { need: "#a3261b", offer: "#0b5cad" };

  function placesOf(element) {
    try {
      var places = JSON.parse(element.dataset.points || "[]");
      return Array.isArray(places) ? places : [];
    } catch (error) {
      return [];
    }
  }

  function smallMap(element) {
    var places = placesOf(element);
    var map = L.map(element, { scrollWheelZoom: false, keyboard: true, zoomControl: true });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    }
    var layer = L.featureGroup().addTo(map);
    var line = [];
    places.forEach(function (place) {
      var latlng = L.latLng(place.lat, place.lon);
      line.push(latlng);
      var colour = COLOURS[place.side] || COLOURS.offer;
      var marker = L.circleMarker(latlng, {
        radius: 8, weight: 2, color: colour, fillColor: colour, fillOpacity: 0.6,
      });
      var text = document.createElement("span");
      text.textContent = String(place.label || "");
      marker.bindTooltip(text);
      marker.addTo(layer);
    });
    if (line.length > 1) {
      L.polyline(line, { weight: 2, dashArray: "4 4", color: "#4d5866" }).addTo(layer);
    }
    map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [24, 24] });
    element.dataset.drawn = String(places.length);
  }

  function focusFirstError() {
    var wanted = document.querySelector("[autofocus]") || document.querySelector("main [aria-invalid=true]");
    if (wanted && document.activeElement !== wanted) {
      wanted.focus();
    }
  }

  function drawMaps(root) {
    if (typeof L === "undefined") {
      return; // Leaflet did not load: the queue works without the maps.
    }
    // Only a card with places shows its map box (hidden until then, see coordination.css).
    var maps = Array.prototype.filter.call(
      root.querySelectorAll("[data-coordination-map]"),
      function (element) {
        if (element.dataset.drawn || !placesOf(element).length) {
          return false;
        }
        element.classList.add("map-ready");
        return true;
      }
    );
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            smallMap(entry.target);
          }
        });
      }, { rootMargin: "200px" });
      maps.forEach(function (element) { observer.observe(element); });
    } else {
      maps.forEach(smallMap);
    }
  }

  /* A part swapped in by htmx (web/templates/web/_htmx.html): its maps are drawn, and the
     focus goes where a keyboard or screen reader user expects it: to the field with an
     error, to the decision's message, or, after the filters or a page, to the queue's
     heading, which says how many proposals there are now. */
  function swappedIn(event) {
    var part = event.target;
    if (!part || part === document.body) {
      return;
    }
    drawMaps(part);
    var wanted = part.querySelector("[autofocus], [aria-invalid=true]") ||
      (part.hasAttribute("autofocus") ? part : null);
    if (!wanted && part.id === "queue-area") {
      wanted = document.getElementById("queue");
    }
    if (wanted && document.activeElement !== wanted) {
      wanted.focus();
    }
  }

  /* A part that could not be fetched (no connection, a server error) leaves the page as it
     was; the person is told, and the message goes with the next try. */
  function problem(shown) {
    var box = document.getElementById("partial-problem");
    if (box) {
      box.hidden = !shown;
    }
  }

  function start() {
    focusFirstError();
    drawMaps(document);
    document.body.addEventListener("htmx:load", swappedIn);
    document.body.addEventListener("htmx:beforeRequest", function () { problem(false); });
    document.body.addEventListener("htmx:responseError", function () { problem(true); });
    document.body.addEventListener("htmx:sendError", function () { problem(true); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
