"""`from d2l import <fw> as d2l` imports nothing the chapter does not use.

Read from the framework's probe (:mod:`framework_probe`): it imports the framework, then
the library, and records what the second import added.
"""

from __future__ import annotations

import pytest

from framework_probe import ProbeError, probe
from tabbook.core.frameworks import FRAMEWORKS

HEAVY = {"pandas", "scipy", "torchvision", "requests", "matplotlib", "IPython"}


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda fw: fw.name)
def test_library_adds_no_heavy_imports(fw):
    try:
        added = set(probe(fw.name).added)
    except ProbeError as exc:
        pytest.fail(str(exc), pytrace=False)
    assert not added & HEAVY, f"from d2l import {fw.module} also imports {sorted(added & HEAVY)}"
