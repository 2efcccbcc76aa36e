/* Roadmap dashboard charts. Data comes from the page's json_script element (no inline script). */
(function () {
  "use strict";
  var COLOURS = { planned: "#6c757d", in_progress: "#0d6efd", done: "#198754", blocked: "#dc3545", dropped: "#343a40" };

  function draw(canvasId, block, rtl) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || !window.Chart || !block) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: block.labels,
        datasets: block.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: COLOURS[s.key] || "#999", stack: "status" };
        })
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || "ar",
        scales: {
          x: { stacked: true, beginAtZero: true, reverse: rtl, ticks: { precision: 0 } },
          y: { stacked: true, position: rtl ? "right" : "left" }
        },
        plugins: { legend: { rtl: rtl, position: "bottom" }, tooltip: { rtl: rtl } }
      }
    });
  }

  function start() {
    var source = document.getElementById("roadmap-chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    draw("chart-areas", data.areas, rtl);
    draw("chart-countries", data.countries, rtl);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
