/* The public project map and the boundary previews. No inline scripts (the CSP forbids them); the
   page gives the words, this file only draws. Projects come from the public projects API, so the
   map shows exactly what the API says. */
(function () {
  "use strict";

  var ORDER = { red: 0, yellow: 1, green: 2, none: 3 };
  var TAG = { red: "bad", yellow: "warn", green: "ok", none: "" };
  var SERVER_FILTERS = ["body", "year", "category"]; // asked of the API; status and colour here
  var ALL_FILTERS = ["body", "year", "category", "status", "colour"];

  function readJSON(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = text; }
    return element;
  }

  function centerOf(element) {
    return (element.getAttribute("data-center") || "29.29,121.43").split(",").map(Number);
  }

  function baseMap(element) {
    var center = centerOf(element);
    var tiles = element.getAttribute("data-tiles");
    // No fading: a filter's popups and markers go at once, not as ghosts over the new ones.
    var map = L.map(element, {
      zoomSnap: 0.5, fadeAnimation: false, attributionControl: Boolean(tiles)
    });
    map.setView(center, 11);
    if (tiles) {
      var osm = tiles.indexOf("openstreetmap") >= 0;
      L.tileLayer(tiles, { maxZoom: 19, attribution: osm ? "© OpenStreetMap" : "" }).addTo(map);
    } else {
      // Offline (a hall without internet): a plain background; the boundary gives the shape.
      element.classList.add("map-offline");
    }
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function boundaryStyle(element, kind) {
    var offline = element.classList.contains("map-offline");
    if (kind === "current-under-new") {
      return { color: "#5d6b7a", weight: 2, dashArray: "6 5", fill: false, interactive: false };
    }
    if (kind === "new") {
      return { color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.08, interactive: false };
    }
    return {
      color: "#5d6b7a", weight: 2, fillColor: "#ffffff", fillOpacity: offline ? 0.9 : 0.08,
      interactive: false
    };
  }

  // Without animation: a filter's answer shows at once, and a later one never meets a moving map.
  function fit(map, bounds, center) {
    if (bounds.isValid()) {
      if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
        map.setView(bounds.getCenter(), 14, { animate: false });
      } else {
        map.fitBounds(bounds, { padding: [32, 32], maxZoom: 16, animate: false });
      }
    } else {
      map.setView(center, 11, { animate: false });
    }
  }

  /* A boundary on the work page: the present one, and the one about to replace it. */
  function initPreview(element) {
    var map = baseMap(element);
    var current = readJSON(element.getAttribute("data-current"));
    var fresh = readJSON(element.getAttribute("data-new"));
    var bounds = L.latLngBounds([]);
    if (current) {
      var under = fresh ? "current-under-new" : "current";
      var layer = L.geoJSON(current, { style: boundaryStyle(element, under) }).addTo(map);
      bounds.extend(layer.getBounds());
    }
    if (fresh) {
      var added = L.geoJSON(fresh, { style: boundaryStyle(element, "new") }).addTo(map);
      bounds.extend(added.getBounds());
    }
    fit(map, bounds, map.getCenter());
  }

  /* The public map: filters, markers, legend and list, all from one answer of the API. */
  function initProjectMap(element) {
    var form = document.getElementById("map-filters");
    var list = document.getElementById("map-list");
    var legend = document.getElementById("map-legend");
    var summary = document.getElementById("map-summary");
    var words = readJSON("map-words") || {};
    var center = centerOf(element);
    var map = baseMap(element);
    var boundaryLayer = L.layerGroup().addTo(map);
    var markerLayer = L.layerGroup().addTo(map);
    var boundaries = {}; // address → GeoJSON, fetched once each
    var features = [];
    var markers = {}; // project id → its marker
    var asked = 0; // the latest load; an older answer arriving late is dropped

    function value(name) { return form.elements[name] ? form.elements[name].value : ""; }

    function colourOf(properties) { return properties.colour || "none"; }

    function boundaryAddresses() {
      var select = form.elements.body;
      var options = Array.prototype.slice.call(select.options);
      return options.filter(function (option) {
        return option.getAttribute("data-boundary") && (!select.value || option.selected);
      }).map(function (option) { return option.getAttribute("data-boundary"); });
    }

    function fetchJSON(address) {
      return fetch(address, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang }
      }).then(function (response) {
        if (!response.ok) { throw new Error(address + ": " + response.status); }
        return response.json();
      });
    }

    function loadBoundaries() {
      var addresses = boundaryAddresses();
      return Promise.all(addresses.map(function (address) {
        if (boundaries[address]) { return boundaries[address]; }
        // A missing boundary only leaves the map without an outline.
        return fetchJSON(address).then(function (data) {
          boundaries[address] = data;
          return data;
        }, function () { return null; });
      }));
    }

    function load() {
      var mine = ++asked;
      var params = new URLSearchParams();
      SERVER_FILTERS.forEach(function (name) { if (value(name)) { params.set(name, value(name)); } });
      element.setAttribute("aria-busy", "true");
      summary.textContent = words.loading;
      summary.classList.remove("error");
      var api = element.getAttribute("data-api") + (params.toString() ? "?" + params : "");
      Promise.all([fetchJSON(api), loadBoundaries()]).then(function (answers) {
        if (mine !== asked) { return; }
        features = answers[0].features;
        boundaryLayer.clearLayers();
        answers[1].forEach(function (geojson) {
          if (geojson) { L.geoJSON(geojson, { style: boundaryStyle(element, "current") }).addTo(boundaryLayer); }
        });
        render();
      }).catch(function () {
        if (mine !== asked) { return; }
        element.removeAttribute("aria-busy");
        summary.textContent = words.failed;
        summary.classList.add("error");
      });
    }

    function colourTag(colour) {
      return make("span", "tag " + TAG[colour] + " colour-" + colour, "● " + words.colours[colour]);
    }

    function progressBar(properties, colour) {
      var ns = "http://www.w3.org/2000/svg";
      var svg = document.createElementNS(ns, "svg");
      svg.setAttribute("class", "progress-bar");
      svg.setAttribute("viewBox", "0 0 100 12");
      svg.setAttribute("preserveAspectRatio", "none");
      svg.setAttribute("aria-hidden", "true");
      var track = document.createElementNS(ns, "rect");
      track.setAttribute("class", "track");
      track.setAttribute("width", "100");
      track.setAttribute("height", "12");
      var done = document.createElementNS(ns, "rect");
      done.setAttribute("class", "fill colour-" + colour);
      done.setAttribute("width", String(properties.progress));
      done.setAttribute("height", "12");
      var expected = document.createElementNS(ns, "line");
      expected.setAttribute("class", "expected");
      ["x1", "x2"].forEach(function (x) { expected.setAttribute(x, String(properties.expected)); });
      expected.setAttribute("y1", "0");
      expected.setAttribute("y2", "12");
      svg.appendChild(track);
      svg.appendChild(done);
      svg.appendChild(expected);
      return svg;
    }

    function tags(properties) {
      var line = make("p", "map-tags");
      var colour = colourOf(properties);
      line.appendChild(colourTag(colour));
      if (properties.urgent) { line.appendChild(make("span", "tag pass map-urgent-tag", words.urgent)); }
      line.appendChild(make("span", "tag", words.statuses[properties.status] || properties.status));
      return line;
    }

    function progressWords(properties) {
      return fill(words.progress, {
        progress: properties.progress + "%", expected: properties.expected + "%"
      });
    }

    function popup(properties) {
      var box = make("div", "map-popup");
      var title = make("a", "map-popup-title", properties.title);
      title.href = properties.url;
      box.appendChild(title);
      box.appendChild(tags(properties));
      box.appendChild(make("p", "", progressWords(properties)));
      box.appendChild(make("p", "muted", [properties.unit, properties.body].filter(Boolean).join(" · ")));
      if (properties.reasons.length) {
        var reasons = make("ul", "map-reasons");
        properties.reasons.slice(0, 3).forEach(function (reason) { reasons.appendChild(make("li", "", reason)); });
        box.appendChild(reasons);
      }
      return box;
    }

    function marker(feature) {
      var properties = feature.properties;
      var colour = colourOf(properties);
      var icon = L.divIcon({
        className: "map-marker colour-" + colour + (properties.urgent ? " map-marker-urgent" : ""),
        html: properties.urgent ? '<span class="map-urgent-mark"></span>' : "",
        iconSize: [22, 22],
        iconAnchor: [11, 11],
        popupAnchor: [0, -10]
      });
      var coordinates = feature.geometry.coordinates; // GeoJSON: longitude first
      var made = L.marker([coordinates[1], coordinates[0]], {
        icon: icon,
        title: properties.title,
        alt: properties.title,
        riseOnHover: true,
        zIndexOffset: (3 - ORDER[colour]) * 100 // red above yellow above green above grey
      });
      made.bindPopup(popup(properties), { maxWidth: 280 });
      return made;
    }

    function row(feature) {
      var properties = feature.properties;
      var colour = colourOf(properties);
      var item = make("li", "map-row colour-" + colour);
      item.setAttribute("data-project", properties.id);
      var head = make("p", "map-row-title");
      head.appendChild(make("span", "map-dot colour-" + colour));
      var link = make("a", "", properties.title);
      link.href = properties.url;
      head.appendChild(link);
      item.appendChild(head);
      item.appendChild(tags(properties));
      item.appendChild(progressBar(properties, colour));
      item.appendChild(make("p", "map-row-facts", progressWords(properties)));
      if (properties.unit) { item.appendChild(make("p", "map-row-facts muted", properties.unit)); }
      if (feature.geometry) {
        var show = make("button", "link map-show", words.show);
        show.type = "button";
        show.addEventListener("click", function () {
          var target = markers[properties.id];
          element.scrollIntoView({ behavior: "smooth", block: "nearest" });
          map.setView(target.getLatLng(), Math.max(map.getZoom(), 15));
          target.openPopup();
        });
        item.appendChild(show);
      } else {
        item.appendChild(make("p", "map-row-facts muted map-no-location", words.no_location));
      }
      return item;
    }

    function drawLegend(counts, urgent) {
      legend.replaceChildren();
      legend.appendChild(make("span", "map-legend-title", words.legend));
      ["red", "yellow", "green", "none"].forEach(function (colour) {
        var button = make("button", "map-legend-item");
        button.type = "button";
        button.setAttribute("data-colour", colour);
        button.setAttribute("aria-pressed", String(value("colour") === colour));
        button.appendChild(make("span", "map-dot colour-" + colour));
        button.appendChild(document.createTextNode(words.colours[colour] + " "));
        button.appendChild(make("strong", "map-count", String(counts[colour])));
        button.addEventListener("click", function () {
          form.elements.colour.value = value("colour") === colour ? "" : colour;
          render();
        });
        legend.appendChild(button);
      });
      var mark = make("span", "map-legend-item map-legend-urgent");
      mark.appendChild(make("span", "map-urgent-mark"));
      mark.appendChild(document.createTextNode(words.urgent + " "));
      mark.appendChild(make("strong", "map-count", String(urgent)));
      legend.appendChild(mark);
      legend.appendChild(make("p", "map-legend-note muted", words.no_colour_note));
    }

    function remember() {
      var params = new URLSearchParams();
      ALL_FILTERS.forEach(function (name) { if (value(name)) { params.set(name, value(name)); } });
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    function render() {
      var status = value("status");
      var colour = value("colour");
      // The legend counts every colour of the other filters' projects, so it can pick one.
      var matching = features.filter(function (f) { return !status || f.properties.status === status; });
      var counts = { red: 0, yellow: 0, green: 0, none: 0 };
      var urgent = 0;
      matching.forEach(function (f) {
        counts[colourOf(f.properties)] += 1;
        if (f.properties.urgent) { urgent += 1; }
      });
      var shown = matching.filter(function (f) { return !colour || colourOf(f.properties) === colour; });
      shown.sort(function (a, b) {
        return ORDER[colourOf(a.properties)] - ORDER[colourOf(b.properties)] ||
          Number(b.properties.urgent) - Number(a.properties.urgent) ||
          a.properties.title.localeCompare(b.properties.title, document.documentElement.lang);
      });
      markerLayer.clearLayers();
      markers = {};
      list.replaceChildren();
      var located = 0;
      shown.forEach(function (feature) {
        if (feature.geometry) {
          markers[feature.properties.id] = marker(feature).addTo(markerLayer);
          located += 1;
        }
        list.appendChild(row(feature));
      });
      if (!shown.length) { list.appendChild(make("li", "map-empty muted", words.empty)); }
      summary.textContent = fill(words.summary, { count: shown.length, located: located });
      drawLegend(counts, urgent);
      var bounds = L.latLngBounds([]);
      boundaryLayer.eachLayer(function (layer) { bounds.extend(layer.getBounds()); });
      markerLayer.eachLayer(function (layer) { bounds.extend(layer.getLatLng()); });
      fit(map, bounds, center);
      element.removeAttribute("aria-busy");
      remember();
    }

    form.addEventListener("change", function (event) {
      if (SERVER_FILTERS.indexOf(event.target.name) >= 0) { load(); } else { render(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      load();
    });
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var projectMap = document.getElementById("project-map");
    if (projectMap) { initProjectMap(projectMap); }
    document.querySelectorAll(".boundary-preview").forEach(initPreview);
  });
})();
