// Chinese search that finds phrases (the search page of an edition whose search language is
// Chinese; added by tabbook/sphinxext/search_zh.py).
//
// Sphinx's Chinese index is segmented: its zh language cuts the text with jieba
// (`cut_for_search`: the dictionary's words, and the shorter words inside long ones) and
// keeps the words of two characters or more. The query was not: searchtools.js splits it at
// spaces and punctuation only, so 验证损失 was looked up as one word that no page has
// ("没有匹配到文档") though the page says 验证损失 (indexed as 验证 and 损失).
//
// Here each run of Chinese characters of the query is cut the way the index was, with the
// index's own words (no dictionary to download): as one page of the book has the text cut,
// the cut that leaves the fewest characters outside a word, then the one with the fewest
// (so the longest) words. A page matches when it has every word. The characters outside
// every index word are left out of the query: the index holds no word of one character (a
// page's 的, 在 or 小, which jieba cuts alone), so they cannot be looked up, and a phrase the
// page has is found whatever they are. (A query of which nothing is in the index is looked
// up as typed, and found nowhere.) Everything else (Latin words, numbers) is split as
// searchtools.js splits it.
(function () {
  "use strict";

  var HAN = /\p{Script=Han}+/gu;
  var HAS_HAN = /\p{Script=Han}/u;
  var WORDS = null; // the index's Chinese words: word -> the pages that have it
  var longest = 0;
  var pages = 0;

  function indexWords() {
    if (WORDS) return WORDS;
    var index = typeof Search !== "undefined" ? Search._index : null;
    if (!index) return null; // (not loaded yet: split as searchtools.js does)
    WORDS = new Map();
    pages = (index.docnames || []).length;
    [index.terms, index.titleterms].forEach(function (table) {
      Object.keys(table || {}).forEach(function (word) {
        if (!HAS_HAN.test(word)) return;
        var where = WORDS.get(word) || new Set();
        [].concat(table[word]).forEach(function (page) { where.add(page); });
        WORDS.set(word, where);
        longest = Math.max(longest, Array.from(word).length);
      });
    });
    return WORDS;
  }

  // `run` (Chinese characters only) cut into the words of page `page`: the cut that leaves
  // the fewest characters out, then the one with the fewest words: [left out, words].
  function cut(run, page) {
    var chars = Array.from(run);
    // best[i]: the best cut of the first i characters, [left out, words, previous i, word]
    var best = [[0, 0, -1, null]];
    for (var i = 1; i <= chars.length; i++) {
      var prev = best[i - 1];
      var choice = [prev[0] + 1, prev[1], i - 1, null]; // (the i-th character left out)
      for (var len = Math.min(longest, i); len >= 2; len--) {
        var word = chars.slice(i - len, i).join("");
        var where = WORDS.get(word);
        if (!where || !where.has(page)) continue;
        var from = best[i - len];
        if (from[0] < choice[0] || (from[0] === choice[0] && from[1] + 1 < choice[1])) {
          choice = [from[0], from[1] + 1, i - len, word];
        }
      }
      best[i] = choice;
    }
    var words = [];
    for (var at = chars.length; at > 0; at = best[at][2]) {
      if (best[at][3] !== null) words.unshift(best[at][3]);
    }
    return [best[chars.length][0], words];
  }

  // The Chinese runs of the query cut as one page of the book cut them: the page whose words
  // leave the fewest characters out (then make the fewest words). (jieba cuts a text by
  // its context: 这一章中的一节 may be 这一 or 一章 on different pages; the words of one
  // page are a cut that page has.)
  function cutRuns(runs) {
    var best = null;
    for (var page = 0; page < pages; page++) {
      var out = 0;
      var words = [];
      runs.forEach(function (run) {
        var c = cut(run, page);
        out += c[0];
        words.push(c[1]);
      });
      var count = words.reduce(function (n, w) { return n + w.length; }, 0);
      if (!best || out < best.out || (out === best.out && count < best.count)) {
        best = { out: out, count: count, words: words };
      }
    }
    return best ? best.words : runs.map(function () { return []; });
  }

  // searchtools.js's own split (Sphinx 7.4), then the Chinese runs cut
  function splitChinese(query) {
    var terms = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
      .filter(function (term) { return term; });
    if (!indexWords() || !WORDS.size || !terms.some(function (t) { return HAS_HAN.test(t); })) {
      return terms;
    }
    // each term as its pieces: a Latin (or number) piece as it is, a Chinese run to be cut
    var pieces = [];
    var runs = [];
    terms.forEach(function (term) {
      var last = 0;
      term.replace(HAN, function (run, offset) {
        if (offset > last) pieces.push(term.slice(last, offset));
        pieces.push(runs.length);
        runs.push(run);
        last = offset + run.length;
        return run;
      });
      if (last < term.length) pieces.push(term.slice(last));
    });
    var cuts = cutRuns(runs);
    var out = [];
    pieces.forEach(function (piece) {
      if (typeof piece === "string") out.push(piece);
      else out.push.apply(out, cuts[piece]);
    });
    // (nothing the index has: searched as typed, and found nowhere)
    return out.length ? out : terms;
  }

  // searchtools.js calls the global splitQuery (a `var`: this replaces it, whichever script
  // ran first) when it runs a query, after the index has loaded
  window.splitQuery = splitChinese;
})();
