"""Colab notebooks and the "Open in Colab" / "Download .ipynb" links.

The notebooks of a small page, which need nothing built, are tested in
``tests/unit/test_colab_notebooks.py``. These check the book that `make html` built (``_build/html`` and ``_build/colab``; skipped,
saying so, when it is not built): every page with code has the links, their URLs follow
the Colab URL pattern derived from ``repository.url`` and name notebooks that exist, the
notebooks hold what they should, and `make colab` writes the same bytes as the build.
That the links follow the tabs is checked in headless Chromium by
``tests/browser/test_browser_colab.py``.

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

from tabbook import colab
from tabbook.config import load_config
from tabbook.errors import BookError
from tabbook.execute import cached_runs, code_cells
from tabbook.frameworks import BY_NAME, FRAMEWORKS

REPO = Path(__file__).resolve().parent.parent
BOOK = Path(os.environ.get("TABBOOK_TEST_BOOK") or REPO)
HTML = BOOK / "_build" / "html"

@pytest.fixture(scope="module")
def book():
    if not (HTML / "index.html").exists():
        pytest.skip(f"the book is not built ({HTML / 'index.html'} is missing): run `make html`")
    cfg = load_config(BOOK)
    pages = [p for p in colab.book_pages(BOOK) if p.has_code]
    assert pages, "the book has no page with code"
    if not (BOOK / cfg.colab_dir).is_dir():
        pytest.fail(f"the build wrote no Colab notebooks ({cfg.colab_dir} is missing): is "
                    "tabbook.sphinx_colab set up (sphinx_ext.setup) and the book rebuilt?")
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
            assert colab._quote(cfg.package_spec) in install.source, where
            for req in fw.colab_requirements:
                assert colab._quote(req) in install.source, where
            code = [c for c in rest if c.cell_type == "code"]
            assert [c.source for c in code] == [c.source.strip("\n") for c in code_cells(page, fw)]
            assert not any(re.search(r"^%%tab", c.source, re.M) for c in nb.cells), where
            executed = runs.get((page.docname, name))
            if executed is not None:  # the cached run of the current sources: same outputs
                ran = [c.get("outputs", []) for c in executed.cells]
                assert [c.outputs for c in code] == ran, where
            assert any(c.outputs for c in code), f"{where} has no outputs"


def test_make_colab_writes_what_the_build_wrote(book, tmp_path, monkeypatch):
    cfg, pages = book
    monkeypatch.delenv("TABBOOK_D2L_PACKAGE", raising=False)
    try:
        written = colab.write_colab(BOOK, tmp_path)
    except BookError as exc:
        pytest.skip(f"the execution cache does not match the sources: {exc}")
    assert written
    for path in written:
        rel = path.relative_to(tmp_path)
        assert path.read_bytes() == (BOOK / cfg.colab_dir / rel).read_bytes(), rel
