// The in-page exercise runner. tabbook/sphinxext/sphinx_tryit.py marks the exercise cells that
// can run in the page (class "tabbook-tryit": a skip-execution cell calling
// exercises.check_...) and writes the runner's settings and translated strings into
// #tabbook-tryit-settings. This file, loaded deferred, only builds each cell's
// controls; nothing else loads until the reader shows an intent to use a cell: focusing
// its code loads _static/tryit/editor.js (CodeMirror) and starts, in the background, a
// Web Worker (_static/tryit-worker.js) that loads Pyodide from _static/tryit/pyodide/
// (its Python restored from the build's snapshot, _static/tryit/snapshot.bin.gz) and the
// book's own d2l/exercises.py; Enter or typing opens the editor. Run runs the
// reader's code followed by the cell's exercises.check_... lines. Stop, or the time
// limit (which also ends a Python that never finishes loading), ends the worker, and a
// fresh one starts at once. What the code prints comes in batches (the worker's) and the
// page keeps a bounded tail of it, so no loop can flood the page. The reader's code is
// kept per exercise in localStorage. Without JavaScript, Web Workers or WebAssembly the
// static cell stays as it is.
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
  var MAX_SHOWN = 1000;     // lines of output kept on the page (the last ones)
  var editorModule = null;  // Promise of editor.js's module
  var SPARE_AFTER_MS = 500; // a Run this long starts a spare Python (for after Stop)
  var python = null;        // the Python that runs the code (loading, ready or running)
  var spare = null;         // a second one, loading or ready, or null
  var warmer = null;        // the runner whose reader started the worker (shows progress)
  var current = null;       // the runner whose code runs now
  var runners = [];
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

  // One Python: a worker and whether it has loaded. `python` answers the Runs; `spare`, a
  // second one started when a Run takes long, takes over at once when that Run is stopped.
  function Python() {
    this.ready = false;
    this.worker = startWorker(this);
    this.worker.postMessage({type: "load", base: base, library: S.library, runtime: S.runtime,
                             language: S.language});
  }
  Python.prototype.end = function () { this.worker.terminate(); };

  function startWorker(py) {
    var url = staticBase + "tryit-worker.js";
    var w = new Worker(url);
    var heard = false;  // (a message came: the worker's script loaded)
    w.onmessage = function (ev) {
      heard = true;
      var msg = ev.data;
      if (py !== python) {  // (the spare)
        if (msg.type === "ready") { py.ready = true; py.timings = msg.timings; py.how = msg.how; }
        else if (msg.type === "fatal" && py === spare) { spare = null; py.end(); }
        return;
      }
      if (msg.type === "ready") {
        py.timings = msg.timings;
        py.how = msg.how;
        pythonState("ready");
        return;
      }
      var r = current;
      if (msg.type === "fatal" && !(r && msg.id === r.runId)) {  // (while warming)
        endPython();
        if (warmer) warmer.say(msg.file ? T.noFile.replace("{}", msg.message)
                                        : T.noPython.replace("{}", msg.message));
        return;
      }
      if (!r || msg.id !== r.runId) return;
      if (msg.type === "started") r.started();
      else if (msg.type === "out") r.print(msg.lines, msg.dropped);
      else if (msg.type === "done") r.finish(msg.results, msg.error);
      else if (msg.type === "fatal") r.fatal(msg.message, msg.file);
    };
    w.onerror = function (ev) {
      ev.preventDefault();
      var r = current;
      if (py === spare) { spare = null; py.end(); return; }
      if (py !== python) return;
      if (!r) { endPython(); return; }  // (the next Run tries again)
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
  function endPython() {
    if (python) python.end();
    python = null;
    pythonState("");
  }

  // Python's state, on every runner (data-python: "loading", "ready" or ""): the
  // status of the runner whose reader started it says "Starting Python…", then "ready".
  function pythonState(state) {
    if (python) python.ready = state === "ready";
    runners.forEach(function (r) { r.ui.dataset.python = state; });
    var w = warmer;
    if (!w || current === w) return;
    if (state === "loading" && (!w.status.textContent || w.status.textContent === T.loadingEditor
                                || w.status.textContent === T.ready)) w.say(T.starting);
    if (state === "ready" && w.status.textContent === T.starting) w.say(T.ready);
  }

  // Start Python in the background (the reader showed an intent), or take the spare.
  function warm(runner) {
    if (python) return;
    warmer = runner;
    if (spare) {
      python = spare;
      spare = null;
      pythonState(python.ready ? "ready" : "loading");
      return;
    }
    python = new Python();
    pythonState("loading");
  }
  function startSpare() {
    if (!spare) spare = new Python();
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
    // (a div: the theme takes every pre that does not scroll out of the Tab order)
    this.preview = el("div", {"class": "tabbook-tryit-preview", tabindex: "0",
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
    this.ui = ui;
    runners.push(this);

    var saved = stored(this.key);
    this.preview.textContent = saved !== null ? saved : this.starter;
    if (saved !== null && saved !== this.starter) this.say(T.restored);

    // Focus is an intent: the editor's code and Python load (a Tab stop, not a trap:
    // Enter or typing opens the editor; a click opens it at once).
    this.preview.addEventListener("focus", function () { loadEditor(); warm(self); });
    this.preview.addEventListener("mousedown", function () { self.openEditor(true); });
    this.runButton.addEventListener("click", function () { self.run(); });
    this.resetButton.addEventListener("click", function () { self.reset(); });
    this.stopButton.addEventListener("click", function () { self.stop(T.stopped); });
    this.preview.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); self.run(); }
      else if (ev.key === "Enter") { ev.preventDefault(); self.openEditor(true); }
      else if (ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();  // (the key goes into the editor, at the end of the code,
        ev.stopPropagation(); // not to the page's shortcuts: "/" is Sphinx's search)
        self.openEditor(true, ev.key);
      }
    });
  }

  Runner.prototype.say = function (text) { this.status.textContent = text; };

  // (for the benchmark: when the steps of loading the Python in use ended, in ms)
  Runner.prototype.loadTimings = function () { return python && python.timings; };
  // (for the tests: {started: "snapshot" or "plain", snapshotError: why not the snapshot})
  Runner.prototype.pythonStart = function () { return python && python.how; };

  Runner.prototype.text = function () {
    return this.editor ? this.editor.get() : this.preview.textContent;
  };

  // typed: a key the reader typed on the preview, to insert at the end once it is open
  Runner.prototype.openEditor = function (focus, typed) {
    var self = this;
    warm(this);
    if (typed) this.typed = (this.typed || "") + typed;
    if (this.editor) { if (focus) this.editor.focus(); return Promise.resolve(); }
    if (this.opening) return this.opening;
    if (!this.status.textContent) this.say(T.loadingEditor);
    this.opening = loadEditor().then(function (mod) {
      var host = el("div", {"class": "tabbook-tryit-editor"});
      var doc = self.preview.textContent;
      self.editor = mod.createEditor(host, doc, {
        label: T.editor, describedBy: self.hintId,
        onRun: function () { self.run(); },
        onChange: function (text) {
          warm(self);
          store(self.key, text === self.starter ? null : text);
        },
      });
      var hadFocus = document.activeElement === self.preview;
      self.code.replaceChild(host, self.preview);
      if (self.status.textContent === T.loadingEditor) self.say("");
      if (focus || hadFocus) self.editor.focus();
      if (self.typed) { self.editor.type(self.typed); self.typed = ""; }
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
    this.clearOutput();
    delete this.status.dataset.result;
    delete this.status.dataset.missing;
    this.busy(true);
    warm(this);
    this.say(python.ready ? T.running : T.starting);
    python.worker.postMessage({type: "run", id: this.runId, code: this.text(), checks: this.checks,
                        language: S.language, base: base, library: S.library,
                        runtime: S.runtime});
    // a limit set before anything runs, on this thread: it also ends a Python that never
    // finishes loading (the worker gets no say), and no flood of messages can delay it
    this.limit(S.loadLimit, T.loadTimeout, "error");
  };

  Runner.prototype.limit = function (seconds, message, result) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      self.stop(message.replace("{}", String(seconds)), result);
    }, seconds * 1000);
  };

  Runner.prototype.started = function () {
    var self = this;
    this.say(T.running);
    this.limit(S.timeLimit, T.timeout, "stopped");  // (the code gets the whole limit)
    clearTimeout(this.spareTimer);
    this.spareTimer = setTimeout(function () {
      if (current === self) startSpare();
    }, SPARE_AFTER_MS);
  };

  Runner.prototype.clearOutput = function () {
    this.lines = [];
    this.notShown = 0;
    this.output.textContent = "";
    this.output.hidden = true;
  };

  // lines: [[stream, text], ...] printed since the last batch; dropped: lines the worker
  // left out of it. The page keeps the last MAX_SHOWN and draws once a frame.
  Runner.prototype.print = function (lines, dropped) {
    var self = this;
    this.notShown += dropped || 0;
    for (var i = 0; i < lines.length; i++) this.lines.push(lines[i]);
    if (this.lines.length > MAX_SHOWN) {
      this.notShown += this.lines.length - MAX_SHOWN;
      this.lines = this.lines.slice(-MAX_SHOWN);
    }
    if (!this.drawing) {
      this.drawing = true;
      requestAnimationFrame(function () { self.drawing = false; self.draw(); });
    }
  };

  // one text node for each run of lines of the same stream: cheap to lay out, every frame
  Runner.prototype.draw = function () {
    var out = document.createDocumentFragment();
    if (this.notShown) {
      out.appendChild(el("span", {"class": "tabbook-tryit-more"},
                         T.notShown.replace("{}", this.notShown.toLocaleString()) + "\n"));
    }
    var text = [], stream = null, lines = this.lines;
    for (var i = 0; i <= lines.length; i++) {
      if (i === lines.length || (text.length && lines[i][0] !== stream)) {
        var span = el("span", stream === "stderr" ? {"class": "tabbook-tryit-err"} : {});
        span.textContent = text.join("\n") + "\n";
        if (text.length) out.appendChild(span);
        text = [];
      }
      if (i < lines.length) { stream = lines[i][0]; text.push(lines[i][1]); }
    }
    this.output.replaceChildren(out);
    this.output.hidden = !lines.length && !this.notShown;
    this.output.scrollTop = this.output.scrollHeight;
  };

  Runner.prototype.done = function () {
    clearTimeout(this.timer);
    clearTimeout(this.spareTimer);
    this.timer = null;
    if (current === this) current = null;
    this.busy(false);
    if (this.lines.length || this.notShown) this.draw();
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
    endPython();
    this.status.dataset.result = "error";
    if (file) this.status.dataset.missing = file;
    this.say(file ? T.noFile.replace("{}", message) : T.noPython.replace("{}", message));
  };

  // result: data-result ("stopped"; "error" when Python never finished loading)
  Runner.prototype.stop = function (why, result) {
    if (current !== this) return;
    var loaded = python && python.ready;
    endPython();
    this.done();
    this.status.dataset.result = result || "stopped";
    this.say(why);
    if (loaded) warm(this);  // a fresh Python (the spare, if any) for the next Run
  };

  Runner.prototype.reset = function () {
    if (current === this) this.stop(T.stopped);
    store(this.key, null);
    if (this.editor) this.editor.set(this.starter); else this.preview.textContent = this.starter;
    store(this.key, null);
    this.clearOutput();
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
