"""No dead links: every href/src of every built page points at a file that exists.

A static host answers 404 for each of them otherwise (the header's ".md" download once
pointed at a ``_sources/`` that is not built). Links to other hosts are not followed
(no network in the tests); the Colab download links (``data-download-*``) are checked
like hrefs.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookutil import parsed_html

URL_ATTRS = ("href", "src", "poster", "data")


def local_targets(page: Path, html_dir: Path):
    """(attribute, url, resolved file) for each local URL in ``page``."""
    doc = parsed_html(page)
    for el in doc.find_all(True):
        urls = [(a, el.get(a)) for a in URL_ATTRS if el.get(a)]
        urls += [(a, v) for a, v in el.attrs.items() if a.startswith("data-download-")]
        for part in (el.get("srcset") or "").split(","):
            if part.strip():
                urls.append(("srcset", part.strip().split()[0]))
        for attr, url in urls:
            if not isinstance(url, str):
                continue
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue  # another host, mailto:, data:, javascript:
            if not parts.path:
                continue  # "#anchor" on the same page
            target = (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/"):
                target = target / "index.html"
            yield attr, url, target


def test_every_local_link_and_asset_exists(built_html):
    pages = sorted(built_html.rglob("*.html"))
    assert len(pages) >= 5
    dead, checked = [], 0
    for page in pages:
        if "_static" in page.relative_to(built_html).parts[:2]:
            continue  # the theme's own templates and demo files (zh/_static/ too)
        for attr, url, target in local_targets(page, built_html):
            checked += 1
            inside = target == built_html or built_html in target.parents
            if not inside or not target.is_file():
                dead.append(f"{page.relative_to(built_html)}: {attr}={url}")
    assert checked > 100, f"only {checked} local links found"
    assert not dead, "dead links (404 on a static host):\n" + "\n".join(dead)


def test_the_crawler_sees_a_dead_link(built_html, tmp_path):
    """The check above catches what it is for: a page linking to a file that is not there."""
    page = tmp_path / "page.html"
    page.write_text('<a href="_sources/">src</a><img src="img/missing.svg">'
                    '<a href="https://d2l.ai">ok</a><a href="#top">ok</a>', encoding="utf-8")
    found = [(a, u) for a, u, t in local_targets(page, tmp_path) if not t.is_file()]
    assert found == [("href", "_sources/"), ("src", "img/missing.svg")]
