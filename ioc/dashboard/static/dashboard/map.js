// The live operations map: unit boundaries as the offline base, registry layers on top, refreshed on their own clock.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const map = L.map("map", { preferCanvas: true }).setView(config.center, config.zoom);
  const note = document.getElementById("map-note");
  const tiles = L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution });
  let tileErrors = 0;
  tiles.on("tileerror", function () {
    tileErrors += 1;
    if (tileErrors === 4 && note) { note.style.display = "block"; }
  });
  tiles.addTo(map);
  const SEVERITY_COLORS = { 1: "#6e7781", 2: "#d29922", 3: "#e8590c", 4: "#cf222e" };
  const overlays = {};
  const filters = document.getElementById("filters");

  function filterQuery() {
    if (!filters) return "";
    const params = new URLSearchParams(new FormData(filters));
    for (const [k, v] of [...params.entries()]) { if (!v) params.delete(k); }
    return params.toString();
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function popup(feature) {
    const p = feature.properties || {};
    let html = "<strong>" + escapeHtml(p.title || p.name || "") + "</strong>";
    if (p.time) html += "<br><small>" + escapeHtml(new Date(p.time).toLocaleString("vi-VN")) + "</small>";
    if (p.approximate) html += "<br><small>" + escapeHtml(config.approximateLabel || "≈") + "</small>";
    if (p.url) html += '<br><a href="' + encodeURI(p.url) + '">' + escapeHtml(config.openLabel || "Open") + "</a>";
    return html;
  }

  function makeLayer(def, data) {
    if (def.heat && L.heatLayer) {
      const points = data.features.map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0], 0.6]; });
      return L.heatLayer(points, { radius: 22, blur: 18, maxZoom: 16 });
    }
    const geo = L.geoJSON(data, {
      style: function (f) {
        const color = (f.properties && f.properties.color) || def.color;
        return { color: color, weight: 2, fillOpacity: def.key === "core.units" ? 0.06 : 0.3, dashArray: f.properties && f.properties.approximate ? "6 4" : null };
      },
      pointToLayer: function (f, latlng) {
        const p = f.properties || {};
        const color = p.color || SEVERITY_COLORS[p.severity] || def.color;
        return L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 0.95 });
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(popup(f));
        if (def.key === "core.units" && f.properties) {
          layer.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "unit-label" });
        }
      },
    });
    if (!def.cluster) return geo;
    const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    cluster.addLayer(geo);
    return cluster;
  }

  async function load(def) {
    const sep = def.url.includes("?") ? "&" : "?";
    const response = await fetch(def.url + sep + filterQuery(), { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(def.key + ": HTTP " + response.status);
    const data = await response.json();
    const entry = overlays[def.key];
    const wasOn = entry ? map.hasLayer(entry.layer) : def.visible;
    const layer = makeLayer(def, data);
    if (entry) { map.removeLayer(entry.layer); control.removeLayer(entry.layer); }
    overlays[def.key] = { def: def, layer: layer, count: data.features.length };
    control.addOverlay(layer, def.label + " (" + data.features.length + ")");
    if (wasOn) layer.addTo(map);
    document.body.dataset["layer_" + def.key.replace(".", "_")] = String(data.features.length);
    if (def.key === "core.units" && data.features.length && !map._fitted) {
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      map._fitted = true;
    }
  }

  const control = L.control.layers(null, null, { collapsed: false }).addTo(map);
  function loadAll() {
    return Promise.allSettled(config.layers.map(load)).then(function (results) {
      results.forEach(function (r) { if (r.status === "rejected") console.warn(r.reason); });
      document.body.dataset.mapReady = "1";
    });
  }
  loadAll();
  config.layers.forEach(function (def) {
    if (def.refresh > 0) setInterval(function () { load(def).catch(console.warn); }, def.refresh * 1000);
  });
  if (filters) {
    filters.addEventListener("change", function () {
      loadAll();
      document.body.dispatchEvent(new Event("filters-changed"));
    });
  }
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    const div = L.DomUtil.create("div", "legend");
    div.innerHTML = (config.severityLabels || []).map(function (label, i) {
      return '<span style="color:' + SEVERITY_COLORS[i + 1] + '">●</span> ' + escapeHtml(label);
    }).join("<br>");
    return div;
  };
  legend.addTo(map);
  window.iocMap = map;
})();
// The CSV export follows the filters.
(function () {
  const link = document.getElementById("export-csv");
  const form = document.getElementById("filters");
  if (!link || !form) return;
  const base = link.getAttribute("href");
  function update() {
    const params = new URLSearchParams(new FormData(form));
    for (const [k, v] of [...params.entries()]) { if (!v) params.delete(k); }
    link.setAttribute("href", base + (params.toString() ? "?" + params.toString() : ""));
  }
  form.addEventListener("change", update);
  update();
})();
