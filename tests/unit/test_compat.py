"""The patches of pinned upstream internals (:mod:`tabbook.sphinxext.compat`) against the pins.

When a pin in ``requirements.txt`` moves (or what is installed differs from it), these
fail naming every patch that relies on that package, what it fixes, and where it lives:
recheck each, then set its ``checked`` version in ``tabbook/sphinxext/compat.py``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from bookutil import REPO
from tabbook.sphinxext import compat


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    """requirements.txt: distribution (canonical name) -> pinned version."""
    found = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"requirements.txt: {line!r} is not pinned with =="
            found[canonical(name)] = version.strip()
    return found


def recheck(patches: list[compat.Patch]) -> str:
    return "\n".join(
        f"  - patch {p.name!r} ({', '.join(p.where)}), checked against {p.package} {p.checked}: "
        f"{p.fixes}" + (f" Upstream: {p.upstream}." if p.upstream else "")
        + (f" Test: {p.test}." if p.test else "") for p in patches)


def test_every_patched_package_is_pinned():
    pinned = pins()
    loose = sorted({p.package for p in compat.PATCHES if canonical(p.package) not in pinned})
    assert not loose, (f"tabbook/sphinxext/compat.py patches the internals of "
                       f"{', '.join(loose)}, which requirements.txt does not pin: pin them (==)")


def test_the_pins_are_the_versions_the_patches_were_checked_against():
    pinned = pins()
    moved: dict[str, list[compat.Patch]] = {}
    for patch in compat.PATCHES:
        pin = pinned.get(canonical(patch.package))
        if pin is not None and pin != patch.checked:
            moved.setdefault(f"{patch.package}: pinned {pin}", []).append(patch)
    assert not moved, "\n".join(
        f"{what} in requirements.txt, but these patches were checked against another "
        f"version; recheck each, then set its `checked` in tabbook/sphinxext/compat.py (or "
        f"delete it if upstream fixed it):\n{recheck(patches)}" for what, patches in moved.items())


def test_the_installed_versions_are_the_pins():
    pinned = pins()
    wrong = []
    for package in sorted({p.package for p in compat.PATCHES}):
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        pin = pinned.get(canonical(package))
        if installed != pin:
            wrong.append(f"{package}: installed {installed}, pinned {pin} (run `make venv`); "
                         f"if the new version stays, recheck:\n"
                         f"{recheck(compat.patches_of(package))}")
    assert not wrong, "\n".join(wrong)


def test_every_patch_is_where_the_table_says():
    """Each place a patch names exists: a name of a tabbook module (tabbook.sphinxext.patches),
    or a file holding the names listed after it."""
    missing = []
    for patch in compat.PATCHES:
        assert patch.fixes and patch.where and patch.checked, patch
        for place in patch.where:
            if place.startswith("tabbook.") and "/" not in place:
                module, _, name = place.rpartition(".")
                if not hasattr(importlib.import_module(module), name):
                    missing.append(f"{patch.name}: {place}")
                continue
            path, _, names = place.partition(" (")
            if not (REPO / path).is_file():
                missing.append(f"{patch.name}: {path}")
                continue
            text = (REPO / path).read_text(encoding="utf-8")
            missing += [f"{patch.name}: {name} in {path}" for name in names.rstrip(")").split(", ")
                        if name and name not in text]
    assert not missing, ("patches listed in tabbook/sphinxext/compat.py that are not there:\n"
                         + "\n".join(missing))


def test_patch_names_are_unique():
    names = [p.name for p in compat.PATCHES]
    assert len(names) == len(set(names)), names


# --------------------------------------------------------------------------- pins

def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_package_the_tests_import_is_pinned():
    files = [p for folder in ("tests", "benchmarks") for p in (REPO / folder).rglob("*.py")
             if "fixtures" not in p.parts]
    local = {p.stem for p in files} | {"tabbook", "d2l", "tools"}
    by_module = metadata.packages_distributions()
    pinned = pins()
    loose = []
    for path in files:
        for module in sorted(_imported_modules(path)):
            if module in sys.stdlib_module_names or module in local:
                continue
            dists = by_module.get(module)
            if not dists:
                loose.append(f"{path.relative_to(REPO)}: {module} (not installed in .venv)")
            elif not any(canonical(d) in pinned for d in dists):
                loose.append(f"{path.relative_to(REPO)}: {module} ({', '.join(dists)})")
    assert not loose, ("the tests import packages requirements.txt does not pin:\n"
                       + "\n".join(loose))


def test_one_gettext_path():
    """The catalogs are read and compiled with Babel, as Sphinx does: no polib anywhere."""
    users = [str(p.relative_to(REPO)) for folder in ("tabbook", "tests", "benchmarks")
             for p in (REPO / folder).rglob("*.py") if "polib" in _imported_modules(p)]
    assert not users, (f"polib is imported by {users}: read catalogs with "
                       "tabbook.sources.i18n._read_po")
    assert "polib" not in pins(), "requirements.txt still pins polib"
