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
  var HALF_DAY = 43200;
  // Day labels as in Indonesia (day/month), read in WIB whatever the browser's own zone.
  var dayLabel = function (ts) {
    var d = new Date((ts + 7 * 3600) * 1000);
    return d.getUTCDate() + "/" + (d.getUTCMonth() + 1);
  };
  var first = data.days[0];
  var last = data.days[data.days.length - 1];
  var opts = {
    width: width(),
    height: 280,
    tzDate: function (ts) {
      return uPlot.tzDate(new Date(ts * 1e3), "Asia/Jakarta");
    },
    scales: {
      // Half a day either side, so the first and last bars are drawn whole.
      x: {
        time: true,
        range: function () {
          return [first - HALF_DAY, last + HALF_DAY];
        },
      },
      // Bars and counts start at zero: a cut axis would make a small day look empty.
      rp: {
        range: function (u, min, max) {
          return [0, max > 0 ? max * 1.1 : 1];
        },
      },
      n: {
        range: function (u, min, max) {
          return [0, max > 0 ? Math.ceil(max * 1.1) : 1];
        },
      },
    },
    series: [
      {
        label: data.labels.day,
        value: function (u, ts) {
          return ts == null ? "-" : dayLabel(ts);
        },
      },
      {
        label: data.labels.volume,
        scale: "rp",
        stroke: "#0b6e4f",
        fill: "rgba(11,110,79,0.25)",
        paths: uPlot.paths.bars({ size: [0.7, 60] }),
        points: { show: false },
        value: function (u, v) {
          return rupiah(v);
        },
      },
      { label: data.labels.count, scale: "n", stroke: "#a85d00", width: 2, dash: [6, 4] },
    ],
    axes: [
      {
        values: function (u, splits) {
          return splits.map(dayLabel);
        },
      },
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
  var plot = new uPlot(opts, [data.days, data.volume, data.count], holder);
  var table = document.getElementById("chart-table");
  if (table) table.removeAttribute("open");
  window.addEventListener("resize", function () {
    plot.setSize({ width: width(), height: 280 });
  });
})();
