// The reader's framework, applied before the page is painted, and the one helper every
// script of the book asks for it (window.tabbookFramework).
//
// tabbook/sphinxext/reader.py inlines this file at the top of every page's <head> (not deferred,
// not a separate request), in a <script> whose data attributes come from the
// framework table (tabbook/core/frameworks.py): data-frameworks (the sync ids, in table
// order), data-group (sphinx-design's sync group) and data-storage-prefix
// (sphinx-design's localStorage key prefix, `sphinx-design-tab-id-`).
//
// It picks the framework from `?framework=` (any case: `?framework=TensorFlow`),
// else from the choice sphinx-design 0.8 stored, and marks <html> with the classes
// `tabbook-fw-<name>` and `tabbook-fw-early` and the attribute data-tabbook-framework.
//
// First paint: as the parser adds each framework tab (a radio input and its label), the
// chosen framework's input is checked, so the tab-set is painted with that tab selected
// in the theme's own style (label and panel), not the first tab's. CSS keyed on the
// <html> classes (reader.py) shows the chosen panel too, should that not run. The
// theme's colours are set from the first paint as well: pydata-sphinx-theme leaves
// <html data-theme="auto"> (no colours defined) until its deferred script runs.
//
// A `?framework=` link shows that framework without changing the reader's stored
// choice: the parameter is taken off the address before sphinx-design's
// design-tabs.js (which stores whatever the URL says) reads it, and put back by
// tabbook-reader.js once the tabs are set; an unknown value is dropped. Picking a tab
// stores the pick as usual.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var names = JSON.parse(script.getAttribute("data-frameworks") || "[]");
  var group = script.getAttribute("data-group") || "";
  var prefix = script.getAttribute("data-storage-prefix") || "";
  var root = document.documentElement;

  function known(value) {
    if (!value) return null;
    var lower = String(value).trim().toLowerCase();
    return names.indexOf(lower) >= 0 ? lower : null;
  }

  function stored() {
    if (!prefix) return null;
    try {
      return known(window.localStorage.getItem(prefix + group));
    } catch (err) {
      return null; // storage blocked: the first framework shows
    }
  }

  // The framework label of a tab's radio input (sphinx-design: input, label, panel).
  function labelOf(input) {
    var label = input && input.nextElementSibling;
    return label && label.getAttribute("data-sync-group") === group ? label : null;
  }

  // The radio inputs of `name`'s tabs, one per tab-set.
  function inputsOf(name) {
    var found = [];
    document.querySelectorAll(".sd-tab-set > label.sd-tab-label").forEach(function (label) {
      if (label.getAttribute("data-sync-group") !== group) return;
      if (label.getAttribute("data-sync-id") !== name) return;
      var input = label.previousElementSibling;
      if (input instanceof HTMLInputElement) found.push(input);
    });
    return found;
  }

  function mark(name) {
    names.forEach(function (n) { root.classList.remove("tabbook-fw-" + n); });
    if (name) {
      root.classList.add("tabbook-fw-" + name);
      root.setAttribute("data-tabbook-framework", name);
    }
  }

  // The framework the reader sees: the one chosen (URL, stored, then picked), else the
  // one the tab-sets show (the first, when nothing was chosen).
  function current() {
    var chosen = known(root.getAttribute("data-tabbook-framework"));
    if (chosen) return chosen;
    var inputs = document.querySelectorAll(".sd-tab-set > input:checked");
    for (var i = 0; i < inputs.length; i++) {
      var label = labelOf(inputs[i]);
      if (label) return label.getAttribute("data-sync-id");
    }
    return null;
  }

  var fromUrl = null;
  try {
    var url = new URL(window.location.href);
    if (url.searchParams.has(group)) {
      fromUrl = known(url.searchParams.get(group));
      url.searchParams.delete(group);
      window.history.replaceState(window.history.state, "", url.href);
    }
  } catch (err) {
    // no URL API or history: sphinx-design still reads (and stores) the parameter
  }
  var chosen = fromUrl || stored();

  window.tabbookFramework = {
    group: group,
    names: names,
    storageKey: prefix + group,
    known: known,
    stored: stored,
    labelOf: labelOf,
    inputsOf: inputsOf,
    current: current,
    fromUrl: fromUrl,
    // a framework picked later (a tab, an #anchor inside a tab)
    mark: mark,
  };

  if (chosen) {
    root.classList.add("tabbook-fw-early");
    mark(chosen);
  }

  function theme() {
    if (root.getAttribute("data-theme") !== "auto") return;
    var mode = root.getAttribute("data-mode");
    var dark = mode === "dark" || (mode !== "light" && window.matchMedia
      && window.matchMedia("(prefers-color-scheme: dark)").matches);
    root.setAttribute("data-theme", dark ? "dark" : "light");
  }

  function check(node) {
    if (!chosen || !(node instanceof Element)) return;
    var labels = node.matches("label[data-sync-id]") ? [node]
      : node.querySelectorAll ? node.querySelectorAll("label[data-sync-id]") : [];
    for (var i = 0; i < labels.length; i++) {
      var label = labels[i];
      var input = label.previousElementSibling;
      if (label.getAttribute("data-sync-group") === group
          && label.getAttribute("data-sync-id") === chosen
          && input instanceof HTMLInputElement && !input.checked) {
        input.checked = true;
      }
    }
  }

  if (window.MutationObserver) {
    var observer = new MutationObserver(function (records) {
      theme();
      records.forEach(function (record) {
        record.addedNodes.forEach(check);
      });
    });
    observer.observe(root, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", function () {
      observer.disconnect();
      theme();
    });
  }
})();
