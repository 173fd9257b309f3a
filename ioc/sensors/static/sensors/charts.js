// One chart per attribute: the average line with the min–max band.
(function () {
  "use strict";
  const series = JSON.parse(document.getElementById("sensor-series").textContent);
  const names = (document.getElementById("series-names") || { dataset: {} }).dataset;  // the tooltip's words
  document.querySelectorAll("canvas.sensor-chart").forEach(function (canvas) {
    const s = series[canvas.dataset.attr];
    const labels = s.labels.map(function (t) { return new Date(t).toLocaleString("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" }); });
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: [
        { label: names.max || "max", data: s.max, borderColor: "transparent", backgroundColor: "#2f81f733", fill: "+1", pointRadius: 0 },
        { label: names.min || "min", data: s.min, borderColor: "transparent", pointRadius: 0, fill: false },
        { label: names.avg || "avg", data: s.avg, borderColor: "#2f81f7", pointRadius: 0, fill: false },
      ] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
        scales: { x: { ticks: { color: "#9fb0c0", maxTicksLimit: 8 }, grid: { color: "#2a3a4b" } },
                  y: { ticks: { color: "#9fb0c0" }, grid: { color: "#2a3a4b" } } } },
    });
  });
  document.body.dataset.chartReady = "1";
})();
