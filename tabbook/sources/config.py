"""The book's settings: one frozen dataclass read from ``_config.yml`` and validated at load.

Settings live under the top-level ``tabbook:`` key of ``_config.yml`` (Jupyter Book
ignores keys it does not know); the book's ``title``, its pages' base URL
(``html.baseurl``, or ``sphinx.config.html_baseurl``), where it is published (Jupyter
Book's own ``repository:`` block, ``url`` and ``branch``) and the theme's repository
buttons are read into the same object, as are its ``author`` and the ``d2l`` library's
name and version from ``pyproject.toml``; no other module reads these files (Jupyter Book
reads ``_config.yml`` too when the tool runs Sphinx: :func:`config_file`). Each field
declares where it is read from (``key``, and ``file`` when not ``_config.yml``), its help
and its validator (:mod:`tabbook.sources.config_values`); :func:`load_config` runs them
all, once, then the checks that tie fields together (:func:`_check_together`). A bad
value is a :class:`BookError` naming the key, what was expected and what was found.

Every outward URL (the Colab links, the install cell's wheel, the theme's repository
buttons) is derived here from ``repository.url`` (and ``html.baseurl``); the two
``tabbook:`` URL settings are optional, validated overrides.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

import tomllib
import yaml

from ..core.errors import BookError
from ..core.layout import BUILD_DIR, DEFAULT_CACHE_DIR, DEFAULT_COLAB_DIR
from .config_values import (
    Invalid,
    branch_name,
    colab_url_pattern,
    dist_name_text,
    flag,
    http_url,
    nonempty_text,
    output_folder,
    pinned_spec,
    positive_int,
    repository_url,
    text,
    title_text,
    version_text,
)
from .config_values import found as _found

CONFIG_FILE = "_config.yml"
MYST_SETTING = "parse.myst_enable_extensions"
"""Jupyter Book's setting of the MyST extensions, which the tool sets itself
(:data:`tabbook.core.myst_markdown.MYST_EXTENSIONS`)."""
PROJECT_FILE = "pyproject.toml"
COLAB = "https://colab.research.google.com/github"
GITHUB_RE = re.compile(r"^https://github\.com/(?P<owner>[A-Za-z0-9-]+)/"
                       r"(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$")


# ---------------------------------------------------------------------------
# The settings


def setting(default: Any, key: str, validate: Callable[[Any], Any],
            file: str = CONFIG_FILE) -> Any:
    """A field of :class:`BookConfig`: its ``default``, the dotted ``key`` it is read from (in
    ``file``) and the validator of :mod:`tabbook.sources.config_values` that checks what is
    found there. What the setting means is the field's docstring."""
    return field(default=default, metadata={"key": key, "file": file, "validate": validate})


@dataclass(frozen=True)
class BookConfig:
    # --- under `tabbook:` in _config.yml
    timeout: int = setting(600, "tabbook.timeout", positive_int)
    """Seconds a cell may run before the build fails (a hung kernel fails too)."""
    jobs: int = setting(4, "tabbook.jobs", positive_int)
    """Notebooks executed at once (one kernel each)."""
    cache_dir: str = setting(DEFAULT_CACHE_DIR, "tabbook.cache_dir", nonempty_text)
    """Where executed notebooks are cached by content hash (relative to the book)."""
    notebooks_branch: str = setting("colab", "tabbook.notebooks_branch", branch_name)
    """Branch of `repository.url` that holds the Colab notebooks (<framework>/<path>.ipynb, and
    <lang>/<framework>/... for translations); `make publish` assembles it and the workflow
    pushes it."""
    d2l_package: str = setting("", "tabbook.d2l_package", pinned_spec)
    """Optional override of what the install cell installs (default: the wheel published with
    the site); must be pinned: a .whl, name==version or git+URL@<commit> ($TABBOOK_D2L_PACKAGE
    overrides it)."""
    colab_url: str = setting("", "tabbook.colab_url", colab_url_pattern)
    """Optional override of the Colab URL pattern, with {framework}, {path} and optionally
    {lang_dir} (default: derived from `repository.url` and `tabbook.notebooks_branch`)."""
    studiolab: bool | None = setting(None, "tabbook.studiolab", flag)
    """The "Open in SageMaker Studio Lab" link beside Colab's (default: on when `repository.url`
    is a GitHub repository; Studio Lab opens the same notebooks)."""
    colab_dir: str = setting(DEFAULT_COLAB_DIR, "tabbook.colab_dir", output_folder)
    """Where `make colab` writes one folder of notebooks per framework."""
    # --- Jupyter Book's own settings
    title: str = setting("", "title", title_text)
    """The book's title (Jupyter Book's own setting)."""
    author: str = setting("", "author", title_text)
    """The book's author (Jupyter Book's own setting), in every page's footer; a translated
    edition's is in locales/<language>/LC_MESSAGES/_book.po."""
    baseurl: str = setting("", "html.baseurl", http_url)
    """URL the book is published at (Jupyter Book's `html.baseurl`, or
    `sphinx.config.html_baseurl`; default: the repository's GitHub Pages address); Colab
    notebooks link back to their page."""
    jupyterhub_url: str = setting("", "launch_buttons.jupyterhub_url", http_url)
    """A JupyterHub to open the notebooks on, through nbgitpuller (Jupyter Book's setting); the
    link is shown when it and `repository.url` are set."""
    repository_url: str = setting("", "repository.url", repository_url)
    """The book's repository (Jupyter Book's setting): every outward URL comes from it; empty:
    the book is not published yet."""
    repository_branch: str = setting("main", "repository.branch", branch_name)
    """The branch the book's sources are on (Jupyter Book's setting)."""
    repository_button: bool | None = setting(None, "html.use_repository_button", flag)
    """The theme's repository button (default: on when `repository.url` is set)."""
    edit_page_button: bool | None = setting(None, "html.use_edit_page_button", flag)
    """The theme's edit-this-page button (default: on when `repository.url` is set)."""
    issues_button: bool | None = setting(None, "html.use_issues_button", flag)
    """The theme's issues button (default: on when `repository.url` is set)."""
    extra_footer: str = setting("", "html.extra_footer", text)
    """HTML added to every page's footer (Jupyter Book's setting)."""
    # --- the d2l library (pyproject.toml)
    library_name: str = setting("", "project.name", dist_name_text, file=PROJECT_FILE)
    """The d2l library's distribution name."""
    library_version: str = setting("", "project.version", version_text, file=PROJECT_FILE)
    """The d2l library's version: what the notebooks install, named in the footer."""

    # ------------------------------------------------------------------ derived URLs

    @property
    def published(self) -> bool:
        """Whether the book says where it lives (``repository.url``)."""
        return bool(self.repository_url)

    @property
    def github(self) -> tuple[str, str] | None:
        """(owner, repository) when ``repository.url`` is a GitHub repository."""
        m = GITHUB_RE.match(self.repository_url)
        return (m.group("owner"), m.group("repo")) if m else None

    @property
    def site_url(self) -> str:
        """The site's address, ending in ``/`` ('' when the book is not published)."""
        if self.baseurl:
            return self.baseurl.rstrip("/") + "/"
        if not self.github:
            return ""
        owner, repo = self.github
        host = f"{owner.lower()}.github.io"
        return f"https://{host}/" if repo.lower() == host else f"https://{host}/{repo}/"

    @property
    def colab_pattern(self) -> str:
        """The Colab URL pattern ('' when the book is not published)."""
        if self.colab_url:
            return self.colab_url
        if not self.github:
            return ""
        owner, repo = self.github
        return (f"{COLAB}/{owner}/{repo}/blob/{self.notebooks_branch}/"
        "{lang_dir}{framework}/{path}")

    @property
    def wheel_name(self) -> str:
        """File name of the library's wheel (pure Python), as `python -m build` names it."""
        return f"{dist_name(self.library_name)}-{self.library_version}-py3-none-any.whl"

    @property
    def sdist_name(self) -> str:
        return f"{dist_name(self.library_name)}-{self.library_version}.tar.gz"

    @property
    def wheel_url(self) -> str:
        """Where the published site serves the wheel ('' when not published)."""
        return f"{self.site_url}_dist/{self.wheel_name}" if self.site_url else ""

    @property
    def package_spec(self) -> str:
        """What the install cell installs: pinned to the library the book was built with.

        ``$TABBOOK_D2L_PACKAGE``, else ``tabbook.d2l_package``, else the published wheel;
        '' when the book is not published.
        """
        env = os.environ.get("TABBOOK_D2L_PACKAGE")
        if env:
            try:
                return pinned_spec(env)
            except Invalid as exc:
                raise BookError(f"$TABBOOK_D2L_PACKAGE must be {exc}; found {_found(env)}") \
                    from None
        return self.d2l_package or self.wheel_url


def dist_name(name: str) -> str:
    """A distribution name as wheel and sdist file names spell it (PEP 427, PEP 625)."""
    return re.sub(r"[-_.]+", "_", name).lower()


TABBOOK_KEYS = {f.metadata["key"].split(".", 1)[1]: f for f in fields(BookConfig)
                if f.metadata["key"].startswith("tabbook.")}
"""The keys of the ``tabbook:`` section and their fields."""


def _lookup(data: dict, key: str, file: str = CONFIG_FILE) -> tuple[bool, Any]:
    """The value at dotted ``key`` of ``data`` (html.baseurl): (found, value).

    A section on the way that is not a mapping (``repository: https://...``) is an error.
    """
    node: Any = data
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
        if i < len(parts) - 1 and node is not None and not isinstance(node, dict):
            raise BookError(f"`{'.'.join(parts[:i + 1])}` must be a mapping, found "
                            f"{_found(node)}", path=file)
    return node is not None, node


def validate(values: dict[str, Any]) -> BookConfig:
    """A BookConfig from raw values (field name -> value), each checked by its validator."""
    known = {f.name: f for f in fields(BookConfig)}
    checked = {}
    for name, value in values.items():
        f = known[name]
        validator: Callable[[Any], Any] = f.metadata["validate"]
        try:
            checked[name] = validator(value)
        except Invalid as exc:
            raise BookError(f"`{f.metadata['key']}` must be {exc}; found {_found(value)}",
                            path=f.metadata["file"]) from None
    return BookConfig(**checked)


def _check_together(cfg: BookConfig) -> None:
    """The rules that tie settings together (each field is already valid on its own)."""
    if cfg.published and not cfg.github and not cfg.colab_url:
        raise BookError(f"`repository.url` must be https://github.com/<owner>/<repo> (Colab opens "
                        f"notebooks from GitHub only), or `tabbook.colab_url` must say where "
                        f"the notebooks are; found {_found(cfg.repository_url)}", path=CONFIG_FILE)
    if cfg.published and not cfg.site_url and not cfg.d2l_package:
        raise BookError("the install cell needs the site's address: set `html.baseurl` (or "
                        "`tabbook.d2l_package`)", path=CONFIG_FILE)
    if cfg.notebooks_branch == cfg.repository_branch:
        raise BookError(f"`tabbook.notebooks_branch` must differ from `repository.branch` "
                        f"(publishing replaces that branch's contents); found "
                        f"{_found(cfg.notebooks_branch)}", path=CONFIG_FILE)
    if cfg.published and not (cfg.library_name and cfg.library_version):
        raise BookError("`project.name` and `project.version` must be set: a published book's "
                        "notebooks install its library by version", path=PROJECT_FILE)


def _check_against_book(cfg: BookConfig, root: Path) -> None:
    """The rules that need the book's folder: its translations, its sources."""
    from .i18n import translations

    editions = translations(root)
    if cfg.colab_url and editions and "{lang_dir}" not in cfg.colab_url:
        raise BookError(f"`tabbook.colab_url` must place the language with {{lang_dir}} (the "
                        f"book has a translated edition, {editions[0].language}, whose Colab "
                        f"links would open the English notebooks); found {_found(cfg.colab_url)}",
                        path=CONFIG_FILE)
    base = Path(root).resolve()
    out = (base / cfg.colab_dir).resolve()
    among_sources = out == base or out in base.parents
    if not among_sources and base in out.parents:  # a folder of the book that holds pages?
        top = base / out.relative_to(base).parts[0]
        among_sources = top.name != BUILD_DIR and top.is_dir() and any(top.rglob("*.md"))
    if among_sources:
        raise BookError("`tabbook.colab_dir` must be a folder for generated files, such as "
                        f"{DEFAULT_COLAB_DIR}, not the book nor a folder of its pages (notebooks "
                        f"would be written among the sources); found {_found(cfg.colab_dir)}",
                        path=CONFIG_FILE)


def _read(path: Path, parse: Callable[[str], Any], errors: tuple) -> dict:
    try:
        data = parse(path.read_text(encoding="utf-8")) or {}
    except errors as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BookError(f"invalid {'YAML' if path.suffix == '.yml' else 'TOML'}: {exc}",
                        path=path.name, line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise BookError(f"expected a mapping of settings, found {_found(data)}", path=path.name)
    return data


def config_file(root: Path) -> Path | None:
    """The book's settings file, which Jupyter Book reads as well when the tool runs Sphinx
    (:func:`tabbook.sphinxext.sphinx_run.run_sphinx`); ``None`` when the book has none."""
    path = Path(root) / CONFIG_FILE
    return path if path.exists() else None


def load_config(root: Path) -> BookConfig:
    """Read and validate the book's settings from ``root/_config.yml`` and ``pyproject.toml``."""
    path, project = Path(root) / CONFIG_FILE, Path(root) / PROJECT_FILE
    data = _read(path, yaml.safe_load, (yaml.YAMLError,)) if path.exists() else {}
    if _lookup(data, MYST_SETTING)[0]:
        from ..core.myst_markdown import MYST_EXTENSIONS

        raise BookError(f"`{MYST_SETTING}` is not a setting of this book: the MyST extensions "
                        f"are the tool's own ({', '.join(MYST_EXTENSIONS)}: "
                        "tabbook.core.myst_markdown.MYST_EXTENSIONS), so that its reader and "
                        "Sphinx parse the pages alike; remove it", path=CONFIG_FILE)
    section = data.get("tabbook") or {}
    if not isinstance(section, dict):
        raise BookError(f"`tabbook` must be a mapping, found {_found(section)}", path=CONFIG_FILE)
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key not in TABBOOK_KEYS:
            raise BookError(f"unknown key `tabbook.{key}`; expected one of: "
                            f"{', '.join(TABBOOK_KEYS)}", path=CONFIG_FILE)
        values[TABBOOK_KEYS[key].name] = value
    sources = {CONFIG_FILE: data}
    if project.exists():
        sources[PROJECT_FILE] = _read(project, tomllib.loads, (tomllib.TOMLDecodeError,))
    for f in fields(BookConfig):
        key, file = f.metadata["key"], f.metadata["file"]
        if key.startswith("tabbook.") or f.name == "baseurl" or file not in sources:
            continue
        found, value = _lookup(sources[file], key, file)
        if found:
            values[f.name] = value
    for key in ("html.baseurl", "sphinx.config.html_baseurl"):
        found, baseurl = _lookup(data, key)
        if found and baseurl != "":
            values["baseurl"] = baseurl
            break
    cfg = validate(values)
    _check_together(cfg)
    _check_against_book(cfg, Path(root))
    return cfg
