/* Maps without inline scripts: a point picker for forms and a marker view for pages. */
(function () {
  "use strict";

  function baseMap(element, center, zoom) {
    var map = L.map(element).setView(center, zoom);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    } else {
      offlineBackground(element, map);
    }
    return map;
  }

  // Without tiles (an offline hall): a plain background and a light coordinate grid, so the
  // points still sit somewhere a person can read, never in a grey box.
  function offlineBackground(element, map) {
    element.style.background = "#f4f6f2";
    var grid = L.layerGroup().addTo(map);
    function draw() {
      grid.clearLayers();
      var b = map.getBounds();
      var span = Math.max(b.getEast() - b.getWest(), b.getNorth() - b.getSouth());
      var step = Math.pow(10, Math.floor(Math.log10(span / 4)));
      var style = { color: "#c9d1c4", weight: 1, interactive: false };
      for (var x = Math.ceil(b.getWest() / step) * step; x < b.getEast(); x += step) {
        L.polyline([[b.getSouth(), x], [b.getNorth(), x]], style).addTo(grid);
      }
      for (var y = Math.ceil(b.getSouth() / step) * step; y < b.getNorth(); y += step) {
        L.polyline([[y, b.getWest()], [y, b.getEast()]], style).addTo(grid);
      }
    }
    map.on("moveend zoomend", draw);
    map.whenReady(draw);
    L.control.scale({ imperial: false }).addTo(map);
  }

  function initPicker(element) {
    var form = element.closest("form");
    var lat = form.querySelector("[data-map-lat]");
    var lng = form.querySelector("[data-map-lng]");
    var center = (element.getAttribute("data-center") || "29.29,121.43").split(",").map(Number);
    var marker = null;
    if (lat.value && lng.value) {
      center = [Number(lat.value), Number(lng.value)];
    }
    var map = baseMap(element, center, 13);
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    }
    if (lat.value && lng.value) { place(center); }
    map.on("click", function (event) {
      place(event.latlng);
      lat.value = event.latlng.lat.toFixed(6);
      lng.value = event.latlng.lng.toFixed(6);
    });
    [lat, lng].forEach(function (input) {
      input.addEventListener("change", function () {
        if (lat.value && lng.value) { place([Number(lat.value), Number(lng.value)]); }
      });
    });
  }

  function initPoints(element) {
    var source = document.getElementById(element.getAttribute("data-map-points"));
    var points = source ? JSON.parse(source.textContent) : [];
    if (!points.length) { return; }
    var map = baseMap(element, [points[0].lat, points[0].lng], 15);
    points.forEach(function (p) { L.marker([p.lat, p.lng], { title: p.label }).addTo(map); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map-picker]").forEach(initPicker);
    document.querySelectorAll("[data-map-points]").forEach(initPoints);
  });
})();
