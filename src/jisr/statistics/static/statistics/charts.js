// Draws every chart whose data the page passed with json_script (no inline script: strict CSP ready).
// <canvas data-chart="ID"> reads <script type="application/json" id="ID">{type, labels, datasets, stacked,
// horizontal}</script>. Category charts are horizontal bars: their labels (forms of exploitation, services,
// instruments) are long, so they are wrapped on several lines beside their bar and the chart grows with
// the number of bars instead of squeezing or clipping them (readable on a 390 px phone as at 1366 px).
(function () {
  "use strict";

  // Split `label` into lines of at most `width` characters, at spaces (a longer word stays whole).
  function wrap(label, width) {
    var words = String(label).split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.length > 1 ? lines : lines[0] || "";
  }

  function draw() {
    if (typeof Chart === "undefined") { return; }
    var rtl = document.documentElement.dir === "rtl";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var box = canvas.parentElement;
      // Label width in characters: about a third of the chart's width (14 on a 390 px phone).
      var chars = Math.max(14, Math.min(40, Math.floor((box ? box.clientWidth : window.innerWidth) / 22)));
      var horizontal = !!spec.horizontal;
      // A vertical chart fills its box (CSS gives it its height); on a narrow screen its legend goes
      // below the plot with small boxes, so that it does not eat the plot's height.
      var fill = !horizontal && !!box && box.classList.contains("chart-box-vertical");
      var narrow = (box ? box.clientWidth : window.innerWidth) < 576;
      var labels = spec.labels;
      if (horizontal) {
        labels = spec.labels.map(function (label) { return wrap(label, chars); });
        // Every category gets the same slot: room for the longest label's lines and for its bars, plus
        // the value axis and the legend.
        var lines = labels.reduce(function (n, l) { return Math.max(n, Array.isArray(l) ? l.length : 1); }, 1);
        var slot = Math.max(lines * 15 + 8, Math.max(1, spec.datasets.length) * 14 + 10);
        box.style.height = Math.max(160, labels.length * slot + (spec.datasets.length > 1 ? 90 : 50)) + "px";
      }
      var valueAxis = { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
      var categoryAxis = { stacked: !!spec.stacked, ticks: { autoSkip: !horizontal } };
      var scales = horizontal
        ? { x: Object.assign(valueAxis, { reverse: rtl }), y: Object.assign(categoryAxis, { position: rtl ? "right" : "left" }) }
        : { x: Object.assign(categoryAxis, { reverse: rtl, ticks: { autoSkip: true, maxRotation: 60 } }), y: valueAxis };
      new Chart(canvas, {
        type: spec.type,
        data: { labels: labels, datasets: spec.datasets },
        options: {
          animation: false,
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: !horizontal && !fill,
          responsive: true,
          locale: document.documentElement.lang,
          plugins: {
            legend: {
              rtl: rtl,
              display: spec.datasets.length > 1,
              position: narrow && !horizontal ? "bottom" : "top",
              labels: narrow ? { boxWidth: 12, boxHeight: 12, padding: 6, font: { size: 11 } } : {}
            },
            tooltip: {
              rtl: rtl,
              callbacks: { title: function (items) { return items.length ? spec.labels[items[0].dataIndex] : ""; } }
            }
          },
          scales: scales
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
