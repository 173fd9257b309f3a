// The flow chart (stacked bars per class) and the heat map's cell colours (no inline styles: CSP).
(function () {
  "use strict";
  const colours = { person: "#e3b341", bicycle: "#a371f7", motorbike: "#2f81f7", car: "#3fb950", bus: "#f0883e", truck: "#f85149" };
  const flow = JSON.parse(document.getElementById("camera-flow").textContent);
  const canvas = document.getElementById("flow-chart");
  if (canvas) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: flow.labels, datasets: Object.keys(flow.series).map(function (cls) {
        return { label: (flow.names && flow.names[cls]) || cls, data: flow.series[cls], backgroundColor: colours[cls] || "#9fb0c0", stack: "all" };
      }) },
      options: { maintainAspectRatio: false, animation: false,
        plugins: { legend: { labels: { color: "#c9d4df" } } },
        scales: { x: { stacked: true, ticks: { color: "#9fb0c0", maxTicksLimit: 12 }, grid: { color: "#2a3a4b" } },
                  y: { stacked: true, ticks: { color: "#9fb0c0" }, grid: { color: "#2a3a4b" } } } },
    });
  }
  document.querySelectorAll("td.heat").forEach(function (cell) {
    const share = parseFloat(cell.dataset.share) || 0;
    cell.style.backgroundColor = "rgba(47, 129, 247, " + (0.08 + share * 0.8).toFixed(2) + ")";
  });
  document.body.dataset.chartReady = "1";
})();
