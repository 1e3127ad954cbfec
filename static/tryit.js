// The in-page exercise runner. tabbook/sphinxext/sphinx_tryit.py marks the exercise cells that
// can run in the page (class "tabbook-tryit": a skip-execution cell calling
// exercises.check_...) and writes the runner's settings and translated strings into
// #tabbook-tryit-settings. This file, loaded deferred, only builds each cell's
// controls; nothing else loads until the reader focuses a cell's code or presses Run:
// then _static/tryit/editor.js (CodeMirror) is imported and a Web Worker
// (_static/tryit-worker.js) starts Pyodide from _static/tryit/pyodide/, loads the
// book's own d2l/exercises.py, and runs the reader's code followed by the cell's
// exercises.check_... lines. Stop, or the time limit, ends the worker; the next Run
// starts a fresh one. The reader's code is kept per exercise in localStorage.
// Without JavaScript, Web Workers or WebAssembly the static cell stays as it is.
(function () {
  "use strict";
  var settingsEl = document.getElementById("tabbook-tryit-settings");
  if (!settingsEl || typeof WebAssembly !== "object" || !window.Worker ||
      !window.fetch || !window.Promise) {
    return;
  }
  var S = JSON.parse(settingsEl.textContent);
  var T = S.strings;
  var me = document.currentScript;
  var staticBase = new URL(".", me ? me.src : location.href).href;  // .../_static/
  var base = staticBase + "tryit/";
  var CHECK_RE = /^exercises\.check_\w+\(.*\)\s*$/;
  var editorModule = null;  // Promise of editor.js's module
  var worker = null;        // the running Pyodide worker, or null
  var current = null;       // the runner whose code runs now
  var runCount = 0;

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* storage off: the answer lasts until the page is left */ }
  }
  function stored(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function loadEditor() {
    if (!editorModule) editorModule = import(base + "editor.js");
    return editorModule;
  }

  function startWorker() {
    var url = staticBase + "tryit-worker.js";
    var w = new Worker(url);
    var heard = false;  // (a message came: the worker's script loaded)
    w.onmessage = function (ev) {
      heard = true;
      var msg = ev.data;
      var r = current;
      if (!r || msg.id !== r.runId) return;
      if (msg.type === "started") r.started();
      else if (msg.type === "out") r.print(msg.text, msg.stream);
      else if (msg.type === "done") r.finish(msg.results, msg.error);
      else if (msg.type === "fatal") r.fatal(msg.message, msg.file);
    };
    w.onerror = function (ev) {
      ev.preventDefault();
      var r = current;
      if (!r || w !== worker) return;
      if (heard || ev.message) { r.fatal(ev.message || "worker error"); return; }
      // the worker's script did not load (the event says nothing): ask for it, to say why
      var file = new URL(url).pathname;
      fetch(url, {method: "HEAD"}).then(function (resp) {
        r.fatal(file + ": HTTP " + resp.status, resp.ok ? "" : file);
      }, function (err) {
        r.fatal(file + ": " + String(err && err.message || err), file);
      });
    };
    return w;
  }
  function endWorker() {
    if (worker) worker.terminate();
    worker = null;
  }

  function Runner(cell, index) {
    var self = this;
    var input = cell.querySelector(".cell_input");
    var pre = input && input.querySelector("pre");
    if (!pre) return;
    var lines = pre.textContent.replace(/\n+$/, "").split("\n");
    this.checks = lines.filter(function (ln) { return CHECK_RE.test(ln); });
    var starter = lines.filter(function (ln) { return !CHECK_RE.test(ln); });
    while (starter.length && !starter[starter.length - 1].trim()) starter.pop();
    this.starter = starter.join("\n") + "\n";
    this.key = "tabbook-tryit:" + (cell.id || location.pathname + ":" + index);
    this.editor = null;
    this.timer = null;
    var uid = "tabbook-tryit-" + index;

    var ui = el("div", {"class": "tabbook-tryit-ui"});
    var hint = el("p", {"class": "tabbook-tryit-hint", id: uid + "-hint"},
                  T.keys + " " + T.idle);
    this.code = el("div", {"class": "tabbook-tryit-code"});
    this.preview = el("pre", {"class": "tabbook-tryit-preview", tabindex: "0",
                              role: "textbox", "aria-multiline": "true",
                              "aria-label": T.editor, "aria-describedby": uid + "-hint"});
    this.code.appendChild(this.preview);
    var checks = el("div", {"class": "tabbook-tryit-checks"});
    checks.appendChild(el("span", {"class": "tabbook-tryit-then"}, T.then));
    checks.appendChild(el("pre", {}, this.checks.join("\n")));
    var bar = el("div", {"class": "tabbook-tryit-bar", role: "toolbar", "aria-label": T.toolbar});
    this.runButton = el("button", {type: "button", "class": "tabbook-tryit-run",
                                   "aria-keyshortcuts": "Control+Enter Meta+Enter"}, T.run);
    this.resetButton = el("button", {type: "button", "class": "tabbook-tryit-reset"}, T.reset);
    this.stopButton = el("button", {type: "button", "class": "tabbook-tryit-stop"}, T.stop);
    this.stopButton.disabled = true;
    this.status = el("p", {"class": "tabbook-tryit-status", role: "status"});
    this.output = el("pre", {"class": "tabbook-tryit-output", "aria-live": "polite",
                             "aria-label": T.output, hidden: ""});
    bar.appendChild(this.runButton);
    bar.appendChild(this.resetButton);
    bar.appendChild(this.stopButton);
    bar.appendChild(this.status);
    ui.appendChild(this.code);
    ui.appendChild(checks);
    ui.appendChild(bar);
    ui.appendChild(hint);
    ui.appendChild(this.output);
    input.parentNode.insertBefore(ui, input.nextSibling);
    cell.classList.add("tabbook-tryit-ready");  // (CSS: the static input only prints)
    cell.tabbookTryit = this;  // (for the browser tests: .text() is the code in the cell)
    this.hintId = hint.id;

    var saved = stored(this.key);
    this.preview.textContent = saved !== null ? saved : this.starter;
    if (saved !== null && saved !== this.starter) this.say(T.restored);

    var open = function () { self.openEditor(true); };
    this.preview.addEventListener("focus", open);
    this.preview.addEventListener("mousedown", open);
    this.runButton.addEventListener("click", function () { self.run(); });
    this.resetButton.addEventListener("click", function () { self.reset(); });
    this.stopButton.addEventListener("click", function () { self.stop(T.stopped); });
    this.preview.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); self.run(); }
    });
  }

  Runner.prototype.say = function (text) { this.status.textContent = text; };

  Runner.prototype.text = function () {
    return this.editor ? this.editor.get() : this.preview.textContent;
  };

  Runner.prototype.openEditor = function (focus) {
    var self = this;
    if (this.editor) { if (focus) this.editor.focus(); return Promise.resolve(); }
    if (this.opening) return this.opening;
    if (!this.status.textContent) this.say(T.loadingEditor);
    this.opening = loadEditor().then(function (mod) {
      var host = el("div", {"class": "tabbook-tryit-editor"});
      var doc = self.preview.textContent;
      self.editor = mod.createEditor(host, doc, {
        label: T.editor, describedBy: self.hintId,
        onRun: function () { self.run(); },
        onChange: function (text) { store(self.key, text === self.starter ? null : text); },
      });
      var hadFocus = document.activeElement === self.preview;
      self.code.replaceChild(host, self.preview);
      if (self.status.textContent === T.loadingEditor) self.say("");
      if (focus || hadFocus) self.editor.focus();
    }, function (err) {
      self.opening = null;  // the preview stays: Run still works from it
      if (self.status.textContent === T.loadingEditor) self.say("");
      if (window.console) console.warn("tryit: the editor did not load", err);
    });
    return this.opening;
  };

  Runner.prototype.busy = function (on) {
    this.runButton.disabled = false;
    this.stopButton.disabled = !on;
    this.code.parentNode.classList.toggle("tabbook-tryit-busy", on);
  };

  Runner.prototype.run = function () {
    this.openEditor(false);
    if (current) current.stop(T.stopped);
    current = this;
    this.runId = ++runCount;
    this.output.textContent = "";
    this.output.hidden = true;
    delete this.status.dataset.result;
    delete this.status.dataset.missing;
    this.busy(true);
    this.say(worker ? T.running : T.starting);
    if (!worker) worker = startWorker();
    worker.postMessage({type: "run", id: this.runId, code: this.text(), checks: this.checks,
                        language: S.language, base: base, library: S.library,
                        runtime: S.runtime});
  };

  Runner.prototype.started = function () {
    var self = this;
    this.say(T.running);
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.stop(T.timeout.replace("{}", String(S.timeLimit)));
    }, S.timeLimit * 1000);
  };

  Runner.prototype.print = function (text, stream) {
    this.output.hidden = false;
    var line = el("span", {"class": stream === "stderr" ? "tabbook-tryit-err" : ""});
    line.textContent = text + "\n";
    this.output.appendChild(line);
  };

  Runner.prototype.done = function () {
    clearTimeout(this.timer);
    this.timer = null;
    if (current === this) current = null;
    this.busy(false);
  };

  Runner.prototype.finish = function (results, error) {
    this.done();
    if (error || !results) this.say(T.error);
    else if (results.every(function (ok) { return ok; })) this.say(T.passed);
    else this.say(T.failed);
    this.status.dataset.result = error || !results ? "error"
      : (results.every(function (ok) { return ok; }) ? "pass" : "fail");
  };

  // message: what went wrong; file: the path of a file the runner could not fetch
  Runner.prototype.fatal = function (message, file) {
    if (current !== this) return;  // (stopped, or another Run began, meanwhile)
    this.done();
    endWorker();
    this.status.dataset.result = "error";
    if (file) this.status.dataset.missing = file;
    this.say(file ? T.noFile.replace("{}", message) : T.noPython.replace("{}", message));
  };

  Runner.prototype.stop = function (why) {
    if (current !== this) return;
    endWorker();
    this.done();
    this.status.dataset.result = "stopped";
    this.say(why);
  };

  Runner.prototype.reset = function () {
    if (current === this) this.stop(T.stopped);
    store(this.key, null);
    if (this.editor) this.editor.set(this.starter); else this.preview.textContent = this.starter;
    store(this.key, null);
    this.output.textContent = "";
    this.output.hidden = true;
    delete this.status.dataset.result;
    this.say(T.resetDone);
  };

  function init() {
    var cells = document.querySelectorAll(".tabbook-tryit");
    for (var i = 0; i < cells.length; i++) new Runner(cells[i], i + 1);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
