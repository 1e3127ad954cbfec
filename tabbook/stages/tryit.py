"""The in-page exercise runner's assets: CodeMirror, Pyodide and the book's checkers.

An exercise cell of a page (a code cell tagged ``skip-execution`` whose code calls
``exercises.check_...``, see :mod:`tabbook.sphinxext.sphinx_tryit`) becomes, in the reader's
browser, an editor with a Run button; the code runs in a Web Worker with Pyodide. What
that needs is made here, with no request to anything but npm's registry (once, cached):

* the npm packages pinned in ``tabbook/stages/tryit_src/package-lock.json`` (CodeMirror 6,
  ``pyodide``, ``esbuild``), installed by the book's one npm installer
  (:func:`tabbook.sources.npm.install_locked`: ``npm ci`` into
  ``~/.cache/d2l-book/npm/tryit-<hash of the lock file>/``), never into the source tree;
* ``tryit/editor.js``: ``tabbook/stages/tryit_src/editor.mjs`` bundled with esbuild (an ES
  module the page imports on the reader's first interaction);
* ``tryit/pyodide/``: Pyodide's runtime (``pyodide.js``, ``pyodide.asm.js``,
  ``pyodide.asm.wasm``, ``python_stdlib.zip``, ``pyodide-lock.json``). Pyodide's
  packages (NumPy among them) are not in the npm package, and no registry ships them,
  so the in-page cells run plain Python: the checkers hand them nested lists;
* ``tryit/snapshot.bin.gz``: that Python started, as a memory snapshot made with Node
  (``tabbook/stages/tryit_src/snapshot.mjs``, :func:`stage_snapshot`) once per machine and
  inputs (:func:`snapshot_cache`), which the worker restores instead of starting Python
  (falling back to starting it if it cannot);
* ``tryit/d2l/``: the book's own ``d2l/__init__.py``, ``d2l/exercises.py``,
  ``d2l/inpage.py`` (what each Run runs) and the checkers' compiled message catalogs
  (``locales/<language>/LC_MESSAGES/d2l.mo``), the very files the library's wheel holds.

They are staged in ``<stage>/tryit/`` (``<vendor>/tryit-static/tryit/``,
:attr:`tabbook.core.layout.Layout.vendor`), which the Sphinx side adds to
``html_static_path``: the site serves them as ``_static/tryit/``.

``TABBOOK_TRYIT_NPM_DIR``: a folder whose ``node_modules`` already holds the packages
(machines without npm). This module does not import Sphinx.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from ..core.files import write_atomic
from ..sources import npm

SRC = Path(__file__).resolve().parent / "tryit_src"
"""``package.json``, ``package-lock.json`` (the pinned versions) and ``editor.mjs``."""
STATIC_NAME = "tryit"
PYODIDE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")
"""What ``loadPyodide`` fetches for plain Python (no packages)."""
SNAPSHOT_NAME = "snapshot.bin.gz"
"""Python started, as wasm memory, gzip-compressed (``static/tryit-worker.js`` fetches it)."""
LIBRARY_FILES = ("__init__.py", "exercises.py", "inpage.py")
"""The library files the worker imports (from the book's ``d2l/``)."""
CATALOG_DOMAIN = "d2l"


class TryitError(Exception):
    """The runner's assets cannot be made (no npm, no network, a failed bundle)."""


def lock_hash() -> str:
    """The hash of the runner's ``package.json`` and lock file
    (:func:`tabbook.sources.npm.lock_hash`)."""
    return npm.lock_hash(SRC)


def locked_version(name: str) -> str:
    """The version of npm package ``name`` that the runner's lock file pins."""
    return npm.locked_version(SRC, name)


def _run(cmd: list[str], cwd: Path | None, what: str, **options) -> None:
    """:func:`tabbook.sources.npm.run`, failing with :class:`TryitError`."""
    try:
        npm.run(cmd, cwd, what, keep="tail", **options)
    except npm.NpmError as exc:
        raise TryitError(str(exc)) from None


def install_packages() -> Path:
    """The folder whose ``node_modules`` holds the runner's pinned packages (installed if
    missing)."""
    override = os.environ.get("TABBOOK_TRYIT_NPM_DIR")
    if override:
        folder = Path(override)
        if not (folder / "node_modules" / "pyodide" / "pyodide.asm.wasm").is_file():
            raise TryitError(f"TABBOOK_TRYIT_NPM_DIR={override} has no node_modules/pyodide "
                             "(install tabbook/stages/tryit_src/package-lock.json there "
                             "with `npm ci`)")
        return folder
    try:
        return npm.install_locked(SRC, "tryit", "the exercise runner's editor and Python "
                                  "(CodeMirror, Pyodide)", "TABBOOK_TRYIT_NPM_DIR")
    except npm.NpmError as exc:
        raise TryitError(str(exc)) from None


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def bundle_editor(npm_dir: Path, out: Path) -> Path:
    """esbuild ``editor.mjs`` (with CodeMirror) into ``out`` (minified ES module)."""
    entry = npm_dir / "editor.mjs"  # beside node_modules, so esbuild resolves the imports
    shutil.copy2(SRC / "editor.mjs", entry)
    esbuild = npm_dir / "node_modules" / ".bin" / "esbuild"
    tmp = out.with_name(f".{out.name}.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    _run([str(esbuild), str(entry), "--bundle", "--format=esm", "--minify",
          "--legal-comments=none", "--target=es2020", f"--outfile={tmp}"],
         npm_dir, "bundling the exercise runner's editor")
    os.replace(tmp, out)
    return out


def compile_catalogs(lib_dir: Path, dest: Path | None = None) -> list[Path]:
    """Compile ``<lib_dir>/locales/*/LC_MESSAGES/*.po`` to ``.mo`` (beside, or under ``dest``).

    A ``.mo`` is rewritten only when its bytes change. Returns the ``.mo`` paths.
    """
    from ..sources.i18n import _write_mo

    lib_dir = Path(lib_dir)
    out = []
    for po in sorted((lib_dir / "locales").glob("*/LC_MESSAGES/*.po")):
        rel = po.relative_to(lib_dir).with_suffix(".mo")
        mo = (Path(dest) if dest else lib_dir) / rel
        tmp = mo.with_name(f".{mo.name}.build")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        _write_mo(po, tmp)
        data = tmp.read_bytes()
        tmp.unlink()
        if not mo.is_file() or mo.read_bytes() != data:
            write_atomic(mo, data)
        out.append(mo)
    return out


def _digest(paths) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode() + b"\0" + Path(p).read_bytes())
    return h.hexdigest()


def stage(root: Path, stage_dir: Path) -> Path:
    """Make ``<stage_dir>/tryit/`` (editor, Pyodide, the book's checkers); return ``stage_dir``.

    The npm part is redone only when the lock file or ``editor.mjs`` changed (a marker
    says so); the library files are copied on every call (they are small).
    """
    root, stage_dir = Path(root), Path(stage_dir)
    dst = stage_dir / STATIC_NAME
    marker = dst / ".staged"
    want = f"{lock_hash()} {_digest([SRC / 'editor.mjs'])}"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == want
            and (dst / "editor.js").is_file()):
        npm_dir = install_packages()
        shutil.rmtree(dst, ignore_errors=True)
        dst.mkdir(parents=True)
        bundle_editor(npm_dir, dst / "editor.js")
        pyodide = npm_dir / "node_modules" / "pyodide"
        for name in PYODIDE_FILES:
            _link_or_copy(pyodide / name, dst / "pyodide" / name)
        _link_or_copy(pyodide / "package.json", dst / "pyodide" / "package.json")
        marker.write_text(want, encoding="utf-8")  # hidden: Sphinx does not copy dotfiles
    stage_snapshot(dst)
    lib = root / "d2l"
    for name in LIBRARY_FILES:
        src, out = lib / name, dst / "d2l" / name
        if not src.is_file():
            raise TryitError(f"d2l/{name} is missing: the exercise runner serves the book's "
                             "own checkers")
        if not out.is_file() or out.read_bytes() != src.read_bytes():
            write_atomic(out, src.read_bytes())
    compile_catalogs(lib, dst / "d2l")
    return stage_dir


def node_version() -> str:
    """``node --version`` (the snapshot is made with Node: the build has it for KaTeX)."""
    node = shutil.which("node")
    if node is None:
        raise TryitError("the exercise runner's Python snapshot is made with Node.js, which is "
                         "not on PATH: install Node.js (e.g. `apt-get install nodejs`)")
    try:
        res = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TryitError(f"`node --version` failed: {exc}") from None
    return res.stdout.strip()


def snapshot_inputs() -> str:
    """What the snapshot is made from, as the marker beside it records it: Pyodide (the
    lock file pins it), the script that makes it and Node's version."""
    return f"{lock_hash()} {_digest([SRC / 'snapshot.mjs'])} node {node_version()}"


def snapshot_cache(inputs: str) -> Path:
    """Where this machine keeps the snapshot made from ``inputs`` (:func:`snapshot_inputs`):
    ``<npm cache>/pyodide-snapshots/<hash of the inputs>.bin.gz``, beside the npm installs
    (:func:`tabbook.sources.npm.cache_root`). Nothing of a book goes into a snapshot, so
    every book and every copy of one on the machine takes the same file."""
    key = hashlib.sha256(inputs.encode()).hexdigest()[:16]
    return npm.cache_root() / "pyodide-snapshots" / f"{key}.bin.gz"


def stage_snapshot(dst: Path) -> Path:
    """Make ``dst/snapshot.bin.gz`` from the staged ``dst/pyodide/`` (``tryit_src/snapshot.mjs``).

    Staged again only when :func:`snapshot_inputs` changed (the marker ``dst/.snapshot`` says
    what it was made from); made with Node only when the machine has none from the same
    inputs (:func:`snapshot_cache`), written there whole or not at all. Two snapshots
    made from the same inputs differ in a few hundred bytes only (entropy and file times
    Python read as it started, nothing the worker keeps: it seeds ``random`` again and
    reads the time zone again).
    """
    out, marker = dst / SNAPSHOT_NAME, dst / ".snapshot"
    want = snapshot_inputs()
    if out.is_file() and marker.is_file() and marker.read_text(encoding="utf-8") == want:
        return out
    marker.unlink(missing_ok=True)
    made = snapshot_cache(want)
    if not made.is_file():
        made.parent.mkdir(parents=True, exist_ok=True)
        tmp = made.with_name(f".{made.name}.{os.getpid()}.tmp")
        try:
            _run_node_snapshot(dst / "pyodide", tmp)
            os.replace(tmp, made)
        finally:
            tmp.unlink(missing_ok=True)
    write_atomic(out, made.read_bytes())
    marker.write_text(want, encoding="utf-8")
    return out


def _run_node_snapshot(pyodide: Path, out: Path) -> None:
    env = dict(os.environ, TZ="UTC")  # (the worker reads the reader's time zone again)
    cmd = [shutil.which("node") or "node", str(SRC / "snapshot.mjs"), str(pyodide), str(out)]
    what = "making the exercise runner's Python snapshot"
    _run(cmd, None, what, timeout=600, env=env)
    if not out.is_file():
        raise TryitError(f"{what}: `{' '.join(cmd)}` wrote no {out.name}")


def library_paths(lib_dir: Path) -> list[str]:
    """The files of ``tryit/d2l/`` the worker writes into Pyodide's file system."""
    lib_dir = Path(lib_dir)
    paths = list(LIBRARY_FILES)
    paths += [p.relative_to(lib_dir).with_suffix(".mo").as_posix()
              for p in sorted((lib_dir / "locales").glob("*/LC_MESSAGES/*.po"))]
    return paths
