"""The Debian packages a framework's wheels load (the framework table's `debian`; issue 27:
MXNet could not import in the workflow's debian:bookworm container, which lacks libgomp1)."""

from __future__ import annotations

import shutil

import pytest

from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME, Framework
from tabbook.sources import system

pytestmark = pytest.mark.skipif(not shutil.which("dpkg-query"), reason="a Debian system")


def test_dpkg_tells_installed_from_missing():
    assert system.missing(["dpkg", "surely-no-such-package-tabbook"]) == [
        "surely-no-such-package-tabbook"]


def test_mxnet_names_the_libraries_its_wheel_loads():
    assert {"libgomp1", "libquadmath0"} <= set(BY_NAME["mxnet"].debian)


def test_a_missing_package_without_root_is_an_error_naming_the_command(monkeypatch):
    fw = Framework("fake", "Fake", "fake", "fake", "envs/fake.txt", (),
                   debian=("surely-no-such-package-tabbook", "dpkg"))
    monkeypatch.setattr(system.os, "geteuid", lambda: 1000)
    with pytest.raises(BookError, match=r"Fake needs the Debian packages "
                       r"surely-no-such-package-tabbook.*`apt-get install -y "
                       r"surely-no-such-package-tabbook`"):
        system.ensure_packages([fw])
    system.ensure_packages([BY_NAME["pytorch"]])  # needs nothing: no process, no error
