"""The theme's labels that its templates write in English are translated when the page is
built (tabbook/sphinxext/theme_strings.py, the ``theme_template_strings`` patch of
tabbook/sphinxext/compat.py): the pinned sphinx-book-theme's templates still hold each label
as the table says, and the rewritten templates render it through the theme's catalog, as
text (the built Chinese pages: tests/test_zh_visible_text.py)."""

from __future__ import annotations

import gettext
import importlib.metadata as metadata
from pathlib import Path

from sphinx.util.template import BaseRenderer

from tabbook.sources import catalog_build
from tabbook.sphinxext import compat
from tabbook.sphinxext.theme_strings import (
    THEME_STRINGS,
    literal,
    rewrite,
    theme_folder,
    translated,
)


def test_the_patch_is_pinned_to_the_installed_theme():
    patch = next(p for p in compat.PATCHES if p.name == "theme_template_strings")
    assert patch.checked == metadata.version("sphinx-book-theme"), (
        "sphinx-book-theme moved: check that its templates still write these labels outside "
        "translate() (tabbook/sphinxext/theme_strings.py), then set the patch's `checked`")


def test_each_label_is_in_its_template_once_and_the_rewrite_replaces_it():
    folder = theme_folder()
    for template, attribute, english in THEME_STRINGS:
        path = folder / template
        source = path.read_text(encoding="utf-8")
        assert source.count(literal(attribute, english)) == 1, (
            f"{template} no longer writes {literal(attribute, english)} (sphinx-book-theme "
            f"changed): update THEME_STRINGS in tabbook/sphinxext/theme_strings.py")
        out = rewrite(source, str(path), folder)
        assert literal(attribute, english) not in out
        assert out.count(translated(attribute, english)) == 1
        BaseRenderer().env.parse(out)  # (still a template: Sphinx's Jinja environment)
        # any other template, or another theme's file of the same name, is left as it is
        assert rewrite(source, str(Path("/elsewhere") / template), folder) == source
        assert rewrite(source, None, folder) == source


def _booktheme(tmp_path: Path) -> gettext.GNUTranslations:
    mo_dir = catalog_build.compile_tool_catalogs("zh_CN", tmp_path / "mo")
    with (mo_dir / "zh_CN" / "LC_MESSAGES" / "booktheme.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


def test_the_rewritten_template_renders_the_catalogs_translation(tmp_path):
    folder = theme_folder()
    template = "components/toggle-primary-sidebar.html"
    source = rewrite((folder / template).read_text(encoding="utf-8"), str(folder / template),
                     folder)
    render = BaseRenderer().render_string
    translate = _booktheme(tmp_path).gettext
    assert 'title="切换主侧边栏"' in render(source, {"translate": translate})
    # the English edition (and a page without the theme's context) says the English
    assert 'title="Toggle primary sidebar"' in render(source, {"translate": lambda s: s})
    assert 'title="Toggle primary sidebar"' in render(source, {})


def test_every_label_has_a_translation_in_booktheme_po(tmp_path):
    translate = _booktheme(tmp_path).gettext
    for _template, _attribute, english in THEME_STRINGS:
        assert translate(english) != english, english
