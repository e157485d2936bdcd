/* global document, window, uPlot */
// The overview's 30-day chart (docs/dashboard.md#overview). The page works without it: the same
// figures are in the table below, which this script folds away once the chart is drawn.
(function () {
  "use strict";
  var holder = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || typeof uPlot !== "function") return;
  var data;
  try {
    data = JSON.parse(source.textContent || "");
  } catch (e) {
    return;
  }
  var rupiah = function (v) {
    return v == null ? "-" : "Rp" + Math.round(v).toLocaleString("id-ID");
  };
  var short = function (v) {
    if (v >= 1e9) return (v / 1e9).toLocaleString("id-ID", { maximumFractionDigits: 1 }) + " M";
    if (v >= 1e6) return (v / 1e6).toLocaleString("id-ID", { maximumFractionDigits: 1 }) + " jt";
    if (v >= 1e3) return (v / 1e3).toLocaleString("id-ID", { maximumFractionDigits: 0 }) + " rb";
    return String(v);
  };
  var width = function () {
    return Math.max(320, holder.clientWidth);
  };
  var opts = {
    width: width(),
    height: 280,
    tzDate: function (ts) {
      return uPlot.tzDate(new Date(ts * 1e3), "Asia/Jakarta");
    },
    scales: { x: { time: true }, rp: {}, n: {} },
    series: [
      { label: data.labels.day },
      {
        label: data.labels.volume,
        scale: "rp",
        stroke: "#0b6e4f",
        fill: "rgba(11,110,79,0.25)",
        paths: uPlot.paths.bars({ size: [0.7, 60] }),
        value: function (u, v) {
          return rupiah(v);
        },
      },
      {
        label: data.labels.margin,
        scale: "rp",
        stroke: "#1f5fa8",
        width: 2,
        value: function (u, v) {
          return rupiah(v);
        },
      },
      { label: data.labels.count, scale: "n", stroke: "#a85d00", width: 2, dash: [6, 4] },
    ],
    axes: [
      {},
      {
        scale: "rp",
        values: function (u, vals) {
          return vals.map(short);
        },
        size: 70,
      },
      { scale: "n", side: 1, grid: { show: false } },
    ],
  };
  var plot = new uPlot(opts, [data.days, data.volume, data.margin, data.count], holder);
  var table = document.getElementById("chart-table");
  if (table) table.removeAttribute("open");
  window.addEventListener("resize", function () {
    plot.setSize({ width: width(), height: 280 });
  });
})();
