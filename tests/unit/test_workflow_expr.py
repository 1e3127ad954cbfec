"""GitHub Actions expressions as tools/workflow evaluates them (issue 27): the forms the
book's workflow uses, with the results GitHub's documentation gives for them."""

from __future__ import annotations

import pytest

from tabbook.core.layout import PUBLISH_DIR
from tools.workflow.expr import Evaluator, ExprError
from tools.workflow.plan import expand_matrix, job_order

SITE = f"{PUBLISH_DIR}/site"
CONTEXTS = {
    "github": {"event_name": "push", "ref": "refs/heads/main", "server_url": "https://github.com",
               "repository": "o/r", "event": {"repository": {"default_branch": "main"}}},
    "matrix": {"framework": "jax"},
    "steps": {"where": {"outputs": {"site": SITE}, "outcome": "success"}},
}


@pytest.fixture
def ev() -> Evaluator:
    return Evaluator(CONTEXTS, {"success": lambda: True, "failure": lambda: False,
                                "always": lambda: True, "cancelled": lambda: False,
                                "hashFiles": lambda *p: "h"})


@pytest.mark.parametrize("text, value", [
    ("${{ github.server_url }}/${{ github.repository }}", "https://github.com/o/r"),
    ("exec-${{ matrix.framework }}", "exec-jax"),
    ("${{ steps.where.outputs.site }}", SITE),
    ("${{ format('envs/{0}.txt', matrix.framework) }}", "envs/jax.txt"),
    ("${{ format('{{0}} {0}', 'x') }}", "{0} x"),
    ("${{ steps.nope.outputs.x }}", ""),
    ("a ${{ 'it''s' }} b", "a it's b"),
])
def test_substitution(ev, text, value):
    assert ev.substitute(text) == value


@pytest.mark.parametrize("condition, value", [
    (None, True),
    ("github.event_name != 'pull_request' && github.ref == format('refs/heads/{0}', "
     "github.event.repository.default_branch)", True),
    ("github.event_name == 'pull_request'", False),
    ("steps.where.outcome == 'success'", True),
    ("steps.where.outcome == 'SUCCESS'", True),  # strings compare ignoring case
    ("${{ matrix.framework == 'jax' }}", True),
    ("!contains(fromJSON('[\"a\", \"b\"]'), 'c')", True),
    ("always() || false", True),
])
def test_conditions(ev, condition, value):
    assert ev.condition(condition) is value


def test_and_or_return_an_operand(ev):
    assert ev.evaluate("'' || 'fallback'") == "fallback"
    assert ev.evaluate("'x' && 'y'") == "y"


@pytest.mark.parametrize("text", ["github.", "foo(1)", "nope.x", "'open", "1 +"])
def test_what_it_cannot_read_is_an_error_naming_it(ev, text):
    with pytest.raises(ExprError):
        ev.evaluate(text)


def test_matrix_include_adds_to_every_combination_and_new_ones():
    combos = expand_matrix({"matrix": {"framework": ["a", "b"],
                                       "include": [{"runner": "cpu"},
                                                   {"framework": "a", "runner": "gpu"},
                                                   {"framework": "c"}]}})
    # the later include overwrites an added value, never an original one
    assert combos == [{"framework": "a", "runner": "gpu"}, {"framework": "b", "runner": "cpu"},
                      {"framework": "c"}]


def test_jobs_in_needs_order():
    assert job_order({"c": {"needs": ["a", "b"]}, "b": {"needs": "a"}, "a": {}}) == [
        ["a"], ["b"], ["c"]]
