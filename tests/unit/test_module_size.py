"""One job per module (issues 17 and 29): no module of the tool is over 450 lines."""

from __future__ import annotations

from pathlib import Path

import tabbook

PACKAGE = Path(tabbook.__file__).resolve().parent
MAX_LINES = 450


def test_no_module_of_the_tool_is_over_450_lines():
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long[path.relative_to(PACKAGE.parent).as_posix()] = lines
    assert not long, (f"modules over {MAX_LINES} lines (split them by job, list the new "
                      f"modules in tabbook.LAYERS): {long}")
