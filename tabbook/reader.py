"""What the reader's browser gets beyond the pages: offline assets, accessibility, a clean console.

* ``tabbook.offline``: MathJax served from the book (no CDN).
* ``static/tabbook-reader.js`` and ``static/tabbook-reader.css`` (the book's
  ``html_static_path``): names for the theme's unnamed controls, keyboard focus on the
  framework tabs, contrast, phone layout (see the files).
* ``static/favicon.svg`` becomes the favicon (unless the book sets one): without it every
  page load asks the server for a missing ``/favicon.ico``.
* pydata-sphinx-theme logs ``Got invalid theme mode`` on a first visit unless
  ``html_context["default_mode"]`` is set: it defaults to ``"auto"`` here.
* Sphinx 7.4 writes an inline script added with ``app.add_js_file(None, body=...)`` twice
  (sphinx-thebe's ``const THEBE_JS_URL = ...``: an uncaught SyntaxError on every page);
  identical scripts are written once.

Hooked into Sphinx by ``app.setup_extension("tabbook.reader")``.
"""

from __future__ import annotations

from pathlib import Path

JS_FILE = "tabbook-reader.js"
CSS_FILE = "tabbook-reader.css"
FAVICON = "favicon.svg"


def _static_dirs(app) -> list[Path]:
    return [Path(app.confdir, p) for p in app.config.html_static_path]


def _config_inited(app, config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context
    if not config.html_favicon:
        for folder in _static_dirs(app):
            if (folder / FAVICON).is_file():
                config.html_favicon = str(folder / FAVICON)
                break


def _builder_inited(app) -> None:
    if app.builder.format != "html":
        return
    have = {name for folder in _static_dirs(app) for name in (JS_FILE, CSS_FILE)
            if (folder / name).is_file()}
    if JS_FILE in have:
        app.add_js_file(JS_FILE, loading_method="defer")
    if CSS_FILE in have:
        app.add_css_file(CSS_FILE, priority=900)  # after the theme's and sphinx-design's


def _script_key(js) -> tuple:
    attrs = getattr(js, "attributes", {}) or {}
    return (getattr(js, "filename", js) or "", tuple(sorted((k, str(v)) for k, v in attrs.items())))


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        key = _script_key(js)
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app) -> dict:
    from . import __version__

    app.setup_extension("tabbook.offline")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
