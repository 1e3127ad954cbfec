// The language switch (tabbook/sphinxext/sphinx_i18n.py puts a `.tabbook-lang` nav in the header of
// every page): its links lead to the same page in the other edition, at the same place
// (the #anchor: both editions have the same ids) and with the same search (?q=). The
// reader's framework goes along as `?framework=`, which the other edition shows.
// A reader with no #anchor in the address, in mid-page, is led to the section they are
// reading (the innermost section, exercise or solution at the top of the screen, below the
// sticky header) as the #anchor, and, where both editions share the session's storage (the
// same origin), as far into that section as they were: the same fraction of its height
// (the other edition's text is longer or shorter), so that they land on the same text.
// Both editions are served from the same origin and so share sphinx-design's
// localStorage already; the parameter also carries the choice where storage is blocked
// or the editions are on different origins. Everything is local: no requests.
(function () {
  "use strict";

  var FW = window.tabbookFramework;

  function currentFramework() {
    return FW ? FW.current() : null;
  }

  // `href` (the other edition's page) with this page's query, `name` as `?framework=`
  // and this page's #anchor.
  function sameWhere(href, name) {
    var at = href.indexOf("#");
    if (at >= 0) href = href.slice(0, at);
    var query = "";
    at = href.indexOf("?");
    if (at >= 0) {
      query = href.slice(at + 1);
      href = href.slice(0, at);
    }
    var params = new URLSearchParams(query);
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (!params.has(key)) params.set(key, value);
    });
    if (name && FW) params.set(FW.group, name);
    var search = params.toString();
    var hash = window.location.hash;
    var place = hash ? null : readingPlace();
    if (place) {
      hash = "#" + encodeURIComponent(place.id);
      leavePlace(href, place);
    }
    return href + (search ? "?" + search : "") + hash;
  }

  // ------------------------------------------------------------------ the reader's place

  var PLACE_KEY = "tabbook-lang-place";
  var PLACE_TTL = 60 * 1000; // (a place left by a switch not followed is not used later)
  var BLOCKS = "section[id], div.admonition[id]";

  // the line the reader reads at: the top of the screen, below the sticky article header
  function readingLine() {
    var header = document.querySelector(".bd-header-article");
    var bottom = header ? header.getBoundingClientRect().bottom : 0;
    return Math.max(0, Math.min(bottom, window.innerHeight / 2));
  }

  // The innermost section (exercise, solution) across the reading line, and how far into it
  // the line is (0 at its top, 1 at its bottom); null at the top of the page.
  function readingPlace() {
    var main = document.querySelector("[role=main]") || document.querySelector("main");
    if (!main || window.scrollY < 1) return null;
    var line = readingLine();
    var found = null;
    main.querySelectorAll(BLOCKS).forEach(function (el) {
      var box = el.getBoundingClientRect();
      if (box.height > 0 && box.top <= line && box.bottom > line) found = { el: el, box: box };
    });
    if (!found) return null;
    return { id: found.el.id, fraction: (line - found.box.top) / found.box.height };
  }

  function pathOf(href) {
    try {
      return new URL(href, window.location.href).pathname;
    } catch (err) {
      return null;
    }
  }

  function leavePlace(href, place) {
    try {
      window.sessionStorage.setItem(PLACE_KEY, JSON.stringify({
        path: pathOf(href), id: place.id, fraction: place.fraction, time: Date.now() }));
    } catch (err) {
      // no storage: the #anchor alone
    }
  }

  // On the page the switch led to: as far into the #anchor's section as the reader was.
  function takePlace() {
    var place = null;
    try {
      place = JSON.parse(window.sessionStorage.getItem(PLACE_KEY) || "null");
      window.sessionStorage.removeItem(PLACE_KEY);
    } catch (err) {
      return;
    }
    if (!place || typeof place.fraction !== "number" || !(place.fraction >= 0)
        || !(place.fraction < 1) || Date.now() - place.time > PLACE_TTL
        || place.path !== window.location.pathname
        || window.location.hash !== "#" + encodeURIComponent(place.id)) return;
    var el = document.getElementById(place.id);
    if (!el) return;
    function go() {
      var box = el.getBoundingClientRect();
      var moved = box.top + place.fraction * box.height - readingLine();
      if (Math.abs(moved) >= 1) window.scrollBy({ top: moved, left: 0, behavior: "instant" });
    }
    // once the page has its final layout (fonts, images) and the browser went to the #anchor
    if (document.readyState === "complete") {
      window.requestAnimationFrame(go);
    } else {
      window.addEventListener("load", function () { window.requestAnimationFrame(go); });
    }
  }

  function follow(event) {
    var link = event.target.closest ? event.target.closest("a.tabbook-lang-link") : null;
    if (!link) return;
    if (!link.hasAttribute("data-tabbook-href")) {
      link.setAttribute("data-tabbook-href", link.getAttribute("href"));
    }
    link.setAttribute("href", sameWhere(link.getAttribute("data-tabbook-href"), currentFramework()));
  }

  takePlace();

  // before the browser follows the link (mouse, keyboard, middle click)
  document.addEventListener("click", follow, true);
  document.addEventListener("auxclick", follow, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter") follow(event);
  }, true);
})();
