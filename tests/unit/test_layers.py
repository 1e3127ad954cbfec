"""The layers of tabbook (``tabbook.LAYERS``): every layer is a folder (a subpackage of
tabbook) and every module lives in its layer's folder, none imports a module of a later
layer, and nothing before the Sphinx layer imports Sphinx."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tabbook

PACKAGE = Path(tabbook.__file__).resolve().parent
LAYER_OF = {name: i for i, (_, _, names) in enumerate(tabbook.LAYERS) for name in names}
FOLDER_OF = {folder: i for i, (_, folder, _) in enumerate(tabbook.LAYERS)}
SPHINX_LAYER = [label for label, _, _ in tabbook.LAYERS].index("sphinx")


def _dotted(path: Path) -> list[str]:
    """``path``'s module name under tabbook, split (``stages/extract/cells.py`` ->
    ``["stages", "extract", "cells"]``; a package's ``__init__.py`` is the package)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _layer_and_module(parts: list[str]) -> tuple[str, str] | None:
    """(layer folder, module of that layer) of a dotted name under tabbook, e.g.
    ``["stages", "extract", "cells"]`` -> ``("stages", "extract")``; None for a layer's
    package itself, ``tabbook`` itself or ``__version__``."""
    if parts and parts[0] in FOLDER_OF and parts[0]:
        return (parts[0], parts[1]) if len(parts) > 1 else None
    return ("", parts[0]) if parts and parts[0] != "__version__" else None


def _tabbook_imports(path: Path) -> set[tuple[str, str]]:
    """The (layer folder, module) pairs of tabbook that ``path`` imports (relative or
    absolute imports), its own module left out."""
    here = _dotted(path)
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            mod = package[:len(package) - (node.level - 1)] + (node.module or "").split(".")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tabbook."):
            mod = node.module.split(".")[1:]
        elif isinstance(node, ast.Import):
            found |= {lm for a in node.names if a.name.startswith("tabbook.")
                      if (lm := _layer_and_module(a.name.split(".")[1:]))}
            continue
        else:
            continue
        mod = [m for m in mod if m]
        # `from .. import x` / `from ..core import x`: the names are modules; else attributes
        targets = ([mod + [a.name] for a in node.names]
                   if not mod or (len(mod) == 1 and mod[0] in FOLDER_OF) else [mod])
        found |= {lm for t in targets if (lm := _layer_and_module(t))}
    return found - {_layer_and_module(here)}


def _modules() -> list[Path]:
    layer_inits = {PACKAGE / f / "__init__.py" for f in FOLDER_OF if f}
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if p != PACKAGE / "__init__.py" and p not in layer_inits)


def test_every_layer_is_a_folder():
    missing = [f"tabbook/{folder}/" for _, folder, _ in tabbook.LAYERS
               if folder and not (PACKAGE / folder / "__init__.py").is_file()]
    assert not missing, f"layers of tabbook.LAYERS with no package: {missing}"
    strays = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and
                    (p / "__init__.py").is_file() and p.name not in FOLDER_OF)
    assert not strays, f"packages at the top of tabbook that are no layer: {strays}"


def test_every_module_lives_in_its_layers_folder():
    misplaced = []
    for path in _modules():
        folder, module = _layer_and_module(_dotted(path))
        if module not in LAYER_OF:
            misplaced.append(f"{path.relative_to(PACKAGE.parent)}: in no layer of tabbook.LAYERS")
        elif tabbook.LAYERS[LAYER_OF[module]][1] != folder:
            misplaced.append(f"{path.relative_to(PACKAGE.parent)}: tabbook.LAYERS puts {module} in "
                             f"tabbook/{tabbook.LAYERS[LAYER_OF[module]][1]}")
    assert not misplaced, "\n".join(misplaced)
    gone = sorted(f"{f}/{n}".lstrip("/") for _, f, names in tabbook.LAYERS for n in names
                  if not ((PACKAGE / f / f"{n}.py").is_file()
                          or (PACKAGE / f / n / "__init__.py").is_file()))
    assert not gone, f"tabbook.LAYERS lists modules that do not exist: {gone}"


def test_imports_name_modules_where_they_are():
    """Every import of a tabbook module names it in its layer's folder (no old flat path)."""
    wrong = []
    for path in _modules():
        for folder, module in _tabbook_imports(path):
            if module not in LAYER_OF or tabbook.LAYERS[LAYER_OF[module]][1] != folder:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} imports "
                             f"tabbook.{folder + '.' if folder else ''}{module}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_later_layer():
    wrong = []
    for path in _modules():
        own = LAYER_OF.get(_layer_and_module(_dotted(path))[1])
        if own is None:  # (in no layer: test_every_module_lives_in_its_layers_folder)
            continue
        for _, dep in _tabbook_imports(path):
            if dep in LAYER_OF and LAYER_OF[dep] > own:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} ({tabbook.LAYERS[own][0]})"
                             f" imports {dep} ({tabbook.LAYERS[LAYER_OF[dep]][0]})")
    assert not wrong, "\n".join(wrong)


def test_the_core_imports_no_sphinx():
    """Every module before the Sphinx layer, imported in a fresh interpreter, leaves Sphinx
    out of ``sys.modules``."""
    core = [f"{folder}.{n}" for i, (_, folder, names) in enumerate(tabbook.LAYERS)
            if i < SPHINX_LAYER for n in names]
    code = ("import importlib, sys\n"
            f"for name in {core!r}:\n"
            "    importlib.import_module('tabbook.' + name)\n"
            "print(sorted(m for m in sys.modules if m == 'sphinx' or m.startswith('sphinx.')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent, env={"PYTHONPATH": str(PACKAGE.parent),
                                                  "PATH": "/usr/bin:/bin"}, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "[]", f"the core imports Sphinx: {res.stdout.strip()}"
