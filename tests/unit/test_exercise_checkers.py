"""The exercise self-checks of section 4.3 (``d2l/exercises.py``).

Every checker must pass the reference answer and other correct ways of writing it,
fail wrong answers with a concrete counter-example and a hint, never raise because
of the reader's code, and accept results as Python numbers, NumPy values or
one-element tensors. ``d2l.exercises`` imports no deep-learning framework.
"""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys

import pytest

from bookutil import REPO
from d2l import exercises

S = exercises.solutions


def run_check(check, fn, capsys):
    ok = check(fn)
    out = capsys.readouterr().out
    return ok, out


def assert_pass(check, fn, capsys):
    ok, out = run_check(check, fn, capsys)
    assert ok is True, out
    assert out.startswith("PASS "), out
    assert "FAIL" not in out


def assert_fail(check, fn, capsys, *expected_in_output):
    ok, out = run_check(check, fn, capsys)
    assert ok is False, out
    assert out.startswith("FAIL "), out
    assert "expected" in out and "Hint:" in out, out
    for text in expected_in_output:
        assert text in out, f"{text!r} not in:\n{out}"
    return out


# ---------------------------------------------------------------------------
# Exercise 1


def exact_loss_other_form(quick, last, n, batch_size):
    """Total loss of the full minibatches plus the last one, over n."""
    num_batches = math.ceil(n / batch_size)
    r = n - batch_size * (num_batches - 1)
    return (batch_size * (num_batches * quick - last) + r * last) / n


def test_exact_loss_reference_and_other_forms_pass(capsys):
    assert_pass(exercises.check_exact_loss, S.exact_loss, capsys)
    assert_pass(exercises.check_exact_loss, exact_loss_other_form, capsys)


def test_exact_loss_wrong_answers_fail(capsys):
    # "the quick estimate is exact": wrong as soon as the last minibatch is smaller
    out = assert_fail(exercises.check_exact_loss, lambda quick, last, n, batch_size: quick,
                      capsys, "n = 9 examples, batch_size = 4", "minibatch sizes [4, 4, 1]")
    assert "got " in out
    # weighting the last minibatch by 1 instead of r / b
    assert_fail(exercises.check_exact_loss,
                lambda quick, last, n, batch_size: (quick * (n // batch_size) + last)
                / (n // batch_size + 1), capsys, "all minibatches have the same size")
    # using floor instead of ceil for the number of minibatches
    assert_fail(exercises.check_exact_loss,
                lambda q, last, n, b: q + (b * (n // b) - n) / n * (q - last), capsys)


# ---------------------------------------------------------------------------
# Exercise 2


def expected_by_enumeration(losses, batch_size):
    """The average of the quick estimate over all n! orders."""
    orders = list(itertools.permutations([float(v) for v in losses]))
    return sum(exercises.quick_estimate(o, batch_size) for o in orders) / len(orders)


def bias_by_definition(losses, batch_size):
    losses = [float(v) for v in losses]
    return exercises.quick_estimate(losses, batch_size) - sum(losses) / len(losses)


def test_expected_quick_estimate_passes(capsys):
    assert_pass(exercises.check_expected_quick_estimate, S.expected_quick_estimate, capsys)
    assert_pass(exercises.check_expected_quick_estimate, expected_by_enumeration, capsys)


def test_expected_quick_estimate_wrong_answers_fail(capsys):
    # the quick estimate of the order given is biased: the hint says so
    assert_fail(exercises.check_expected_quick_estimate, exercises.quick_estimate, capsys,
                "quick estimate for the order given")
    # mean of the full minibatches only (drops the last, partial one)
    def full_batches_only(losses, batch_size):
        losses = [float(v) for v in losses]
        k = len(losses) // batch_size * batch_size or len(losses)
        return sum(losses[:k]) / k
    assert_fail(exercises.check_expected_quick_estimate, full_batches_only, capsys)
    # the median is not the mean
    assert_fail(exercises.check_expected_quick_estimate,
                lambda losses, b: sorted(losses)[len(losses) // 2], capsys)


def test_quick_estimate_bias_passes(capsys):
    assert_pass(exercises.check_quick_estimate_bias, S.quick_estimate_bias, capsys)
    assert_pass(exercises.check_quick_estimate_bias, bias_by_definition, capsys)


def test_quick_estimate_bias_wrong_answers_fail(capsys):
    assert_fail(exercises.check_quick_estimate_bias, lambda losses, b: 0.0, capsys,
                "For a fixed order nothing is random")
    assert_fail(exercises.check_quick_estimate_bias,
                lambda losses, b: -bias_by_definition(losses, b), capsys, "sign is flipped")
    # weight (b - r) / b without the 1 / B
    def missing_factor(losses, b):
        losses = [float(v) for v in losses]
        n = len(losses)
        r = n - b * (math.ceil(n / b) - 1)
        return (b - r) / b * (sum(losses[n - r:]) / r - sum(losses) / n)
    assert_fail(exercises.check_quick_estimate_bias, missing_factor, capsys)


# ---------------------------------------------------------------------------
# Exercise 3


def bayes_by_loops(loss_matrix, p):
    best, best_risk = None, math.inf
    for j in range(len(loss_matrix[0])):
        risk = sum(float(p[y]) * float(loss_matrix[y][j]) for y in range(len(p)))
        if risk < best_risk:
            best, best_risk = j, risk
    return best


def test_bayes_decision_passes(capsys):
    assert_pass(exercises.check_bayes_decision, S.bayes_decision, capsys)
    assert_pass(exercises.check_bayes_decision, bayes_by_loops, capsys)
    # an index returned as a float or a one-element container is fine
    assert_pass(exercises.check_bayes_decision,
                lambda L, p: FakeTensor([float(bayes_by_loops(L, p))]), capsys)


def test_bayes_decision_wrong_answers_fail(capsys):
    argmax_p = lambda L, p: max(range(len(p)), key=lambda i: p[i])  # noqa: E731
    assert_fail(exercises.check_bayes_decision, argmax_p, capsys,
                "most probable class", "expected 1", "got 0")

    def rows_not_columns(L, p):
        risks = [sum(float(L[i][j]) * float(p[j]) for j in range(len(p)))
                 for i in range(len(L))]
        return min(range(len(risks)), key=risks.__getitem__)
    assert_fail(exercises.check_bayes_decision, rows_not_columns, capsys,
                "weighted the rows", "got 2")

    def largest_risk(L, p):
        risks = [sum(float(p[y]) * float(L[y][j]) for y in range(len(p)))
                 for j in range(len(L[0]))]
        return max(range(len(risks)), key=risks.__getitem__)
    assert_fail(exercises.check_bayes_decision, largest_risk, capsys, "*largest*")

    def risks_vector(L, p):
        return [sum(float(p[y]) * float(L[y][j]) for y in range(len(p)))
                for j in range(len(L[0]))]
    assert_fail(exercises.check_bayes_decision, risks_vector, capsys, "not a vector")
    assert_fail(exercises.check_bayes_decision, lambda L, p: 7, capsys, "the choices are 0")
    assert_fail(exercises.check_bayes_decision, lambda L, p: 0.5, capsys, "not a class index")


def test_bayes_decision_hints_name_only_what_the_answer_did(capsys):
    """Issue 31: a wrong answer was told "You picked the most probable class" because its
    choice happened to be that class on the failing case."""
    def square_only(L, p):  # right on square loss matrices; the most probable class else
        if len(L) == len(L[0]):
            return bayes_by_loops(L, p)
        return max(range(len(p)), key=lambda i: p[i])
    cases = list(exercises._bayes_cases())
    assert any(len(L) != len(L[0]) and bayes_by_loops(L, p) != max(range(len(p)),
               key=lambda i: p[i]) for L, p in cases), "a non-square case must tell them apart"
    out = assert_fail(exercises.check_bayes_decision, square_only, capsys)
    for claim in ("most probable class", "weighted the rows", "*largest*"):
        assert claim not in out, out
    # always the first choice: on the failing case the most probable class, not elsewhere
    out = assert_fail(exercises.check_bayes_decision, lambda L, p: 0, capsys)
    assert "most probable class" not in out, out
    # an answer that always picks the most probable class is told so
    argmax_p = lambda L, p: max(range(len(p)), key=lambda i: p[i])  # noqa: E731
    assert_fail(exercises.check_bayes_decision, argmax_p, capsys, "most probable class")


def test_the_checkers_hand_lists_to_the_functions(capsys):
    """What the statements' code uses (``loss_matrix[y][y_prime]``, ``sum(losses)``) is
    what the functions get, with NumPy installed or not."""
    seen = []

    def spy(*args):
        seen.append(args)
        return 0
    for check in (exercises.check_expected_quick_estimate, exercises.check_bayes_decision):
        check(spy)
    capsys.readouterr()
    assert seen and all(isinstance(a, list) for args in seen for a in args
                        if not isinstance(a, (int, float)))
    assert all(isinstance(row, list) for args in seen if len(args) == 2
               and isinstance(args[0][0], list) for row in args[0])


# ---------------------------------------------------------------------------
# Robustness: unfinished answers, exceptions, result types


class FakeTensor:
    """Duck-types a framework tensor: ``.item()`` works only with one element."""

    def __init__(self, values):
        self.values = list(values)
        self.shape = (len(self.values),)

    def item(self):
        if len(self.values) != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.values[0]


class FakeTFTensor:
    """Duck-types a TensorFlow tensor: no ``.item()``, but ``.numpy()``."""

    def __init__(self, value):
        self.value = value

    def numpy(self):
        return self.value


@pytest.mark.parametrize("check,args", [
    (exercises.check_exact_loss, 4),
    (exercises.check_expected_quick_estimate, 2),
    (exercises.check_quick_estimate_bias, 2),
    (exercises.check_bayes_decision, 2),
])
def test_unfinished_and_raising_answers_fail_cleanly(check, args, capsys):
    def unfinished(*a):
        ...

    def raises(*a):
        raise NotImplementedError

    def crashes(*a):
        return 1 / 0

    out = assert_fail(check, unfinished, capsys, "returned None", "replace the `...`")
    assert "Traceback" not in out
    assert_fail(check, raises, capsys, "NotImplementedError")
    assert_fail(check, crashes, capsys, "ZeroDivisionError")
    assert_fail(check, lambda *a: "0.5", capsys)


def test_tensor_like_results_are_accepted(capsys):
    assert_pass(exercises.check_exact_loss,
                lambda *a: FakeTensor([S.exact_loss(*a)]), capsys)
    assert_pass(exercises.check_exact_loss,
                lambda *a: FakeTFTensor(S.exact_loss(*a)), capsys)
    assert_fail(exercises.check_exact_loss,
                lambda *a: FakeTensor([S.exact_loss(*a)] * 2), capsys, "shape (2,)")


def test_output_is_deterministic(capsys):
    first = run_check(exercises.check_exact_loss, lambda *a: a[0], capsys)[1]
    second = run_check(exercises.check_exact_loss, lambda *a: a[0], capsys)[1]
    assert first == second


def test_inputs_are_not_shared_between_calls(capsys):
    """A function that modifies its input in place must not corrupt the next case."""
    def destructive(losses, b):
        value = sum(float(v) for v in losses) / len(losses)
        for i in range(len(losses)):
            losses[i] = 0.0
        return value
    assert_pass(exercises.check_expected_quick_estimate, destructive, capsys)


# ---------------------------------------------------------------------------
# The module stays light


def test_imports_no_framework():
    code = ("import sys, d2l.exercises\n"
            "heavy = {'torch', 'mxnet', 'jax', 'tensorflow', 'keras', 'flax', 'matplotlib'}\n"
            "print(sorted(heavy & set(sys.modules)))\n")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


# ---------------------------------------------------------------------------
# A broken translation (issue 28, item 7)


def test_a_translation_with_a_placeholder_the_code_lacks_prints_the_english(tmp_path, capsys,
                                                                           monkeypatch):
    """`{oops}` in d2l.po: the checker prints the English message (no KeyError in the
    reader's page); the catalog check refuses such a catalog before a build uses it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = (REPO / "d2l" / "locales" / "zh_CN" / "LC_MESSAGES" / "d2l.po").read_text("utf-8")
    po = "\n".join(  # (in the translations only)
        ln.replace("{function}", "{oops}").replace("{count}", "{0}").replace("{hint}", "{hint")
        if ln.startswith("msgstr") else ln for ln in po.split("\n"))
    with open(tmp_path / "d2l.po", "w", encoding="utf-8") as f:
        f.write(po)
    mo = tmp_path / "locales" / "zh_CN" / "LC_MESSAGES" / "d2l.mo"
    mo.parent.mkdir(parents=True)
    with open(tmp_path / "d2l.po", "rb") as f, open(mo, "wb") as out:
        write_mo(out, read_po(f))
    monkeypatch.setattr(exercises, "_LOCALES", str(tmp_path / "locales"))
    try:
        exercises.set_language("zh_CN")
        ok, out = run_check(exercises.check_exact_loss, S.exact_loss, capsys)
        assert ok is True and out.startswith("PASS check_exact_loss: "), out
        assert " is right on all 36 test cases." in out  # (the English message)
        ok, out = run_check(exercises.check_exact_loss, lambda q, last, n, b: q, capsys)
        assert ok is False and out.startswith("FAIL check_exact_loss: <lambda> is wrong"), out
        assert "Hint: " in out and "{" not in out
        assert "期望" in out or "小批量" in out  # (the sound translations are still used)
    finally:
        exercises.set_language("en")
