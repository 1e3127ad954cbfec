"""The book's tabbook settings: one frozen dataclass, read from ``_config.yml``.

Settings live under the top-level ``tabbook:`` key of ``_config.yml`` (Jupyter Book
ignores keys it does not know). Unknown keys and wrong types are errors that name
the key, what was expected and what was found.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from .errors import BookError


@dataclass(frozen=True)
class BookConfig:
    timeout: int = field(default=600, metadata={
        "help": "seconds a cell may run before the build fails (a hung kernel fails too)"})
    jobs: int = field(default=4, metadata={
        "help": "notebooks executed at once (one kernel each)"})
    cache_dir: str = field(default="_build/.tabbook", metadata={
        "help": "where executed notebooks are cached by content hash (relative to the book)"})
    d2l_package: str = field(default="", metadata={
        "help": "what Colab notebooks `pip install` for the d2l package "
                "(overridden by $TABBOOK_D2L_PACKAGE)"})
    colab_url: str = field(default="", metadata={
        "help": "Colab URL pattern with {framework} and {path} (path of the .ipynb "
                "below the framework folder)"})
    colab_dir: str = field(default="_build/colab", metadata={
        "help": "where `make colab` writes one folder of notebooks per framework"})

    @property
    def package_spec(self) -> str:
        return os.environ.get("TABBOOK_D2L_PACKAGE") or self.d2l_package


def load_config(root: Path) -> BookConfig:
    """Read and validate the ``tabbook:`` section of ``root/_config.yml``."""
    path = Path(root) / "_config.yml"
    if not path.exists():
        return BookConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BookError(f"invalid YAML: {exc}", path="_config.yml") from None
    section = data.get("tabbook") or {}
    if not isinstance(section, dict):
        raise BookError(f"`tabbook` must be a mapping, found {type(section).__name__}",
                        path="_config.yml")
    known = {f.name: f for f in fields(BookConfig)}
    values = {}
    for key, value in section.items():
        if key not in known:
            raise BookError(f"unknown key `tabbook.{key}`; expected one of: "
                            f"{', '.join(known)}", path="_config.yml")
        expected = type(known[key].default)
        if expected is int and isinstance(value, bool) or not isinstance(value, expected):
            raise BookError(f"`tabbook.{key}` must be {expected.__name__}, found "
                            f"{type(value).__name__} {value!r}", path="_config.yml")
        values[key] = value
    cfg = BookConfig(**values)
    if cfg.timeout <= 0 or cfg.jobs <= 0:
        raise BookError("`tabbook.timeout` and `tabbook.jobs` must be positive", path="_config.yml")
    return cfg
