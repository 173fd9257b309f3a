// The alert feed: tabs, choosing many alerts, triage without leaving the map, keyboard shortcuts, the
// acknowledgement clocks and the wall's sound. The feed is re-rendered every few seconds; what the officer chose
// survives that.
(function () {
  "use strict";
  const panel = document.getElementById("feed-panel");
  const feed = document.getElementById("feed");
  const form = document.getElementById("triage");
  const tabInput = document.getElementById("feed-tab");
  if (!panel || !feed) return;
  const chosen = new Set();
  const known = new Set();
  const sounded = new Set();
  let firstLoad = true;
  let focused = null;

  function cards() { return Array.from(feed.querySelectorAll("[data-alert-id]")); }
  function refresh() { document.body.dispatchEvent(new Event("feed-refresh")); }

  function updateCount() {
    const picked = document.getElementById("picked");
    if (picked) picked.textContent = String(chosen.size);
    const all = document.getElementById("pick-all");
    const boxes = feed.querySelectorAll("input.pick");
    if (all) all.checked = boxes.length > 0 && Array.from(boxes).every(function (b) { return b.checked; });
  }

  // --- the acknowledgement clock on each card, and the sound on the wall --------------------------------------
  function spell(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes >= 60) return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + "′";
    const seconds = Math.floor((Math.abs(ms) % 60000) / 1000);
    return minutes + ":" + String(seconds).padStart(2, "0");
  }
  function tick() {
    const now = Date.now();
    feed.querySelectorAll(".clock[data-due]").forEach(function (clock) {
      const left = Date.parse(clock.dataset.due) - now;
      clock.textContent = (left >= 0 ? panel.dataset.left : panel.dataset.late) + " " + spell(left);
      clock.classList.toggle("late", left < 0);
      const card = clock.closest("[data-alert-id]");
      if (left < 0 && card && Number(card.dataset.priority) <= 2) sound(card.dataset.alertId + ":late");
    });
  }
  setInterval(tick, 1000);

  // Every second, a one-line question: has anything in the feed's filters changed? Then refresh at once.
  let stamp = null;
  let asking = false;
  async function checkStamp() {
    if (asking || !feed.dataset.stampUrl) return;
    asking = true;
    try {
      const filters = document.getElementById("filters");
      const query = filters ? new URLSearchParams(new FormData(filters)).toString() : "";
      const response = await fetch(feed.dataset.stampUrl + "?" + query, { credentials: "same-origin" });
      if (response.ok) {
        const now = await response.text();
        if (stamp !== null && now !== stamp) refresh();
        stamp = now;
      }
    } catch (e) { /* the next tick asks again */ } finally { asking = false; }
  }
  setInterval(checkStamp, 1000);

  let audio = null;
  function soundOn() { return localStorage.getItem("ioc-sound") === "on"; }
  function sound(key) {
    if (sounded.has(key)) return;
    sounded.add(key);
    document.body.dataset.soundCount = String(Number(document.body.dataset.soundCount || 0) + 1);
    if (!soundOn()) return;
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.3].forEach(function (start) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + start);
      osc.stop(audio.currentTime + start + 0.18);
    });
  }
  const soundButton = document.getElementById("sound-toggle");
  function showSound() {
    if (!soundButton) return;
    soundButton.textContent = soundOn() ? panel.dataset.soundOn : panel.dataset.soundOff;
    soundButton.setAttribute("aria-pressed", soundOn() ? "true" : "false");
  }
  if (soundButton) {
    soundButton.addEventListener("click", function () {
      localStorage.setItem("ioc-sound", soundOn() ? "off" : "on");
      if (soundOn()) { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); }
      showSound();
    });
    showSound();
  }

  // --- after each refresh: keep the choices, the focus, and sound for a new critical alert ---------------------
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== feed) return;
    const present = new Set();
    cards().forEach(function (card) {
      const id = card.dataset.alertId;
      present.add(id);
      const box = card.querySelector("input.pick");
      if (box) box.checked = chosen.has(id);
      card.classList.toggle("chosen", chosen.has(id));
      if (!firstLoad && !known.has(id) && card.dataset.priority === "1" && card.dataset.status === "new") sound(id);
      known.add(id);
      if (id === focused) card.classList.add("focused");
    });
    firstLoad = false;
    tick();
    updateCount();
  });

  // --- tabs and choosing ------------------------------------------------------------------------------------
  function showTab(tab) {
    tabInput.value = tab;
    chosen.clear();
    const url = new URL(window.location.href);
    url.searchParams.set("tab", tab);
    history.replaceState(null, "", url);
    refresh();
  }
  feed.addEventListener("click", function (event) {
    const tab = event.target.closest("[data-tab]");
    if (tab) { showTab(tab.dataset.tab); return; }
    const box = event.target.closest("input.pick");
    if (box) {
      box.checked ? chosen.add(box.value) : chosen.delete(box.value);
      box.closest("[data-alert-id]").classList.toggle("chosen", box.checked);
      updateCount();
    }
  });
  const all = document.getElementById("pick-all");
  if (all) {
    all.addEventListener("change", function () {
      feed.querySelectorAll("input.pick").forEach(function (box) {
        box.checked = all.checked;
        all.checked ? chosen.add(box.value) : chosen.delete(box.value);
        box.closest("[data-alert-id]").classList.toggle("chosen", all.checked);
      });
      updateCount();
    });
  }

  // --- triage: the chosen alerts (or the focused one) with the action pressed ------------------------------
  function openPanel(name) {
    if (!form) return;
    form.querySelectorAll(".triage-panel").forEach(function (p) {
      const show = p.dataset.panel === name && p.hidden;
      p.hidden = !show;
      p.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !show; });
      if (show) { const first = p.querySelector("select, input"); if (first) first.focus(); }
    });
  }
  function message(text, bad) {
    const box = document.getElementById("triage-message");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("error", !!bad);
  }
  async function submit(action) {
    if (!form) return;
    const ids = chosen.size ? Array.from(chosen) : focused ? [focused] : [];
    const data = new FormData(form);
    data.set("action", action);
    data.delete("alerts");
    ids.forEach(function (id) { data.append("alerts", id); });
    const response = await fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
    });
    let result = { ok: false, message: "HTTP " + response.status };
    try { result = await response.json(); } catch (e) { /* keep the status line */ }
    message(result.message, !result.ok);
    if (!result.ok) return;
    chosen.clear();
    openPanel(null);
    form.querySelectorAll("[data-reason], textarea").forEach(function (input) { input.value = ""; });
    updateCount();
    refresh();
    if (result.incident) message(result.message + " ", false);
  }
  if (form) {
    form.querySelectorAll(".triage-panel input, .triage-panel select, .triage-panel textarea").forEach(function (i) { i.disabled = true; });
    form.addEventListener("click", function (event) {
      const opener = event.target.closest("[data-open]");
      if (opener) openPanel(opener.dataset.open);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const action = event.submitter && event.submitter.value;
      if (action) submit(action);
    });
  }
  const keysToggle = document.getElementById("keys-toggle");
  function toggleKeys() {
    const help = document.getElementById("keys-help");
    if (!help) return;
    help.hidden = !help.hidden;
    keysToggle.setAttribute("aria-expanded", help.hidden ? "false" : "true");
  }
  if (keysToggle) keysToggle.addEventListener("click", toggleKeys);

  // --- keyboard shortcuts for the officer who triages all day ----------------------------------------------
  function move(step) {
    const list = cards();
    if (!list.length) return;
    let index = list.findIndex(function (c) { return c.dataset.alertId === focused; });
    index = Math.max(0, Math.min(list.length - 1, index + step));
    list.forEach(function (c) { c.classList.remove("focused"); });
    const card = list[index];
    focused = card.dataset.alertId;
    card.classList.add("focused");
    card.focus();
  }
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.matches("input:not([type=checkbox]), select, textarea")) {
      if (event.key === "Escape") { openPanel(null); target.blur(); }
      return;
    }
    const key = event.key.toLowerCase();
    if (key === "enter" && target.matches("button, a")) return;
    const focusedCard = feed.querySelector(".focused");
    const actions = {
      j: function () { move(1); }, arrowdown: function () { move(1); },
      k: function () { move(-1); }, arrowup: function () { move(-1); },
      x: function () { const box = focusedCard && focusedCard.querySelector("input.pick"); if (box) box.click(); },
      enter: function () { const link = focusedCard && focusedCard.querySelector("a.title"); if (link) link.click(); },
      a: function () { submit("acknowledge"); },
      m: function () { openPanel("merge"); },
      g: function () { openPanel("assign"); },
      s: function () { openPanel("snooze"); },
      d: function () { openPanel("dismiss"); },
      escape: function () { chosen.clear(); openPanel(null); feed.querySelectorAll("input.pick").forEach(function (b) { b.checked = false; }); updateCount(); },
      "?": toggleKeys,
      1: function () { showTab("new"); }, 2: function () { showTab("acknowledged"); },
      3: function () { showTab("snoozed"); }, 4: function () { showTab("ended"); },
    };
    if (!form && "amgsdx".includes(key)) return;
    if (actions[key]) { event.preventDefault(); actions[key](); }
  });
})();
