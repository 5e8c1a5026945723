/* Draws every chart on the page from its data-figure attribute, as it approaches the viewport.
 *
 * Material's instant navigation swaps the page body without a reload, so rendering hangs off
 * Material's document$ observable, which fires on the first load and after every navigation.
 * Figures carry no template: theme, fonts and colours are applied here, and applied again, from
 * the figure as written, when the reader toggles the light/dark palette.
 */
(function () {
  "use strict";
  var COLORWAY = ["#c92a2a", "#1971c2", "#e67700", "#2b8a3e", "#862e9c", "#0b7285", "#5f3dc4", "#a61e4d", "#5c940d", "#495057"];
  // Touch screens have no hover: Plotly would show its toolbar at all times, over the top right
  // corner of the plot, where the newest points are. There a reader pinches, drags and
  // double-taps to reset; the toolbar is for mouse users, shown on hover.
  var TOUCH = window.matchMedia && window.matchMedia("(hover: none)").matches;
  // plotly.js (self-hosted: mkdocs_plugin.VENDORED) is fetched when the first chart nears the
  // viewport, once per visit: its 370 KB and a 600 ms parse on a throttled phone stay off the
  // first paint and out of pages without a chart, or whose charts the reader never reaches.
  var PLOTLY = new URL("../vendor/plotly-basic-3.7.0.min.js", document.currentScript.src).href;
  var loading = null;

  function plotly() {
    if (window.Plotly) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = PLOTLY;
        script.onload = function () { keepPlotlyStyles(); resolve(); };
        script.onerror = function () { loading = null; reject(); };
        // In <body>, not <head>: instant navigation removes head elements the next page lacks.
        document.body.appendChild(script);
      });
    }
    return loading;
  }

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

  /* --- Plotly's global stylesheet across instant navigation -----------------------------------
   * plotly.js inserts its rules (absolute SVG layers, the modebar, hover labels) once, when it
   * loads, into <style id="plotly.js-style-global"> through CSSOM insertRule. Material's instant
   * navigation removes every <head> child the next page's HTML does not have, so after the first
   * in-site click that element is gone and nothing puts it back: layers stack, the modebar turns
   * into a band, a responsive chart grows without end. Copying plotly's rules into weekly.css
   * would tie our stylesheet to one plotly build; instead the rules are read back as text once
   * (re-inserting the element alone would not do: a <style> element's sheet is rebuilt from its
   * text when inserted, and insertRule'd rules are not in its text) and the element is restored
   * before every draw (Material emits document$ right after it swapped the head). */
  var kept = null;

  function keepPlotlyStyles() {
    var style = document.getElementById("plotly.js-style-global");
    if (!style || !style.sheet) return;
    kept = Array.prototype.map.call(style.sheet.cssRules, function (r) { return r.cssText; }).join("\n");
  }

  function restorePlotlyStyles() {
    if (kept === null || document.getElementById("plotly.js-style-global")) return;
    var style = document.createElement("style");
    style.id = "plotly.js-style-global";
    style.textContent = kept;
    document.head.appendChild(style);
  }

  /* --- Drawing --------------------------------------------------------------------------------
   * The plot's height is reserved by weekly.css (an explicit figure height by the block's own
   * style attribute), so drawing late moves nothing; the figure is drawn at that height. */
  function figureOf(el) {
    // Parsed afresh for every draw: Plotly writes into the objects it is given (ranges, uids).
    return JSON.parse(el.getAttribute("data-figure"));
  }

  function layoutOf(el, figure) {
    var layout = merge(theme(), figure.layout || {});
    layout.height = el.clientHeight || layout.height;
    return layout;
  }

  var CONFIG = {
    responsive: true, displaylogo: false, displayModeBar: TOUCH ? false : "hover",
    // plotly.js defaults topojsonURL to its CDN; geo traces are not in our bundle, but no
    // setting may point a reader's browser at an outside host.
    topojsonURL: document.baseURI,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]
  };

  // A chart being drawn, by the lazy queue or by wkCharts.drawAll (print, `weekly pdf`): the other
  // waits for the same draw instead of drawing it again over a layout already set for print.
  var drawing = new WeakMap();

  function draw(el) {
    if (!drawing.has(el)) {
      drawing.set(el, drawNow(el).then(function () { drawing.delete(el); }, function () { drawing.delete(el); }));
    }
    return drawing.get(el);
  }

  function drawNow(el) {
    if (!el.isConnected || el.hasAttribute("data-rendered")) return Promise.resolve();
    restorePlotlyStyles();
    var figure;
    try {
      figure = figureOf(el);
    } catch (e) {
      el.textContent = "图表数据无法读取";
      return Promise.resolve();
    }
    var width = el.clientWidth;
    return Plotly.newPlot(el, figure.data, layoutOf(el, figure), CONFIG).then(function () {
      el.setAttribute("data-rendered", "true");
      if (window.ResizeObserver) {
        // Tabs and collapsed blocks give a chart its size only later, a phone turns, a window is
        // resized: follow the container. Drawn anew, as on a direct load: Plots.resize (and react) kept the
        // margins a wrapped legend had pushed at the narrower width.
        new ResizeObserver(function () {
          if (!el.offsetParent || el.clientWidth === width) return;
          if (document.documentElement.hasAttribute("data-wk-print")) return;   // print.js lays it out for print
          width = el.clientWidth;
          var fresh = figureOf(el);
          Plotly.newPlot(el, fresh.data, layoutOf(el, fresh), CONFIG);
        }).observe(el);
      }
    });
  }

  // One chart per task: each draw is a long piece of main-thread work, and between two of them
  // the browser gets to paint, scroll and answer the reader's taps.
  var queue = [], busy = false;

  function enqueue(el) {
    if (queue.indexOf(el) < 0) queue.push(el);
    if (!busy) next();
  }

  function next() {
    var el = queue.shift();
    if (!el) { busy = false; return; }
    busy = true;
    plotly().then(function () {
      setTimeout(function () { draw(el).then(next, next); }, 0);
    }, function () { busy = false; queue.length = 0; });
  }

  var watcher = null;

  function watch(plots) {
    if (watcher) watcher.disconnect();
    queue.length = 0;
    if (!window.IntersectionObserver) { plots.forEach(enqueue); return; }
    // Drawn a screen ahead of the reader, so a chart is usually ready when it scrolls in.
    watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        watcher.unobserve(entry.target);
        enqueue(entry.target);
      });
    }, { rootMargin: "100% 0px" });
    plots.forEach(function (el) { watcher.observe(el); });
  }

  function plots() {
    return Array.prototype.slice.call(document.querySelectorAll(".wk-plot[data-figure]"));
  }

  function renderAll() {
    watch(plots());
  }

  // Printing (or saving as PDF) shows every chart, also those the reader never scrolled to
  // (if plotly.js has not arrived yet, no chart can be drawn in time: they print as blank boxes).
  window.addEventListener("beforeprint", function () {
    if (typeof Plotly === "undefined") return;
    restorePlotlyStyles();
    plots().forEach(function (el) {
      if (el.hasAttribute("data-rendered")) return;
      var figure = figureOf(el);
      Plotly.newPlot(el, figure.data, layoutOf(el, figure), CONFIG);
      el.setAttribute("data-rendered", "true");
    });
  });

  // The palette toggle: every drawn chart again from its figure as written, as a fresh draw
  // would (relayout with the theme alone lost the figure's axis settings and its height).
  function restyle() {
    document.querySelectorAll(".wk-plot[data-rendered]").forEach(function (el) {
      var figure = figureOf(el);
      Plotly.react(el, figure.data, layoutOf(el, figure), CONFIG);
    });
  }

  // For print.js (and `weekly pdf`): fetch plotly.js if it has not come yet, then draw every chart
  // not drawn yet (a printed page shows them all). Resolves when all are drawn.
  window.wkCharts = {
    drawAll: function () {
      return plotly().then(function () {
        return Promise.all(plots().filter(function (el) { return !el.hasAttribute("data-rendered"); }).map(draw));
      });
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
