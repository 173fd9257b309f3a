// The camera wall: each picture reloads when the last one has arrived (never piling requests up), about once a
// second; every few seconds each tile's state and last minute's counts.
(function () {
  "use strict";
  const grid = document.getElementById("cam-grid");
  if (!grid) return;
  const tiles = Array.from(grid.querySelectorAll("[data-camera]"));

  tiles.forEach(function (tile) {
    const img = tile.querySelector("img[data-live]");
    let started = 0;
    function next() {
      const wait = Math.max(0, 1000 - (Date.now() - started));
      setTimeout(function () { started = Date.now(); img.src = img.dataset.live + "?t=" + started; }, wait);
    }
    img.addEventListener("load", function () {
      tile.classList.remove("no-picture");
      tile.dataset.frames = String(Number(tile.dataset.frames || 0) + 1);
      next();
    });
    img.addEventListener("error", function () { tile.classList.add("no-picture"); setTimeout(next, 4000); });
  });

  async function status() {
    const ids = tiles.map(function (t) { return t.dataset.camera; }).join(",");
    if (!ids) return;
    try {
      const response = await fetch(grid.dataset.statusUrl + "?ids=" + ids, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      tiles.forEach(function (tile) {
        const row = data[tile.dataset.camera];
        if (!row) return;
        const badge = tile.querySelector(".cam-state");
        badge.textContent = row.label;
        badge.className = "badge cam-state " + (row.status === "online" ? "new" : "s4");
        tile.querySelector(".cam-counts").textContent = row.counts.join(" · ");
      });
    } catch (e) { /* asked again in a few seconds */ }
  }
  status();
  setInterval(status, 5000);
})();
