// On-time rate and files received per month.
(function () {
  const el = document.getElementById("ps-trend");
  if (!el) return;
  const rows = JSON.parse(document.getElementById("ps-trend-data").textContent);
  new Chart(el, {
    data: {
      labels: rows.map(function (r) { return r.month; }),
      datasets: [
        { type: "line", label: "%", data: rows.map(function (r) { return r.rate; }), borderColor: "#2da44e", yAxisID: "y" },
        { type: "bar", label: "#", data: rows.map(function (r) { return r.received; }), backgroundColor: "#2f81f744", yAxisID: "y1" },
      ],
    },
    options: {
      maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { color: "#e6edf3" } } },
      scales: {
        x: { ticks: { color: "#9fb0c0" }, grid: { color: "#2a3a4b" } },
        y: { min: 0, max: 100, ticks: { color: "#9fb0c0" }, grid: { color: "#2a3a4b" } },
        y1: { position: "right", beginAtZero: true, ticks: { color: "#9fb0c0" }, grid: { display: false } },
      },
    },
  });
  document.body.dataset.chartReady = "1";
})();
