// Maps over US state and county outlines served by Finder itself (static/vendor/us-atlas): no other host is asked
// for anything unless the deployment adds a tile layer. Each map is a [data-map] element whose data-map-data names
// a json_script element (centers/templatetags/map_extras.py). Leaflet and topojson-client are loaded only when a
// map is actually shown: on a phone, not until the person asks for the map. The list stays the primary way in.
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 64rem)");
  var COUNTIES_FROM_ZOOM = 7; // below this, county lines are too dense to help and cost the most to draw
  var METERS_PER_MILE = 1609.344;
  var LOWER_48 = [[24.3, -125.0], [49.5, -66.8]];
  var loading = null;

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("Could not load " + url)); };
      document.head.appendChild(script);
    });
  }

  function loadStylesheet(url) {
    return new Promise(function (resolve, reject) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      link.onload = resolve;
      link.onerror = function () { reject(new Error("Could not load " + url)); };
      document.head.appendChild(link);
    });
  }

  function loadLibraries(holder) {
    if (!loading) {
      loading = Promise.all([
        loadStylesheet(holder.dataset.leafletCss),
        loadScript(holder.dataset.leaflet),
        loadScript(holder.dataset.topojson),
      ]);
    }
    return loading;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popupFor(item) {
    var box = element("div", "map-popup");
    var heading = element("p", "map-popup-name");
    var link = element("a", "", (item.number ? item.number + ". " : "") + item.name);
    link.href = item.url;
    heading.appendChild(link);
    box.appendChild(heading);
    if (item.distance) box.appendChild(element("p", "", item.distance));
    if (item.tel) {
      var call = element("a", "map-popup-call", item.call);
      call.href = item.tel;
      var line = element("p");
      line.appendChild(call);
      box.appendChild(line);
    }
    return box;
  }

  function markerIcon(item) {
    var html = element("span", "map-marker-number", item.number ? String(item.number) : "");
    html.setAttribute("aria-hidden", "true");
    var wrapper = element("span");
    wrapper.appendChild(html);
    wrapper.appendChild(element("span", "visually-hidden", (item.number ? item.number + ". " : "") + item.name));
    return L.divIcon({
      className: "map-marker" + (item.number ? "" : " map-marker-plain"),
      html: wrapper,
      iconSize: [30, 30],
      iconAnchor: [15, 15],
      popupAnchor: [0, -14],
    });
  }

  function drawOutlines(map, data, renderer) {
    getJSON(data.states).then(function (us) {
      L.geoJSON(topojson.feature(us, us.objects.nation), {
        renderer: renderer, interactive: false,
        style: { stroke: false, fillColor: "#fbfaf6", fillOpacity: 1 },
      }).addTo(map).bringToBack();
      L.geoJSON(topojson.mesh(us, us.objects.states), {
        renderer: renderer, interactive: false,
        style: { color: "#5d6775", weight: 1.5, opacity: 0.9, fill: false },
      }).addTo(map);
    });

    var loaded = {};
    function loadCounties() {
      if (map.getZoom() < COUNTIES_FROM_ZOOM) return;
      var view = map.getBounds();
      data.counties.forEach(function (state) {
        var b = state.bounds; // west, south, east, north
        if (loaded[state.url] || !view.intersects(L.latLngBounds([b[1], b[0]], [b[3], b[2]]))) return;
        loaded[state.url] = true;
        getJSON(state.url).then(function (topology) {
          L.geoJSON(topojson.mesh(topology, topology.objects.counties), {
            renderer: renderer, interactive: false,
            style: { color: "#98a2ae", weight: 0.8, opacity: 0.9, fill: false },
          }).addTo(map);
        });
      });
    }
    map.on("moveend", loadCounties);
    loadCounties();
  }

  function build(holder) {
    var data = JSON.parse(document.getElementById(holder.dataset.mapData).textContent);
    var interactive = data.interactive;
    var map = L.map(holder, {
      zoomSnap: 0.5,
      zoomControl: interactive,
      dragging: interactive,
      touchZoom: interactive,
      scrollWheelZoom: false, // a page that scrolls should not zoom the map on the way past
      doubleClickZoom: interactive,
      boxZoom: interactive,
      keyboard: interactive,
      attributionControl: true,
    });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution(data.outlinesAttribution);
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.tilesAttribution, maxZoom: 18 }).addTo(map);
    }
    var outlines = L.canvas({ padding: 0.5 });

    var points = [];
    if (data.radiusMiles && data.origin) {
      L.circle([data.origin.lat, data.origin.lng], {
        radius: data.radiusMiles * METERS_PER_MILE, interactive: false,
        color: "#0b5cad", weight: 2, dashArray: "6 6", fillOpacity: 0.04,
      }).addTo(map);
    }
    if (data.origin) {
      L.circleMarker([data.origin.lat, data.origin.lng], {
        radius: 7, interactive: false, color: "#fff", weight: 3, fillColor: "#b00020", fillOpacity: 1,
      }).addTo(map);
      points.push([data.origin.lat, data.origin.lng]);
    }
    data.markers.forEach(function (item) {
      var marker = L.marker([item.lat, item.lng], {
        icon: markerIcon(item), keyboard: interactive, interactive: interactive, riseOnHover: true,
      }).addTo(map);
      if (interactive) marker.bindPopup(popupFor(item));
      points.push([item.lat, item.lng]);
    });
    // Sized against at least 10, so that when every place has one search the circles stay small.
    var largest = Math.max.apply(null, [10].concat((data.gaps || []).map(function (gap) { return gap.count; })));
    var shrink = Math.max(0.5, Math.min(1, holder.clientWidth / 720)); // smaller circles on a phone's smaller map
    (data.gaps || []).forEach(function (gap) {
      L.circleMarker([gap.lat, gap.lng], {
        radius: (4 + 14 * Math.sqrt(gap.count / largest)) * shrink,
        color: "#0b5cad", weight: 1.5, fillColor: "#0b5cad", fillOpacity: 0.45,
      }).bindPopup(element("p", "", gap.label + ": " + gap.count + " search" + (gap.count === 1 ? "" : "es")))
        .addTo(map);
    });

    if (data.gaps) {
      map.fitBounds(LOWER_48);
    } else if (points.length > 1) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 13 });
    } else if (points.length === 1) {
      map.setView(points[0], interactive ? 12 : 7.5); // a still map shows where in the state, not the street
    } else {
      map.fitBounds(LOWER_48);
    }
    drawOutlines(map, data, outlines);
    holder.classList.add("map-ready");
    return map;
  }

  // Results on a phone: a List / Map toggle. The list stays in the page (and first); the map replaces it on demand.
  function setUpResults(box) {
    var holder = box.querySelector("[data-map]");
    var section = box.closest(".results") || box.parentElement;
    var buttons = box.querySelectorAll("[data-map-show]");
    var map = null;

    function show() {
      return loadLibraries(holder).then(function () {
        if (!map) map = build(holder);
        else map.invalidateSize();
      });
    }
    function choose(view) {
      section.setAttribute("data-map-view", view);
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.mapShow === view));
      });
      if (view === "map") show();
      // The list above may have been long: keep the toggle, and the view it just brought, on screen.
      var top = box.getBoundingClientRect().top;
      if (top < 0) box.scrollIntoView({ block: "start" });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () { choose(button.dataset.mapShow); });
    });
    box.hidden = false;
    section.setAttribute("data-map-view", "list");
    if (WIDE.matches) show();
    WIDE.addEventListener("change", function (event) { if (event.matches) show(); });
  }

  document.querySelectorAll("[data-results-map]").forEach(setUpResults);
  document.querySelectorAll("[data-still-map], [data-gaps-map]").forEach(function (box) {
    box.hidden = false;
    var holder = box.querySelector("[data-map]");
    loadLibraries(holder).then(function () { build(holder); });
  });
})();
