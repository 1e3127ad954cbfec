"""The Sphinx side on the tiny book, built from prepared runs: tab-sets and section numbers.

No kernel runs: the build takes every run from the cache (:func:`conftest.sphinx_run`).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from tabbook.core.frameworks import BY_NAME, FRAMEWORKS
from tabbook.core.layout import Layout
from tinybook import framework_names, sphinx_build

DOC = "chapter_demo/page"


def _tab_sets(html: str) -> list[dict[str, tuple[str, str]]]:
    """Each framework tab-set: sync id -> (label, text of its content)."""
    doc = BeautifulSoup(html, "html.parser")
    out = []
    for ts in doc.select("div.sd-tab-set:not(.tabbook-discussions)"):
        labels = ts.find_all("label", class_="sd-tab-label", recursive=False)
        assert all(lb.get("data-sync-group") == "framework" for lb in labels)
        out.append({lb["data-sync-id"]: (lb.get_text(strip=True),
                                         ts.find(id=lb["for"] + "-content").get_text())
                    for lb in labels})
    return out


def test_the_build_is_clean(sphinx_run):
    assert sphinx_run.warnings == "", sphinx_run.warnings
    assert "[tabbook] executed" not in sphinx_run.status  # every run came from the cache
    assert "ParserConfig(" not in sphinx_run.status  # myst's settings are not dumped
    assert sphinx_run.status.count("[tabbook] cached") == len(FRAMEWORKS)


def test_each_run_of_framework_cells_is_one_synced_tab_set(sphinx_run):
    sets = _tab_sets(sphinx_run.page(DOC))
    names = framework_names()
    assert len(sets) == 3
    for tabs in sets:  # every set is complete, in table order, labelled from the table
        assert list(tabs) == names
        assert [label for label, _ in tabs.values()] == [BY_NAME[n].label for n in names]
    first, second, third = sets
    for name in names:  # each tab holds its own framework's code and output
        assert f'print("{name}", x)' in first[name][1] and f"{name} 2" in first[name][1]
        assert all(f'"{other}"' not in first[name][1] for other in names if other != name)
    assert "Prose that only JAX readers see." in first["jax"][1]
    assert all("only JAX" not in first[n][1] for n in names if n != "jax")
    for name in names:  # consecutive framework cells share one tab-set
        assert ("print(x + 1)" in second[name][1]) == (name in ("pytorch", "mxnet"))
        assert "x * 3" in second[name][1] and "6" in second[name][1]
    for name in names:  # a framework without code in a step says so
        assert ("only pytorch" in third[name][1]) == (name == "pytorch")
        note = f"This step has no {BY_NAME[name].label} code."
        assert (note in third[name][1]) == (name != "pytorch")


def test_the_section_ends_with_its_discussions_per_framework(sphinx_run):
    """Issue 32 item 12: the page's forum topics (front matter) end its last section, one
    synced tab per framework: a framework with a topic links it ("Discussions", the URL
    escaped: it is data), one without says so and links nothing."""
    from conftest import DISCUSSIONS

    html = sphinx_run.page(DOC)
    doc = BeautifulSoup(html, "html.parser")
    (block,) = doc.select("div.tabbook-discussions")
    # the end of the page's last section: nothing after it, no section after it
    assert block.parent.name == "section" and block.find_next_sibling() is None
    assert block.find_all_next("section") == [] and block.find_parent(class_="solution") is None
    labels = block.find_all("label", class_="sd-tab-label", recursive=False)
    assert [lb["data-sync-id"] for lb in labels] == [fw.name for fw in FRAMEWORKS]
    for label in labels:
        content = block.find(id=label["for"] + "-content")
        links = content.select("a")
        url = DISCUSSIONS.get(label["data-sync-id"])
        if url:
            assert [(a.get_text(), a["href"]) for a in links] == [("Discussions", url)]
        else:
            fw = BY_NAME[label["data-sync-id"]]
            assert links == [] and content.get_text(strip=True) == \
                f"This section has no {fw.label} discussion."
    assert 'href="https://discuss.example/t/1?a=1&amp;b=&quot;2&quot;"' in html


def test_shared_silent_cells_and_prose_stay_outside_the_tabs(sphinx_run):
    doc = BeautifulSoup(sphinx_run.page(DOC), "html.parser")
    shared = [pre for pre in doc.select(".cell_input pre") if pre.get_text().strip() == "x = 2"]
    assert len(shared) == 1 and not shared[0].find_parent(class_="sd-tab-set")
    para = next(p for p in doc.find_all("p") if "every framework shares" in p.get_text())
    assert not para.find_parent(class_="sd-tab-set")
    assert not doc.select(".tabbook-fw")  # the prose markers are unwrapped


def test_sections_are_numbered_as_the_book_numbers_them(sphinx_run):
    page = sphinx_run.page(DOC)
    doc = BeautifulSoup(page, "html.parser")
    for link in doc.select("a.headerlink"):
        link.decompose()
    heads = [re.sub(r"\s+", " ", h.get_text(" ", strip=True))
             for h in doc.select("section > h1, section > h2")]  # (the page's, not the theme's)
    assert heads[:2] == ["7.2. A Tiny Page", "7.2.1. A Subsection"], heads
    # tables (and figures, equations, exercises) follow the section: "Table 7.2.1"
    assert re.search(r"Table 7\.2\.1", page), "numbered table"
    index = BeautifulSoup(sphinx_run.page("index"), "html.parser").get_text(" ")
    assert "7.2. A Tiny Page" in index  # (the book's contents list pages, titles only)
    own_toc = [a.get_text(" ", strip=True) for a in doc.select("li.toc-entry a")]
    assert "7.2.1. A Subsection" in own_toc, own_toc


def test_templates_are_compiled_once(sphinx_run, monkeypatch):
    """The theme's Jinja templates are compiled into the build folder by the first build
    (tabbook.sphinxext.template_cache.cache_compiled_templates); a later Sphinx run loads them
    from there instead of compiling them again, and writes the same pages."""
    from sphinx.jinja2glue import SandboxedEnvironment  # (the HTML builder's Jinja)


    cached = sorted(Layout(sphinx_run.root).templates.glob("*/*.cache"))
    assert len(cached) >= 10, cached  # the theme's layout, its sections and macros
    written = {p: p.stat().st_mtime_ns for p in cached}
    compiled = []
    real = SandboxedEnvironment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return real(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(SandboxedEnvironment, "compile", counting)
    root = sphinx_run.root
    build = Layout(root).build
    out = build / "html-again"
    sphinx_build(root, fresh=True, outdir=out, doctreedir=build / "doctrees-again")
    assert [n for n in compiled if n and n.endswith(".html")] == []  # every page template loaded
    assert {p: p.stat().st_mtime_ns for p in cached} == written
    assert (out / f"{DOC}.html").read_text(encoding="utf-8") == sphinx_run.page(DOC)
