// Reader-side fixes of the theme's HTML (loaded on every page by tabbook.sphinxext.reader).
//
// * The sidebar's expand/collapse toggles (<summary> with only an icon) get a name.
// * Buttons whose aria-label differs from their visible text ("Search" vs
//   "Search Ctrl+K") are named by their text (WCAG 2.5.3, label in name).
// * The color-mode button's icons are decoration: the button's own label names it.
// * Scrolling code blocks and outputs stay keyboard-focusable as tabs and solutions open.
//
// * Phone navigation: the article header's menu and contents buttons work (see
//   wireSidebarToggles).
// * The reader's framework: after sphinx-design has set the tabs, the one chosen early
//   (static/tabbook-early.js) or the one holding the URL's #anchor is shown by every
//   tab-set and the Colab button. A reader's pick of a tab keeps the clicked tab-set
//   where it was on screen (keepPlaceOnPick).
// * Solution toggles are named for their exercise; the printed page says its URL and
//   framework; search result snippets show the text around the match.
//
// The framework tabs need no script for the keyboard: sphinx-design 0.8 renders each
// tab as a native radio input with its <label>, so Tab reaches the selected tab,
// the arrow keys switch tabs, and design-tabs.js syncs every tab-set on `change`.
//
// Names and strings come from the data attributes of the early script (written by
// tabbook/sphinxext/reader.py from the framework table and the translated UI strings).
(function () {
  "use strict";

  var early = document.querySelector("script[data-tabbook-early]");
  // the reader's framework and the sync group: the one helper (static/tabbook-early.js)
  var FW = window.tabbookFramework;
  if (!FW) return;

  function data(name, fallback) {
    var raw = early ? early.getAttribute("data-" + name) : null;
    if (raw === null) return fallback;
    try {
      return JSON.parse(raw);
    } catch (err) {
      return raw;
    }
  }

  var GROUP = FW.group;
  var LABELS = data("labels", {});
  var TEXT = data("i18n", {});

  function say(key, value) {
    return String(TEXT[key] || "{}").replace("{}", value);
  }

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
      summary.appendChild(hiddenText(title ? say("showSectionsOf", title)
        : String(TEXT.showSections || "Show sections")));
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
    + ".table-wrapper, div.math, div.math > .katex-display";

  // Every size is read first, then every mark written: a write between two reads would
  // make the browser lay the whole page out again for the next block (on the 4.3 page,
  // a quarter of a second of every load).
  function keyboardScroll() {
    var found = Array.prototype.map.call(document.querySelectorAll(SCROLLERS), function (el) {
      var style = window.getComputedStyle(el);
      return {
        el: el,
        x: /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1,
        y: /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1,
        end: scrolledToEnd(el),
      };
    });
    found.forEach(function (f) {
      if (f.x || f.y) {
        if (f.el.tabIndex !== 0) f.el.tabIndex = 0;
      } else if (f.el.getAttribute("tabindex") === "0") {
        f.el.tabIndex = -1;
      }
      scrollSign(f.el, f.x, f.end);
    });
  }

  // A code block wider than its box shows that it scrolls (tabbook-reader.css draws a
  // fade and a "›" at its right edge, gone once it is scrolled to the end): on a phone
  // the scroll bar only appears while one scrolls.
  function scrolledToEnd(el) {
    return el.scrollLeft + el.clientWidth >= el.scrollWidth - 2;
  }

  function atEnd(el, end) {
    el.parentElement.classList.toggle("tabbook-scrolled-end",
      end === undefined ? scrolledToEnd(el) : end);
  }

  function scrollSign(el, scrollX, end) {
    var box = el.parentElement;
    if (el.tagName !== "PRE" || !box || !box.classList.contains("highlight")) return;
    box.classList.toggle("tabbook-scrolls", scrollX);
    if (scrollX && !el.tabbookScrollSign) {
      el.tabbookScrollSign = true;
      el.addEventListener("scroll", function () { atEnd(el); }, { passive: true });
    }
    if (scrollX) atEnd(el, end);
  }

  // pydata-sphinx-theme 0.17 wires only the first `.primary-toggle` and the first
  // `.secondary-toggle` of a page (document.querySelector): the ones in its own header,
  // which sphinx-book-theme hides. The visible pair, in the article header, did nothing
  // (pydata-sphinx-theme issue 2451, sphinx-book-theme issue 988), so a phone reader
  // could not reach the table of contents. A click on any other toggle is handed to the
  // wired one: it opens the drawer on narrow screens, and sphinx-book-theme's handler on
  // it collapses or restores the sidebar on wide ones.
  // Drop this when the pinned pydata-sphinx-theme wires every toggle (the browser test
  // test_reader.py::test_phone_menu_opens_and_closes_the_drawer keeps checking).
  function wireSidebarToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (cls) {
      var toggles = document.querySelectorAll("." + cls);
      var wired = toggles[0];
      for (var i = 1; i < toggles.length; i++) {
        toggles[i].addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          wired.click();
        });
      }
    });
  }

  // ------------------------------------------------------------------ framework

  var frameworkLabel = FW.labelOf;
  var inputsOf = FW.inputsOf;

  // Show `name` in every tab-set. With `store`, the `change` event lets sphinx-design
  // store the choice and colab.js point the Colab button at it; without (a `?framework=`
  // link), nothing is stored and colab.js already follows <html data-tabbook-framework>.
  function selectFramework(name, store) {
    var inputs = inputsOf(name);
    if (!inputs.length) return false;
    inputs.forEach(function (input) { input.checked = true; });
    FW.mark(name);
    if (store) inputs[0].dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  // The framework whose tab holds the URL's #anchor (a link into a JAX-only paragraph).
  function frameworkOfHash() {
    var id = window.location.hash.slice(1);
    if (!id) return null;
    try {
      id = decodeURIComponent(id);
    } catch (err) {
      // keep it as it is
    }
    var target = document.getElementById(id);
    var content = target ? target.closest(".sd-tab-content") : null;
    for (; content; content = content.parentElement && content.parentElement.closest(".sd-tab-content")) {
      var label = content.previousElementSibling;
      if (label && label.getAttribute("data-sync-group") === GROUP) {
        return label.getAttribute("data-sync-id");
      }
    }
    return null;
  }

  function followHash() {
    var name = frameworkOfHash();
    if (name && selectFramework(name, true)) {
      // the tab-sets above the target may have changed height
      var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  function currentFramework() {
    return FW.current();
  }

  function printHeader() {
    var article = document.querySelector(".bd-article") || document.querySelector("[role=main]");
    if (!article) return;
    var header = document.querySelector(".tabbook-print-header");
    if (!header) {
      header = document.createElement("div");
      header.className = "tabbook-print-header";
      header.setAttribute("aria-hidden", "true");
      // above sphinx-book-theme's print-only title and contents, when there are some
      var before = document.getElementById("jb-print-docs-body") || article.firstChild;
      before.parentNode.insertBefore(header, before);
    }
    var canonical = document.querySelector("link[rel=canonical]");
    var here = window.location;
    var url = canonical ? canonical.href.split("#")[0] : here.origin + here.pathname;
    var name = currentFramework();
    var shown = inputsOf(name || "").length ? name : null;
    if (!shown) {
      // no choice made: the tab-sets show their first framework
      var first = document.querySelector(".sd-tab-set > input:checked + label[data-sync-group]");
      shown = first ? first.getAttribute("data-sync-id") : null;
    }
    header.textContent = url + (shown ? "  \u00b7  " + say("printFramework", LABELS[shown] || shown) : "");
  }

  // `?framework=` (taken off the address by the early script, so that design-tabs.js did
  // not store it) goes back into the address for a reload or a copy of the link.
  function restoreUrlFramework(name) {
    try {
      var url = new URL(window.location.href);
      url.searchParams.set(GROUP, name);
      window.history.replaceState(window.history.state, "", url.href);
    } catch (err) {
      // no URL API: the address stays without it
    }
  }

  function dropUrlFramework() {
    try {
      var url = new URL(window.location.href);
      if (!url.searchParams.has(GROUP)) return;
      url.searchParams.delete(GROUP);
      window.history.replaceState(window.history.state, "", url.href);
    } catch (err) {
      // keep it
    }
  }

  // The download menu's whole-book entries (added by `make publish`: the book's PDF, its
  // notebooks as a zip; one file per framework: data-tabbook-href-<name>) follow the
  // reader's framework.
  function bookPdf(name) {
    document.querySelectorAll("a.tabbook-per-framework").forEach(function (link) {
      var href = name && link.getAttribute("data-tabbook-href-" + name);
      if (href) link.setAttribute("href", href);
    });
  }

  function applyFramework() {
    var root = document.documentElement;
    var fromHash = frameworkOfHash();
    var chosen = fromHash || FW.fromUrl || FW.stored();
    // a stored choice is stored again (the same value); a link's is not stored
    if (chosen) selectFramework(chosen, !!fromHash || !FW.fromUrl);
    root.classList.remove("tabbook-fw-early");
    if (FW.fromUrl && !fromHash) restoreUrlFramework(FW.fromUrl);
    if (fromHash) followHash();
    window.addEventListener("hashchange", followHash);
    bookPdf(FW.current());
    document.addEventListener("change", function (event) {
      var label = frameworkLabel(event.target);
      if (!label || !event.target.checked) return;
      FW.mark(label.getAttribute("data-sync-id"));
      bookPdf(label.getAttribute("data-sync-id"));
      // the reader picked a tab (stored by design-tabs.js): the link's choice is over
      dropUrlFramework();
      printHeader();
    });
    printHeader();
  }

  // ------------------------------------------------------------------ keep the place

  // A reader who picks a framework tab keeps the tab-set they clicked where it was on screen.
  // Every tab-set follows the pick (design-tabs.js), and the panels above the clicked one
  // change height: the set under the cursor jumped by that much (397 px on the 4.3 page at
  // desktop width, 661 px on a phone). Chromium's scroll anchoring does not help when its
  // anchor is in a panel that the pick hides. The set's top is read when the pick arrives
  // (the `change` event's capture, before design-tabs.js syncs the other sets) and the page
  // is scrolled by what it moved once they are synced (the same event's bubbling, before
  // anything is painted), and again at the next frame should something still have moved.
  // The correction is instant, never animated (nothing moves on screen, whatever the
  // reader's reduced-motion setting), and only for a reader's own pick: the framework set
  // when the page loads (a stored choice, a link's) is applied before the first paint and
  // dispatches no trusted event.
  var kept = null;

  function setTopOf(input) {
    var set = input.closest(".sd-tab-set");
    return set ? { input: input, set: set, top: set.getBoundingClientRect().top } : null;
  }

  function scrollBack(place) {
    var moved = place.set.getBoundingClientRect().top - place.top;
    if (Math.abs(moved) >= 0.5) window.scrollBy({ top: moved, left: 0, behavior: "instant" });
  }

  function keepPlaceOnPick() {
    document.addEventListener("change", function (event) {
      kept = event.isTrusted && event.target instanceof HTMLInputElement
        && frameworkLabel(event.target) ? setTopOf(event.target) : null;
    }, true);
    document.addEventListener("change", function (event) {
      var place = kept;
      kept = null;
      if (!place || place.input !== event.target) return;
      scrollBack(place);
      window.requestAnimationFrame(function () { scrollBack(place); });
    });
  }

  // ------------------------------------------------------------------ print

  // Printed code wraps at the margin (tabbook-reader.css); a wrapped line continues
  // with a hanging indent, past the line's own indentation, not at column 0. For that
  // each line of a code block becomes a block of its own (a <span class="tabbook-line">
  // holding the line and its newline: the text, and so what the copy button copies,
  // stays the same), once the page has loaded (and at beforeprint): inline on screen,
  // blocks in print.
  function splitLines(pre) {
    if (pre.tabbookLines) return;
    pre.tabbookLines = true;
    var lines = [[]];
    function walk(node, wrap) {
      Array.prototype.slice.call(node.childNodes).forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) {
          child.data.split("\n").forEach(function (part, i) {
            if (i > 0) {
              lines[lines.length - 1].push(document.createTextNode("\n"));
              lines.push([]);
            }
            if (part) lines[lines.length - 1].push(wrap(document.createTextNode(part)));
          });
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          walk(child, function (inner) {
            var copy = child.cloneNode(false);
            copy.appendChild(inner);
            return wrap(copy);
          });
        }
      });
    }
    walk(pre, function (n) { return n; });
    var text = pre.textContent;
    var out = document.createDocumentFragment();
    lines.forEach(function (nodes) {
      if (!nodes.length) return;
      var line = document.createElement("span");
      line.className = "tabbook-line";
      nodes.forEach(function (n) { line.appendChild(n); });
      var indent = line.textContent.length - line.textContent.replace(/^[ \t]+/, "").length;
      if (indent) line.style.setProperty("--tabbook-indent", indent + "ch");
      out.appendChild(line);
    });
    var check = document.createElement("pre");
    check.appendChild(out.cloneNode(true));
    if (check.textContent !== text) return; // (never change what the block says)
    pre.textContent = "";
    pre.appendChild(out);
  }

  function prepareForPrint() {
    document.querySelectorAll("div.highlight > pre").forEach(splitLines);
  }

  // ------------------------------------------------------------------ solutions

  function nameSolutionToggles() {
    document.querySelectorAll(".solution button.toggle-button").forEach(function (button) {
      var title = button.closest(".admonition-title");
      var link = title ? title.querySelector("a") : null;
      var exercise = link ? link.textContent.replace(/\s+/g, " ").trim() : "";
      if (exercise) button.setAttribute("aria-label", say("showSolution", exercise));
    });
  }

  // ------------------------------------------------------------------ search

  // Sphinx 7.4's search snippets look for the *stemmed* words ("accuraci") in the page
  // text; when none is found the snippet is the page's first 240 characters, which were
  // the header's buttons ("....md"). Look for the words as typed too, and leave the
  // page's buttons and print-only parts out of the text, and the code and its outputs
  // too: a snippet is prose ("...w as d2l" from an import cell told the reader nothing).
  // A formula reads as its MathML's symbols once: KaTeX's glyphs (.katex-html) and the
  // TeX annotation are left out.
  var CHROME = ".bd-header-article, .onlyprint, .d-print-none, .tabbook-colab, "
    + ".tabbook-print-header, .sd-tab-set > label, button, script, style, .headerlink, "
    + ".cell_input, .cell_output, div.highlight, .katex-html, annotation";

  function improveSearchSnippets() {
    if (typeof Search === "undefined" || !Search.makeSearchSummary || Search.tabbookSnippets) return;
    var toText = Search.htmlToText;
    var summary = Search.makeSearchSummary;
    Search.tabbookSnippets = true;
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(CHROME).forEach(function (el) { el.remove(); });
      return toText.call(this, doc.documentElement.outerHTML, anchor);
    };
    Search.makeSearchSummary = function (htmlText, keywords, anchor) {
      var words = new Set(keywords);
      var query = new URLSearchParams(window.location.search).get("q") || "";
      query.toLowerCase().split(/\s+/).forEach(function (word) {
        word = word.replace(/^[-+"]+|["]+$/g, "");
        if (word) words.add(word);
      });
      return summary.call(this, htmlText, words, anchor);
    };
  }

  // sphinx_highlight.js marks the searched words on the page a result opens, but only
  // where searchtools.js is absent (Sphinx 7.4); pydata-sphinx-theme loads it on every
  // page for its search dialog, so nothing was marked. Mark them here instead.
  function highlightSearchedWords() {
    if (typeof SphinxHighlight === "undefined" || typeof Search === "undefined") return;
    if (document.getElementById("search-results")) return; // the search page itself
    SphinxHighlight.highlightSearchWords();
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
    // Font Awesome's script replaces <i> icons by <svg> ones after load: redo then.
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; fix(); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // After DOMContentLoaded's other listeners (design-tabs.js sets the tabs,
  // togglebutton.js adds the solution buttons; their scripts registered first).
  var done = false;
  function afterOthers() {
    if (done) return;
    done = true;
    applyFramework();
    keepPlaceOnPick(); // (its listeners after the others' on `change`)
    nameSolutionToggles();
    highlightSearchedWords();
  }

  // (a print media query's `change` is not fired where print is emulated, as `make pdf`
  // does: the lines are split once the page has loaded, and again at beforeprint)
  window.addEventListener("beforeprint", prepareForPrint);
  window.addEventListener("load", function () {
    (window.requestIdleCallback || window.setTimeout)(prepareForPrint);
  });

  improveSearchSnippets();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  wireSidebarToggles();
  if (document.readyState === "complete") {
    afterOthers();
  } else {
    // (a deferred script runs before DOMContentLoaded)
    document.addEventListener("DOMContentLoaded", afterOthers);
    window.addEventListener("load", afterOthers);
  }
})();
