"""The tree passes the linter (issue 29): ruff, pinned in requirements.txt and configured in
pyproject.toml (100 characters a line, Pyflakes' unused imports and undefined names, import
order, pycodestyle's errors and warnings)."""

from __future__ import annotations

import re
import subprocess
import sys

import tomllib

from bookutil import REPO
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.stages.extract import LIB_DIR


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_the_pinned_ruff_is_installed():
    pinned = re.search(r"^ruff==(\S+)", (REPO / "requirements.txt").read_text(), re.M)
    assert pinned, "requirements.txt pins no ruff"
    res = _ruff("--version")
    assert res.returncode == 0 and res.stdout.split() == ["ruff", pinned.group(1)], (
        f"not the pinned ruff {pinned.group(1)}: run `make venv`\n{res.stdout}{res.stderr}")


def test_ruff_finds_nothing():
    res = _ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert res.returncode == 0, ("`ruff check` finds (those marked [*]: `ruff check --fix`):\n"
                                 + res.stdout + res.stderr)


def test_only_the_generated_library_is_let_off_the_style_rules():
    """The generated modules, each framework's, and no other file; Pyflakes checks them too."""
    lint = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    ignores = lint.get("per-file-ignores", {})
    assert set(ignores) == {f"{LIB_DIR}/{fw.module}.py" for fw in FRAMEWORKS}
    assert not [rule for rules in ignores.values() for rule in rules if rule.startswith("F")]
