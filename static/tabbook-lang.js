// The language switch (tabbook/sphinxext/sphinx_i18n.py puts a `.tabbook-lang` nav in the header of
// every page): its links lead to the same page in the other edition, at the same place
// (the #anchor: both editions have the same ids) and with the same search (?q=). The
// reader's framework goes along as `?framework=`, which the other edition shows.
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
    return href + (search ? "?" + search : "") + window.location.hash;
  }

  function follow(event) {
    var link = event.target.closest ? event.target.closest("a.tabbook-lang-link") : null;
    if (!link) return;
    if (!link.hasAttribute("data-tabbook-href")) {
      link.setAttribute("data-tabbook-href", link.getAttribute("href"));
    }
    link.setAttribute("href", sameWhere(link.getAttribute("data-tabbook-href"), currentFramework()));
  }

  // The theme's template strings that no catalog translates (sidebar buttons, landmark
  // names): a translated edition's catalog has them (msgid "js:<the English>"), handed
  // over as window.TABBOOK_STRINGS by tabbook/sphinxext/sphinx_i18n.py.
  var STRINGS = window.TABBOOK_STRINGS || {};
  var ATTRIBUTES = ["title", "aria-label", "data-bs-title", "placeholder"];

  function translateAttributes() {
    ATTRIBUTES.forEach(function (attr) {
      document.querySelectorAll("[" + attr + "]").forEach(function (el) {
        var value = el.getAttribute(attr);
        if (STRINGS[value]) el.setAttribute(attr, STRINGS[value]);
      });
    });
  }

  if (Object.keys(STRINGS).length) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", translateAttributes);
    } else {
      translateAttributes();
    }
  }

  // before the browser follows the link (mouse, keyboard, middle click)
  document.addEventListener("click", follow, true);
  document.addEventListener("auxclick", follow, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter") follow(event);
  }, true);
})();
