// The public map: reports of the last 90 days (open in amber, closed in green), over the unit boundaries.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const map = L.map("public-map").setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution }).addTo(map);
  fetch(config.unitsUrl).then(function (r) { return r.json(); }).then(function (units) {
    L.geoJSON(units, { style: { color: "#6e7781", weight: 2, fillOpacity: 0.04, dashArray: "6 4" }, interactive: false }).addTo(map);
  });
  fetch(config.pointsUrl).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        const open = f.properties.status === "open";
        return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1, fillColor: open ? "#d29922" : "#2da44e", fillOpacity: 0.9 });
      },
      onEachFeature: function (f, layer) {
        const a = document.createElement("a");
        a.href = f.properties.url;
        a.textContent = f.properties.title;
        layer.bindPopup(a);
      },
    }).addTo(map);
    document.body.dataset.mapReady = "1";
  });
})();
