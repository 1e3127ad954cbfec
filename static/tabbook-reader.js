// Reader-side fixes of the theme's HTML (loaded on every page by tabbook.reader).
//
// * The sidebar's expand/collapse toggles (<summary> with only an icon) get a name.
// * Buttons whose aria-label differs from their visible text ("Search" vs
//   "Search Ctrl+K") are named by their text (WCAG 2.5.3, label in name).
// * The color-mode button's icons are decoration: the button's own label names it.
// * Scrolling code blocks and outputs stay keyboard-focusable as tabs and solutions open.
//
// The framework tabs need no script for the keyboard: sphinx-design 0.8 renders each
// tab as a native radio input with its <label>, so Tab reaches the selected tab,
// the arrow keys switch tabs, and design-tabs.js syncs every tab-set on `change`.
(function () {
  "use strict";

  function hiddenText(text) {
    var span = document.createElement("span");
    span.className = "visually-hidden tabbook-sr-only";
    span.textContent = text;
    return span;
  }

  function nameSummaries(root) {
    root.querySelectorAll("nav details > summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.getAttribute("aria-label")) return;
      var link = summary.parentElement.parentElement.querySelector(":scope > a");
      var title = link ? link.textContent.trim() : "";
      summary.appendChild(hiddenText(title ? "Show sections of " + title : "Show sections"));
    });
  }

  function labelInName(root) {
    root.querySelectorAll("button[aria-label], a[aria-label]").forEach(function (el) {
      var label = el.getAttribute("aria-label").trim().toLowerCase();
      var text = el.textContent.replace(/\s+/g, " ").trim();
      if (text && text.toLowerCase() !== label && text.toLowerCase().indexOf(label) !== 0) return;
      if (text && text.toLowerCase() !== label) el.setAttribute("aria-label", text);
    });
  }

  function decorativeIcons(root) {
    root.querySelectorAll(".theme-switch-button .theme-switch").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      if (icon.tagName.toLowerCase() === "svg") {
        icon.setAttribute("role", "presentation");
        icon.querySelectorAll("title").forEach(function (t) { t.remove(); });
      }
    });
  }

  // A region that scrolls (a wide code block, a long output, a table) must be
  // reachable with the keyboard to be scrolled. The theme marks them once, at load;
  // but a code block in a tab or a solution that is hidden at load (no size) only
  // becomes scrollable when the reader opens it: check again whenever that happens.
  var SCROLLERS = "pre, .cell_output > .output, .output_area, .pst-scrollable-table-container, "
    + ".table-wrapper, div.math";

  function keyboardScroll() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var style = window.getComputedStyle(el);
      var scrollX = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
      var scrollY = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (scrollX || scrollY) {
        if (el.tabIndex !== 0) el.tabIndex = 0;
      } else if (el.getAttribute("tabindex") === "0") {
        el.tabIndex = -1;
      }
    });
  }

  function fix() {
    nameSummaries(document);
    labelInName(document);
    decorativeIcons(document);
    keyboardScroll();
  }

  function later(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  function start() {
    fix();
    var recheck = later(keyboardScroll, 50);
    document.addEventListener("change", recheck);        // a framework tab was selected
    document.addEventListener("transitionend", recheck); // a solution opened or closed
    window.addEventListener("resize", recheck);
    window.addEventListener("load", recheck);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(recheck);
    }
    // Font Awesome's script replaces <i> icons by <svg> ones after load: redo then.
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; fix(); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
