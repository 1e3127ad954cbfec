"""Colab notebooks and the "Open in Colab" / "Download .ipynb" links.

The notebooks of a small page, which need nothing built, are tested in
``tests/unit/test_colab_notebooks.py``. These check the book that `make html` built
(``_build/html`` and ``_build/colab``; skipped, saying so, when it is not built): every
page with code has the links, their URLs follow the Colab URL pattern derived from
``repository.url`` and name notebooks that exist, the notebooks hold what they should, and
they are what `make colab` checks them against. That the links follow the tabs is checked
in headless Chromium by ``tests/browser/test_browser_colab.py``.

``$TABBOOK_TEST_BOOK`` points these tests at another built book (default: this repository).
"""

from __future__ import annotations

import html.parser
import os
import posixpath
import re
from pathlib import Path

import nbformat
import pytest

from bookutil import REPO
from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME, FRAMEWORKS
from tabbook.core.layout import Layout
from tabbook.core.myst_markdown import LINK_ROLES, References, split_target, tokens
from tabbook.sources.config import load_config
from tabbook.sources.i18n import EDITIONS
from tabbook.stages import colab, colab_cells
from tabbook.stages.cache import cached_runs, code_cells

BOOK = Path(os.environ.get("TABBOOK_TEST_BOOK") or REPO)
HTML = Layout(BOOK).html_root

@pytest.fixture(scope="module")
def book():
    if not (HTML / "index.html").exists():
        pytest.skip(f"the book is not built ({HTML / 'index.html'} is missing): run `make html`")
    cfg = load_config(BOOK)
    pages = [p for p in colab.book_pages(BOOK) if p.has_code]
    assert pages, "the book has no page with code"
    if not (BOOK / cfg.colab_dir).is_dir():
        pytest.fail(f"the build wrote no Colab notebooks ({cfg.colab_dir} is missing): is "
                    "tabbook.sphinxext.sphinx_colab set up (sphinx_ext.setup) and the book "
                    "rebuilt?")
    return cfg, pages


class _Links(html.parser.HTMLParser):
    """The ``.tabbook-colab`` blocks of a page and the links inside them."""

    def __init__(self):
        super().__init__()
        self.boxes, self._in = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "tabbook-colab" in (attrs.get("class") or "").split():
            self.boxes.append({"attrs": attrs, "links": []})
            self._in = 1
        elif self._in and tag == "div":
            self._in += 1
        elif self._in and tag == "a":
            self.boxes[-1]["links"].append(attrs)

    def handle_endtag(self, tag):
        if self._in and tag == "div":
            self._in -= 1


def _boxes(page) -> list[dict]:
    parser = _Links()
    parser.feed((HTML / f"{page.docname}.html").read_text(encoding="utf-8"))
    return parser.boxes


def _frameworks(page) -> list[str]:
    return [fw.name for fw in FRAMEWORKS if code_cells(page, fw)]


def _resolve(page, href: str) -> Path:
    """The file of the HTML output that a page-relative link names."""
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(page.docname), href))
    assert not rel.startswith(".."), href
    return HTML / rel


def test_every_page_with_code_has_the_links(book):
    cfg, pages = book
    for page in pages:
        boxes = _boxes(page)
        assert len(boxes) == 1, f"{page.docname}.html: expected one Colab block, found {len(boxes)}"
        attrs, links = boxes[0]["attrs"], boxes[0]["links"]
        names = _frameworks(page)
        assert attrs["data-frameworks"].split() == names
        for name in names:
            path = f"{name}/{page.docname}.ipynb"
            assert (BOOK / cfg.colab_dir / path).is_file(), path
            download = _resolve(page, attrs[f"data-download-{name}"])
            assert download == HTML / colab.HTML_DIR / path and download.is_file()
            assert download.read_bytes() == (BOOK / cfg.colab_dir / path).read_bytes()
            if cfg.colab_pattern:
                assert attrs[f"data-colab-{name}"] == cfg.colab_pattern.format(
                    framework=name, path=f"{page.docname}.ipynb", lang_dir="")
        # real, labelled links; with JavaScript off they name the default framework
        first = FRAMEWORKS[0].name if FRAMEWORKS[0].name in names else names[0]
        by_class = {a["class"]: a for a in links}
        download = by_class["tabbook-colab-download"]
        assert download["href"] == attrs[f"data-download-{first}"]
        if cfg.colab_pattern:
            assert by_class["tabbook-colab-open"]["href"] == attrs[f"data-colab-{first}"]
        else:
            assert "tabbook-colab-open" not in by_class
    for page in colab.book_pages(BOOK):
        if not page.has_code and (HTML / f"{page.docname}.html").exists():
            assert not _boxes(page), f"{page.docname}.html has no code but a Colab block"


def test_notebooks_hold_one_framework_with_outputs(book):
    cfg, pages = book
    runs = cached_runs(pages, BOOK, cfg)
    for page in pages:
        for name in _frameworks(page):
            fw = BY_NAME[name]
            path = BOOK / cfg.colab_dir / name / f"{page.docname}.ipynb"
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
            where = f"{path.relative_to(BOOK)}"
            assert nb.metadata["kernelspec"]["name"] == "python3", where
            intro, install, *rest = nb.cells
            assert intro.cell_type == "markdown" and f"**{fw.label} notebook**" in intro.source
            assert page.title in intro.source, where
            assert install.cell_type == "code" and "%pip install -q" in install.source
            assert colab_cells.quote_arg(cfg.package_spec) in install.source, where
            for req in fw.colab_requirements:
                assert colab_cells.quote_arg(req) in install.source, where
            code = [c for c in rest if c.cell_type == "code"]
            # in page order, but the solutions' cells gathered after the last exercise
            # (tests/test_notebook_solutions.py): put them back where the page has them
            order = {f"code-{c.index}": k for k, c in enumerate(code_cells(page, fw))}
            code.sort(key=lambda c: order.get(c.id, -1))
            assert [c.source for c in code] == [c.source.strip("\n") for c in code_cells(page, fw)]
            assert not any(re.search(r"^%%tab", c.source, re.M) for c in nb.cells), where
            executed = runs.get((page.docname, name))
            if executed is not None:  # the cached run of the current sources: same outputs
                ran = [c.get("outputs", []) for c in executed.cells]
                assert [c.outputs for c in code] == ran, where
            assert any(c.outputs for c in code), f"{where} has no outputs"


def test_make_colab_finds_what_the_build_wrote(book, monkeypatch):
    """The notebooks are written once, by the build; what the execution cache and the
    sources give now (what `make colab` checks them against) is every notebook of
    tabbook.colab_dir and of each edition's ``_colab/``, byte for byte."""
    cfg, pages = book
    monkeypatch.delenv("TABBOOK_D2L_PACKAGE", raising=False)
    try:
        want = colab.built_notebooks(BOOK)
    except BookError as exc:
        pytest.skip(f"the execution cache does not match the sources: {exc}")
    folders = [BOOK / cfg.colab_dir] + [HTML / e.prefix / colab.HTML_DIR for e in EDITIONS
                                        if (HTML / e.prefix / "index.html").is_file()]
    assert set(want) == {p for folder in folders for p in folder.rglob("*.ipynb")}
    for path, data in want.items():
        assert path.read_bytes() == data, path
    assert colab.check_colab(BOOK) == sorted(want)


# ---------------------------------------------------------------------------- cross-references


class _Refs(html.parser.HTMLParser):
    """``{(docname, anchor): {texts}}`` of the internal references of a built page."""

    def __init__(self, docname: str):
        super().__init__()
        self.docname, self.refs, self._open, self._text = docname, {}, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "reference" in (attrs.get("class") or "").split() \
                and "internal" in (attrs.get("class") or "").split():
            href = attrs.get("href") or ""
            path, _, anchor = href.partition("#")
            doc = (posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), path))
                   if path else self.docname + ".html")
            self._open, self._text = (doc.removesuffix(".html"), anchor), []

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.refs.setdefault(self._open, set()).add("".join(self._text).strip())
            self._open = None


def _roles(page, fw, refs: References) -> list[str]:
    """The cross-references to other pages in a framework's markdown cells (as myst-parser
    reads them; ``refs``: the targets the build resolved)."""
    found = []
    for cell in page.cells_for(fw.name):
        if cell.kind != "markdown":
            continue
        for tok in tokens(cell.source):
            for c in tok.children or []:
                if c.type == "myst_role" and c.meta.get("name") in LINK_ROLES:
                    found_in = refs.resolve(c.meta["name"], split_target(c.content)[1], "",
                                            page.docname)
                    assert found_in, f"{page.docname}: {c.content!r} does not resolve"
                    if found_in[1][0] != page.docname:
                        found.append(c.content)
    return found


MD_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()\s]+)\)")


def test_notebook_references_read_as_the_page(book):
    """No empty or raw reference in any notebook; each reads as the page writes it."""
    cfg, pages = book
    checked = 0
    for edition in EDITIONS:
        lang_dir = colab.language_dir(edition.language)
        if lang_dir and not (BOOK / cfg.colab_dir / lang_dir).is_dir():
            continue
        for page in pages:
            html_file = HTML / lang_dir / f"{page.docname}.html"
            parser = _Refs(page.docname)
            parser.feed(html_file.read_text(encoding="utf-8"))
            for name in _frameworks(page):
                fw = BY_NAME[name]
                for folder in (BOOK / cfg.colab_dir / lang_dir, HTML / lang_dir / colab.HTML_DIR):
                    path = folder / name / f"{page.docname}.ipynb"
                    nb = nbformat.read(path, as_version=4)
                    where = str(path.relative_to(BOOK))
                    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
                    for raw in ("{numref}", "{ref}", "{eq}", "{doc}", "%s", "{number}",
                                "Section.", "(Section)", "Section)", "第节", "（第节）"):
                        assert raw not in text, f"{where}: a raw or empty reference: {raw!r}"
                    links = []
                    for shown, url in MD_LINK.findall(text):
                        if cfg.site_url and url.startswith(cfg.site_url + lang_dir) \
                                and ".html#" in url and "/_colab/" not in url:
                            doc, _, anchor = url[len(cfg.site_url + lang_dir):].partition("#")
                            links.append((shown, (doc.removesuffix(".html"), anchor)))
                    for shown, target in links:
                        assert shown.strip(), f"{where}: an empty reference to {target}"
                        assert shown in parser.refs.get(target, set()), (
                            f"{where}: the reference to {target} reads {shown!r}; the page "
                            f"({html_file.relative_to(BOOK)}) reads "
                            f"{sorted(parser.refs.get(target, set()))}")
                    if cfg.site_url:
                        refs = References.load(BOOK / cfg.colab_dir / lang_dir / colab.REFERENCES)
                        roles = _roles(page, fw, refs)
                        assert len(links) == len(roles), (
                            f"{where}: {len(roles)} cross-references in the page's "
                            f"{fw.label} text, {len(links)} linked in the notebook")
                    checked += len(links)
    assert checked or not cfg.site_url, "no notebook has a cross-reference to check"


def test_every_translated_notebook_runs_the_english_notebooks_code(book):
    """Issue 28, item 2: a zh notebook's code is the English notebook's, apart from comments
    and the language setting (what `make publish` checks too)."""
    from tabbook.stages.notebook_code import translated_code_problems

    cfg, _pages = book
    tree = BOOK / cfg.colab_dir
    translated = [p for e in EDITIONS if e.folder for p in (tree / e.folder).rglob("*.ipynb")]
    assert translated, f"no translated notebook under {tree}"
    assert translated_code_problems(tree) == []
