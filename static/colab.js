// "Open in Colab" / "Download .ipynb": follow the framework picked in the tabs.
//
// tabbook/sphinx_colab.py puts a `.tabbook-colab` block under the title of each page
// with code. Its data attributes name, per framework, the Colab URL
// (data-colab-<name>), the notebook's download URL (data-download-<name>), the
// download's file name (data-file-<name>) and the framework's label
// (data-label-<name>); data-frameworks lists the frameworks the page has code for.
//
// The framework is the one sphinx-design 0.8 (design-tabs.js) shows: `?framework=` in
// the URL, else the one stored in localStorage (`sphinx-design-tab-id-framework`),
// else the first one (PyTorch). A `change` of a tab's radio input in sync group
// `framework` switches the links. Everything is local: no requests.
(function () {
  "use strict";

  var GROUP = "framework";
  var DEFAULT = "pytorch";

  function storagePrefix() {
    var tag = document.querySelector("script[data-sd-tabs-storage-prefix]");
    var prefix = tag ? tag.getAttribute("data-sd-tabs-storage-prefix") : null;
    return prefix === null ? "sphinx-design-tab-id-" : prefix;
  }

  function storedFramework() {
    var prefix = storagePrefix();
    if (!prefix) return null;
    try {
      return window.localStorage.getItem(prefix + GROUP);
    } catch (err) {
      return null; // storage blocked: no persistence
    }
  }

  function initialFramework() {
    var fromUrl = new URLSearchParams(window.location.search).get(GROUP);
    return fromUrl || storedFramework() || DEFAULT;
  }

  function setLink(link, href, label) {
    if (!link || !href) return;
    link.setAttribute("href", href);
    var span = link.querySelector(".tabbook-colab-fw");
    if (span) span.textContent = "(" + label + ")";
  }

  function update(box, name) {
    var names = (box.getAttribute("data-frameworks") || "").split(/\s+/).filter(Boolean);
    if (!names.length) return;
    if (names.indexOf(name) < 0) {
      // this page has no code for that framework: offer the default one
      name = names.indexOf(DEFAULT) >= 0 ? DEFAULT : names[0];
    }
    var label = box.getAttribute("data-label-" + name) || name;
    setLink(box.querySelector(".tabbook-colab-open"),
      box.getAttribute("data-colab-" + name), label);
    var download = box.querySelector(".tabbook-colab-download");
    setLink(download, box.getAttribute("data-download-" + name), label);
    if (download && box.getAttribute("data-file-" + name)) {
      download.setAttribute("download", box.getAttribute("data-file-" + name));
    }
    box.setAttribute("data-selected", name);
  }

  function updateAll(name) {
    var boxes = document.querySelectorAll(".tabbook-colab");
    for (var i = 0; i < boxes.length; i++) update(boxes[i], name);
  }

  // sphinx-design: each tab is <input type="radio"> followed by its <label>
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.checked) return;
    if (!input.closest(".sd-tab-set")) return;
    var label = input.nextElementSibling;
    if (!label || label.getAttribute("data-sync-group") !== GROUP) return;
    var id = label.getAttribute("data-sync-id");
    if (id) updateAll(id);
  });

  function ready() {
    updateAll(initialFramework());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
