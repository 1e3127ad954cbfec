"""The whole-book downloads `make publish` puts beside the pages, and the menu that offers them.

Per edition (:func:`tabbook.stages.pdf.editions`) and framework:

* the book's PDF (``_pdf/``), as `make pdf` printed it, offered only when it prints the
  pages as they are now (:func:`tabbook.stages.pdf.printed_digest`);
* the book's notebooks as one zip (``_notebooks/<book>-<edition>-<framework>-notebooks.zip``),
  made here from the published notebooks tree (the notebooks the Colab links open and
  each page's download is): ``<book>-<edition>-<framework>/<page>.ipynb``, the same bytes,
  with fixed dates and modes, so the same notebooks make the same zip.

Each page of an edition then gets these in the header's download menu, as entries that
follow the reader's framework ("Book PDF", "Notebooks (.zip)": ``href`` the first
framework's file, ``data-tabbook-href-<framework>`` each one's; ``static/tabbook-reader.js``
follows the tabs). `make html` offers neither: its site holds no such file, and a menu
offers nothing it does not have. The labels come from the tool's catalog, the entries'
markup is the theme's (:data:`tabbook.sphinxext.compat.PATCHES`: ``book_downloads_menu``).

This module does not import Sphinx.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import BookError
from ..core.escape import html_text
from ..core.files import write_atomic
from ..core.frameworks import FRAMEWORKS

PDF_DIR = "_pdf"
"""The site's folder of the book's PDFs (one per language edition and framework)."""
ZIP_DIR = "_notebooks"
"""The site's folder of the notebook zips (one per language edition and framework)."""
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every zip member's date (the earliest a zip can hold): a zip depends on its notebooks only."""
MENU_RE = re.compile(r'(<div class="dropdown dropdown-download-buttons">.*?'
                     r'<ul class="dropdown-menu">.*?)(\s*</ul>)', re.S)
"""sphinx-book-theme's download menu (its list's end: where the entries go)."""


def zip_name(tag: str, framework: str) -> str:
    """A notebook zip's name; ``tag``: the edition's (:func:`tabbook.stages.pdf.pdf_tag`)."""
    from .pdf import BOOK_NAME

    return f"{BOOK_NAME}-{tag}-{framework}-notebooks.zip"


def lang_dir(edition) -> str:
    """The edition's folder in the notebooks tree (and the site): ``""`` or ``"<folder>/"``."""
    return f"{edition.folder}/" if edition.folder else ""


def tree_notebooks(tree: Path, edition, framework: str) -> dict[str, Path]:
    """The notebooks of the tree for ``edition`` and ``framework``: page path -> file."""
    folder = Path(tree) / f"{lang_dir(edition)}{framework}"
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.ipynb"))}


def notebook_zip(notebooks: dict[str, Path], top: str) -> bytes:
    """The notebooks as one zip, each at ``<top>/<page path>``, in order of path."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(notebooks):
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, notebooks[rel].read_bytes())
    return buf.getvalue()


@dataclass
class Offered:
    """What the site offers, by edition tag: framework -> file name, per kind."""

    pdfs: dict[str, dict[str, str]] = field(default_factory=dict)
    zips: dict[str, dict[str, str]] = field(default_factory=dict)

    def names(self, kind: str) -> list[str]:
        return sorted(n for files in getattr(self, kind).values() for n in files.values())


def offer_downloads(site: Path, tree: Path, pdf_dir: Path, root: Path, html_dir: Path,
                    log=print) -> Offered:
    """Put the PDFs and notebook zips into the site (:data:`PDF_DIR`, :data:`ZIP_DIR`)
    and each page's download menu; return what is offered."""
    from .pdf import editions, page_paths, pdf_name, pdf_tag, printed_digest, printed_note

    site, offered = Path(site), Offered()
    pages = page_paths(root)
    chosen = editions(root, html_dir)
    for edition in chosen:
        tag, pdfs, zips = pdf_tag(edition), {}, {}
        now = printed_digest(Path(html_dir) / edition.folder, pages)
        for fw in FRAMEWORKS:
            src = Path(pdf_dir) / pdf_name(edition, fw)
            note = printed_note(src)
            if src.is_file() and note.is_file() and note.read_text(encoding="utf-8") == now:
                (site / PDF_DIR).mkdir(exist_ok=True)
                shutil.copy2(src, site / PDF_DIR / src.name)
                pdfs[fw.name] = src.name
            elif src.is_file():
                log(f"[tabbook] {src} prints other pages than the book's now: not published "
                    "(run `make pdf`)")
            notebooks = tree_notebooks(tree, edition, fw.name)
            if notebooks:
                name = zip_name(tag, fw.name)
                write_atomic(site / ZIP_DIR / name,
                             notebook_zip(notebooks, name.removesuffix("-notebooks.zip")))
                zips[fw.name] = name
        offered.pdfs[tag], offered.zips[tag] = pdfs, zips
        _offer_in_menus(site, edition, chosen, pdfs, zips)
    return offered


def _offer_in_menus(site: Path, edition, chosen, pdfs: dict, zips: dict) -> None:
    """Each page of ``edition`` (not of the editions in folders below it, not the site's
    own files) gets the entries in its download menu."""
    from ..sources.i18n import ui_gettext
    from .colab import HTML_DIR

    if not pdfs and not zips:
        return
    _ = ui_gettext(edition.language)
    entries = [(PDF_DIR, pdfs, "book-pdf", "fas fa-file-pdf", _("Book PDF"),
                _("The whole book as a PDF, with the code of the framework you chose")),
               (ZIP_DIR, zips, "book-notebooks", "fas fa-download", _("Notebooks (.zip)"),
                _("Every notebook of the book, for the framework you chose, as one zip file"))]
    top = site / edition.folder if edition.folder else site
    below = {e.folder for e in chosen if e.folder and e is not edition}
    skipped = {"_static", PDF_DIR, ZIP_DIR, HTML_DIR, "_dist", "_images", "jupyter_execute",
               *below}
    menus = 0
    for page in sorted(top.rglob("*.html")):
        rel = page.relative_to(top).as_posix()
        if rel.split("/")[0] in skipped:
            continue
        up = posixpath.relpath(".", posixpath.dirname(page.relative_to(site).as_posix()) or ".")
        items = "".join(_entry(up, folder, files, *rest) for folder, files, *rest in entries
                        if files)
        text = page.read_text(encoding="utf-8")
        new, found = MENU_RE.subn(lambda m: m.group(1) + items + m.group(2), text, count=1)
        if found:
            menus += 1
            write_atomic(page, new.encode("utf-8"))
    if not menus:
        raise BookError(f"no page of the {edition.language} edition has the theme's download "
                        "menu (sphinx-book-theme's `.dropdown-download-buttons`): the whole-book "
                        "downloads would be offered nowhere", path=str(top))


def _entry(up: str, folder: str, files: dict[str, str], label: str, icon: str, text: str,
           tip: str) -> str:
    """One menu entry (the markup of sphinx-book-theme's link button in a dropdown)."""
    hrefs = {fw: posixpath.normpath(f"{up}/{folder}/{name}") for fw, name in files.items()}
    first = hrefs.get(FRAMEWORKS[0].name) or next(iter(hrefs.values()))
    attrs = "".join(f' data-tabbook-href-{fw}="{html_text(h)}"' for fw, h in hrefs.items())
    return (f'\n<li><a href="{html_text(first)}" target="_blank" class="btn btn-sm '
            f'btn-download-{label}-button dropdown-item tabbook-per-framework" '
            f'title="{html_text(tip)}" data-bs-placement="left" data-bs-toggle="tooltip"{attrs}>'
            f'<span class="btn__icon-container"><i class="{icon}"></i></span>'
            f'<span class="btn__text-container">{html_text(text)}</span></a></li>')


def zip_problems(site: Path, tree: Path, root: Path) -> list[str]:
    """Each notebook zip of the site holds exactly the notebooks of the tree for its edition
    and framework, byte for byte; no zip is missing, none is extra."""
    from .pdf import editions, pdf_tag

    site, problems, expected = Path(site), [], set()
    html_editions = editions(root, site)
    for edition in html_editions:
        for fw in FRAMEWORKS:
            notebooks = tree_notebooks(tree, edition, fw.name)
            if not notebooks:
                continue
            name = zip_name(pdf_tag(edition), fw.name)
            expected.add(name)
            path = site / ZIP_DIR / name
            if not path.is_file():
                problems.append(f"{ZIP_DIR}/{name} is missing")
                continue
            top = name.removesuffix("-notebooks.zip")
            with zipfile.ZipFile(path) as zf:
                inside = {n.removeprefix(f"{top}/"): zf.read(n) for n in zf.namelist()}
            want = {rel: p.read_bytes() for rel, p in notebooks.items()}
            for rel in sorted(set(want) | set(inside)):
                if inside.get(rel) != want.get(rel):
                    problems.append(f"{ZIP_DIR}/{name}: {rel} "
                                    + ("is missing" if rel not in inside else
                                       "is not a notebook of the tree" if rel not in want else
                                       "differs from the tree's"))
    extra = {p.name for p in (site / ZIP_DIR).glob("*")} - expected if (site / ZIP_DIR).is_dir() \
        else set()
    problems += [f"{ZIP_DIR}/{name} is no edition's and framework's notebooks"
                 for name in sorted(extra)]
    return problems
