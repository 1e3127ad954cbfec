"""Serve the book's third-party assets from the book itself: no request leaves the site.

Jupyter Book loads MathJax 3 from a CDN. Here the npm package ``mathjax@MATHJAX_VERSION``
is installed once (by ``npm``) into the build's vendor folder (:attr:`tabbook.core.layout.Layout.vendor`,
one for every edition, never committed, never part of the site); its combined component
and the folders it loads on demand (fonts, TeX extensions, accessibility, menu) are staged
in ``<vendor>/static/mathjax/``, that folder is added to ``html_static_path`` (Sphinx
copies it to ``_static/mathjax/``) and ``mathjax_path`` points at the copy.

* ``TABBOOK_MATHJAX_DIR``: an unpacked ``mathjax`` npm package to use instead of
  running ``npm`` (machines without Node.js).
* A ``mathjax_path`` set in ``_config.yml`` to anything but a MathJax 3 CDN URL (Sphinx's
  default) or ``mathjax/tex-chtml.js`` is respected (nothing is installed).

The theme's other assets are already local: pydata-sphinx-theme ships Font Awesome and
uses system fonts (no Google Fonts); sphinx-thebe fetches thebe from unpkg only when a
reader presses "Live Code".

Loaded by ``tabbook.sphinxext.reader`` (or on its own: ``app.setup_extension("tabbook.sphinxext.offline")``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

MATHJAX_VERSION = "3.2.2"
MATHJAX_COMPONENT = "tex-chtml.js"
"""The combined component the pages load (TeX input, CommonHTML output, menu, a11y)."""
MATHJAX_DIRS = ("a11y", "input", "output", "sre", "ui")
"""What the component fetches on demand: fonts (output/chtml/fonts), TeX extensions
(\\require, autoloaded macros), and what the MathJax menu's accessibility options load."""
STATIC_NAME = "mathjax"
"""The copy is served as ``_static/mathjax/``."""
CDN_PREFIXES = ("https://cdn.jsdelivr.net/npm/mathjax@", "https://cdnjs.cloudflare.com/ajax/libs/mathjax/")


class OfflineError(Exception):
    """The local MathJax copy cannot be made (no npm, no network, bad package)."""


def _package_version(pkg: Path) -> str | None:
    try:
        return json.loads((pkg / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def install_mathjax(vendor: Path, version: str = MATHJAX_VERSION) -> Path:
    """The ``mathjax`` npm package (``version``), installed under ``vendor`` if missing."""
    override = os.environ.get("TABBOOK_MATHJAX_DIR")
    if override:
        pkg = Path(override)
        if not (pkg / "es5" / MATHJAX_COMPONENT).is_file():
            raise OfflineError(f"TABBOOK_MATHJAX_DIR={override} is not an unpacked mathjax@3 "
                               f"package (no es5/{MATHJAX_COMPONENT})")
        return pkg
    prefix = vendor / "npm"
    pkg = prefix / "node_modules" / "mathjax"
    if _package_version(pkg) == version and (pkg / "es5" / MATHJAX_COMPONENT).is_file():
        return pkg
    npm = shutil.which("npm")
    if npm is None:
        raise OfflineError(
            "the book serves MathJax itself and installs it with npm, which is not on PATH: "
            "install Node.js (e.g. `apt-get install nodejs npm`), or unpack the mathjax@"
            f"{version} npm package somewhere and set TABBOOK_MATHJAX_DIR to it")
    prefix.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--prefix", str(prefix), "--no-save", "--no-package-lock",
           "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", f"mathjax@{version}"]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OfflineError(f"`{' '.join(cmd)}` failed: {exc}") from None
    if res.returncode != 0 or _package_version(pkg) != version:
        raise OfflineError(f"`{' '.join(cmd)}` failed (exit {res.returncode}):\n"
                           f"{(res.stderr or res.stdout).strip()[-2000:]}")
    return pkg


def _link_or_copy(src, dst) -> None:
    """Hard-link (the package and the stage are both in the vendor folder), else copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def stage_mathjax(pkg: Path, stage: Path) -> Path:
    """Copy what the pages need from ``pkg`` to ``stage/mathjax``; return ``stage``.

    Skipped when the staged copy is of the same package version (a marker file says so).
    """
    dst = stage / STATIC_NAME
    version = _package_version(pkg) or "unknown"
    marker = dst / ".staged"
    want = f"{pkg.resolve()} {version} {MATHJAX_COMPONENT} {' '.join(MATHJAX_DIRS)}"
    if marker.is_file() and marker.read_text(encoding="utf-8") == want:
        return stage
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    es5 = pkg / "es5"
    _link_or_copy(es5 / MATHJAX_COMPONENT, dst / MATHJAX_COMPONENT)
    for name in MATHJAX_DIRS:
        if (es5 / name).is_dir():
            shutil.copytree(es5 / name, dst / name, copy_function=_link_or_copy)
    if (pkg / "LICENSE").is_file():
        _link_or_copy(pkg / "LICENSE", dst / "LICENSE")
    marker.write_text(want, encoding="utf-8")  # hidden: Sphinx does not copy dotfiles
    return stage


def local_path() -> str:
    """``mathjax_path`` of the local copy (relative to ``_static``)."""
    return f"{STATIC_NAME}/{MATHJAX_COMPONENT}"


def _is_default_mathjax(path: str) -> bool:
    """Sphinx's default (a CDN), a MathJax 3 CDN URL, or the local copy: serve it locally."""
    from sphinx.ext.mathjax import MATHJAX_URL

    return (not path or path in (MATHJAX_URL, local_path())
            or path.startswith(CDN_PREFIXES) and "@3" in path)


def _config_inited(app, config) -> None:
    from sphinx.errors import ExtensionError

    if not _is_default_mathjax(config.mathjax_path or ""):
        return  # the book chose its own MathJax
    from ..core.layout import Layout

    vendor = Layout(Path(app.srcdir)).vendor  # (not the outdir's parent: zh's is the site)
    try:
        stage = stage_mathjax(install_mathjax(vendor), vendor / "static")
    except OfflineError as exc:
        raise ExtensionError(f"[tabbook] {exc}") from None
    static = [str(p) for p in config.html_static_path]
    if str(stage) not in static:
        config.html_static_path = static + [str(stage)]
    config.mathjax_path = local_path()


def setup(app) -> dict:
    from .. import __version__

    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", _config_inited, priority=800)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
