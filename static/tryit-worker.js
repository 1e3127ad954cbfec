// The exercise runner's Web Worker (started by static/tryit.js on the first Run).
// It loads Pyodide from the book's own _static/tryit/pyodide/, writes the book's
// d2l/__init__.py, d2l/exercises.py and the checkers' compiled catalogs into Pyodide's
// file system, then runs each request: the reader's code, then the cell's
// exercises.check_... lines, printing what they print. A runaway loop is ended by the
// page, which terminates this worker.
"use strict";

var RUNNER = [
  "import sys, traceback",
  "sys.path.insert(0, '/tabbook')",
  "def _tabbook_run(code, checks, language):",
  "    from d2l import exercises",
  "    exercises.set_language(language)",
  "    ns = {'__name__': '__main__'}",
  "    results = []",
  "    try:",
  "        exec(compile(code, '<your code>', 'exec'), ns)",
  "        for line in checks:",
  "            results.append(bool(eval(compile(line, '<self-check>', 'eval'), ns)))",
  "    except BaseException as exc:",
  "        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)",
  "        return None",
  "    return results",
].join("\n");

var ready = null;  // Promise of the loaded Pyodide
var runId = 0;

function post(type, extra) {
  var msg = {type: type, id: runId};
  for (var k in extra || {}) msg[k] = extra[k];
  self.postMessage(msg);
}

function load(base, library) {
  if (ready) return ready;
  ready = (async function () {
    importScripts(base + "pyodide/pyodide.js");
    var py = await loadPyodide({indexURL: base + "pyodide/", packages: []});
    py.setStdout({batched: function (text) { post("out", {text: text, stream: "stdout"}); }});
    py.setStderr({batched: function (text) { post("out", {text: text, stream: "stderr"}); }});
    for (var i = 0; i < library.length; i++) {
      var rel = library[i];
      var resp = await fetch(base + "d2l/" + rel);
      if (!resp.ok) throw new Error("d2l/" + rel + ": HTTP " + resp.status);
      var path = "/tabbook/d2l/" + rel;
      py.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      py.FS.writeFile(path, new Uint8Array(await resp.arrayBuffer()));
    }
    py.runPython(RUNNER);
    return py;
  })();
  return ready;
}

self.onmessage = async function (ev) {
  var msg = ev.data;
  if (msg.type !== "run") return;
  runId = msg.id;
  var py;
  try {
    py = await load(msg.base, msg.library);
  } catch (err) {
    post("fatal", {message: String(err && err.message || err)});
    return;
  }
  post("started");
  var results = null;
  try {
    var checks = py.toPy(msg.checks);
    var out = py.globals.get("_tabbook_run")(msg.code, checks, msg.language);
    checks.destroy();
    if (out) {
      results = out.toJs();
      out.destroy();
    }
  } catch (err) {
    post("out", {text: String(err && err.message || err), stream: "stderr"});
  }
  post("done", {results: results, error: results === null});
};
