"""Keeping the translations' catalogs in step with the English.

* What is left to translate: a page's untranslated and fuzzy messages
  (:func:`catalog_problems`), and the messages of the current English a catalog lacks or
  no longer has (:func:`stale_problems`, against the ``.pot`` files of the gettext
  builder). The Sphinx side reports them page by page; ``make test`` fails on them.
* A catalog tidied after each ``sphinx-intl update`` (``make translations``:
  :func:`tidy_catalogs`), so that ``msgfmt -c`` accepts it.

This module does not import Sphinx.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.files import write_atomic
from .i18n import LOCALES, Edition, _flat, _read_po, catalog_path, edition_of


@dataclass(frozen=True)
class Problem:
    """A message of a page that the edition does not translate (yet)."""

    docname: str
    kind: str  # "untranslated", "fuzzy", "not in the catalog", "obsolete", "no catalog"
    msgid: str

    def __str__(self) -> str:
        text = _flat(self.msgid)
        short = text if len(text) <= 90 else text[:87] + "..."
        return f"{self.docname}: {self.kind} message: {short!r}"


def catalog_problems(root: Path, language: str, docnames) -> list[Problem]:
    """Untranslated and fuzzy messages of the pages' committed catalogs."""
    problems = []
    for docname in docnames:
        path = catalog_path(root, language, docname)
        if not path.is_file():
            problems.append(Problem(docname, "no catalog", ""))
            continue
        for entry in _read_po(path):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(Problem(docname, "fuzzy", entry.msgid))
            elif not entry.msgstr:
                problems.append(Problem(docname, "untranslated", entry.msgid))
    return problems


def template_msgids(pot_dir: Path, docname: str) -> list[str]:
    """The msgids the gettext builder extracted for a page (``<pot_dir>/<docname>.pot``)."""
    path = Path(pot_dir) / f"{docname}.pot"
    if not path.is_file():
        return []
    return [e.msgid for e in _read_po(path) if not e.obsolete and e.msgid]


def stale_problems(root: Path, language: str, pot_dir: Path, docnames) -> list[Problem]:
    """Messages of the current English that a catalog lacks, and catalog entries it no
    longer has (the catalogs were not updated since the English changed)."""
    problems = []
    for docname in docnames:
        want = template_msgids(pot_dir, docname)
        path = catalog_path(root, language, docname)
        have = {e.msgid for e in _read_po(path) if not e.obsolete} if path.is_file() else set()
        problems += [Problem(docname, "not in the catalog", m) for m in want if m not in have]
        problems += [Problem(docname, "obsolete", m) for m in sorted(have - set(want))]
    return problems


FORMAT_FLAGS = frozenset({"python-format", "no-python-format", "python-brace-format",
                          "no-python-brace-format"})
"""Flags that make ``msgfmt -c`` check a message as a format string."""
PROJECT = "d2l-classification-book"
"""The catalogs' ``Project-Id-Version``."""
HEADER_COMMENT = """\
# {language} ({name}) translation of "{docname}",
# a page (_book: the settings of _config.yml that readers see) of the book
# "Dive into Deep Learning: The Base Classification Model"
# (after D2L by Zhang, Lipton, Li and Smola), CC BY-SA 4.0.
# `make translations` updates it; translators edit the msgstr lines.
#"""


def tidy_catalog(path: Path, edition: Edition, docname: str) -> bool:
    """Make a page's catalog one that ``msgfmt -c`` accepts, keeping every translation;
    return whether the file changed (it is rewritten atomically, only when it changes).

    * No format flags. Babel (which sphinx-intl updates the catalogs with) flags every
      message that *looks* like a Python format string: "100% right" holds ``% r``, and
      ``{numref}`` is a brace field. A page's message is MyST, never a format string;
      with the flag, ``msgfmt -c`` checks the translation as one (and a catalog with a
      translator's ``no-python-format`` beside Babel's ``python-format`` is rejected).
      Babel adds the flags again at every update, so every update ends here.
    * A header without gettext's placeholders: ``Project-Id-Version``,
      ``Language-Team`` and ``Last-Translator`` (a translator's own name there is kept),
      ``PO-Revision-Date`` (kept once set: a translator's editor updates it), and a
      header comment that says what the file is.
    """
    import io
    from datetime import datetime, timezone

    from babel.messages import pofile

    path = Path(path)
    with path.open("rb") as f:
        catalog = pofile.read_po(f, charset="utf-8")
    for message in catalog:
        if message.id:
            message.flags -= FORMAT_FLAGS
    catalog.project, catalog.version = PROJECT, edition.language
    team = edition.team or f"{PROJECT} {edition.language} translators"
    catalog.language_team = team
    if not catalog.last_translator or "FULL NAME" in catalog.last_translator:
        catalog.last_translator = team
    if not hasattr(catalog.revision_date, "strftime"):  # gettext's YEAR-MO-DA placeholder
        catalog.revision_date = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    catalog.msgid_bugs_address = ""
    catalog.header_comment = HEADER_COMMENT.format(language=edition.language, name=edition.name,
                                                    docname=docname)
    out = io.BytesIO()
    pofile.write_po(out, catalog, width=76)
    return write_atomic(path, out.getvalue())


def tidy_catalogs(root: Path, language: str) -> list[Path]:
    """:func:`tidy_catalog` on every page catalog of ``language``; the changed ones."""
    edition = edition_of(language)
    folder = Path(root) / LOCALES / language / "LC_MESSAGES"
    changed = []
    for po in sorted(folder.rglob("*.po")):
        docname = po.relative_to(folder).with_suffix("").as_posix()
        if tidy_catalog(po, edition, docname):
            changed.append(po)
    return changed
