// "Open in Colab" / "Download .ipynb": follow the framework picked in the tabs.
//
// tabbook/sphinxext/sphinx_colab.py puts a `.tabbook-colab` block under the title of each page
// with code. Its data attributes name, per framework, the Colab URL
// (data-colab-<name>), the notebook's download URL (data-download-<name>), the
// download's file name (data-file-<name>) and the framework's label
// (data-label-<name>, shown as data-label-format writes it); data-frameworks lists
// the frameworks the page has code for, data-default the one shown when the reader
// has chosen none (the framework table's first). No framework name is written in this
// file.
//
// The framework is the reader's current one, from the one helper every script asks
// (window.tabbookFramework, static/tabbook-early.js: `?framework=`, else the choice
// sphinx-design stored, while the page loads), then the one of each `change` of a tab's
// radio input in the framework sync group. An inline script right after the block calls tabbookColab.show(block),
// so the links are right as soon as the block is parsed, long before
// DOMContentLoaded (which waits for every deferred script). Everything is local: no requests.
(function () {
  "use strict";

  var FW = window.tabbookFramework;

  function chosenFramework() {
    return FW ? FW.current() : null;
  }

  function setLink(link, href, label) {
    if (!link || !href) return;
    link.setAttribute("href", href);
    var span = link.querySelector(".tabbook-colab-fw");
    // the label as the page's language writes it: "(PyTorch)", "（PyTorch）"
    var box = link.closest(".tabbook-colab");
    var format = (box && box.getAttribute("data-label-format")) || "({label})";
    if (span) span.textContent = format.replace("{label}", label);
  }

  function update(box, name) {
    var names = (box.getAttribute("data-frameworks") || "").split(/\s+/).filter(Boolean);
    if (!names.length) return;
    if (!name || names.indexOf(name) < 0) {
      // no choice, or no code for that framework on this page: offer the default one
      var fallback = box.getAttribute("data-default");
      name = names.indexOf(fallback) >= 0 ? fallback : names[0];
    }
    var label = box.getAttribute("data-label-" + name) || name;
    setLink(box.querySelector(".tabbook-colab-open"),
      box.getAttribute("data-colab-" + name), label);
    // the other launch services (tabbook/stages/launch.py): data-<service>-<name>
    var launches = box.querySelectorAll("[data-launch]");
    for (var i = 0; i < launches.length; i++) {
      setLink(launches[i], box.getAttribute("data-" + launches[i].getAttribute("data-launch") +
        "-" + name), label);
    }
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

  window.tabbookColab = {
    show: function (box) {
      if (box && box.classList && box.classList.contains("tabbook-colab")) {
        update(box, chosenFramework());
      }
    },
  };

  // sphinx-design: each tab is <input type="radio"> followed by its <label>
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.checked) return;
    if (!FW || !input.closest(".sd-tab-set")) return;
    var label = FW.labelOf(input);
    if (!label) return;
    var id = label.getAttribute("data-sync-id");
    if (id) updateAll(id);
  });

  function ready() {
    updateAll(chosenFramework());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
