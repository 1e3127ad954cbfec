"""Launch services beside Colab (tabbook/stages/launch.py), tested by the URLs they produce.

Every URL comes from the one ``repository:`` setting (and the notebooks branch), names
the same notebook as the Colab link (``<lang_dir><framework>/<page>.ipynb``) for every
framework and language, and a service is offered only where it applies: Studio Lab for
a GitHub repository (unless ``tabbook.studiolab: false``), JupyterHub when
``launch_buttons.jupyterhub_url`` is set. The page's link block carries them per
framework.
"""

from __future__ import annotations

import dataclasses
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.config import BookConfig
from tabbook.sphinxext.sphinx_colab import buttons_html
from tabbook.stages.colab import colab_url
from tabbook.stages.launch import jupyterhub_url, launch_urls, studiolab_url

PAGE = "chapter_linear-classification/classification"
REPO_URL = "https://github.com/d2l-classification-book/d2l-classification-book"
BASE = BookConfig(repository_url=REPO_URL, notebooks_branch="colab", library_name="d2l-demo",
                  library_version="0.1.0")


@pytest.mark.parametrize("lang_dir", ["", "zh/"])
@pytest.mark.parametrize("fw", [fw.name for fw in FRAMEWORKS])
def test_studio_lab_opens_the_colab_notebook_of_each_framework_and_language(fw, lang_dir):
    url = studiolab_url(BASE, fw, PAGE, lang_dir)
    want = ("https://studiolab.sagemaker.aws/import/github/d2l-classification-book/"
            f"d2l-classification-book/blob/colab/{lang_dir}{fw}/{PAGE}.ipynb")
    assert url == want
    # the same notebook as Colab's link
    colab = colab_url(BASE.colab_pattern, fw, PAGE, lang_dir)
    assert colab.split("/blob/", 1)[1] == url.split("/blob/", 1)[1]


@pytest.mark.parametrize("lang_dir", ["", "zh/"])
@pytest.mark.parametrize("fw", [fw.name for fw in FRAMEWORKS])
def test_jupyterhub_pulls_the_notebooks_branch_with_nbgitpuller(fw, lang_dir):
    cfg = dataclasses.replace(BASE, jupyterhub_url="https://hub.example.org/")
    url = jupyterhub_url(cfg, fw, PAGE, lang_dir)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "hub.example.org", "/hub/user-redirect/git-pull")
    query = parse_qs(parts.query)
    assert query == {"repo": [REPO_URL], "branch": ["colab"],
                     "urlpath": [f"lab/tree/d2l-classification-book/{lang_dir}{fw}/{PAGE}.ipynb"]}


def test_a_service_is_offered_only_where_it_applies():
    assert set(launch_urls(BASE, "jax", PAGE)) == {"studiolab"}  # no hub configured
    hub = dataclasses.replace(BASE, jupyterhub_url="https://hub.example.org")
    assert set(launch_urls(hub, "jax", PAGE)) == {"studiolab", "jupyterhub"}
    off = dataclasses.replace(hub, studiolab=False)
    assert set(launch_urls(off, "jax", PAGE)) == {"jupyterhub"}
    # not on GitHub: Studio Lab cannot import it; a hub still can (nbgitpuller clones any git)
    gitlab = dataclasses.replace(hub, repository_url="https://gitlab.com/o/book",
                                 colab_url="https://colab.example/{framework}/{path}")
    assert set(launch_urls(gitlab, "jax", PAGE)) == {"jupyterhub"}
    assert "repo=https%3A%2F%2Fgitlab.com%2Fo%2Fbook" in launch_urls(gitlab, "jax", PAGE)[
        "jupyterhub"]
    # an unpublished book offers none
    unpublished = dataclasses.replace(hub, repository_url="")
    assert launch_urls(unpublished, "jax", PAGE) == {}


def test_the_link_block_carries_each_framework_s_launch_urls():
    cfg = dataclasses.replace(BASE, jupyterhub_url="https://hub.example.org")
    names = [fw.name for fw in FRAMEWORKS]
    launch = {n: launch_urls(cfg, n, PAGE, "zh/") for n in names}
    block = buttons_html(names, PAGE, cfg.colab_pattern, lambda f, _=1: f, "zh/", launch)
    attrs = {k: html.unescape(v) for k, v in re.findall(r'(data-[\w-]+)="([^"]*)"', block)}
    for n in names:
        assert attrs[f"data-studiolab-{n}"] == launch[n]["studiolab"]
        assert attrs[f"data-jupyterhub-{n}"] == launch[n]["jupyterhub"]
    links = re.findall(r'<a class="tabbook-launch[^"]*" data-launch="(\w+)" href="([^"]*)"', block)
    assert [k for k, _ in links] == ["studiolab", "jupyterhub"]
    first = names[0]
    assert [html.unescape(u) for _, u in links] == [launch[first]["studiolab"],
                                                    launch[first]["jupyterhub"]]
    # no launch service, no link
    plain = buttons_html(names, PAGE, cfg.colab_pattern, lambda f, _=1: f, "", {})
    assert "tabbook-launch" not in plain
