"""The browser checks can fail: each runs on a copy of the built site broken one way.

A temporary copy of the site gets broken variants of the 4.3 page (beside the real one,
so their relative links still work); each check must report the breakage.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import browser_harness as bh
from browser_harness import PAGE_43, open_page, tab_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory, book_html):
    """A copy of the built site, served, and a way to add a broken variant of the 4.3 page."""
    root = tmp_path_factory.mktemp("broken") / "html"
    shutil.copytree(book_html, root)
    original = (book_html / PAGE_43).read_text(encoding="utf-8")

    def variant(name: str, edit) -> str:
        html = edit(original)
        assert html != original, f"the {name} edit changed nothing: did the page's HTML change?"
        path = Path(PAGE_43).with_name(f"broken-{name}.html")
        (root / path).write_text(html, encoding="utf-8")
        return str(path)

    with bh.BookServer(root) as server:
        yield server, variant


def test_tab_sync_check_fails_without_sync_groups(browse, broken_site):
    server, variant = broken_site
    path = variant("sync", lambda html: re.sub(r'\sdata-sync-group="[^"]*"', "", html))
    context, _ = browse()
    page = open_page(context, server.url(path))
    bh.click_tab(page, "JAX")
    report = tab_report(page, "JAX")
    assert not report.ok and report.wrong, (
        f"the tab-sync check passed a book without sync: {report}")
    assert len(report.framework_sets) >= 2


def test_math_check_fails_on_tex_left_unrendered(browse, broken_site):
    server, variant = broken_site
    # a page as a MathJax build wrote it: TeX between \( \) for a script to typeset
    path = variant("math", lambda html: re.sub(
        r'(<span class="math notranslate nohighlight">)<span class="katex">.*?'
        r'<annotation encoding="application/x-tex">(.*?)</annotation>.*?'
        r'</span></span></span>(</span>)', r"\1\\(\2\\)\3", html, count=3, flags=re.S))
    context, _ = browse()
    report = bh.math_report(open_page(context, server.url(path)))
    assert not report.ok and report.untypeset and report.raw, report


def test_offline_check_catches_a_cdn(browse, broken_site):
    server, variant = broken_site
    cdn = "https://cdn.jsdelivr.net/npm/katex@0.19.1/dist/katex.min.css"
    path = variant("cdn", lambda html: re.sub(r'href="[^"]*katex/katex\.min\.css[^"]*"',
                                              f'href="{cdn}"', html))
    context, log = browse()
    open_page(context, server.url(path))
    assert cdn in log.external, log.external
    assert bh.external_assets((server.root / path).read_text(encoding="utf-8")) == [
        f"<link href={cdn}>"]
    assert any("request left 127.0.0.1" in p for p in log.problems())


def test_error_check_catches_a_script_error_and_a_missing_file(browse, broken_site):
    server, variant = broken_site
    path = variant("errors", lambda html: html.replace(
        "</body>", '<script>undefinedFunction()</script><img src="missing.png" alt="x"></body>'))
    context, log = browse()
    open_page(context, server.url(path))
    assert log.page_errors and log.bad_status, log
    assert any("missing.png" in e for e in server.errors()), server.errors()


def test_solution_check_fails_when_solutions_are_not_dropdowns(browse, broken_site):
    server, variant = broken_site
    path = variant("solutions", lambda html: html.replace("solution dropdown admonition",
                                                          "solution admonition"))
    context, _ = browse()
    found = bh.solutions(open_page(context, server.url(path)))
    assert found and all(s["shown"] and not s["dropdown"] for s in found), found


def test_overflow_check_catches_a_wide_element(browse, broken_site):
    server, variant = broken_site
    path = variant("wide", lambda html: html.replace(
        '<section id="',
        '<p style="width: 600px">a paragraph wider than a phone</p><section id="', 1))
    context, _ = browse(viewport=bh.PHONE)
    report = bh.overflow_report(open_page(context, server.url(path)))
    assert report["scrollWidth"] > report["innerWidth"] and report["offenders"], report


def test_accessibility_check_catches_an_unnamed_control(browse, broken_site, axe_js):
    server, variant = broken_site
    path = variant("a11y", lambda html: html.replace(
        '<section id="', '<button class="tabbook-broken"></button><img src="data:image/gif;base64,'
        'R0lGODlhAQABAAAAACw=" class="tabbook-broken"><section id="', 1))
    context, _ = browse()
    found = bh.axe_violations(open_page(context, server.url(path)), axe_js,
                              include=".tabbook-broken")
    ids = {v["id"] for v in found}
    assert {"button-name", "image-alt"} <= ids, found
