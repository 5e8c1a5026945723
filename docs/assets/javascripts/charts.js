/* Draws every chart on the page from its data-figure attribute.
 *
 * Material's instant navigation swaps the page body without a reload, so rendering hangs off
 * Material's document$ observable, which fires on the first load and after every navigation.
 * Figures carry no template: theme, fonts and colours are applied here, once, and re-applied
 * when the reader toggles the light/dark palette.
 */
(function () {
  "use strict";
  var COLORWAY = ["#c92a2a", "#1971c2", "#e67700", "#2b8a3e", "#862e9c", "#0b7285", "#5f3dc4", "#a61e4d", "#5c940d", "#495057"];

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function theme() {
    var fg = dark() ? "#e3e6ed" : "#1f2328";
    var grid = dark() ? "rgba(255,255,255,0.12)" : "rgba(0,0,0,0.08)";
    return {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif", size: 12, color: fg },
      colorway: COLORWAY,
      margin: { l: 56, r: 16, t: 12, b: 48 },
      legend: { orientation: "h", y: -0.18 },
      hoverlabel: { namelength: -1 },
      xaxis: { gridcolor: grid, linecolor: grid, zerolinecolor: grid },
      yaxis: { gridcolor: grid, linecolor: grid, zerolinecolor: grid }
    };
  }

  function merge(base, over) {
    var out = {};
    Object.keys(base).forEach(function (k) { out[k] = base[k]; });
    Object.keys(over || {}).forEach(function (k) {
      var b = out[k], o = over[k];
      out[k] = (b && o && typeof b === "object" && typeof o === "object" && !Array.isArray(o)) ? merge(b, o) : o;
    });
    return out;
  }

  function draw(el) {
    var figure;
    try {
      figure = JSON.parse(el.getAttribute("data-figure"));
    } catch (e) {
      el.textContent = "图表数据无法读取";
      return;
    }
    el._figure = figure;
    var layout = merge(theme(), figure.layout || {});
    if (!layout.height) layout.height = el.clientWidth < 500 ? 300 : 380;
    Plotly.newPlot(el, figure.data, layout, {
      responsive: true, displaylogo: false,
      // plotly.js defaults topojsonURL to its CDN; geo traces are not in our bundle, but no
      // setting may point a reader's browser at an outside host.
      topojsonURL: document.baseURI,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]
    }).then(function () { el.setAttribute("data-rendered", "true"); });
    if (window.ResizeObserver && !el._observer) {
      // Tabs and collapsed blocks give a chart its size only later; follow its container.
      el._observer = new ResizeObserver(function () { if (el.offsetParent) Plotly.Plots.resize(el); });
      el._observer.observe(el);
    }
  }

  function restyle() {
    document.querySelectorAll(".wk-plot[data-rendered]").forEach(function (el) {
      Plotly.relayout(el, theme());
      if (el._figure && el._figure.layout) Plotly.relayout(el, el._figure.layout);
    });
  }

  function renderAll() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll(".wk-plot[data-figure]").forEach(draw);
  }

  // For print.js: draw every chart not drawn yet (a printed page shows them all).
  window.wkCharts = {
    drawAll: function () {
      if (typeof Plotly !== "undefined") document.querySelectorAll(".wk-plot[data-figure]:not([data-rendered])").forEach(draw);
    }
  };

  new MutationObserver(function (records) {
    if (records.some(function (r) { return r.attributeName === "data-md-color-scheme"; })) restyle();
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  if (window.document$) {
    window.document$.subscribe(renderAll);
  } else {
    document.addEventListener("DOMContentLoaded", renderAll);
  }
})();
