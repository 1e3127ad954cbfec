"""The Debian packages a framework's wheels load (the framework table's `debian`; issue 27:
MXNet could not import in the workflow's debian:bookworm container, which lacks libgomp1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookutil import REPO, gives_to_a_call
from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME, Framework
from tabbook.sources import apt, system

pytestmark = pytest.mark.skipif(not shutil.which("dpkg-query"), reason="a Debian system")


def test_dpkg_tells_installed_from_missing():
    assert apt.missing(["dpkg", "surely-no-such-package-tabbook"]) == [
        "surely-no-such-package-tabbook"]


def test_mxnet_names_the_libraries_its_wheel_loads():
    assert {"libgomp1", "libquadmath0"} <= set(BY_NAME["mxnet"].debian)


def test_a_missing_package_without_root_is_an_error_naming_the_command(monkeypatch):
    fw = Framework("fake", "Fake", "fake", "fake", "envs/fake.txt", (),
                   debian=("surely-no-such-package-tabbook", "dpkg"))
    monkeypatch.setattr(apt.os, "geteuid", lambda: 1000)
    with pytest.raises(BookError, match=r"Fake .*needs the Debian packages "
                       r"surely-no-such-package-tabbook.* as root, run `apt-get update && "
                       r"apt-get install -y surely-no-such-package-tabbook`"):
        system.ensure_packages([fw])
    system.ensure_packages([BY_NAME["pytorch"]])  # needs nothing: no process, no error


def test_the_one_apt_installer_serves_the_tests_and_the_workflow_runner(monkeypatch):
    """setup_machine and the workflow runner install through tabbook.sources.apt too: without
    root each names who needs what and the command to run, and runs nothing."""
    import setup_machine
    from tools.workflow import roots

    ran = []
    monkeypatch.setattr(apt.subprocess, "run", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(apt.os, "geteuid", lambda: 1000)
    with pytest.raises(setup_machine.SetupError, match=r"the tests \(tests/setup_machine.py\) "
                       r"needs the Debian packages fonts-noto-cjk.*`apt-get update && apt-get "
                       r"install -y fonts-noto-cjk`"):
        setup_machine.install_packages(["fonts-noto-cjk"])
    monkeypatch.setattr(roots.shutil, "which", lambda name: None if name == "debootstrap"
                        else "/usr/bin/" + name)
    with pytest.raises(roots.RootError, match=r"the workflow's Debian roots needs the Debian "
                       r"packages debootstrap"):
        roots._make_image("bookworm", Path("/nonexistent/debian-bookworm-minbase.tar"), print)
    assert ran == []


def test_only_the_apt_module_runs_apt_get():
    here = Path(__file__).resolve()  # (it names the command to look for)
    found = [p.relative_to(REPO).as_posix() for top in ("tabbook", "tests", "tools", "benchmarks")
             for p in sorted((REPO / top).rglob("*.py"))
             if p != here and gives_to_a_call(p, "apt-get")]
    assert found == ["tabbook/sources/apt.py"], found
