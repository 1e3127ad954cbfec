"""The layers of tabbook (``tabbook.LAYERS``): every module is in one, none imports a module
of a later layer, and nothing before the Sphinx layer imports Sphinx."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tabbook

PACKAGE = Path(tabbook.__file__).resolve().parent
LAYER_OF = {name: i for i, (_, names) in enumerate(tabbook.LAYERS) for name in names}
SPHINX_LAYER = [label for label, _ in tabbook.LAYERS].index("sphinx")


def _module_of(path: Path) -> str:
    """The top-level module under tabbook that ``path`` belongs to (a package counts whole)."""
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _tabbook_imports(path: Path) -> set[str]:
    """The top-level tabbook modules ``path`` imports (relative or absolute imports)."""
    own = _module_of(path)
    package_depth = len(path.relative_to(PACKAGE).parts) - 1
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level <= package_depth:  # (inside a subpackage: its own modules)
                continue
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tabbook."):
            names = [node.module.split(".")[1]]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names if a.name.startswith("tabbook.")]
        else:
            continue
        found |= {n for n in names if n in LAYER_OF or n.isidentifier()} - {own, "__version__"}
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_has_a_layer():
    unlisted = sorted({_module_of(p) for p in _modules()} - set(LAYER_OF))
    assert not unlisted, f"modules of tabbook in no layer of tabbook.LAYERS: {unlisted}"
    gone = sorted(n for n in LAYER_OF if not ((PACKAGE / f"{n}.py").is_file()
                                              or (PACKAGE / n / "__init__.py").is_file()))
    assert not gone, f"tabbook.LAYERS lists modules that do not exist: {gone}"


def test_no_module_imports_a_later_layer():
    wrong = []
    for path in _modules():
        own = _module_of(path)
        for dep in _tabbook_imports(path):
            if dep in LAYER_OF and LAYER_OF[dep] > LAYER_OF[own]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} ({tabbook.LAYERS[LAYER_OF[own]][0]})"
                             f" imports {dep} ({tabbook.LAYERS[LAYER_OF[dep]][0]})")
    assert not wrong, "\n".join(wrong)


def test_the_core_imports_no_sphinx():
    """Every module before the Sphinx layer, imported in a fresh interpreter, leaves Sphinx
    out of ``sys.modules``."""
    core = [n for n, i in LAYER_OF.items() if i < SPHINX_LAYER]
    code = ("import importlib, sys\n"
            f"for name in {core!r}:\n"
            "    importlib.import_module('tabbook.' + name)\n"
            "print(sorted(m for m in sys.modules if m == 'sphinx' or m.startswith('sphinx.')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent, env={"PYTHONPATH": str(PACKAGE.parent),
                                                  "PATH": "/usr/bin:/bin"}, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "[]", f"the core imports Sphinx: {res.stdout.strip()}"
