"""A translated interface string is text wherever it lands (issue 28, item 1), even one
the catalog check did not see: the attack of the issue, a msgstr that closes the
attribute it lands in, planted past the check, stays inside its attribute."""

from __future__ import annotations

import gettext
import shutil
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from tabbook.core.escape import escape_added, js_string_of_html
from tabbook.sources import catalog_build, i18n

ATTACK = '链接" style="animation:fa-spin 1s" onanimationstart="alert(\'XSS\')'


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parsed(markup: str) -> list[tuple[str, dict]]:
    parser = _Attributes()
    parser.feed(markup)
    return parser.tags


def test_escape_added_keeps_what_the_english_has_and_makes_the_rest_text():
    assert escape_added("Link to this heading", "链接到此标题") == "链接到此标题"
    assert escape_added("the book's", "本书's") == "本书's"  # (the English put ' there)
    tags = _parsed(f'<a class="headerlink" title="{escape_added("Link", ATTACK)}">¶</a>')
    assert tags == [("a", {"class": "headerlink", "title": ATTACK})]


def _planted_tool_catalogs(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the tool's catalogs whose every translated message is the attack."""
    locales = tmp_path / "locales"
    shutil.copytree(i18n.UI_LOCALES, locales)
    for po in locales.rglob("*.po"):
        lines = po.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines[:-1]):
            if (line.startswith('msgid "') and line != 'msgid ""'
                    and lines[i + 1].startswith("msgstr")):
                lines[i + 1] = 'msgstr "' + ATTACK.replace('"', '\\"') + '"'
        po.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(catalog_build, "UI_LOCALES", locales)
    monkeypatch.setattr(i18n, "UI_LOCALES", locales)  # (ui_gettext reads them there)
    return catalog_build.compile_tool_catalogs("zh_CN", tmp_path / "mo")


def _translations(mo_dir: Path, domain: str) -> gettext.GNUTranslations:
    with (mo_dir / "zh_CN" / "LC_MESSAGES" / f"{domain}.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


def test_strings_upstream_templates_insert_unescaped_are_compiled_as_text(tmp_path, monkeypatch):
    """sphinx.po ("Link to this heading": Sphinx's ``title="%s"``) and booktheme.po (the
    theme's Jinja templates) land in HTML that no one escapes."""
    mo_dir = _planted_tool_catalogs(tmp_path, monkeypatch)
    for domain, msgid in (("sphinx", "Link to this heading"), ("sphinx", "Color mode"),
                          ("booktheme", "Repository")):
        text = _translations(mo_dir, domain).gettext(msgid)
        assert text != msgid and '"' not in text and "'" not in text, (domain, text)
        html = f'<a class="headerlink" href="#x" title="{text}">¶</a>'  # (Sphinx's writer)
        assert _parsed(html) == [("a", {"class": "headerlink", "href": "#x", "title": ATTACK})]


@pytest.fixture
def planted_sphinx_domains(tmp_path, monkeypatch):
    """Sphinx's translators for the tool's domains, read from the planted catalogs."""
    from sphinx import locale

    mo_dir = _planted_tool_catalogs(tmp_path, monkeypatch)
    for domain in ("tabbook", "togglebutton"):
        monkeypatch.setitem(locale.translators, ("general", domain), _translations(mo_dir, domain))


def test_the_toggle_hints_stay_in_their_javascript_string(planted_sphinx_domains):
    from tabbook.sphinxext.sphinx_i18n import _translate_extension_settings

    config = SimpleNamespace(language="zh_CN", togglebutton_hint="Click to show",
                             togglebutton_hint_hide="Click to hide")
    _translate_extension_settings(None, config)
    for hint in (config.togglebutton_hint, config.togglebutton_hint_hide):
        # (sphinx-togglebutton writes `let toggleHintShow = '<hint>';`)
        assert "'" not in hint and '"' not in hint and "\n" not in hint, hint
        assert _parsed(f'<button data-toggle-hint="{hint}"></button>') == \
            [("button", {"data-toggle-hint": ATTACK})]


def test_the_print_entry_label_stays_text(planted_sphinx_domains):
    from tabbook.sphinxext.reader import PRINT_BUTTON, _label_print_entry

    button = {"type": "javascript", "text": ".pdf", "label": PRINT_BUTTON,
              "tooltip": "Print to PDF"}
    context = {"header_buttons": [{"label": "download-buttons", "buttons": [button]}]}
    _label_print_entry(None, "index", "page.html", context, None)
    # (the theme's macro: <span ...>{{ translate(text) }}</span>)
    assert _parsed(f'<button><span title="{button["text"]}"></span></button>') == \
        [("button", {}), ("span", {"title": ATTACK})]


def test_the_book_download_entries_stay_in_their_attributes(tmp_path, monkeypatch):
    """`make publish`'s menu entries (tabbook.stages.downloads): label and tooltip from the
    tool's catalog, planted with the attack, land as text."""
    from tabbook.stages import downloads

    _planted_tool_catalogs(tmp_path, monkeypatch)
    _ = i18n.ui_gettext("zh_CN")
    assert _("Book PDF") == ATTACK
    entry = downloads._entry("..", downloads.PDF_DIR, {"jax": "book-jax.pdf"}, "book-pdf",
                             "fas fa-file-pdf", _("Book PDF"), _("The whole book as a PDF, "
                                                                 "with the code of the "
                                                                 "framework you chose"))
    tags = _parsed(entry)
    assert [t for t, _ in tags] == ["li", "a", "span", "i", "span"]
    assert tags[1][1]["title"] == ATTACK and tags[1][1]["href"] == "../_pdf/book-jax.pdf"
    assert ATTACK.replace('"', "&quot;").replace("'", "&#x27;") in entry


def test_js_string_of_html_ends_no_string():
    body = js_string_of_html("点击\\'); alert(1); //\n")
    assert "'" not in body and "\n" not in body and "\\\\" in body
