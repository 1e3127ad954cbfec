"""The English messages, and ``make translations``.

* :func:`extract` (``python -m tabbook extract-messages <dir>``): the English messages,
  one ``.pot`` per page (Sphinx's gettext builder, ``gettext_compact = False``, run by
  :func:`tabbook.sphinxext.sphinx_run.run_sphinx`), from the same merged notebooks the
  HTML build reads, and those of the book's settings a reader sees (``_book.pot``).
* :func:`update` (``python -m tabbook i18n``, ``make translations``) then runs
  ``sphinx-intl update`` on a copy of the catalogs (:func:`update_catalogs`, all of them
  replaced at once or none): new messages appear untranslated, changed ones fuzzy; it
  lists what is left to translate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..core.layout import Layout
from ..sources.i18n import BOOK_CATALOG, LOCALES, translations
from .sphinx_run import run_sphinx


def extract(root: Path, pot_dir: Path) -> int:
    """The English messages of every page into ``pot_dir/<docname>.pot``."""
    root = Path(root).resolve()
    pot_dir = Path(pot_dir).resolve()
    layout = Layout(root)
    doctrees = (layout.gettext_doctrees if pot_dir == layout.gettext
                else pot_dir.parent / f".doctrees-{pot_dir.name}")
    status = run_sphinx(root, "gettext", pot_dir, doctrees,
                        {"gettext_compact": False, "gettext_uuid": False,
                         "gettext_location": True}, force_all=True)
    if not status:
        write_book_template(root, pot_dir)
        from ..sources.code_prose import add_book_messages

        add_book_messages(root, pot_dir)  # (the code cells' comments and docstrings)
    return status


BOOK_SETTINGS = ("author",)
"""The settings a reader sees as text (the footer's author): fields of
:class:`tabbook.sources.config.BookConfig` read from ``_config.yml``."""


def write_book_template(root: Path, pot_dir: Path) -> Path:
    """The messages of the book's settings (:data:`BOOK_SETTINGS`) into
    ``pot_dir/_book.pot``: ``make translations`` keeps ``_book.po`` in step with them."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from ..core.files import write_atomic
    from ..sources.catalog_upkeep import PROJECT
    from ..sources.config import load_config

    config = load_config(Path(root))
    template = Catalog(project=PROJECT, charset="utf-8")
    for key in BOOK_SETTINGS:
        value = getattr(config, key)
        if isinstance(value, str) and value.strip():
            template.add(value.strip(), locations=[("_config.yml", 0)],
                         auto_comments=[f"_config.yml: {key}"])
    out = io.BytesIO()
    write_po(out, template, width=76)
    path = Path(pot_dir) / f"{BOOK_CATALOG}.pot"
    write_atomic(path, out.getvalue())
    return path


def update(root: Path, languages: list[str] | None = None) -> int:
    """Extract the English messages, then update every translation's catalogs."""
    root = Path(root).resolve()
    pot_dir = Layout(root).gettext
    status = extract(root, pot_dir)
    if status:
        return status
    languages = languages or [e.language for e in translations(root)]
    if not languages:
        print("[tabbook] the book has no translations (locales/<language>/LC_MESSAGES)")
        return 0
    result = update_catalogs(root / LOCALES, pot_dir, languages)
    print(f"[tabbook] catalogs of {', '.join(languages)}: {result}")
    from ..sources.catalog_upkeep import catalog_problems, tidy_catalogs

    for language in languages:  # (Babel's format flags out, the header filled in)
        tidy_catalogs(root, language)
    from ..sources.toc import book_sources

    docnames = [Path(p).with_suffix("").as_posix() for p in book_sources(root)] + [BOOK_CATALOG]
    for language in languages:
        problems = catalog_problems(root, language, docnames)
        print(f"[tabbook] {language}: {len(problems)} messages to translate or review")
        for problem in problems:
            print(f"[tabbook]   {problem}")
    return 0


def update_catalogs(locale_dir: Path, pot_dir: Path, languages: list[str]) -> dict:
    """``sphinx-intl update`` of the catalogs of ``languages`` from ``pot_dir``, atomically.

    sphinx-intl rewrites each catalog in place: a full disk or an interruption would
    leave a translator's catalog cut short. Here it updates copies in a temporary
    folder, and the updated catalogs then replace the committed ones as one set
    (:func:`tabbook.core.files.write_atomic_set`): all of them, or none.
    """
    import tempfile

    from sphinx_intl import basic

    from ..core.errors import BookError
    from ..core.files import write_atomic_set

    locale_dir = Path(locale_dir)
    try:
        with tempfile.TemporaryDirectory(prefix="tabbook-catalogs-") as tmp:
            work = Path(tmp)
            for language in languages:
                if (locale_dir / language).is_dir():
                    shutil.copytree(locale_dir / language, work / language)
            result = basic.update(str(work), str(pot_dir), tuple(languages), jobs=1)
            updated = {locale_dir / po.relative_to(work): po.read_bytes()
                       for po in sorted(work.rglob("*.po"))}
            write_atomic_set(updated)
    except OSError as exc:
        raise BookError(f"the catalogs could not be updated ({exc.strerror or exc}"
                        f"{': ' + str(exc.filename) if exc.filename else ''}); every catalog "
                        f"was left as it was: free disk space (or fix the folder) and run "
                        f"`make translations` again", path=str(locale_dir)) from None
    return result
