"""One owner for the book's settings (issue 29): ``_config.yml`` is read by
``tabbook/sources/config.py`` only, every other module asks it (``load_config``,
``config_file``); the MyST extensions are written once, in the tool
(``tabbook.core.myst_markdown.MYST_EXTENSIONS``), not in ``_config.yml``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

import tabbook
from bookutil import REPO
from tabbook.core.errors import BookError
from tabbook.core.myst_markdown import MYST_EXTENSIONS
from tabbook.sources.config import MYST_SETTING, load_config

PACKAGE = Path(tabbook.__file__).resolve().parent
OWNER = "tabbook/sources/config.py"
KNOWN_READERS: set[str] = set()
"""Modules allowed to read it besides its owner (none: keep it so)."""


def _reads_config_file(path: Path) -> list[int]:
    """The lines of ``path`` that make a path of ``_config.yml`` (``root / "_config.yml"``,
    ``open("_config.yml")``, ``Path(..., "_config.yml")``) or take the file's name from
    config.py (``CONFIG_FILE``): what reading it takes. Messages that name it are no read."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            operands = (node.left, node.right)
        elif isinstance(node, ast.Call):
            operands = tuple(node.args)
        elif isinstance(node, ast.ImportFrom) and any(a.name == "CONFIG_FILE" for a in node.names):
            lines.append(node.lineno)
            continue
        else:
            continue
        if any(isinstance(o, ast.Constant) and o.value == "_config.yml" for o in operands):
            lines.append(node.lineno)
    return sorted(lines)


def _readers() -> dict[str, list[int]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel != OWNER and (lines := _reads_config_file(path)):
            found[rel] = lines
    return found


def test_only_config_py_reads_the_settings_file():
    others = {rel: lines for rel, lines in _readers().items() if rel not in KNOWN_READERS}
    assert not others, (f"_config.yml is read outside {OWNER} (ask tabbook.sources.config: "
                        f"load_config, config_file): {others}")


def test_the_known_readers_still_read_it():
    """An exception that no longer reads the file leaves the list."""
    gone = sorted(KNOWN_READERS - set(_readers()))
    assert not gone, f"{gone} no longer read _config.yml: remove them from KNOWN_READERS"


def test_the_check_sees_a_read(tmp_path):
    assert _reads_config_file(REPO / "tabbook" / "core" / "layout.py") == []  # (reads none)
    sample = tmp_path / "reader.py"
    sample.write_text('import yaml\n\nyaml.safe_load((root / "_config.yml").read_text())\n'
                      'print("the settings are in _config.yml")\n', encoding="utf-8")
    assert _reads_config_file(sample) == [3]


def test_the_myst_extensions_are_written_once():
    """No file of the book, the tool, its tests or its tools spells the list again."""
    spelled = re.compile(r"myst_enable_extensions\W+\[|enable_extensions=\{")
    files = [REPO / "_config.yml", *sorted(REPO.glob("tests/fixtures/**/_config.yml"))]
    for folder in ("tabbook", "tests", "benchmarks", "tools"):
        files += sorted((REPO / folder).rglob("*.py"))
    offenders = [p.relative_to(REPO).as_posix() for p in files
                 if p != Path(__file__) and spelled.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"the MyST extensions written outside core/myst_markdown.py: {offenders}"
    assert MYST_SETTING.split(".")[0] not in yaml.safe_load(
        (REPO / "_config.yml").read_text(encoding="utf-8"))


def test_a_parse_block_in_config_is_refused(tmp_path):
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(
        {"parse": {"myst_enable_extensions": list(MYST_EXTENSIONS)}}), encoding="utf-8")
    with pytest.raises(BookError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert message.startswith("_config.yml: ") and f"`{MYST_SETTING}`" in message, message
    assert "remove it" in message
