"""The validators of the book's settings (:class:`tabbook.sources.config.BookConfig`).

Each takes a value as ``_config.yml`` or ``pyproject.toml`` gives it and returns the value
to keep, or raises :class:`Invalid` saying what was expected; :mod:`tabbook.sources.config`
names the key and what was found. None reads a file or runs a process.
"""

from __future__ import annotations

import os
import re
import string
from typing import Any

from packaging.version import InvalidVersion, Version

from ..core.layout import DEFAULT_COLAB_DIR

COLAB_URL_FIELDS = ("framework", "path")
"""The replacement fields a Colab URL pattern must use."""
COLAB_URL_OPTIONAL = ("lang_dir",)
"""The field it may use: ``{lang_dir}`` is ``""`` or a language's folder (``zh/``)."""
PINNED_GIT_RE = re.compile(r"^git\+\S+@[0-9a-f]{7,40}$")
DIST_NAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")


class Invalid(ValueError):
    """A validator's verdict: what was expected (the message) and what was found."""


def found(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


# ---------------------------------------------------------------------------
# Validators: each returns the value to keep, or raises Invalid(what was expected)


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Invalid("a positive integer")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("a string")
    return value


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def title_text(value: Any) -> str:
    """A title; YAML reads a title such as ``2026`` as a number, which is kept as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Invalid("a string")
    return value


def nonempty_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a non-empty string (a folder, relative to the book)")
    return value


def http_url(value: Any) -> str:
    """'' (unset) or an ``http(s)://host/...`` URL."""
    if not isinstance(value, str):
        raise Invalid("a string: an http(s) URL, or empty")
    if value and not (value.startswith(("http://", "https://")) and len(value.split("/")) > 2
                      and value.split("/")[2]):
        raise Invalid("an http:// or https:// URL, or empty")
    return value


def repository_url(value: Any) -> str:
    """'' (not published) or the ``https://`` URL of the book's repository (no trailing /)."""
    expected = "an https:// URL of the book's repository, or empty"
    if not isinstance(value, str):
        raise Invalid(expected)
    value = value.strip().rstrip("/")
    if value and not (value.startswith("https://") and len(value.split("/")) > 3
                      and value.split("/")[2]):
        raise Invalid(expected)
    return value


def git_branch_ok(name: str) -> bool:
    """Whether git takes ``name`` as a branch name: ``git check-ref-format --branch``'s rules
    (git-check-ref-format(1)), implemented here so loading the settings runs no process."""
    if not name or name == "@" or name == "HEAD" or name.startswith("-"):
        return False
    if name.startswith("/") or name.endswith(("/", ".")) or "//" in name or ".." in name \
            or "@{" in name:
        return False
    if any(c in name for c in " ~^:?*[\\") or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    return not any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))


def branch_name(value: Any) -> str:
    """A branch's short name: what `git push origin X:refs/heads/<name>` and a Colab link's
    `/blob/<name>/` take. A full ref (`refs/heads/main`) would be pushed to
    `refs/heads/refs/heads/main` and named nowhere, so it is refused."""
    if not isinstance(value, str) or not git_branch_ok(value):
        raise Invalid("a git branch name (git check-ref-format --branch)")
    if value == "refs" or value.startswith(("refs/", "heads/", "remotes/", "origin/")):
        raise Invalid("a branch's short name (`main`, not `refs/heads/main`)")
    return value


SOURCE_FOLDERS = ("d2l", "locales", "tabbook", "static", "tests", "docs", "envs", "benchmarks",
                  ".git")
"""Folders of the book's sources (and ``chapter_*``): no generated file is written into them."""


def output_folder(value: Any) -> str:
    """A folder for generated files: not the book's root, nor a folder of its sources."""
    expected = (f"a folder for generated files, relative to the book (such as "
                f"{DEFAULT_COLAB_DIR}), not the book itself nor a folder of its sources")
    if not isinstance(value, str) or not value.strip():
        raise Invalid(expected)
    norm = os.path.normpath(value.strip())
    top = norm.split(os.sep)[0]
    if norm == "." or top in SOURCE_FOLDERS or top.startswith("chapter_"):
        raise Invalid(expected)
    return value


def colab_url_pattern(value: Any) -> str:
    """'' (derived from ``repository.url``) or an https URL pattern of the Colab links."""
    expected = ("an https:// URL pattern that contains {framework} and {path} (and optionally "
                "{lang_dir}; no other {field}), or empty")
    if not isinstance(value, str):
        raise Invalid(expected)
    if not value:
        return value
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError:
        raise Invalid(expected) from None
    if not set(COLAB_URL_FIELDS) <= names <= set(COLAB_URL_FIELDS + COLAB_URL_OPTIONAL):
        raise Invalid(expected)
    if not value.startswith("https://") or not value.split("/")[2]:
        raise Invalid(expected)
    return value


def pinned_spec(value: Any) -> str:
    """'' (the wheel published with the site) or a pip spec that installs one exact library."""
    expected = ("a pinned d2l library (a .whl file or URL, name==version, or git+URL@<commit "
                "sha>), or empty: an unpinned spec installs whatever the library is when the "
                "reader runs the notebook")
    if not isinstance(value, str):
        raise Invalid(expected)
    if value and not (value.endswith(".whl") or PINNED_GIT_RE.match(value)
                      or re.search(r"[^=<>!~]==[^=,*]+$", value)):
        raise Invalid(expected)
    return value


def dist_name_text(value: Any) -> str:
    if not isinstance(value, str) or not DIST_NAME_RE.match(value):
        raise Invalid("a distribution name (letters, digits, '.', '-', '_')")
    return value


def version_text(value: Any) -> str:
    """A PEP 440 version, normalized as the wheel's file name spells it."""
    if not isinstance(value, str):
        raise Invalid("a version such as \"0.1.0\"")
    try:
        return str(Version(value))
    except InvalidVersion:
        raise Invalid("a version such as \"0.1.0\"") from None
