"""Each section ends with its "Discussions" link per framework, in both editions (issue 32
item 12): the built HTML against the one table in each page's front matter.

The topics are d2l.ai's (d2l-en's ``:begin_tab:`` blocks); D2L's Chinese book has no such
sections, so the Chinese edition links the English topics and says they are in English.
The browser side (the visible link follows the chosen tab): tests/browser/test_discussions.py.
"""

from __future__ import annotations

from bookutil import REPO, parsed_html
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.book import read_book
from tabbook.sources.i18n import EDITIONS, SOURCE, ui_gettext


def expected(edition, page) -> tuple[dict[str, str], str]:
    """(framework -> URL, link text) that ``page`` must end with in ``edition``."""
    table = page.discussions
    if table.get(edition.language):
        return table[edition.language], ui_gettext(edition.language)("Discussions")
    return (table.get(SOURCE.language) or {},
            ui_gettext(edition.language)("Discussions (in English)"))


def test_the_sections_topics_are_d2l_ais():
    """The table holds d2l.ai's topics of the two sections (4.3: 6808-6810 and JAX's 17981,
    as the issue and d2l-en say; 3.2: 6645-6647, 17974), for every framework."""
    pages = {p.docname: p for p in read_book(REPO)}
    topics = {doc: {fw: int(url.rsplit("/", 1)[1]) for fw, url in p.discussions["en"].items()}
              for doc, p in pages.items() if p.discussions}
    assert topics == {
        "chapter_linear-classification/classification":
            {"mxnet": 6808, "pytorch": 6809, "tensorflow": 6810, "jax": 17981},
        "chapter_linear-regression/oo-design":
            {"mxnet": 6645, "pytorch": 6646, "tensorflow": 6647, "jax": 17974}}
    for page in pages.values():
        assert all(url.startswith("https://discuss.d2l.ai/t/")
                   for table in page.discussions.values() for url in table.values())


def test_each_section_ends_with_its_discussions_per_framework_in_both_editions(built_html):
    seen = 0
    for edition in EDITIONS:
        for page in read_book(REPO):
            doc = parsed_html(built_html / edition.folder / f"{page.docname}.html")
            blocks = doc.select(".tabbook-discussions")
            if not page.discussions:
                assert blocks == [], page.docname
                continue
            (block,) = blocks
            assert block.find_next_sibling() is None and not block.find_all_next("section")
            topics, text = expected(edition, page)
            labels = block.find_all("label", class_="sd-tab-label", recursive=False)
            assert [lb["data-sync-id"] for lb in labels] == [fw.name for fw in FRAMEWORKS]
            for label in labels:
                content = block.find(id=label["for"] + "-content")
                links = [(a.get_text(strip=True), a["href"]) for a in content.select("a")]
                url = topics.get(label["data-sync-id"])
                assert links == ([(text, url)] if url else []), (edition.language, label)
                seen += 1
    assert seen == 2 * len(EDITIONS) * len(FRAMEWORKS)
