// Draws every chart whose data the page passed with json_script (no inline script: strict CSP ready).
// <canvas data-chart="ID"> reads <script type="application/json" id="ID">{type, labels, datasets, stacked}</script>.
(function () {
  "use strict";
  function draw() {
    if (typeof Chart === "undefined") { return; }
    var rtl = document.documentElement.dir === "rtl";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      new Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          animation: false,
          locale: document.documentElement.lang,
          plugins: { legend: { rtl: rtl, display: spec.datasets.length > 1 }, tooltip: { rtl: rtl } },
          scales: {
            x: { stacked: !!spec.stacked, reverse: rtl },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
