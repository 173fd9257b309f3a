// The big-screen wall: a clock, each domain's board in turn, and a heartbeat that says how old the data is while the
// server cannot be reached and picks everything up again once it answers.
(function () {
  "use strict";
  const body = document.getElementById("wall");
  const boardBox = document.getElementById("wall-board");
  const tabs = Array.from(document.querySelectorAll("#wall-board-tabs [data-board]"));
  const status = document.getElementById("wall-status");
  const clock = document.getElementById("wall-clock");
  const rotate = Math.max(5, Number(body.dataset.rotate || 20)) * 1000;
  let lastOk = Date.now();
  let stale = false;
  let index = -1;

  function showClock() {
    clock.textContent = new Date().toLocaleString("vi-VN", {
      timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", second: "2-digit", day: "2-digit", month: "2-digit",
    });
    if (stale) {
      const seconds = Math.round((Date.now() - lastOk) / 1000);
      status.textContent = body.dataset.stale.replace("{age}", seconds >= 60 ? Math.floor(seconds / 60) + "′" + String(seconds % 60).padStart(2, "0") + "″" : seconds + " s");
    }
  }

  async function nextBoard() {
    if (!tabs.length) return;
    const next = (index + 1) % tabs.length;
    const key = tabs[next].dataset.board;
    try {
      const response = await fetch(body.dataset.boardUrl.replace("KEY", encodeURIComponent(key)), { credentials: "same-origin" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      boardBox.innerHTML = await response.text();
      index = next;
      tabs.forEach(function (t, i) { t.classList.toggle("active", i === index); });
      body.dataset.board = key;
      body.dataset.boardsShown = String(Number(body.dataset.boardsShown || 0) + 1);
    } catch (e) { /* the heartbeat reports the outage; the board stays as it was */ }
  }

  async function pulse() {
    try {
      const response = await fetch(body.dataset.pulseUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected || !response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      lastOk = Date.now();
      Object.entries(data.tiles || {}).forEach(function ([key, value]) {
        const tile = document.querySelector("#wall-kpis [data-kpi='" + key + "'] .v");
        if (tile) tile.textContent = value == null ? "—" : String(value) + (tile.textContent.endsWith("′") ? "′" : "");
      });
      if (stale) {
        stale = false;
        body.classList.remove("is-stale");
        body.dataset.connection = "ok";
        status.textContent = body.dataset.back;
        setTimeout(function () { if (!stale) status.textContent = ""; }, 5000);
        document.body.dispatchEvent(new Event("feed-refresh"));
        nextBoard();
      }
    } catch (e) {
      stale = true;
      body.classList.add("is-stale");
      body.dataset.connection = "lost";
    }
  }

  setInterval(showClock, 1000);
  setInterval(pulse, 5000);
  setInterval(nextBoard, rotate);
  showClock();
  body.dataset.connection = "ok";
  nextBoard();
})();
