/* Search worker: Material's own (its URL after the "#"), with the reader's query cut the way the
   index was built (generators/search.py) and the results ranked by how much of the query a page holds.

   - A query word is cut into units: each figure with its unit (9亿, 52.15%, sign dropped), each
     Latin or number piece, and each Han run as its overlapping two-character pieces (one piece for
     one or two characters; a longer run is also searched whole). The index holds the pieces that
     jieba's words do not start with in its hidden `grams` field, so 安永 in 受安永 is found.
   - Pages that hold more of the query come first (英伟达 财报: the issue with both above the 财报
     tag page); then pages with a heading that holds more of it (the company's own page); then
     issues before other pages, and among issues equal so far the newer first; then lunr's score
     (without the recency boost).
   - A result whose text has no highlighted word (the match was in `grams`) shows the paragraph
     that holds the query, marked, instead of the start of its section.
   Material's worker reads queries through lunr.QueryParser; that one constructor is replaced so it
   parses our query instead of Material's own Chinese segmentation of it. See docs/maintainers/search.md. */
(function () {
  "use strict";
  var SETUP = 0, QUERY = 2, RESULT = 3;
  var HAN = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/, IS_HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  var FIGURE = /(?<![0-9A-Za-z.])(\d+(?:\.\d+)?)[ \u00a0]?(%|万亿|亿|万|倍)/g;   // as in generators/search.py
  var SPECIAL = /[:^~*+\-\\]/g;                                          // lunr query syntax
  var separator = /[\s\u200b]+/;
  var aliases = {}, groups = [];   // name → its group; group → every name of one entity (from the index)
  var pending = [];     // query plans, in the order their results will be posted
  var current = null;   // the lunr query of the message being handled

  /* One query word → its units (what coverage counts) and its longer Han runs (searched whole too). */
  function cut(word) {
    var units = [], runs = [];
    function add(list, piece) {
      piece = piece.toLowerCase().replace(SPECIAL, "");
      if (piece && list.indexOf(piece) < 0) list.push(piece);
    }
    word = word.replace(FIGURE, function (figure, number, unit) { add(units, number + unit); return " "; });
    word.split(separator).forEach(function (chunk) {
      chunk.split(HAN).forEach(function (part) {
        if (!part) return;
        if (!IS_HAN.test(part)) { add(units, part); return; }
        if (part.length <= 2) { add(units, part); return; }
        for (var i = 0; i + 1 < part.length; i++) add(units, part.slice(i, i + 2));
        add(runs, part);
      });
    });
    return { units: units, runs: runs };
  }

  function key(name) { return name.normalize("NFKC").toLowerCase().replace(/[\s\u200b]+/g, ""); }

  /* A query → its words, each with the ways it can be held (its own units, or those of another
     name of the same company, product or GPU: 海螺AI is MiniMax), and the lunr query string. */
  function plan(value) {
    value = value.normalize("NFKC").trim();
    var words = aliases[key(value)] !== undefined ? [value.replace(/\s+/g, "")] : value.split(/\s+/);
    var terms = [];
    function use(t) { if (terms.indexOf(t) < 0) terms.push(t); }
    var planned = words.filter(Boolean).map(function (word) {
      var names = [word], group = aliases[key(word)];
      if (group !== undefined) names = names.concat(groups[group]);
      var ways = names.map(cut).filter(function (c) { return c.units.length; });
      ways.forEach(function (c) { c.units.forEach(use); c.runs.forEach(use); });
      ways.word = word;
      return ways;
    }).filter(function (ways) { return ways.length; });
    return { words: planned, marks: terms, query: terms.length ? terms.map(function (t) { return t + "*"; }).join(" ") : null };
  }

  /* How much of the query a result page holds: per word, the best share of one way's units. */
  function coverage(group, words) {
    function held(u) { return group.some(function (item) { return item.terms && item.terms[u] === true; }); }
    return words.reduce(function (sum, ways) {
      return sum + Math.max.apply(null, ways.map(function (c) { return c.units.filter(held).length / c.units.length; }));
    }, 0);
  }

  /* How many query words one of the page's headings holds whole (in one of their ways). */
  function titled(group, words) {
    var titles = group.map(function (item) {
      return key(String(item.title || "").replace(/<[^>]*>/g, ""));
    });
    return words.filter(function (ways) {
      return ways.some(function (c) {
        return titles.some(function (t) { return c.units.every(function (u) { return t.indexOf(u) >= 0; }); });
      });
    }).length;
  }

  /* Material lists what a result lacks (缺少): name the reader's words the page lacks, not their
     pieces or the other names they were searched by. */
  function lacking(group, words) {
    function held(u) { return group.some(function (item) { return item.terms && item.terms[u] === true; }); }
    var lacks = words.filter(function (ways) {
      return !ways.some(function (c) { return c.units.every(held); });
    }).map(function (ways) { return ways.word; });
    group.forEach(function (item) {
      var terms = {};
      Object.keys(item.terms || {}).forEach(function (t) { if (item.terms[t]) terms[t] = true; });
      lacks.forEach(function (w) { terms[w] = false; });
      item.terms = terms;
    });
  }

  function base(item) { return item.score / (item.boost || 1); }

  function date(group) {
    var m = /^issues\/(\d{4}-\d{2}-\d{2})\//.exec(group[0].location);
    return m ? m[1] : "";
  }

  /* The paragraph or list item of `text` that holds one of `words`, that word marked; or null. */
  function snippet(text, words) {
    var blocks = text.split(/<\/?(?:p|li|ul|ol)\b[^>]*>/);
    for (var w = 0; w < words.length; w++) {
      var chars = Array.from(words[w]).map(function (c) { return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
      var pattern = new RegExp(chars.join("\u200b?"), "i");
      for (var b = 0; b < blocks.length; b++) {
        var m = pattern.exec(blocks[b]);
        if (m && !/[<>]/.test(m[0])) {
          var block = blocks[b];
          return "<p>" + block.slice(0, m.index) + "<mark>" + m[0] + "</mark>" + block.slice(m.index + m[0].length) + "</p>";
        }
      }
    }
    return null;
  }

  function rerank(result, p) {
    if (!p.words.length || !result || !result.items) return result;
    var longest = p.marks.slice().sort(function (a, b) { return b.length - a.length; });
    var ranked = result.items.map(function (group, order) {
      group.forEach(function (item) {
        if (typeof item.text === "string" && item.text.indexOf("<mark>") < 0 && item.score > 0) {
          var better = snippet(item.text, longest);
          if (better) item.text = better;
        }
      });
      var ranked = { group: group, held: coverage(group, p.words), best: Math.max.apply(null, group.map(base)),
                     titled: titled(group, p.words), date: date(group), order: order };
      lacking(group, p.words);
      return ranked;
    });
    ranked.sort(function (a, b) {
      if (Math.abs(a.held - b.held) > 1e-9) return b.held - a.held;
      if (a.titled !== b.titled) return b.titled - a.titled;
      if (!a.date !== !b.date) return a.date ? -1 : 1;
      if (a.date !== b.date) return a.date < b.date ? 1 : -1;
      if (Math.abs(a.best - b.best) > 1e-9 * Math.max(a.best, b.best)) return b.best - a.best;
      return a.order - b.order;
    });
    result.items = ranked.map(function (r) { return r.group; });
    return result;
  }

  /* Material's worker registers one message listener and answers with postMessage. */
  var listen = self.addEventListener.bind(self), post = self.postMessage.bind(self);
  self.addEventListener = function (type, handler, options) {
    if (type !== "message") return listen(type, handler, options);
    return listen(type, function (ev) {
      var message = ev.data;
      if (message && message.type === SETUP) {
        var config = message.data.config;
        if (config.separator) separator = new RegExp(config.separator);
        groups = config.aliases || [];
        groups.forEach(function (names, i) { names.forEach(function (n) { aliases[key(n)] = i; }); });
      }
      if (!message || message.type !== QUERY) return handler.call(this, ev);
      var p = plan(String(message.data));
      pending.push(p);
      current = p.query;
      try {
        return handler.call(this, ev);    // Material searches synchronously within this call
      } finally {
        current = null;
      }
    }, options);
  };
  self.postMessage = function (message) {
    if (message && message.type === RESULT) {
      var p = pending.shift();
      if (p) message = { type: RESULT, data: rerank(message.data, p) };
    }
    return post(message);
  };

  importScripts(decodeURIComponent(self.location.hash.slice(1)));

  var Parser = self.lunr.QueryParser;
  function WeeklyParser(str, query) { Parser.call(this, current !== null ? current : str, query); }
  WeeklyParser.prototype = Parser.prototype;
  Object.keys(Parser).forEach(function (key) { WeeklyParser[key] = Parser[key]; });
  self.lunr.QueryParser = WeeklyParser;
})();
