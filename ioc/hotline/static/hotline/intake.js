// The intake screen's map: a click puts the place of the call (the hidden lat/lon the form sends).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const map = L.map("pick-map").setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { maxZoom: config.tileMaxZoom || 19, attribution: config.tileAttribution }).addTo(map);
  fetch(config.unitsUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, { style: { color: "#6e7781", weight: 2, fillOpacity: 0.04 } }).addTo(map);
  }).catch(function () { /* the map still takes clicks */ });
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  let pin = null;
  function put(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (pin) pin.setLatLng(latlng); else pin = L.marker(latlng).addTo(map);
  }
  if (lat.value && lon.value) put(L.latLng(Number(lat.value), Number(lon.value)));
  map.on("click", function (e) { put(e.latlng); });
  window.iocPickMap = map;
})();
