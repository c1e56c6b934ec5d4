// congdoan — the dashboard's two charts, drawn with the vendored Chart.js from the figures
// the page carries in <script type="application/json" id="dashboard-data"> (no inline
// script). Every figure is also written in the page's cards and table, so the page reads the
// same without this file.
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "vi").slice(0, 2);
  var marks = lang === "vi" ? { thousands: ".", decimal: "," } : { thousands: ",", decimal: "." };
  // The status colours of dashboard.css; the label is always shown beside the colour.
  var COLOURS = {
    met: "#1b6e3a",
    on_track: "#0b4f8a",
    at_risk: "#c98a00",
    behind: "#c8102e",
    no_target: "#96a0ac",
    no_data: "#96a0ac"
  };

  // 63000 → "63.000", 72.55 → "72,6" (Vietnamese); the same marks as the server's.
  function format(value, digits) {
    if (value === null || value === undefined || isNaN(value)) return "—";
    var fixed = Math.abs(value).toFixed(digits);
    var parts = fixed.split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, marks.thousands);
    var text = parts.length > 1 ? whole + marks.decimal + parts[1] : whole;
    return (value < 0 ? "-" : "") + text;
  }

  function figure(value, measure) {
    return measure === "percent" ? format(value, 1) + " %" : format(value, 0);
  }

  function lineChart(canvas, line) {
    var ink = "#1d2733";
    var band = "rgba(201, 138, 0, 0.18)";
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: line.labels,
        datasets: [
          // The band first: `fill: "-1"` on the high series fills down to the low one.
          { label: line.names.low, data: line.low, borderWidth: 0, pointRadius: 0,
            borderColor: band, backgroundColor: band, fill: false, order: 4 },
          { label: line.names.high, data: line.high, borderWidth: 0, pointRadius: 0,
            borderColor: band, backgroundColor: band, fill: "-1", order: 4 },
          { label: line.names.target, data: line.target, borderColor: "#5b6776",
            borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false, order: 2 },
          { label: line.names.forecast, data: line.forecast, borderColor: "#c98a00",
            borderDash: [2, 3], borderWidth: 2, pointRadius: 0, fill: false, order: 3 },
          { label: line.names.actual, data: line.actual, borderColor: "#0b4f8a",
            backgroundColor: "#0b4f8a", borderWidth: 3, pointRadius: 2, fill: false, order: 1 }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        spanGaps: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: {
            position: "bottom",
            labels: {
              color: ink,
              // The band's two edges are one thing to the reader: one legend entry.
              filter: function (item) { return item.datasetIndex !== 0; },
              generateLabels: function (chart) {
                var items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
                items.forEach(function (item) {
                  if (item.datasetIndex === 1) item.text = line.names.band || line.names.high;
                });
                return items;
              }
            }
          },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + figure(ctx.parsed.y, line.measure);
              }
            }
          }
        },
        scales: {
          x: { ticks: { color: ink, maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
          y: { ticks: { color: ink, callback: function (v) { return figure(v, line.measure); } } }
        }
      }
    });
  }

  function barChart(canvas, bars) {
    var box = canvas.parentNode;
    // One row per unit, whatever the screen: the box grows with the number of units.
    box.style.height = Math.max(160, 28 * bars.values.length + 60) + "px";
    var colours = bars.statuses.map(function (s) { return COLOURS[s] || COLOURS.no_target; });
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: bars.labels,
        datasets: [{ label: bars.name, data: bars.values, backgroundColor: colours,
                     borderWidth: 0, barPercentage: 0.8 }]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var status = bars.status_labels[bars.statuses[ctx.dataIndex]] || "";
                return format(ctx.parsed.x, 1) + " % · " + status;
              }
            }
          }
        },
        scales: {
          x: { beginAtZero: true, suggestedMax: 100,
               ticks: { callback: function (v) { return format(v, 0) + " %"; } } },
          y: { ticks: { autoSkip: false, callback: function (value) {
            var label = this.getLabelForValue(value);
            return label.length > 28 ? label.slice(0, 27) + "…" : label;
          } } }
        }
      }
    });
  }

  // On a phone the figures come first: the question folds away unless it went wrong.
  function foldQuestion() {
    var question = document.getElementById("question");
    var narrow = window.matchMedia && window.matchMedia("(max-width: 48rem)").matches;
    if (question && narrow && !question.hasAttribute("data-keep-open")) question.open = false;
  }

  function draw() {
    foldQuestion();
    var source = document.getElementById("dashboard-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var trend = document.getElementById("trend-chart");
    if (trend && data.line) charts.push(lineChart(trend, data.line));
    var children = document.getElementById("children-chart");
    if (children && data.bars && data.bars.values.length) charts.push(barChart(children, data.bars));
    // For tests and the print stylesheet: how many charts were drawn.
    document.documentElement.dataset.charts = String(charts.length);
    // Paper is narrower than the screen: redraw to the printed width, and back.
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    window.addEventListener("afterprint", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
