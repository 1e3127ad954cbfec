"""Launch services beside Colab: SageMaker Studio Lab and a JupyterHub (nbgitpuller).

Each opens the same notebook as the Colab link, from the notebooks branch of the one
``repository:`` setting (``<lang_dir><framework>/<page>.ipynb``), and each is offered
only where it applies:

* **SageMaker Studio Lab** imports a notebook from GitHub:
  ``https://studiolab.sagemaker.aws/import/github/<owner>/<repo>/blob/<branch>/<path>``.
  Offered when ``repository.url`` is a GitHub repository, unless ``tabbook.studiolab``
  is ``false``.
* **JupyterHub**, through nbgitpuller (as Jupyter Book's ``launch_buttons.jupyterhub_url``
  does): ``<hub>/hub/user-redirect/git-pull?repo=<repository>&branch=<branch>&urlpath=
  lab/tree/<repo>/<path>``. Offered when ``launch_buttons.jupyterhub_url`` and
  ``repository.url`` are both set.

This module does not import Sphinx.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ..sources.config import BookConfig

STUDIOLAB = "https://studiolab.sagemaker.aws/import/github"
SERVICES = ("studiolab", "jupyterhub")
"""The launch services, in the order their links are shown (after Colab's)."""


def notebook_path(framework: str, docname: str, lang_dir: str = "") -> str:
    """A page's notebook in the notebooks branch (as the Colab links name it)."""
    return f"{lang_dir}{framework}/{docname}.ipynb"


def studiolab_url(cfg: BookConfig, framework: str, docname: str, lang_dir: str = "") -> str:
    """The Studio Lab link of a page's notebook ('' where Studio Lab does not apply)."""
    if cfg.studiolab is False or not cfg.github:
        return ""
    owner, repo = cfg.github
    path = quote(notebook_path(framework, docname, lang_dir))
    return f"{STUDIOLAB}/{owner}/{repo}/blob/{quote(cfg.notebooks_branch)}/{path}"


def jupyterhub_url(cfg: BookConfig, framework: str, docname: str, lang_dir: str = "") -> str:
    """The nbgitpuller link of a page's notebook on the book's JupyterHub ('' if none)."""
    if not (cfg.jupyterhub_url and cfg.repository_url):
        return ""
    repo_name = cfg.repository_url.rstrip("/").rsplit("/", 1)[-1]
    if repo_name.endswith(".git"):
        repo_name = repo_name[:-4]
    path = f"lab/tree/{repo_name}/{notebook_path(framework, docname, lang_dir)}"
    query = urlencode({"repo": cfg.repository_url, "branch": cfg.notebooks_branch,
                       "urlpath": path}, quote_via=quote)
    return f"{cfg.jupyterhub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def launch_urls(cfg: BookConfig, framework: str, docname: str, lang_dir: str = "") -> dict:
    """``{service: url}`` of the services that apply (none when the book is unpublished)."""
    urls = {"studiolab": studiolab_url(cfg, framework, docname, lang_dir),
            "jupyterhub": jupyterhub_url(cfg, framework, docname, lang_dir)}
    return {k: v for k, v in urls.items() if v}


def stamp_text(cfg: BookConfig) -> str:
    """What the launch links of a page depend on (for the pages' freshness stamp)."""
    return f"{cfg.studiolab}\0{cfg.jupyterhub_url}"
