// Trajectory charts of the outcomes page. Data comes from a JSON <script type="application/json">
// (json_script), never from inline code, so a strict CSP holds. Significant changes are drawn as
// larger rotated squares; the table under each chart says the same in words.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("trajectory-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    data.forEach(function (t) {
      var canvas = document.getElementById("chart-" + t.instrument);
      if (!canvas) { return; }
      new Chart(canvas, {
        type: "line",
        data: {
          labels: t.labels,
          datasets: [{
            label: t.label,
            data: t.scores,
            borderColor: "#0d6efd",
            backgroundColor: t.significant.map(function (s) { return s ? "#dc3545" : "#0d6efd"; }),
            pointRadius: t.significant.map(function (s) { return s ? 8 : 4; }),
            pointStyle: t.significant.map(function (s) { return s ? "rectRot" : "circle"; }),
            tension: 0
          }]
        },
        options: {
          animation: false,
          locale: document.documentElement.lang || "en",
          scales: { y: { min: 0, max: t.max }, x: { reverse: rtl } },
          plugins: { legend: { display: false } }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
