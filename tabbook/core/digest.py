"""Content hashes of the tool itself: its code and the book's static files, hashed once.

Both decisions that depend on the tool use :func:`tool_digest`: the build pipeline skips a
build when nothing it reads changed (:func:`tabbook.stages.freshness.input_stamp`), and
the Sphinx extension re-renders every page when the tool changed (a config value with
``rebuild="env"``).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

TOOL_DIR = Path(__file__).resolve().parent.parent  # tabbook/, every layer
STATIC_DIR = TOOL_DIR.parent / "static"


def tool_files() -> list[Path]:
    """The tool's Python files (every subpackage), its catalogs (``locales/*.po``), its npm
    sources (``stages/*_src/``: the lock files, the formula renderer) and the static files
    it serves."""
    code = [p for p in TOOL_DIR.rglob("*.py") if "__pycache__" not in p.parts]
    code += list((TOOL_DIR / "locales").rglob("*.po"))
    code += [p for p in (TOOL_DIR / "stages").glob("*_src/*") if p.is_file()]
    static = [p for p in STATIC_DIR.rglob("*") if p.is_file()] if STATIC_DIR.is_dir() else []
    return sorted(code + static)


@functools.lru_cache(maxsize=1)
def tool_digest() -> str:
    """sha256 of the tool's files, by path relative to the repository and content."""
    h = hashlib.sha256()
    for path in tool_files():
        h.update(path.relative_to(TOOL_DIR.parent).as_posix().encode() + b"\0"
                 + path.read_bytes() + b"\0")
    return h.hexdigest()


OUTPUT_ENV = ("TABBOOK_D2L_PACKAGE", "TABBOOK_KATEX_NPM_DIR")
"""Environment variables whose values reach the HTML or the notebooks (the install cell,
the KaTeX that renders the formulas): part of the input stamp."""


def environment_digest(environ=None) -> str:
    """Hash of what the environment puts into the output: :data:`OUTPUT_ENV`, and which
    values the build masks as secrets (hashed; a newly set secret changes the outputs)."""
    from .outputs import secret_values

    environ = os.environ if environ is None else environ
    h = hashlib.sha256()
    for name in OUTPUT_ENV:
        h.update(f"{name}={environ.get(name, '')}\0".encode())
    for value in sorted(secret_values(environ)):
        h.update(hashlib.sha256(value.encode()).digest())
    return h.hexdigest()
