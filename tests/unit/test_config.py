"""The book's settings: every field validated at load, bad values named with key and value.

The table of invalid values covers every field of :class:`tabbook.config.BookConfig`
(as sphinx-design's ``INVALID_CONFIG_VALUES`` covers its config), so a new setting
cannot arrive without its validator being tested.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from tabbook.config import BookConfig, load_config
from tabbook.errors import BookError

REPO = Path(__file__).resolve().parents[2]

# field -> values that must be refused (as written in _config.yml)
INVALID_CONFIG_VALUES = {
    "timeout": [0, -5, "600", 1.5, True, None],
    "jobs": [0, -1, "4", 2.0, False],
    "cache_dir": ["", "   ", 3, ["_build"]],
    "d2l_package": [3, ["d2l"], {"git": "x"}],
    "colab_url": [
        "https://colab.example/{framework}",              # no {path}
        "https://colab.example/{path}",                   # no {framework}
        "https://colab.example/{fw}/{path}",              # unknown field
        "https://colab.example/{framework}/{path",        # not a pattern
        "colab.example/{framework}/{path}",               # not a URL
        "ftp://colab.example/{framework}/{path}",         # not http(s)
        42,
    ],
    "colab_dir": ["", 0],
    "title": [["a", "list"], {"a": 1}],
    "baseurl": ["example.org/book", "file:///tmp/book", "https://", 7],
}

VALID = {
    "timeout": 30, "jobs": 1, "cache_dir": "/tmp/cache", "d2l_package": "d2l==1.0",
    "colab_url": "https://colab.example/github/o/r/blob/main/{framework}/{path}",
    "colab_dir": "out/colab", "title": "A Book", "baseurl": "https://example.org/book/",
}


def _key(name: str) -> str:
    return next(f.metadata["key"] for f in fields(BookConfig) if f.name == name)


def _config_yml(name: str, value) -> dict:
    """A ``_config.yml`` (as data) that sets field ``name`` to ``value``."""
    key = _key(name)
    data: dict = {}
    node = data
    *parents, last = key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return data


def _write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return tmp_path


def test_the_table_covers_every_field():
    assert set(INVALID_CONFIG_VALUES) == {f.name for f in fields(BookConfig)}
    assert set(VALID) == {f.name for f in fields(BookConfig)}
    for f in fields(BookConfig):
        assert f.metadata.get("help") and callable(f.metadata.get("validate")), f.name


@pytest.mark.parametrize("name,value", [(n, v) for n, vs in INVALID_CONFIG_VALUES.items()
                                        for v in vs])
def test_invalid_value_names_key_expected_and_found(tmp_path, name, value):
    root = _write(tmp_path, _config_yml(name, value))
    with pytest.raises(BookError) as info:
        load_config(root)
    message = str(info.value)
    assert message.startswith("_config.yml: "), message
    assert f"`{_key(name)}` must be " in message, message
    assert f"found {type(value).__name__} {value!r}" in message, message


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_value_is_read(tmp_path, name):
    cfg = load_config(_write(tmp_path, _config_yml(name, VALID[name])))
    assert getattr(cfg, name) == VALID[name]


def test_defaults_and_the_books_own_config():
    assert load_config(Path("/nonexistent")) == BookConfig()
    cfg = load_config(REPO)
    assert cfg.title.startswith("Dive into Deep Learning")
    assert "{framework}" in cfg.colab_url and "{path}" in cfg.colab_url


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
        res = subprocess.run([sys.executable, "-m", "tabbook", "--root", str(tmp_path), command],
                             capture_output=True, text=True, cwd=REPO, timeout=60)
        assert res.returncode == 1, res
        assert res.stderr.startswith("error: _config.yml: `tabbook.colab_url` must be an "
                                     "http(s) URL pattern that contains {framework} and {path}"), \
            res.stderr
        assert "found str 'https://colab.example/{framework}/notebook.ipynb'" in res.stderr
        assert "[tabbook] executed" not in res.stdout + res.stderr
    assert not (tmp_path / "_build").exists()  # nothing ran, nothing was written
    assert time.perf_counter() - start < 30  # three interpreter starts, no build
