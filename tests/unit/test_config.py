"""The book's settings: every field validated at load, bad values named with key and value.

The table of invalid values covers every field of :class:`tabbook.sources.config.BookConfig`
(as sphinx-design's ``INVALID_CONFIG_VALUES`` covers its config), so a new setting
cannot arrive without its validator being tested.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import time
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from bookutil import REPO, run_tool
from tabbook.core.errors import BookError
from tabbook.core.layout import BUILD_DIR, Layout
from tabbook.sources import config as config_module
from tabbook.sources.config import BookConfig, load_config

# field -> values that must be refused (as written in _config.yml, or pyproject.toml)
INVALID_CONFIG_VALUES = {
    "timeout": [0, -5, "600", 1.5, True, None],
    "jobs": [0, -1, "4", 2.0, False],
    "cache_dir": ["", "   ", 3, [BUILD_DIR]],
    "notebooks_branch": ["a..b", "-x", "x/", "with space", "", 3,
                         "colab.lock", "a/.hidden", "x@{1}", "a:b", "HEAD", "@",
                         "refs/heads/main", "heads/colab", "refs"],  # issue 27: full refs
    "d2l_package": [
        3, ["d2l"], {"git": "x"},
        "git+https://github.com/o/r",                     # a branch: installs what is there
        "d2l-classification-book",                        # any version
        "d2l>=1.0",                                       # a range
    ],
    "colab_url": [
        "https://colab.example/{framework}",              # no {path}
        "https://colab.example/{path}",                   # no {framework}
        "https://colab.example/{fw}/{path}",              # unknown field
        "https://colab.example/{framework}/{path",        # not a pattern
        "colab.example/{framework}/{path}",               # not a URL
        "ftp://colab.example/{framework}/{path}",         # not http(s)
        "http://colab.example/{framework}/{path}",        # Colab is https
        42,
    ],
    "colab_dir": ["", 0, ".", "./", "chapter_x/colab", "d2l/notebooks", "locales"],
    "extra_footer": [3, ["<p>a</p>"], {"p": "a"}, True],
    "studiolab": ["yes", 1],
    "jupyterhub_url": ["hub.example.org", "ftp://hub.example.org", 5],
    "title": [["a", "list"], {"a": 1}],
    "author": [["a", "list"], {"a": 1}, True],
    "baseurl": ["example.org/book", "file:///tmp/book", "https://", 7],
    "repository_url": ["git@github.com:o/r.git", "http://github.com/o/r", "https://", 3],
    "repository_branch": ["-x/", "a..b", 3],
    "repository_button": ["yes", 1],
    "edit_page_button": ["no", 0],
    "issues_button": ["true", []],
    "library_name": ["", "two words", 3],
    "library_version": ["soon", "", 1],
}

VALID = {
    "timeout": 30, "jobs": 1, "cache_dir": "/tmp/cache", "notebooks_branch": "notebooks",
    "d2l_package": "d2l==1.0",
    "colab_url": "https://colab.example/github/o/r/blob/main/{lang_dir}{framework}/{path}",
    "colab_dir": "out/colab", "extra_footer": "<p>Built with care.</p>", "studiolab": False,
    "jupyterhub_url": "https://hub.example.org", "title": "A Book", "author": "A. Writer",
    "baseurl": "https://example.org/book/",
    "repository_url": "https://github.com/o/r", "repository_branch": "trunk",
    "repository_button": False, "edit_page_button": True, "issues_button": False,
    "library_name": "d2l-demo", "library_version": "1.2.3",
}

PROJECT = {"name": "d2l-demo", "version": "0.1.0"}
"""The ``[project]`` of the small book's pyproject.toml (a published book needs one)."""


def _field(name: str):
    return next(f for f in fields(BookConfig) if f.name == name)


def _key(name: str) -> str:
    return _field(name).metadata["key"]


def _file(name: str) -> str:
    return _field(name).metadata.get("file", "_config.yml")


def _config_yml(name: str, value) -> dict:
    """A ``_config.yml`` (as data) that sets field ``name`` to ``value``."""
    data: dict = {}
    if _file(name) != "_config.yml":
        return data
    node = data
    *parents, last = _key(name).split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return data


def _pyproject(project: dict) -> str:
    """A pyproject.toml with ``[project]`` (values are str, int or list: JSON spells them
    as TOML does)."""
    return "[project]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in project.items())


def _write(tmp_path: Path, data: dict, project: dict | None = None) -> Path:
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(_pyproject(PROJECT if project is None else project),
                                             encoding="utf-8")
    return tmp_path


def _book(tmp_path: Path, name: str, value) -> Path:
    """A small book whose field ``name`` is ``value``, in the file the field is read from."""
    project = dict(PROJECT)
    if _file(name) == "pyproject.toml":
        project[_key(name).split(".", 1)[1]] = value
    return _write(tmp_path, _config_yml(name, value), project)


def test_the_table_covers_every_field():
    assert set(INVALID_CONFIG_VALUES) == {f.name for f in fields(BookConfig)}
    assert set(VALID) == {f.name for f in fields(BookConfig)}
    for f in fields(BookConfig):
        assert callable(f.metadata.get("validate")) and f.metadata.get("key"), f.name
    # what each setting means is its docstring, the statement after the field's
    body = next(node for node in ast.parse(inspect.getsource(config_module)).body
                if isinstance(node, ast.ClassDef) and node.name == "BookConfig").body
    documented = {node.target.id for node, after in zip(body, body[1:])
                  if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr)
                  and isinstance(after.value, ast.Constant) and len(after.value.value) > 20}
    assert documented == {f.name for f in fields(BookConfig)}


@pytest.mark.parametrize("name,value", [(n, v) for n, vs in INVALID_CONFIG_VALUES.items()
                                        for v in vs])
def test_invalid_value_names_key_expected_and_found(tmp_path, name, value):
    root = _book(tmp_path, name, value)
    with pytest.raises(BookError) as info:
        load_config(root)
    message = str(info.value)
    assert message.startswith(f"{_file(name)}: "), message
    assert f"`{_key(name)}` must be " in message, message
    assert f"found {type(value).__name__} {value!r}" in message, message


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_value_is_read(tmp_path, name):
    cfg = load_config(_book(tmp_path, name, VALID[name]))
    assert getattr(cfg, name) == VALID[name]


def test_defaults_and_the_books_own_config():
    assert load_config(Path("/nonexistent")) == BookConfig()
    cfg = load_config(REPO)
    assert cfg.title.startswith("Dive into Deep Learning")
    assert cfg.published and not cfg.colab_url  # the Colab links follow repository.url
    assert {"{framework}", "{path}"} <= set(re.findall(r"\{\w+\}", cfg.colab_pattern))


def test_sphinx_html_baseurl_is_the_fallback(tmp_path):
    data = {"sphinx": {"config": {"html_baseurl": "https://example.org/b/"}}}
    assert load_config(_write(tmp_path, data)).baseurl == "https://example.org/b/"
    data["html"] = {"baseurl": "https://example.org/a/"}
    assert load_config(_write(tmp_path, data)).baseurl == "https://example.org/a/"


def test_unknown_key_is_refused(tmp_path):
    with pytest.raises(BookError, match=r"unknown key `tabbook.colab_ulr`; expected one of"):
        load_config(_write(tmp_path, {"tabbook": {"colab_ulr": "x"}}))


def test_bad_colab_url_fails_the_build_at_once(tmp_path):
    """`python -m tabbook html` (what `make html` runs) stops at load, before any kernel."""
    data = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    data["tabbook"]["colab_url"] = "https://colab.example/{framework}/notebook.ipynb"
    _write(tmp_path, data)
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    start = time.perf_counter()
    for command in ("envs", "lib", "html"):
        res = run_tool(tmp_path, command, cwd=REPO, timeout=60)
        assert res.returncode == 1, res
        assert res.stderr.startswith("error: _config.yml: `tabbook.colab_url` must be an "
                                     "https:// URL pattern that contains {framework} and "
                                     "{path}"), \
            res.stderr
        assert "found str 'https://colab.example/{framework}/notebook.ipynb'" in res.stderr
        assert "[tabbook] executed" not in res.stdout + res.stderr
    assert not Layout(tmp_path).build.exists()  # nothing ran, nothing was written
    assert time.perf_counter() - start < 30  # three interpreter starts, no build


@pytest.mark.parametrize("name", ["colab", "feature/x", "colab.lock", "a..b", "x/.y", "-x",
                                  "a b", "x@{1}", "HEAD", "a.", "a//b", "ok-1.2", "a^b",
                                  "we~1", "q?", "x[1]", "a\\b", "/a", "a/", "v1.lock/x"])
def test_notebooks_branch_follows_gits_own_rules(tmp_path, name):
    """Issue 16 item 16: the branch names git refuses are refused at load (`colab.lock`)."""
    git = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True)
    book = _write(tmp_path, {"tabbook": {"notebooks_branch": name}})
    if git.returncode == 0:
        assert load_config(book).notebooks_branch == name
    else:
        with pytest.raises(BookError, match="`tabbook.notebooks_branch` must be a git branch"):
            load_config(book)


def test_colab_dir_inside_a_folder_of_pages_is_refused(tmp_path):
    """Issue 16 item 16: `colab_dir` may not write notebooks among the book's sources."""
    (tmp_path / "intro").mkdir()
    (tmp_path / "intro" / "page.md").write_text("# A page\n", encoding="utf-8")
    for value in ("intro/colab", "out/../intro"):
        with pytest.raises(BookError, match="`tabbook.colab_dir` must be a folder for generated"):
            load_config(_write(tmp_path, {"tabbook": {"colab_dir": value}}))
    assert load_config(_write(tmp_path, {"tabbook": {"colab_dir": "notebooks"}})).colab_dir


def test_colab_url_without_lang_dir_is_refused_with_a_translation(tmp_path):
    """Issue 16 item 13: with a translated edition the pattern must place the language."""
    pattern = "https://colab.example/github/o/r/blob/colab/{framework}/{path}"
    data = {"tabbook": {"colab_url": pattern}}
    assert load_config(_write(tmp_path, data)).colab_url == pattern  # English only: fine
    (tmp_path / "locales" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    with pytest.raises(BookError) as info:
        load_config(_write(tmp_path, data))
    assert "`tabbook.colab_url` must place the language with {lang_dir}" in str(info.value)
    assert "zh_CN" in str(info.value) and pattern in str(info.value)
    data["tabbook"]["colab_url"] = pattern.replace("{framework}", "{lang_dir}{framework}")
    assert load_config(_write(tmp_path, data)).colab_url == data["tabbook"]["colab_url"]


def test_extra_footer_of_the_wrong_type_is_refused_by_the_build(tmp_path):
    """Issue 16 item 16: `html.extra_footer: [..]` is a clear error, not a traceback."""
    _write(tmp_path, {"html": {"extra_footer": ["<p>a</p>"]}})
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    res = run_tool(tmp_path, "html", cwd=REPO, timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert "`html.extra_footer` must be a string; found list ['<p>a</p>']" in res.stderr


# ---------------------------------------------------------------------------- where the book lives

COLAB = "https://colab.research.google.com/github"
WHEEL = "d2l_demo-0.1.0-py3-none-any.whl"


def test_every_url_follows_repository_url(tmp_path):
    cfg = load_config(_write(tmp_path, {"repository": {
        "url": "https://github.com/Some-One/my-book.git/", "branch": "trunk"}}))
    assert cfg.published and cfg.repository_url == "https://github.com/Some-One/my-book.git"
    assert cfg.site_url == "https://some-one.github.io/my-book/"
    assert cfg.colab_pattern.format(lang_dir="", framework="jax", path="a/b.ipynb") == \
        f"{COLAB}/Some-One/my-book/blob/colab/jax/a/b.ipynb"
    assert cfg.package_spec == f"https://some-one.github.io/my-book/_dist/{WHEEL}"
    assert cfg.library_version == PROJECT["version"]
    # a user site, html.baseurl, another notebooks branch
    cfg = load_config(_write(tmp_path, {"repository": {"url": "https://github.com/o/o.github.io"}}))
    assert cfg.site_url == "https://o.github.io/" and cfg.repository_branch == "main"
    cfg = load_config(_write(tmp_path, {
        "repository": {"url": "https://github.com/o/r"}, "html": {"baseurl": "https://book.example/x"},
        "tabbook": {"notebooks_branch": "notebooks"}}))
    assert cfg.wheel_url == f"https://book.example/x/_dist/{WHEEL}"
    assert "/blob/notebooks/{lang_dir}{framework}/{path}" in cfg.colab_pattern


def test_no_repository_means_not_published(tmp_path):
    cfg = load_config(_write(tmp_path, {"title": "x"}))
    assert not cfg.published and cfg.colab_pattern == "" and cfg.package_spec == ""
    assert cfg.library_version == PROJECT["version"]  # the footer still names it


def test_overrides_are_optional_and_pinned(tmp_path):
    pinned = "git+https://example.org/r@0123456789abcdef0123456789abcdef01234567"
    cfg = load_config(_write(tmp_path, {
        "repository": {"url": "https://gitlab.example/o/r"},
        "html": {"baseurl": "https://o.example/r"},
        "tabbook": {"d2l_package": pinned,
                    "colab_url": "https://colab.example/{lang_dir}{framework}/{path}"}}))
    assert cfg.package_spec == pinned
    assert cfg.colab_pattern == "https://colab.example/{lang_dir}{framework}/{path}"


REPO_URL = {"repository": {"url": "https://github.com/o/r"}}
TOGETHER = [  # (_config.yml, pyproject's [project], what the error says): settings that
    # are each valid but do not go together, or a section that is not a mapping
    ({**REPO_URL, "tabbook": {"notebooks_branch": "main"}}, PROJECT,
     "`tabbook.notebooks_branch` must differ from `repository.branch`"),
    ({"repository": {"url": "https://gitlab.com/o/r"}}, PROJECT,
     "`repository.url` must be https://github.com/<owner>/<repo>"),
    ({"repository": {"url": "https://gitlab.com/o/r"},
      "tabbook": {"colab_url": "https://colab.example/{framework}/{path}"}}, PROJECT,
     "the install cell needs the site's address: set `html.baseurl`"),
    ({"repository": "https://github.com/o/r"}, PROJECT, "`repository` must be a mapping"),
    (REPO_URL, {"version": "0.1.0"}, "`project.name` and `project.version` must be set"),
]


@pytest.mark.parametrize("config,project,message", TOGETHER, ids=[t[2][:30] for t in TOGETHER])
def test_settings_that_do_not_go_together(tmp_path, config, project, message):
    with pytest.raises(BookError, match=re.escape(message)) as info:
        load_config(_write(tmp_path, config, project))
    assert str(info.value).startswith(("_config.yml: ", "pyproject.toml: ")), info.value

