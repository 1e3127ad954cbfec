"""The Sphinx side of the in-page exercise runner (assets: :mod:`tabbook.stages.tryit`).

A code cell is *runnable in the page* when it is tagged ``skip-execution`` and a line of
its code calls a checker of the book's library, ``exercises.check_<name>(...)`` (the
"try your answer" cells of the exercises). Such a cell gets the class
``tabbook-tryit`` and an id (``tryit-<page>-<n>``, the same in every language edition,
so an answer saved in one edition is there in the other); ``static/tryit.js`` turns it
into an editor with Run, Reset and Stop, and runs the code and then the cell's
``exercises.check_...`` lines in a Web Worker (``static/tryit-worker.js``) with Pyodide,
all served from ``_static/tryit/``. Without JavaScript the cell stays as it is.

A book without ``d2l/exercises.py`` has no runnable cells (and nothing is staged).

* At ``config-inited``: stage the assets (:func:`tabbook.stages.tryit.stage`) and add them to
  ``html_static_path``.
* At ``doctree-resolved``: mark the runnable cells (in a translated edition, the starter
  code's comments and docstrings are translated as every code cell's are:
  :mod:`tabbook.sphinxext.sphinx_code_prose`).
* At ``html-page-context``: on a page with runnable cells only, add ``tryit.js`` (small,
  deferred) and ``tryit.css``, and the runner's settings and translated strings as a
  JSON script. Nothing else loads until the reader interacts with a cell.

Loaded by :mod:`tabbook.sphinxext.sphinx_ext`.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import get_translation

from .. import __version__
from ..core.escape import json_for_script
from ..sources.i18n import edition_of
from ..stages.tryit import PYODIDE_FILES, TryitError, library_paths, locked_version, stage

_ = get_translation("tabbook")
CHECK_RE = re.compile(r"^exercises\.check_\w+\(.*\)\s*$")
"""A line of a runnable cell that runs a checker (it runs after the reader's code)."""
TAG = "skip-execution"
CLASS = "tabbook-tryit"
TIME_LIMIT_S = 10
"""A Run that takes longer is stopped (its worker ended; the next Run starts afresh)."""
LOAD_LIMIT_S = 30
"""A Run whose Python has not finished loading this long after Run was pressed ends with a
message (a hung connection); longer than :data:`TIME_LIMIT_S`: a first Run fetches about
17 MB (Pyodide, the snapshot, the editor), which takes over 10 s below about 14 Mbit/s."""


def is_runnable(source: str, tags) -> bool:
    """A ``skip-execution`` cell that calls ``exercises.check_...``: runnable in the page."""
    return TAG in (tags or ()) and any(CHECK_RE.match(ln) for ln in source.splitlines())


def split_checks(source: str) -> tuple[str, list[str]]:
    """The reader's part of a runnable cell (the starter code) and its checker lines."""
    lines = source.rstrip("\n").split("\n")
    checks = [ln for ln in lines if CHECK_RE.match(ln)]
    starter = [ln for ln in lines if not CHECK_RE.match(ln)]
    while starter and not starter[-1].strip():
        starter.pop()
    return "\n".join(starter) + "\n", checks


def enabled(app: Sphinx) -> bool:
    """Whether the book has checkers to run (``d2l/exercises.py``): else no cell is runnable."""
    return (Path(app.srcdir) / "d2l" / "exercises.py").is_file()


def _config_inited(app: Sphinx, config) -> None:
    if not enabled(app):
        return
    from ..core.layout import Layout

    vendor = Layout(Path(app.srcdir)).vendor  # (never inside the site: not in any edition)
    try:
        staged = stage(Path(app.srcdir), vendor / "tryit-static")
    except TryitError as exc:
        raise ExtensionError(f"[tabbook] {exc}") from None
    static = [str(p) for p in config.html_static_path]
    if str(staged) not in static:
        config.html_static_path = static + [str(staged)]


def _cells(doctree):
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") != "cell_code":
            continue
        classes = node.get("classes", [])
        tags = [c[4:] for c in classes if c.startswith("tag_")]
        blocks = list(node.findall(nodes.literal_block))
        if blocks and is_runnable(blocks[0].astext(), tags):
            yield node, blocks[0]


def _doctree_resolved(app: Sphinx, doctree, docname: str) -> None:
    if not enabled(app):
        return
    slug = re.sub(r"[^A-Za-z0-9]+", "-", docname).strip("-")
    count = 0
    for node, _block in _cells(doctree):
        count += 1
        node["classes"].append(CLASS)
        node["ids"].append(f"tryit-{slug}-{count}")


def _settings(app: Sphinx) -> dict:
    edition = edition_of(app.config.language)
    lib = Path(app.srcdir) / "d2l"
    strings = {
        "run": _("Run"),
        "reset": _("Reset"),
        "stop": _("Stop"),
        "toolbar": _("Try your answer"),
        "editor": _("Your code for this exercise"),
        "keys": _("Enter, or typing, opens the editor; Ctrl+Enter (⌘+Enter) runs the code. "
                  "In the editor, Tab indents; press Esc, then Tab, to leave it."),
        "then": _("Then the self-check runs:"),
        "output": _("Output"),
        "idle": _("Runs in your browser, in plain Python (no NumPy): the framework code "
                  "runs in Colab."),
        "loadingEditor": _("Loading the editor…"),
        "starting": _("Starting Python in your browser (the first time takes a few "
                      "seconds)…"),
        "ready": _("Python is ready."),
        "running": _("Running…"),
        "passed": _("Passed: every self-check passed."),
        "failed": _("Not yet: a self-check failed (see the output)."),
        "error": _("Your code raised an error (see the output)."),
        "stopped": _("Stopped. The next Run starts a fresh Python."),
        "timeout": _("Stopped after {} seconds (an endless loop?). The next Run starts a "
                     "fresh Python."),
        "loadTimeout": _("Python did not finish loading in {} seconds (a slow or broken "
                         "connection?). Press Run to try again, or open the notebook in Colab."),
        "notShown": _("… {} earlier lines not shown"),
        "noPython": _("Python could not start in this browser: {}. Open the notebook in "
                      "Colab instead."),
        "noFile": _("Python could not start: a file of the runner could not be fetched "
                    "({}). Open the notebook in Colab instead."),
        "restored": _("Your saved answer is shown; Reset brings the starter code back."),
        "resetDone": _("The starter code is back."),
    }
    return {"language": edition.language, "timeLimit": TIME_LIMIT_S, "loadLimit": LOAD_LIMIT_S,
            "pyodide": locked_version("pyodide"), "library": library_paths(lib),
            "runtime": list(PYODIDE_FILES),
            "strings": {k: str(v) for k, v in strings.items()}}


def _html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict,
                       doctree) -> None:
    if doctree is None or "body" not in context:
        return
    if not any(CLASS in n.get("classes", ()) for n in doctree.findall(nodes.container)):
        return
    app.add_js_file("tryit.js", loading_method="defer")
    app.add_css_file("tryit.css")
    data = json_for_script(_settings(app))
    context["body"] += (f'\n<script type="application/json" id="tabbook-tryit-settings">'
                        f"{data}</script>\n")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _config_inited, priority=800)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("html-page-context", _html_page_context)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}

