"""One npm installer (tabbook.sources.npm), and every npm package taken from a lock file.

* every npm project of the checkout (a ``package.json`` in tabbook/, tests/ or tools/) has a
  ``package-lock.json`` that pins each of its dependencies to the exact version its
  ``package.json`` names;
* nothing but ``tabbook/sources/npm.py`` runs npm (the stages, the test setup and the tools
  go through it);
* an install is made once, whole or not at all, into the one npm cache folder.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bookutil import REPO, gives_to_a_call
from tabbook.core.layout import BUILD_DIR
from tabbook.sources import npm

SKIP = {"node_modules", ".venv", BUILD_DIR, ".git"}


def _projects() -> list[Path]:
    return sorted(p.parent for top in ("tabbook", "tests", "tools")
                  for p in (REPO / top).rglob("package.json")
                  if not SKIP & set(p.relative_to(REPO).parts))


def test_every_npm_project_pins_every_package_in_a_lock_file():
    projects = _projects()
    assert {p.relative_to(REPO).as_posix() for p in projects} >= {
        "tabbook/stages/tryit_src", "tabbook/stages/mathrender_src", "tests/npm"}
    for project in projects:
        rel = project.relative_to(REPO).as_posix()
        wanted = json.loads((project / "package.json").read_text(encoding="utf-8"))
        lock_file = project / "package-lock.json"
        assert lock_file.is_file(), f"{rel} has no package-lock.json"
        lock = json.loads(lock_file.read_text(encoding="utf-8"))
        deps = wanted.get("dependencies", {})
        assert not wanted.get("devDependencies"), f"{rel}: devDependencies (npm ci installs them)"
        assert lock["packages"][""].get("dependencies", {}) == deps, (
            f"{rel}: package-lock.json is not the lock of package.json (run `npm install "
            "--package-lock-only` there)")
        for name, version in deps.items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{rel}: {name} {version} is a range"
            assert lock["packages"][f"node_modules/{name}"]["version"] == version, (rel, name)
            assert npm.locked_version(project, name) == version


def test_only_the_npm_module_runs_npm():
    here = Path(__file__).resolve()  # (its skip conditions look for npm)
    found = [p.relative_to(REPO).as_posix() for top in ("tabbook", "tests", "tools", "benchmarks")
             for p in sorted((REPO / top).rglob("*.py")) if p != here and gives_to_a_call(p, "npm")]
    assert found == ["tabbook/sources/npm.py"], found


def _project(folder: Path, dependencies: dict) -> Path:
    """A locked npm project (its lock file written as `npm install --package-lock-only`
    writes one for packages that need nothing else)."""
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps(
        {"name": "t", "private": True, "dependencies": dependencies}), encoding="utf-8")
    (folder / "package-lock.json").write_text(json.dumps(
        {"name": "t", "lockfileVersion": 3, "requires": True, "packages": {"": {"name": "t"}}}),
        encoding="utf-8")
    return folder


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_a_project_is_installed_once_into_the_npm_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(npm.CACHE_VAR, str(tmp_path / "cache"))
    src = _project(tmp_path / "src", {})
    folder = npm.install_locked(src, "demo", "demo packages")
    assert folder == tmp_path / "cache" / f"demo-{npm.lock_hash(src)}"
    assert folder == npm.install_folder(src, "demo")
    assert npm.installed(src, "demo") and (folder / "package-lock.json").is_file()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # no npm: the install is reused
    assert npm.install_locked(src, "demo", "demo packages") == folder
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [folder.name]


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_a_failed_install_leaves_nothing_that_looks_installed(tmp_path, monkeypatch):
    """A package.json its lock file does not pin: `npm ci` refuses (offline), the error says
    why, and the cache holds neither the folder nor its temporary one."""
    monkeypatch.setenv(npm.CACHE_VAR, str(tmp_path / "cache"))
    src = _project(tmp_path / "src", {"left-pad": "1.3.0"})
    with pytest.raises(npm.NpmError,
                       match="(?s)installing demo packages from npm.*Missing: left-pad"):
        npm.install_locked(src, "demo", "demo packages")
    assert not npm.installed(src, "demo")
    assert list((tmp_path / "cache").iterdir()) == []


def test_without_npm_the_error_names_the_way_around(tmp_path, monkeypatch):
    monkeypatch.setenv(npm.CACHE_VAR, str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    src = _project(tmp_path / "src", {})
    with pytest.raises(npm.NpmError, match="(?s)npm, which is not on PATH.*set TABBOOK_X_NPM_DIR"):
        npm.install_locked(src, "demo", "demo packages", "TABBOOK_X_NPM_DIR")
