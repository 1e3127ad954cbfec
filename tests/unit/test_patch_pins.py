"""Pin tests of the patches (tabbook.sphinxext.compat.PATCHES) that rewrite rendered HTML as
strings: on the tiny book built as the book is, each rewrite found the markup it relies on.
When an upstream's HTML changes, these fail instead of the rewrite silently doing nothing."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tabbook.core.frameworks import FRAMEWORKS

DOC = "chapter_demo/page"


def test_the_colab_buttons_follow_the_title(sphinx_run):
    """colab_after_title: the buttons are cut into the body right after its first </h1>."""
    doc = BeautifulSoup(sphinx_run.page(DOC), "html.parser")
    title = doc.select_one("section > h1")
    assert title is not None and "A Tiny Page" in title.get_text()
    after = title.find_next_sibling()
    assert after is not None and "tabbook-colab" in (after.get("class") or []), after
    assert after.get("data-frameworks") == " ".join(fw.name for fw in FRAMEWORKS)
    assert len(doc.select("div.tabbook-colab")) == 1


def test_the_tab_sets_are_labelled(sphinx_run):
    """tab_set_labels: every framework tab-set sphinx-design wrote is a labelled group."""
    page = sphinx_run.page(DOC)
    sets = BeautifulSoup(page, "html.parser").select("div.sd-tab-set.tabbook-tab-set")
    assert len(sets) == 4  # the page's three code cells' and its Discussions (sphinx_discuss)
    for tab_set in sets:
        assert tab_set.get("role") == "group" and tab_set.get("aria-label") == "Framework", \
            tab_set.attrs
