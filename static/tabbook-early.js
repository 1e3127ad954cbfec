// The reader's framework, applied before the page is painted.
//
// tabbook/reader.py inlines this file at the top of every page's <head> (not deferred,
// not a separate request), in a <script> whose data attributes come from the
// framework table (tabbook/frameworks.py): data-frameworks (the sync ids, in table
// order), data-group (sphinx-design's sync group) and data-storage-prefix
// (sphinx-design's localStorage key prefix, `sphinx-design-tab-id-`).
//
// It picks the framework from `?framework=` (any case: `?framework=TensorFlow`),
// else from the choice sphinx-design 0.8 stored, and marks <html> with the classes
// `tabbook-fw-<name>` and `tabbook-fw-early`. CSS keyed on them (also written by
// reader.py) shows that framework's tabs until sphinx-design's design-tabs.js has set
// the radio inputs at DOMContentLoaded, which waits for every deferred script
// (MathJax, ...). tabbook-reader.js then removes `tabbook-fw-early`.
//
// `?framework=` is rewritten to the framework's own name, or removed when it names no
// framework: design-tabs.js stores whatever the URL says, and an unknown value must
// neither change the tabs nor overwrite the reader's stored choice.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var names = JSON.parse(script.getAttribute("data-frameworks") || "[]");
  var group = script.getAttribute("data-group") || "";
  var prefix = script.getAttribute("data-storage-prefix") || "";

  function known(value) {
    if (!value) return null;
    var lower = String(value).trim().toLowerCase();
    return names.indexOf(lower) >= 0 ? lower : null;
  }

  var chosen = null;
  try {
    var url = new URL(window.location.href);
    if (url.searchParams.has(group)) {
      chosen = known(url.searchParams.get(group));
      if (chosen) {
        url.searchParams.set(group, chosen);
      } else {
        url.searchParams.delete(group);
      }
      if (url.href !== window.location.href) {
        window.history.replaceState(window.history.state, "", url.href);
      }
    }
  } catch (err) {
    // no URL API or history: sphinx-design still reads the parameter
  }
  if (!chosen && prefix) {
    try {
      chosen = known(window.localStorage.getItem(prefix + group));
    } catch (err) {
      chosen = null; // storage blocked: the first framework shows
    }
  }
  if (chosen) {
    var root = document.documentElement;
    root.classList.add("tabbook-fw-" + chosen, "tabbook-fw-early");
    root.setAttribute("data-tabbook-framework", chosen);
  }
})();
