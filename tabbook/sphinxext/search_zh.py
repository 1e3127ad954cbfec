"""Chinese search that finds phrases: ``static/tabbook-search-zh.js`` on the search page of an
edition whose search language is Chinese.

Sphinx's ``zh`` search language segments the index with jieba (``requirements.txt``), but
its search page splits the query at spaces and punctuation only: a phrase (验证损失) was
looked up as one word, which the segmented index does not have. The script cuts the query's
Chinese into the index's own words (see the file). The index is the only dictionary: jieba's
own (``jieba/dict.txt``, 5.1 MB, 1.9 MB gzipped) would be a download per search for nothing
the index does not already say.

Hooked into Sphinx by ``app.setup_extension("tabbook.sphinxext.search_zh")``
(:mod:`tabbook.sphinxext.reader`).
"""

from __future__ import annotations

from pathlib import Path

JS_FILE = "tabbook-search-zh.js"
SEARCH_PAGE = "search"


def chinese_search(builder) -> bool:
    """Whether Sphinx indexes this build as Chinese: its indexer's language is the one that
    segments with jieba (``html_search_language``, else ``language``, as Sphinx picks it)."""
    from sphinx.search.zh import SearchChinese

    indexer = getattr(builder, "indexer", None)
    return isinstance(getattr(indexer, "lang", None), SearchChinese)


def _search_page_script(app, pagename, templatename, context, doctree) -> None:
    if (pagename != SEARCH_PAGE or app.builder.format != "html"
            or not chinese_search(app.builder)):
        return
    if any((Path(app.confdir, p) / JS_FILE).is_file() for p in app.config.html_static_path):
        # (Sphinx adds a file added at html-page-context to this page only)
        app.add_js_file(JS_FILE, loading_method="defer")


def setup(app) -> dict:
    from .. import __version__

    app.connect("html-page-context", _search_page_script)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
