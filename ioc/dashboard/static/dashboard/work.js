// The deadline counting down on every card of an officer's queue.
(function () {
  "use strict";
  const panel = document.getElementById("feed-panel");
  function spell(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes >= 1440) return Math.floor(minutes / 1440) + " d " + Math.floor((minutes % 1440) / 60) + " h";
    if (minutes >= 60) return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + "′";
    return minutes + "′";
  }
  function tick() {
    const now = Date.now();
    document.querySelectorAll(".clock[data-due]").forEach(function (clock) {
      const left = Date.parse(clock.dataset.due) - now;
      clock.textContent = (left >= 0 ? panel.dataset.left : panel.dataset.late) + " " + spell(left);
      clock.classList.toggle("late", left < 0);
    });
  }
  tick();
  setInterval(tick, 30000);
})();
