/* Printing an issue: every chart drawn at the printable width, in the light palette, its legend
 * shown; restored when the print is done.
 *
 * A chart keeps the width it was drawn at on screen, so without this a wide window prints it cut
 * at the right margin (the newest weeks lost) and a phone prints it small. The browser's own
 * print (beforeprint/afterprint, and matchMedia('print') for browsers that only report that) and
 * `weekly pdf` (which calls wkPrint.prepare() and waits for it) take the same path.
 * The printable width is measured from a probe sized in print.css's units (--wk-print-width).
 */
(function () {
  "use strict";
  var saved = null;    // what prepare() changed, for restore()

  function plots() {
    return Array.prototype.slice.call(document.querySelectorAll(".wk-plot[data-figure]"));
  }

  function printableWidth() {
    var probe = document.createElement("div");
    probe.style.cssText = "position:absolute;visibility:hidden;width:var(--wk-print-width, 180mm);height:0";
    document.body.appendChild(probe);
    var width = probe.getBoundingClientRect().width;
    probe.remove();
    return Math.floor(width) - 2;
  }

  function drawn(el) {
    return !!(el._fullLayout && el.getAttribute("data-rendered"));
  }

  function relayoutForPrint(el, width) {
    var figure = el._figure || {};
    // Two time-series charts to a page; the stock chart keeps the height its bars need.
    var height = (figure.layout && figure.layout.height) || Math.round(width * 0.42);
    var traces = (el.data || []).length;
    return Plotly.relayout(el, {
      autosize: false, width: width, height: height,
      // Legends below the plot, with room reserved for them: a printed chart cannot be hovered.
      showlegend: traces > 1 && !(figure.layout && figure.layout.showlegend === false),
      "legend.orientation": "h", "legend.y": -0.14, "legend.yanchor": "top", "legend.x": 0,
      "margin.r": 24
    });
  }

  /* Everything the printed page needs: tables open, light palette, charts at the printable width.
   * Returns a promise that resolves when every chart is drawn at that width. */
  function prepare() {
    if (saved) return saved.done;
    saved = { scheme: document.body.getAttribute("data-md-color-scheme"), closed: [], layouts: [] };
    // charts.js leaves the charts to this script until restore() (its resize redraws would put the
    // screen layout back while the page is laid out for print).
    document.documentElement.setAttribute("data-wk-print", "preparing");
    document.querySelectorAll("details.wk-table:not([open])").forEach(function (d) {
      saved.closed.push(d);
      d.open = true;
    });
    if (saved.scheme && saved.scheme !== "default") document.body.setAttribute("data-md-color-scheme", "default");
    // charts.js fetches plotly.js only when a chart nears the viewport: wkCharts.drawAll fetches it
    // now and draws every chart, then each is laid out at the printable width.
    var all = window.wkCharts && window.wkCharts.drawAll ? window.wkCharts.drawAll() : Promise.resolve();
    saved.done = Promise.resolve(all).catch(function () {}).then(function () {
      if (typeof Plotly === "undefined") return;
      var width = printableWidth();
      return Promise.all(plots().map(function (el) {
        return whenDrawn(el).then(function () {
          saved.layouts.push(el);
          return relayoutForPrint(el, width);
        });
      }));
    }).then(function () { document.documentElement.setAttribute("data-wk-print", "ready"); });
    return saved.done;
  }

  function whenDrawn(el) {
    return new Promise(function (resolve) {
      (function poll(tries) {
        if (drawn(el) || tries > 200) resolve();
        else setTimeout(function () { poll(tries + 1); }, 25);
      })(0);
    });
  }

  function restore() {
    if (!saved) return;
    var was = saved;
    saved = null;
    document.documentElement.removeAttribute("data-wk-print");
    was.closed.forEach(function (d) { d.open = false; });
    if (was.scheme && was.scheme !== "default") document.body.setAttribute("data-md-color-scheme", was.scheme);
    was.layouts.forEach(function (el) {
      var figure = el._figure || {};
      var layout = figure.layout || {};
      Plotly.relayout(el, {
        autosize: true, width: null, height: layout.height || (el.clientWidth < 500 ? 300 : 380),
        showlegend: layout.showlegend !== undefined ? layout.showlegend : (el.data || []).length > 1,
        "legend.y": -0.18, "legend.yanchor": null, "legend.x": null, "margin.r": 16
      }).then(function () { Plotly.Plots.resize(el); });
    });
  }

  window.wkPrint = { prepare: prepare, restore: restore };
  window.addEventListener("beforeprint", function () { prepare(); });
  window.addEventListener("afterprint", restore);
  if (window.matchMedia) {
    var query = window.matchMedia("print");
    var follow = function (e) { if (e.matches) prepare(); else restore(); };
    if (query.addEventListener) query.addEventListener("change", follow);
    else if (query.addListener) query.addListener(follow);
  }
})();
