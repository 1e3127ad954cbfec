// Renders the book's formulas with KaTeX when the book is built (tabbook/stages/mathrender.py).
// One process serves a whole Sphinx run: each line of stdin is a JSON array of
// {tex, display}; each line of stdout answers it with a JSON array, in the same order, of
// {html} (KaTeX's HTML and MathML: htmlAndMathml) or {error} (KaTeX's message).
// Run with NODE_PATH pointing at the node_modules that holds the pinned katex.
"use strict";
const katex = require("katex");
const readline = require("readline");

function render(item) {
  try {
    return {html: katex.renderToString(item.tex, {
      displayMode: !!item.display,
      output: "htmlAndMathml",
      throwOnError: true,
      strict: "ignore",
      trust: false,
      // a fresh table per formula (a \gdef in one never reaches another). TeX's \mathop puts
      // its limits below in a display formula (D2L: \mathop{\mathrm{argmin}}_{y'}); KaTeX's
      // never does, its \operatorname* does as TeX does (beside them inline).
      macros: {"\\mathop": "\\operatorname*"},
    })};
  } catch (err) {
    return {error: String(err && err.message || err)};
  }
}

const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity, terminal: false});
lines.on("line", (line) => {
  let out;
  try {
    out = JSON.parse(line).map(render);
  } catch (err) {
    out = {fatal: String(err && err.message || err)};
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
