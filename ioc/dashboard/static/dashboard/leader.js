// The leader view's 30-day trend chart (Chart.js, vendored).
(function () {
  "use strict";
  const el = document.getElementById("trend");
  if (!el) return;
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  new Chart(el, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: el.dataset.label, data: data.values, backgroundColor: "#2f81f7" }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { labels: { color: "#e6edf3" } } },
      scales: {
        x: { ticks: { color: "#9fb0c0", maxRotation: 0, autoSkip: true }, grid: { color: "#2a3a4b" } },
        y: { beginAtZero: true, ticks: { color: "#9fb0c0", precision: 0 }, grid: { color: "#2a3a4b" } },
      },
    },
  });
  document.body.dataset.chartReady = "1";
})();
