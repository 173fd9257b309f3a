// The report form: the category's own questions, the pin (GPS or a tap), and "already reported nearby".
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const form = document.getElementById("report-form");
  const category = form.querySelector("[name=category]");
  const lat = form.querySelector("[name=lat]");
  const lon = form.querySelector("[name=lon]");
  const status = document.getElementById("gps-status");

  function showQuestions() {
    form.querySelectorAll("fieldset.attributes").forEach(function (fs) {
      fs.hidden = fs.dataset.category !== category.value;
    });
  }
  category.addEventListener("change", function () { showQuestions(); checkNearby(); });
  showQuestions();

  const map = L.map("pick-map").setView(config.center, config.zoom);
  L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution }).addTo(map);
  fetch(config.unitsUrl).then(function (r) { return r.json(); }).then(function (units) {
    L.geoJSON(units, { style: { color: "#6e7781", weight: 2, fillOpacity: 0.04, dashArray: "6 4" }, interactive: false }).addTo(map);
    document.body.dataset.mapReady = "1";
  }).catch(function () { document.body.dataset.mapReady = "1"; });
  let marker = null;

  function place(latlng, zoom) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng, { draggable: true }).addTo(map);
    marker.on("dragend", function () { place(marker.getLatLng()); });
    if (zoom) map.setView(latlng, 17);
    document.body.dataset.pinned = "1";
    checkNearby();
  }
  map.on("click", function (e) { place(e.latlng); });
  if (lat.value && lon.value) place(L.latLng(+lat.value, +lon.value), true);

  document.getElementById("use-gps").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = status.dataset.unavailable || "GPS?"; return; }
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
      status.textContent = "± " + Math.round(pos.coords.accuracy) + " m";
    }, function (err) { status.textContent = err.message; }, { enableHighAccuracy: true, timeout: 15000 });
  });

  function checkNearby() {
    const box = document.getElementById("nearby");
    const list = document.getElementById("nearby-list");
    if (!category.value || !lat.value) { box.hidden = true; return; }
    const url = config.nearbyUrl + "?category=" + encodeURIComponent(category.value) +
      "&lat=" + lat.value + "&lon=" + lon.value;
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      list.innerHTML = "";
      (data.reports || []).forEach(function (r) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.description + " (" + r.distance_m + " m, " + r.status + ")";
        li.appendChild(a);
        list.appendChild(li);
      });
      box.hidden = !(data.reports && data.reports.length);
    });
  }
})();
