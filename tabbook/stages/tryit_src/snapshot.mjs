// The exercise runner's Python, started once when the book is built: a memory snapshot of
// Pyodide (its wasm memory, Python started and the runner's standard modules imported)
// that static/tryit-worker.js restores instead of starting Python (about 0.3 s instead of
// 2-5 s). Made by tabbook/stages/tryit.py:
//
//   node snapshot.mjs <folder of pyodide.js> <out.gz>
//
// writes the snapshot gzip-compressed (the worker decompresses it). Only wasm memory is
// in it: the file system, the stdlib zip, the book's d2l files and the JavaScript side
// are made afresh when the worker loads it. What the memory would otherwise hold of this
// machine is set here to what a browser's own start gives (the program name, the
// environment), or made the same on every build (the hash seed: see PYTHONHASHSEED);
// what must differ in every page (random's seed, the reader's time zone) the worker sets
// after restoring. Pyodide's snapshots are experimental (the `_makeSnapshot` and
// `_loadSnapshot` options): one made by another Pyodide build is refused when loaded
// (its build id), and the worker then starts Python the ordinary way.
import {createRequire} from "module";
import fs from "fs";
import path from "path";
import zlib from "zlib";

const [pyodideDir, out] = process.argv.slice(2);
if (!pyodideDir || !out) {
  console.error("usage: node snapshot.mjs <folder of pyodide.js> <out.gz>");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const {loadPyodide} = require(path.resolve(pyodideDir, "pyodide.js"));

// The modules d2l/inpage.py and d2l/exercises.py import that Python's start has not
// (the rest, random and math among them, are imported by then).
const IMPORTS = ["__future__", "gettext", "locale"];

const py = await loadPyodide({
  indexURL: path.resolve(pyodideDir) + "/",
  packages: [],
  _makeSnapshot: true,
  // a browser's worker: argv[0] (and so sys.executable, os.environ["_"]) "./this.program",
  // not this script's path; the worker passes the same LANG (not the browser's language)
  _sysExecutable: "./this.program",
  // the hash secret is in the snapshot whatever is done, the same in every page: seed 0
  // says so (sys.flags.hash_randomization == 0) and makes the snapshot the same each build
  env: {LANG: "C.UTF-8", PYTHONHASHSEED: "0"},
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
py.runPython([
  "import os, random, sys",
  ...IMPORTS.map((name) => `import ${name}`),
  "del os.environ['PYTHONHASHSEED']",
  "random.seed(0)  # (the worker seeds it again, from the browser's entropy)",
  "sys.path.remove('')  # (loadPyodide puts it back, also after restoring)",
].join("\n"));
const snapshot = py.makeMemorySnapshot();

// It restores, and its Python runs (a snapshot that cannot is no build product)
const restored = await loadPyodide({
  indexURL: path.resolve(pyodideDir) + "/", packages: [], env: {LANG: "C.UTF-8"},
  _loadSnapshot: snapshot,
});
const check = restored.runPython([
  "import sys",
  `missing = [m for m in ${JSON.stringify(IMPORTS)} if m not in sys.modules]`,
  "'ok' if sys.path.count('') == 1 and not missing and sum(range(10)) == 45 else "
    + "f'sys.path {sys.path}, not imported: {missing}'",
].join("\n"));
if (check !== "ok") {
  console.error(`the snapshot restored, but its Python is not as made: ${check}`);
  process.exit(1);
}
fs.writeFileSync(out, zlib.gzipSync(snapshot, {level: 9}));
console.log(`snapshot: ${snapshot.length} bytes, ${fs.statSync(out).size} gzip-compressed`);
