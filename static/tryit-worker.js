// The exercise runner's Web Worker (started by static/tryit.js when the reader focuses or
// types in an exercise's code, or presses Run). It loads Pyodide from the book's own
// _static/tryit/pyodide/ (restoring _static/tryit/snapshot.bin.gz, Python already started:
// see below), writes the book's d2l/__init__.py, d2l/exercises.py, d2l/inpage.py and the
// checkers' compiled catalogs into Pyodide's file system, imports d2l.inpage (what each
// Run runs: a fresh namespace and exercises module, see its docstring), then runs each
// request: the reader's code, then the cell's exercises.check_... lines. A runaway loop
// is ended by the page, which terminates this worker.
//
// Messages to the page: "ready" (Python loaded; with the times of the steps and how it
// started), "started" (a Run's code begins), "out" (printed lines, batched), "done",
// "fatal" (Python could not load: which file, if a file could not be fetched, named
// before Pyodide is started).
//
// Output cannot flood the page: what the code prints is sent at most every FLUSH_MS, and
// only the last MAX_LINES lines of each batch (each cut to MAX_LINE_CHARS), with the
// count of the lines left out; however fast a loop prints, the page gets a few small
// messages a second.
//
// Python starts from a snapshot: tabbook/stages/tryit_src/snapshot.mjs starts Pyodide
// once, when the book is built, and saves its wasm memory (gzip); restoring it takes a
// fraction of a second, where starting Python takes seconds. Only wasm memory is in it:
// the file system (the stdlib zip, the book's d2l files) is made here as for a plain
// start. What the memory holds of the moment it was made and must differ in every page,
// random's seed and the time zone, is set again (AFTER_RESTORE); the browser has not yet
// compiled what Python's start would have run, so a few warm-up Runs follow, while the
// reader types (WARM_RUNS). If the snapshot cannot be fetched or restored (no
// DecompressionStream, an HTTP error, another Pyodide's snapshot), or the browser says the
// connection is slow or metered, Python starts the ordinary way: slower, the same Python.
"use strict";

var FLUSH_MS = 50;
var MAX_LINES = 400;
var MAX_LINE_CHARS = 2000;

var SNAPSHOT = "snapshot.bin.gz";  // (in _static/tryit/)
var ENV = {LANG: "C.UTF-8"};  // (the snapshot's: the same Python in every browser)

// After a snapshot is restored: random seeded from this browser's entropy (not the
// build's sequence in every page), and time's zone attributes read again (the C library's
// were the build machine's: its tzset() runs once, and ran then)
var AFTER_RESTORE = [
  "def _tabbook_restored():",
  "    import random, sys",
  "    random.seed()",
  "    old = sys.modules.pop('time')",
  "    import time",
  "    sys.modules['time'] = old",
  "    for name in ('timezone', 'altzone', 'daylight', 'tzname'):",
  "        setattr(old, name, getattr(time, name))",
  "_tabbook_restored()",
  "del _tabbook_restored",
].join("\n");

// Warm-up Runs once Python is ready, one at a time, until the reader's first Run arrives.
// Restored from the snapshot, Python has run too little for the browser to have compiled
// and optimized its code (the wasm is compiled function by function as it is first
// called, and optimized when hot): the first Run took 2-3 times as long as after a plain
// start. Each warm-up is a Run (d2l.inpage.run: nothing of it stays) of code like an
// answer's, no checks. Once the reader's code has run it warms the code itself, and the
// warm-up would only take CPU from the page (what a loop prints, say).
var WARM_RUNS = 10;
var WARM_CODE = [
  "def _f(xs, b):",
  "    means = [sum(xs[i:i + b]) / len(xs[i:i + b]) for i in range(0, len(xs), b)]",
  "    try:",
  "        got = float(sum(m * 0.5 for m in means))",
  "    except (TypeError, ValueError) as exc:",
  "        got = str(exc)",
  "    return abs(got - 1.0) <= 1e-9 * max(1.0, abs(got)), f'{got:.6g} {means[:2]!r}'",
  "for _n in range(1, 200):",
  "    _f([(_i * 7919) % 101 / 10 for _i in range(_n)], 1 + _n % 7)",
  "{str(k): k for k in range(300)}; sorted(set(range(300)), key=lambda v: -v)",
].join("\n");
var runs = 0;  // Runs asked for

var RUNNER = [
  "import sys",
  "sys.path.insert(0, '/tabbook')",
  "from d2l import inpage as _tabbook_inpage",
  "_tabbook_inpage.start()",
].join("\n");

var ready = null;  // Promise of the loaded Pyodide
var runId = 0;
var timings = {};  // ms since this worker started, at each step of loading (benchmarks)
var how = {started: "", snapshotError: ""};  // Python restored ("snapshot") or "plain", and why
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

// The snapshot's bytes. Pyodide checks that they are its own build's (its build id) once
// it has started the wasm with them; but a file too small for the wasm's memory would make
// that start fail, and Pyodide then never answers: so the header and size are checked
// first (Pyodide's magic number "\0snp", a whole number of 64 KiB pages, at least the
// 20 MiB the wasm starts with).
var SNAPSHOT_MAGIC = 0x706e7300;
var MIN_MEMORY = 20 * 1024 * 1024;

async function snapshotBytes(url) {
  var bytes;
  try {
    var resp = await fetch(url);
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    bytes = new Uint8Array(await resp.arrayBuffer());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {  // (gzip: unless the host unzipped it)
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    }
  } catch (err) {
    throw new Error(url + ": " + String(err && err.message || err));
  }
  var head = new DataView(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8));
  var memory = bytes.length >= 8 ? bytes.length - head.getUint32(4, true) : 0;
  if (bytes.length < 8 || head.getUint32(0, true) !== SNAPSHOT_MAGIC || memory < MIN_MEMORY
      || memory % 65536) {
    throw new Error(url + ": not a Pyodide memory snapshot");
  }
  return bytes;
}

// Whether to fetch the snapshot: 5 MB more the first time, which a slow or metered
// connection (as the browser says, where it does) pays for more than it gains
function snapshotWorthIt() {
  var conn = self.navigator && self.navigator.connection;
  return typeof DecompressionStream === "function" &&
    !(conn && (conn.saveData || /(^|-)(2g|3g)$/.test(conn.effectiveType || "")));
}

// Pyodide from the snapshot, or started the ordinary way if that fails
async function startPython(base) {
  var options = {indexURL: base + "pyodide/", packages: [], env: ENV};
  if (!snapshotWorthIt()) {
    how.snapshotError = "not fetched: no DecompressionStream, or a slow or metered connection";
  } else {
    try {
      var py = await loadPyodide(Object.assign(
        {_loadSnapshot: snapshotBytes(base + SNAPSHOT)}, options));
      py._api.config._loadSnapshot = null;  // (Pyodide keeps its options: not 21 MB more)
      var M = py._module;  // the C library's time zone, as this browser says it is
      M.__tzset_js(M._timezone, M._daylight, M.HEAPU32[M._tzname >>> 2],
                   M.HEAPU32[(M._tzname >>> 2) + 1]);
      py.runPython(AFTER_RESTORE);
      how.started = "snapshot";
      return py;
    } catch (err) {
      how.snapshotError = String(err && err.message || err).slice(0, 300);
    }
  }
  how.started = "plain";
  return await loadPyodide(options);
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
    var py = await startPython(base);
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

function warmUp(py, language) {
  var left = WARM_RUNS;
  function next() {
    if (runs || left-- <= 0) return;
    try {
      var run = py.globals.get("_tabbook_inpage").run;
      var out = run(WARM_CODE, [], language);
      run.destroy();
      if (out) out.destroy();
    } catch (err) {
      return;  // (not expected: the first Run will say what is wrong)
    } finally {
      pending = [];  // (it prints nothing; if it did, no Run would show it)
      dropped = 0;
    }
    setTimeout(next, 0);
  }
  setTimeout(next, 0);
}

self.onmessage = async function (ev) {
  var msg = ev.data;
  if (msg.type === "load") {
    var loadedPy = await loaded(msg);
    if (!loadedPy) return;
    post("ready", {timings: timings, how: how});
    if (how.started === "snapshot") warmUp(loadedPy, msg.language);
    return;
  }
  if (msg.type !== "run") return;
  runId = msg.id;
  runs++;
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
