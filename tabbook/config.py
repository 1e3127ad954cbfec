"""The book's settings: one frozen dataclass read from ``_config.yml`` and validated at load.

Settings live under the top-level ``tabbook:`` key of ``_config.yml`` (Jupyter Book
ignores keys it does not know); the book's ``title`` and its pages' base URL
(``html.baseurl``, or ``sphinx.config.html_baseurl``) are read into the same object, so
no other module reads ``_config.yml``. Each field declares where it is read from
(``key``), its help and its validator; :func:`load_config` runs them all, once, and a bad
value is a :class:`BookError` naming the key, what was expected and what was found.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import BookError

CONFIG_FILE = "_config.yml"
COLAB_URL_FIELDS = ("framework", "path")
"""The replacement fields a ``tabbook.colab_url`` pattern must use (and the only ones)."""


class _Invalid(ValueError):
    """A validator's verdict: what was expected (the message) and what was found."""


def _found(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _Invalid("a positive integer")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("a string")
    return value


def title_text(value: Any) -> str:
    """A title; YAML reads a title such as ``2026`` as a number, which is kept as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _Invalid("a string")
    return value


def nonempty_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("a non-empty string (a folder, relative to the book)")
    return value


def http_url(value: Any) -> str:
    """'' (unset) or an ``http(s)://host/...`` URL."""
    if not isinstance(value, str):
        raise _Invalid("a string: an http(s) URL, or empty")
    if value and not (value.startswith(("http://", "https://")) and len(value.split("/")) > 2
                      and value.split("/")[2]):
        raise _Invalid("an http:// or https:// URL, or empty")
    return value


def colab_url_pattern(value: Any) -> str:
    """'' (no Colab button) or an http(s) URL pattern using ``{framework}`` and ``{path}``."""
    expected = ("an http(s) URL pattern that contains {framework} and {path} (and no other "
                "{field}), or empty")
    if not isinstance(value, str):
        raise _Invalid(expected)
    if not value:
        return value
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError:
        raise _Invalid(expected) from None
    if names != set(COLAB_URL_FIELDS):
        raise _Invalid(expected)
    http_url(value)
    return value


@dataclass(frozen=True)
class BookConfig:
    timeout: int = field(default=600, metadata={
        "key": "tabbook.timeout", "validate": positive_int,
        "help": "seconds a cell may run before the build fails (a hung kernel fails too)"})
    jobs: int = field(default=4, metadata={
        "key": "tabbook.jobs", "validate": positive_int,
        "help": "notebooks executed at once (one kernel each)"})
    cache_dir: str = field(default="_build/.tabbook", metadata={
        "key": "tabbook.cache_dir", "validate": nonempty_text,
        "help": "where executed notebooks are cached by content hash (relative to the book)"})
    d2l_package: str = field(default="", metadata={
        "key": "tabbook.d2l_package", "validate": text,
        "help": "what Colab notebooks `pip install` for the d2l package "
                "(overridden by $TABBOOK_D2L_PACKAGE)"})
    colab_url: str = field(default="", metadata={
        "key": "tabbook.colab_url", "validate": colab_url_pattern,
        "help": "Colab URL pattern with {framework} and {path} (path of the .ipynb "
                "below the framework folder)"})
    colab_dir: str = field(default="_build/colab", metadata={
        "key": "tabbook.colab_dir", "validate": nonempty_text,
        "help": "where `make colab` writes one folder of notebooks per framework"})
    title: str = field(default="", metadata={
        "key": "title", "validate": title_text,
        "help": "the book's title (Jupyter Book's own setting)"})
    baseurl: str = field(default="", metadata={
        "key": "html.baseurl", "validate": http_url,
        "help": "URL the book is published at (Jupyter Book's `html.baseurl`, or "
                "`sphinx.config.html_baseurl`); Colab notebooks link back to their page"})

    @property
    def package_spec(self) -> str:
        return os.environ.get("TABBOOK_D2L_PACKAGE") or self.d2l_package


TABBOOK_KEYS = {f.metadata["key"].split(".", 1)[1]: f for f in fields(BookConfig)
                if f.metadata["key"].startswith("tabbook.")}
"""The keys of the ``tabbook:`` section and their fields."""


def _lookup(data: dict, key: str) -> tuple[bool, Any]:
    """The value at dotted ``key`` of ``data`` (html.baseurl): (found, value)."""
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
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
        except _Invalid as exc:
            raise BookError(f"`{f.metadata['key']}` must be {exc}; found {_found(value)}",
                            path=CONFIG_FILE) from None
    return BookConfig(**checked)


def load_config(root: Path) -> BookConfig:
    """Read and validate the book's settings from ``root/_config.yml``."""
    path = Path(root) / CONFIG_FILE
    if not path.exists():
        return BookConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BookError(f"invalid YAML: {exc}", path=CONFIG_FILE,
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise BookError(f"expected a mapping of settings, found {_found(data)}", path=CONFIG_FILE)
    section = data.get("tabbook") or {}
    if not isinstance(section, dict):
        raise BookError(f"`tabbook` must be a mapping, found {_found(section)}", path=CONFIG_FILE)
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key not in TABBOOK_KEYS:
            raise BookError(f"unknown key `tabbook.{key}`; expected one of: "
                            f"{', '.join(TABBOOK_KEYS)}", path=CONFIG_FILE)
        values[TABBOOK_KEYS[key].name] = value
    found, title = _lookup(data, "title")
    if found:
        values["title"] = title
    for key in ("html.baseurl", "sphinx.config.html_baseurl"):
        found, baseurl = _lookup(data, key)
        if found and baseurl != "":
            values["baseurl"] = baseurl
            break
    return validate(values)
