// The exercise runner's Web Worker (started by static/tryit.js when the reader focuses or
// types in an exercise's code, or presses Run). It loads Pyodide from the book's own
// _static/tryit/pyodide/, writes the book's d2l/__init__.py, d2l/exercises.py,
// d2l/inpage.py and the checkers' compiled catalogs into Pyodide's file system, imports
// d2l.inpage (what each Run runs: a fresh namespace and exercises module, see its
// docstring), then runs each request: the reader's code, then the cell's
// exercises.check_... lines. A runaway loop is ended by the page, which terminates this
// worker.
//
// Messages to the page: "ready" (Python loaded; with the times of the steps), "started" (a Run's code begins), "out"
// (printed lines, batched), "done", "fatal" (Python could not load: which file, if a
// file could not be fetched, named before Pyodide is started).
//
// Output cannot flood the page: what the code prints is sent at most every FLUSH_MS, and
// only the last MAX_LINES lines of each batch (each cut to MAX_LINE_CHARS), with the
// count of the lines left out; however fast a loop prints, the page gets a few small
// messages a second.
"use strict";

var FLUSH_MS = 50;
var MAX_LINES = 400;
var MAX_LINE_CHARS = 2000;

var RUNNER = [
  "import sys",
  "sys.path.insert(0, '/tabbook')",
  "from d2l import inpage as _tabbook_inpage",
  "_tabbook_inpage.start()",
].join("\n");

var ready = null;  // Promise of the loaded Pyodide
var runId = 0;
var timings = {};  // ms since this worker started, at each step of loading (benchmarks)
var started = performance.now();

function mark(step) { timings[step] = Math.round(performance.now() - started); }

function post(type, extra) {
  var msg = {type: type, id: runId};
  for (var k in extra || {}) msg[k] = extra[k];
  self.postMessage(msg);
}

// ---- printed output, batched by time and size
var pending = [];   // [stream, text] of the lines not sent yet (the last MAX_LINES)
var dropped = 0;    // lines left out of this batch
var lastFlush = 0;

function flush() {
  if (!pending.length && !dropped) return;
  post("out", {lines: pending, dropped: dropped});
  pending = [];
  dropped = 0;
  lastFlush = performance.now();
}

function printed(stream) {
  return function (text) {
    if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS) + " …";
    pending.push([stream, text]);
    if (pending.length > MAX_LINES) { pending.shift(); dropped++; }
    if (performance.now() - lastFlush >= FLUSH_MS) flush();
  };
}

// A file the runner could not fetch: its path on the site and why (HTTP 404, ...).
function Unfetched(url, why) {
  this.file = new URL(url, self.location.href).pathname;
  this.message = this.file + ": " + why;
}

async function fetched(url, method) {
  var resp;
  try {
    resp = await fetch(url, {method: method || "GET"});
  } catch (err) {
    throw new Unfetched(url, String(err && err.message || err));
  }
  // (a host that does not answer HEAD says nothing of the file: Pyodide asks for it)
  if (method === "HEAD" && (resp.status === 405 || resp.status === 501)) return resp;
  if (!resp.ok) throw new Unfetched(url, "HTTP " + resp.status);
  return resp;
}

function load(base, library, runtime) {
  if (ready) return ready;
  ready = (async function () {
    // (Pyodide reports a file it cannot fetch late, or never: ask for each one first)
    var libs = library.map(function (rel) { return fetched(base + "d2l/" + rel); });
    libs.forEach(function (p) { p.catch(function () {}); });  // (awaited below)
    await Promise.all((runtime || []).map(function (name) {
      return fetched(base + "pyodide/" + name, "HEAD");
    }));
    mark("asked");
    importScripts(base + "pyodide/pyodide.js");
    var py = await loadPyodide({indexURL: base + "pyodide/", packages: []});
    mark("pyodide");
    py.setStdout({batched: printed("stdout")});
    py.setStderr({batched: printed("stderr")});
    for (var i = 0; i < library.length; i++) {
      var resp = await libs[i];
      var path = "/tabbook/d2l/" + library[i];
      py.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      py.FS.writeFile(path, new Uint8Array(await resp.arrayBuffer()));
    }
    mark("library");
    py.runPython(RUNNER);
    mark("ready");
    return py;
  })();
  return ready;
}

async function loaded(msg) {
  try {
    return await load(msg.base, msg.library, msg.runtime);
  } catch (err) {
    ready = null;  // (a later Run asks again)
    post("fatal", {message: String(err && err.message || err), file: err && err.file || ""});
    return null;
  }
}

self.onmessage = async function (ev) {
  var msg = ev.data;
  if (msg.type === "load") {
    if (await loaded(msg)) post("ready", {timings: timings});
    return;
  }
  if (msg.type !== "run") return;
  runId = msg.id;
  var py = await loaded(msg);
  if (!py) return;
  post("started");
  pending = [];
  dropped = 0;
  lastFlush = performance.now();
  var results = null;
  try {
    var run = py.globals.get("_tabbook_inpage").run;
    var checks = py.toPy(msg.checks);
    var out = run(msg.code, checks, msg.language);
    checks.destroy();
    run.destroy();
    if (out) {
      results = out.toJs();
      out.destroy();
    }
  } catch (err) {
    printed("stderr")(String(err && err.message || err));
  }
  flush();
  post("done", {results: results, error: results === null});
};
