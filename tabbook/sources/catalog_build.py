"""The catalogs compiled for a build: ``.mo`` files in the build folder, never beside the ``.po``.

* The book's catalogs of a language (:func:`compile_book_catalogs`): one ``.mo`` per page,
  made from this build's ``.po`` files by content, for Sphinx's ``locale_dirs``.
* The tool's own catalogs (:func:`compile_tool_catalogs`): ``tabbook.po`` and the
  supplements of Sphinx's and the extensions' catalogs (``tabbook/locales/``).

This module does not import Sphinx.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from ..core.errors import BookError
from ..core.files import write_atomic
from .i18n import LOCALES, UI_LOCALES, _write_mo

NO_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)
"""The creation date of a catalog that gives none (Babel would put in the time of
compiling, and the ``.mo`` would change every minute)."""

def book_catalogs(root: Path, language: str) -> dict[str, Path]:
    """docname -> the ``.po`` of the page, for every catalog of ``language`` in the book."""
    folder = Path(root) / LOCALES / language / "LC_MESSAGES"
    if not folder.is_dir():
        return {}
    return {po.relative_to(folder).with_suffix("").as_posix(): po
            for po in sorted(folder.rglob("*.po")) if po.is_file()}


def compile_book_catalogs(root: Path, language: str, dest: Path) -> Path:
    """Compile the book's catalogs of ``language`` into ``dest/<language>/LC_MESSAGES/``.

    The ``.mo`` files are made from this build's ``.po`` files (Babel, as Sphinx compiles
    them; fuzzy entries are no translations), by content: a ``.mo`` is rewritten only
    when its bytes change, and one whose ``.po`` is gone is deleted, so nothing but the
    current catalogs translates. The source tree gets no ``.mo``. Returns ``dest`` (a
    folder for Sphinx's ``locale_dirs``).
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = Path(dest) / language / "LC_MESSAGES"
    keep = set()
    for docname, po in book_catalogs(root, language).items():
        try:
            raw = po.read_bytes()
            catalog = read_po(io.BytesIO(raw), locale=language)
        except Exception as exc:  # Babel raises assorted types on a malformed catalog
            raise BookError(f"cannot read the catalog: {exc}", path=str(po)) from None
        if b"POT-Creation-Date:" not in raw:  # (as _write_mo: not the time of compiling)
            catalog.creation_date = NO_DATE
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        mo = out / f"{docname}.mo"
        write_atomic(mo, buf.getvalue())
        keep.add(mo)
    if out.is_dir():
        for mo in out.rglob("*.mo"):
            if mo not in keep:
                mo.unlink()
    return Path(dest)


HTML_DOMAINS = ("sphinx", "booktheme")
"""Domains of the tool's catalogs whose strings upstream code puts into HTML unescaped
(Sphinx's ``title="%s"`` of a heading's link, the themes' Jinja templates): compiled with
what a translation adds of ``& < > " '`` as character references."""


def compile_tool_catalogs(language: str, dest: Path) -> Path | None:
    """Compile the tool's catalogs of ``language`` into ``dest/<language>/LC_MESSAGES/``.

    ``tabbook.po`` (the tool's strings) and ``sphinx.po`` (what Sphinx's and the themes'
    own catalogs lack). Returns ``dest`` (a locale folder for gettext and Sphinx's
    ``locale_dirs``), or ``None`` if the tool has no catalog for the language. A ``.mo``
    is rewritten only when it changes.
    """
    folder = UI_LOCALES / language / "LC_MESSAGES"
    sources = sorted(folder.glob("*.po")) if folder.is_dir() else []
    if not sources:
        return None
    for po in sources:
        mo = Path(dest) / language / "LC_MESSAGES" / f"{po.stem}.mo"
        tmp = mo.with_name(f".{mo.name}.build")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        _write_mo(po, tmp, escape=po.stem in HTML_DOMAINS)
        write_atomic(mo, tmp.read_bytes())
        tmp.unlink()
    return Path(dest)
