// The exercise runner's Web Worker (started by static/tryit.js on the first Run).
// It loads Pyodide from the book's own _static/tryit/pyodide/, writes the book's
// d2l/__init__.py, d2l/exercises.py and the checkers' compiled catalogs into Pyodide's
// file system, then runs each request: the reader's code, then the cell's
// exercises.check_... lines, printing what they print. A runaway loop is ended by the
// page, which terminates this worker.
//
// Each Run starts afresh: a new namespace, and every module imported since Pyodide
// started (d2l.exercises, and whatever the reader's code imported) imported again, the
// builtins as they were; so what one exercise's code patches (exercises.check_...) is
// gone when another runs. A file the runner needs that cannot be fetched (a 404) is
// named in the "fatal" message (its path), before Pyodide is started.
"use strict";

var RUNNER = [
  "import builtins, sys, traceback",
  "sys.path.insert(0, '/tabbook')",
  "_tabbook_modules = frozenset(sys.modules)",
  "_tabbook_builtins = dict(builtins.__dict__)",
  "_tabbook_path = list(sys.path)",
  "_TABBOOK_KEEP = ('pyodide', '_pyodide', 'js', 'pyodide_js')",
  "def _tabbook_fresh():",
  "    for name, module in list(sys.modules.items()):",
  "        if name in _tabbook_modules or name.split('.')[0] in _TABBOOK_KEEP:",
  "            continue",
  "        if getattr(module, '__file__', None):  # (not a builtin or frozen module)",
  "            del sys.modules[name]",
  "    for name in [n for n in builtins.__dict__ if n not in _tabbook_builtins]:",
  "        del builtins.__dict__[name]",
  "    builtins.__dict__.update(_tabbook_builtins)",
  "    sys.path[:] = _tabbook_path",
  "def _tabbook_run(code, checks, language):",
  "    _tabbook_fresh()",
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
    await Promise.all((runtime || []).map(function (name) {
      return fetched(base + "pyodide/" + name, "HEAD");
    }));
    importScripts(base + "pyodide/pyodide.js");
    var py = await loadPyodide({indexURL: base + "pyodide/", packages: []});
    py.setStdout({batched: function (text) { post("out", {text: text, stream: "stdout"}); }});
    py.setStderr({batched: function (text) { post("out", {text: text, stream: "stderr"}); }});
    for (var i = 0; i < library.length; i++) {
      var rel = library[i];
      var resp = await fetched(base + "d2l/" + rel);
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
    py = await load(msg.base, msg.library, msg.runtime);
  } catch (err) {
    ready = null;  // (a later Run asks again)
    post("fatal", {message: String(err && err.message || err), file: err && err.file || ""});
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
