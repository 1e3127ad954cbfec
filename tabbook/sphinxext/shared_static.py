"""One copy of the static files for every edition of the book.

Sphinx gives each edition's HTML its own ``_static/`` (the Chinese edition's is
``zh/_static/``), so a reader who switches language downloads 2.5 MB of the same files
again. After a translated edition is built, :func:`share_static` points its pages at the
main edition's copy of every file that is byte for byte the same (``../_static/...``
from ``zh/``: plain relative links, any static host serves them) and deletes the
edition's own copy; what differs (``documentation_options.js``, ``translations.js``,
``language_data.js``, ...) stays in the edition's ``_static/``.

It runs over every page of the edition at each build (Sphinx copies ``_static/`` anew
each time, and pages it did not rewrite keep their links), so a file that stops being
the same gets its own copy and links back. The main edition is built first
(``python -m tabbook html``). :func:`share_edition_static` runs it at the end of a
translated edition's build (connected by :mod:`tabbook.sphinxext.sphinx_i18n`); nothing
else here imports Sphinx.
"""

from __future__ import annotations

import filecmp
import posixpath
import re
from pathlib import Path

from ..core.files import write_atomic

STATIC = "_static"
_LINK_RE = re.compile(r"""(\b(?:src|href)\s*=\s*["'])([^"'#?]*?_static/[^"'#?]+)""")


def _static_path(page_rel: str, link: str, folder: str) -> tuple[str, bool] | None:
    """(path below a ``_static/``, whether the link is to the main edition's) of a
    page-relative ``link`` from ``page_rel`` (the page's path in the edition's folder
    ``folder``), or ``None`` when it is not a static file of either edition."""
    if "://" in link or link.startswith(("/", "data:")):
        return None
    target = posixpath.normpath(posixpath.join(folder, posixpath.dirname(page_rel), link))
    if target.startswith(f"{folder}/{STATIC}/"):
        return target[len(folder) + len(STATIC) + 2:], False
    if target.startswith(f"{STATIC}/"):
        return target[len(STATIC) + 1:], True
    return None


def share_static(edition_dir: Path, main_dir: Path) -> tuple[int, int]:
    """Link the pages of ``edition_dir`` to ``main_dir``'s copy of the static files both
    have the same; delete the edition's copy of them. Returns (files, bytes) shared."""
    edition_dir, main_dir = Path(edition_dir), Path(main_dir)
    folder = edition_dir.relative_to(main_dir).as_posix()
    own, main = edition_dir / STATIC, main_dir / STATIC
    if not own.is_dir() or not main.is_dir():
        return 0, 0
    shared: dict[str, bool] = {}

    def is_shared(rel: str) -> bool:
        if rel not in shared:
            mine, theirs = own / rel, main / rel
            shared[rel] = theirs.is_file() and (
                not mine.exists() or filecmp.cmp(mine, theirs, shallow=False))
        return shared[rel]

    for page in sorted(edition_dir.rglob("*.html")):
        if page.is_relative_to(own):
            continue
        page_rel = page.relative_to(edition_dir).as_posix()
        up = "../" * page_rel.count("/")

        def relink(m: re.Match) -> str:
            found = _static_path(page_rel, m.group(2), folder)
            if found is None:
                return m.group(0)
            rel, _to_main = found
            if is_shared(rel):
                new = f"{up}../{STATIC}/{rel}"
            elif (own / rel).is_file():
                new = f"{up}{STATIC}/{rel}"
            else:
                return m.group(0)
            return m.group(1) + new

        text = page.read_text(encoding="utf-8")
        new_text = _LINK_RE.sub(relink, text)
        if new_text != text:
            write_atomic(page, new_text.encode("utf-8"))
    # every file of the edition's _static that is the same: gone (pages link the main
    # one), unless a file the edition keeps names it (a stylesheet's font, ...)
    kept = [p for p in own.rglob("*")
            if p.is_file() and not is_shared(p.relative_to(own).as_posix())]
    named = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in kept
                      if p.suffix in (".css", ".js", ".html", ".json"))
    files = size = 0
    for path in sorted(own.rglob("*")):
        rel = path.relative_to(own).as_posix()
        if path.is_file() and is_shared(rel) and path.name not in named:
            files, size = files + 1, size + path.stat().st_size
            path.unlink()
    for path in sorted(own.rglob("*"), reverse=True):  # folders left empty
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return files, size


def share_edition_static(app, exception) -> None:
    """build-finished of a translated edition: its pages link the main edition's copy of
    the static files they both have the same (:func:`share_static`): switching language
    downloads none again."""
    from ..sources.i18n import SOURCE, edition_of

    edition = edition_of(app.config.language)
    if exception is not None or edition is SOURCE or app.builder.format != "html":
        return
    from sphinx.util import logging

    outdir = Path(app.outdir)
    main = outdir
    for _part in edition.folder.split("/"):
        main = main.parent
    files, size = share_static(outdir, main)
    if files:
        logging.getLogger(__name__).info(
            f"[tabbook] {edition.language}: {files} static files ({size:,} bytes) shared with "
            f"the main edition's _static/")
