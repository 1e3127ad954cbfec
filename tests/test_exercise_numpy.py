"""The exercise checkers (``d2l.exercises``) with NumPy: lists in (as in the page), NumPy
values out.

The build environment has no NumPy, so this runs in every framework's environment, as a
section of its probe (:mod:`framework_probe`). The checkers without NumPy are tested
kernel-free in ``tests/unit/test_exercise_checkers.py``.
"""

from __future__ import annotations

import pytest

from framework_probe import ProbeError, probe, section
from tabbook.core.frameworks import FRAMEWORKS

NUMPY_CHECK = """
import numpy as np
from d2l import exercises as ex
S = ex.solutions
assert ex.check_exact_loss(lambda *a: np.float32(S.exact_loss(*a)))
assert ex.check_expected_quick_estimate(lambda losses, b: np.mean(losses))
assert ex.check_quick_estimate_bias(S.quick_estimate_bias)
assert ex.check_bayes_decision(lambda L, p: np.argmin(np.asarray(p) @ np.asarray(L)))
assert not ex.check_bayes_decision(lambda L, p: np.argmax(p))
assert not ex.check_bayes_decision(lambda L, p: np.asarray(p) @ np.asarray(L))
"""


@section("numpy_checkers")
def numpy_checkers(name: str) -> str:
    return NUMPY_CHECK


@pytest.mark.parametrize("framework", [fw.name for fw in FRAMEWORKS])
def test_numpy_inputs_and_results(framework):
    """With NumPy the functions still get lists (NumPy takes them) and may return NumPy
    values."""
    try:
        out = probe(framework).output("numpy_checkers")
    except ProbeError as exc:
        pytest.fail(str(exc), pytrace=False)
    assert out.count("PASS") == 4 and out.count("FAIL") == 2, out
