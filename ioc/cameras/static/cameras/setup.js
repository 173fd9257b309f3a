// Drawing counting lines and zones on the frame; the forms receive fractions of the frame (0–1).
(function () {
  "use strict";
  const svg = document.getElementById("overlay");
  const drawing = JSON.parse(document.getElementById("camera-drawing").textContent);
  const NS = "http://www.w3.org/2000/svg";
  let clicks = [];

  function el(name, attrs) {
    const node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    svg.appendChild(node);
    return node;
  }
  function line(points, colour) {
    const [a, b] = points;
    el("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: colour, "stroke-width": 0.006 });
    // The "in" side is to the right of a → b on screen: an arrow from the middle towards it.
    const mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2;
    const dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy) || 1;
    const nx = -dy / len * 0.06, ny = dx / len * 0.06;
    el("line", { x1: mx, y1: my, x2: mx + nx, y2: my + ny, stroke: colour, "stroke-width": 0.004 });
    el("circle", { cx: mx + nx, cy: my + ny, r: 0.008, fill: colour });
  }
  function zone(points, colour) {
    el("polygon", { points: points.map(function (p) { return p.join(","); }).join(" "), fill: colour + "33", stroke: colour, "stroke-width": 0.004 });
  }
  function redraw() {
    while (svg && svg.firstChild) svg.removeChild(svg.firstChild);
    if (!svg) return;
    drawing.lines.forEach(function (l) { line(l.points, "#3fb950"); });
    drawing.zones.forEach(function (z) { zone(z.points, "#a371f7"); });
    const tool = document.querySelector("input[name=tool]:checked").value;
    clicks.forEach(function (p) { el("circle", { cx: p[0], cy: p[1], r: 0.007, fill: "#f85149" }); });
    if (tool === "line" && clicks.length === 2) line(clicks, "#f85149");
    if (tool === "zone" && clicks.length >= 3) zone(clicks, "#f85149");
  }
  function fill() {
    const tool = document.querySelector("input[name=tool]:checked").value;
    const r = function (v) { return v.toFixed(4); };
    if (tool === "line" && clicks.length === 2) {
      document.getElementById("id_line-x1").value = r(clicks[0][0]);
      document.getElementById("id_line-y1").value = r(clicks[0][1]);
      document.getElementById("id_line-x2").value = r(clicks[1][0]);
      document.getElementById("id_line-y2").value = r(clicks[1][1]);
    }
    if (tool === "zone") {
      document.getElementById("id_zone-points").value = clicks.map(function (p) { return r(p[0]) + "," + r(p[1]); }).join(";");
    }
  }
  if (svg) {
    svg.addEventListener("click", function (event) {
      const box = svg.getBoundingClientRect();
      const point = [(event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height];
      const tool = document.querySelector("input[name=tool]:checked").value;
      if (tool === "line" && clicks.length === 2) clicks = [];
      clicks.push(point);
      fill();
      redraw();
    });
  }
  document.querySelectorAll("input[name=tool]").forEach(function (input) {
    input.addEventListener("change", function () { clicks = []; redraw(); });
  });
  document.getElementById("clear-drawing").addEventListener("click", function () { clicks = []; redraw(); });
  redraw();
  document.body.dataset.setupReady = "1";
})();
