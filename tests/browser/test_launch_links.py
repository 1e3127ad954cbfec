"""The launch links beside "Open in Colab" follow the reader's framework (static/colab.js).

On the built English and Chinese 4.3 pages: the SageMaker Studio Lab link (the book's
repository is on GitHub) names the notebook of the framework picked in the tabs, in the
page's language, exactly as tabbook.stages.launch makes it; no JupyterHub link is shown, since
_config.yml sets no ``launch_buttons.jupyterhub_url``.
"""

from __future__ import annotations

import pytest

from bookutil import REPO
from browser_harness import LABELS, PAGE_43, click_tab, open_page
from tabbook.sources.config import load_config
from tabbook.stages.launch import launch_urls

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang_dir", ["", "zh/"])
def test_launch_links_follow_the_framework(browse, server, book_html, lang_dir):
    cfg = load_config(REPO)
    docname = PAGE_43[: -len(".html")]
    context, log = browse()
    page = open_page(context, server.url(lang_dir + PAGE_43))
    box = page.locator(".tabbook-colab").first
    assert box.locator('[data-launch="jupyterhub"]').count() == 0
    link = box.locator('[data-launch="studiolab"]')
    for name in list(LABELS)[::-1]:
        click_tab(page, LABELS[name])
        want = launch_urls(cfg, name, docname, lang_dir)["studiolab"]
        assert link.get_attribute("href") == want
        # (the Chinese edition writes it in full-width parentheses: （TensorFlow）)
        label = ("（{}）" if lang_dir else "({})").format(LABELS[name])
        assert label in link.inner_text(), link.inner_text()
    browse.assert_clean(log)
