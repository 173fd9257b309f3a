// The live operations map: unit boundaries as the offline base, registry layers on top, each refreshed on its own
// clock while it is on. What needs attention is on when the map opens; healthy assets wait to be switched on.
// The layer list keeps the registry's order; the chosen unit, the layers and the view live in the URL.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const params = new URLSearchParams(window.location.search);
  const view = (params.get("view") || "").split(",").map(Number);
  const hasView = view.length === 3 && view.every(Number.isFinite);
  const map = L.map("map", { preferCanvas: true }).setView(
    hasView ? [view[0], view[1]] : config.center, hasView ? view[2] : config.zoom
  );
  const note = document.getElementById("map-note");
  const tiles = L.tileLayer(config.tileUrl, { maxZoom: config.tileMaxZoom || 19, attribution: config.tileAttribution });
  let tileErrors = 0;
  tiles.on("tileerror", function () {
    tileErrors += 1;
    if (tileErrors === 4 && note) { note.style.display = "block"; }
  });
  tiles.addTo(map);
  const SEVERITY_COLORS = { 1: "#6e7781", 2: "#d29922", 3: "#e8590c", 4: "#cf222e" };
  // On the big-screen wall points grow with the screen, to be seen from three metres on a 4K display.
  const scale = document.body.classList.contains("wall") ? Math.max(1, window.innerWidth / 1600) : 1;
  document.body.style.setProperty("--map-scale", String(scale));  // the wall's CSS sizes the map's text with it
  const filters = document.getElementById("filters");
  const wanted = params.has("layers")
    ? new Set(params.get("layers").split(",").filter(Boolean))
    : new Set(config.layers.filter(function (l) { return l.visible; }).map(function (l) { return l.key; }));
  wanted.add("core.units");  // the boundaries are the base map when no tiles load
  let unitsData = null;

  function filterQuery() {
    if (!filters) return "";
    const query = new URLSearchParams(new FormData(filters));
    for (const [k, v] of [...query.entries()]) { if (!v) query.delete(k); }
    return query.toString();
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // --- the URL keeps the unit, the filters, the feed's tab, the layers and the view ---------------------------
  function saveState() {
    const url = new URL(window.location.href);
    ["unit", "domain", "severity", "hours"].forEach(function (k) { url.searchParams.delete(k); });
    new URLSearchParams(filterQuery()).forEach(function (v, k) { url.searchParams.set(k, v); });
    url.searchParams.set("layers", entries.filter(function (e) { return e.on; }).map(function (e) { return e.def.key; }).join(","));
    const c = map.getCenter();
    url.searchParams.set("view", [c.lat.toFixed(5), c.lng.toFixed(5), map.getZoom()].join(","));
    history.replaceState(null, "", url);
  }

  function popup(feature) {
    const p = feature.properties || {};
    let html = "<strong>" + escapeHtml(p.title || p.name || "") + "</strong>";
    if (p.time) html += "<br><small>" + escapeHtml(new Date(p.time).toLocaleString("vi-VN")) + "</small>";
    if (p.approximate) html += "<br><small>" + escapeHtml(config.approximateLabel || "≈") + "</small>";
    if (p.url) html += '<br><a href="' + encodeURI(p.url) + '">' + escapeHtml(config.openLabel || "Open") + "</a>";
    return html;
  }

  // Cluster bubbles in the layer's own colour with the count: never the severity colours of alerts.
  function clusterIcon(def) {
    return function (cluster) {
      const n = cluster.getChildCount();
      const size = (n < 10 ? 28 : n < 100 ? 34 : 40) * scale;
      return L.divIcon({
        html: '<span style="border-color:' + def.color + '">' + n + "</span>",
        className: "ioc-cluster", iconSize: L.point(size, size),
      });
    };
  }

  function selectedUnitId() {
    const select = document.getElementById("f-unit");
    return select && select.value ? Number(select.value) : null;
  }

  function makeLayer(def, data) {
    if (def.heat && L.heatLayer) {
      const points = data.features.map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0], 0.6]; });
      return L.heatLayer(points, { radius: 22, blur: 18, maxZoom: 16 });
    }
    const isUnits = def.key === "core.units";
    const geo = L.geoJSON(data, {
      style: function (f) {
        const color = (f.properties && f.properties.color) || def.color;
        const chosen = isUnits && selectedUnitId() === f.id;
        return {
          color: chosen ? "#2f81f7" : color, weight: chosen ? 4 : 2,
          fillOpacity: isUnits ? (chosen ? 0.12 : 0.04) : 0.3,
          dashArray: f.properties && f.properties.approximate ? "6 4" : null,
        };
      },
      pointToLayer: function (f, latlng) {
        const p = f.properties || {};
        const color = def.key === "core.alerts" ? SEVERITY_COLORS[p.severity] : p.color || def.color;
        const radius = (def.key === "core.incidents" ? 10 : def.key === "core.alerts" ? 8 : 6) * scale;
        return L.circleMarker(latlng, { radius: radius, color: "#fff", weight: 1.5 * scale, fillColor: color, fillOpacity: 0.95 });
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(popup(f));
        if (isUnits && f.properties) {
          layer.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "unit-label" });
        }
      },
    });
    if (!def.cluster) return geo;
    const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, iconCreateFunction: clusterIcon(def) });
    cluster.addLayer(geo);
    return cluster;
  }

  // --- one entry per registry layer, made now in registry order, so the list never reorders ------------------
  const entries = config.layers.map(function (def) {
    return { def: def, group: L.layerGroup(), on: wanted.has(def.key), count: null, timer: null, row: null };
  });

  async function load(entry) {
    const def = entry.def;
    const sep = def.url.includes("?") ? "&" : "?";
    const response = await fetch(def.url + sep + filterQuery(), { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(def.key + ": HTTP " + response.status);
    const data = await response.json();
    if (def.key === "core.units") unitsData = data;
    entry.group.clearLayers();
    entry.group.addLayer(makeLayer(def, data));
    entry.count = data.features.length;
    showCount(entry);
    document.body.dataset["layer_" + def.key.replace(".", "_")] = String(data.features.length);
  }

  function schedule(entry) {
    clearInterval(entry.timer);
    entry.timer = null;
    if (entry.on && entry.def.refresh > 0) {
      entry.timer = setInterval(function () { load(entry).catch(console.warn); }, entry.def.refresh * 1000);
    }
  }

  function setOn(entry, on) {
    entry.on = on;
    if (on) { entry.group.addTo(map); load(entry).catch(console.warn); } else { map.removeLayer(entry.group); }
    schedule(entry);
    if (entry.row) entry.row.classList.toggle("off", !on);
    saveState();
  }

  // --- the layer list: a swatch, the name, the count, and the legend of what the colours mean ----------------
  function showCount(entry) {
    if (!entry.row) return;
    entry.row.querySelector(".count").textContent = entry.count == null ? "" : "(" + entry.count + ")";
  }
  // The list lives beside the map (the aside), so it never covers what it lists.
  function buildList(box) {
    if (!box) return;  // the wall shows no list: its layers are the defaults
    const list = document.createElement("div");
    list.className = "layer-rows";
    box.appendChild(list);
    entries.forEach(function (entry) {
      const def = entry.def;
      const row = document.createElement("label");
      row.className = "layer-row" + (entry.on ? "" : " off");
      row.dataset.layer = def.key;
      const box2 = document.createElement("input");
      box2.type = "checkbox";
      box2.checked = entry.on;
      box2.addEventListener("change", function () { setOn(entry, box2.checked); });
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = def.color;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = def.label + " ";
      const count = document.createElement("span");
      count.className = "count";
      name.appendChild(count);
      row.append(box2, swatch, name);
      if (def.legend && def.legend.length) {
        const legend = document.createElement("span");
        legend.className = "legend-items";
        legend.innerHTML = def.legend.map(function (item) {
          return '<span><i style="background:' + escapeHtml(item[0]) + '"></i>' + escapeHtml(item[1]) + "</span>";
        }).join("");
        row.appendChild(legend);
      }
      entry.row = row;
      list.appendChild(row);
    });
  }
  buildList(document.getElementById("layer-list"));

  function loadAll() {
    const on = entries.filter(function (e) { return e.on; });
    on.forEach(function (e) { e.group.addTo(map); schedule(e); });
    return Promise.allSettled(on.map(load)).then(function (results) {
      results.forEach(function (r) { if (r.status === "rejected") console.warn(r.reason); });
      document.body.dataset.mapReady = "1";
    });
  }

  // --- choosing a unit zooms to it and filters every layer -----------------------------------------------------
  function zoomToUnit() {
    const id = selectedUnitId();
    if (!unitsData) return;
    const feature = id && unitsData.features.find(function (f) { return f.id === id; });
    const target = L.geoJSON(feature || unitsData);
    if (target.getLayers().length) map.fitBounds(target.getBounds(), { padding: [12, 12] });
  }

  loadAll().then(function () { if (!hasView) zoomToUnit(); saveState(); });
  map.on("moveend", saveState);
  if (filters) {
    filters.addEventListener("change", function (event) {
      Promise.allSettled(entries.filter(function (e) { return e.on; }).map(load)).then(function () {
        if (event.target && event.target.name === "unit") zoomToUnit();
        saveState();
      });
      document.body.dispatchEvent(new Event("filters-changed"));
    });
  }
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
