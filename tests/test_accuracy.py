"""`Classifier.accuracy` (section 4.3) gives the same results in all four frameworks.

Each framework's generated library (``d2l/<module>.py``, written by ``make lib``) is
imported in that framework's own environment, by the framework's probe
(:mod:`framework_probe`), whose accuracy section gets the test cases as JSON and prints
the results as JSON. The results must equal a pure-Python
reference and each other.

Ties: when several classes share the largest score, the predicted class is the first
of them. PyTorch, MXNet, JAX and NumPy document this for ``argmax``; TensorFlow
documents no particular choice, but its CPU kernel behaves the same way, which the
``ties`` case checks (the book runs on CPUs).
"""

from __future__ import annotations

import json
import random

import pytest

from framework_probe import ProbeError, probe, section
from tabbook.core.frameworks import FRAMEWORKS


def _random_case(seed: int, n: int, k: int) -> dict:
    rng = random.Random(seed)
    scores = [[round(rng.gauss(0, 1), 3) for _ in range(k)] for _ in range(n)]
    return {"Y_hat": scores, "Y": [rng.randrange(k) for _ in range(n)], "dtype": "int64"}


DEMO = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.2, 0.7, 0.1]]
CASES = {
    # the example of the section: predictions 2, 2, 1 against labels 2, 0, 1
    "demo_int64": {"Y_hat": DEMO, "Y": [2, 0, 1], "dtype": "int64"},
    "demo_int32": {"Y_hat": DEMO, "Y": [2, 0, 1], "dtype": "int32"},
    "demo_float32": {"Y_hat": DEMO, "Y": [2.0, 0.0, 1.0], "dtype": "float32"},
    # ties resolve to the first largest score: predictions 0, 1, 0, 0, 2
    "ties": {"Y_hat": [[1.0, 1.0, 0.0], [0.0, 2.0, 2.0], [3.0, 3.0, 3.0],
                       [0.5, 0.1, 0.5], [-1.0, -2.0, 4.0]],
             "Y": [0, 2, 0, 2, 2], "dtype": "int32"},
    # 3-D scores (e.g. a sequence model): (batch, time, classes) against (batch, time)
    "three_d": {"Y_hat": [[[0.1, 0.9, 0.0, 0.0], [0.8, 0.1, 0.05, 0.05], [0.2, 0.2, 0.5, 0.1]],
                          [[0.0, 0.0, 0.1, 0.9], [0.3, 0.3, 0.3, 0.1], [0.1, 0.2, 0.3, 0.4]]],
                "Y": [[1, 0, 3], [3, 1, 3]], "dtype": "int64"},
    # labels as a column vector are flattened like the predictions
    "column_labels": {"Y_hat": DEMO, "Y": [[2], [0], [1]], "dtype": "int64"},
    "all_wrong": {"Y_hat": DEMO, "Y": [0, 1, 0], "dtype": "int32"},
    "binary": {"Y_hat": [[0.9, 0.1], [0.4, 0.6], [0.5, 0.5], [0.2, 0.8]],
               "Y": [0, 1, 1, 1], "dtype": "int64"},
    "random_64x10": _random_case(0, 64, 10),
    "random_7x3_float": dict(_random_case(1, 7, 3), dtype="float32"),
}


def _flatten(x):
    if isinstance(x, list):
        return [v for item in x for v in _flatten(item)]
    return [x]


def reference(case: dict) -> list[float]:
    """0/1 per prediction: the first largest score's index against the label."""
    scores, labels = case["Y_hat"], _flatten(case["Y"])
    while isinstance(scores[0][0], list):  # flatten leading axes
        scores = [row for block in scores for row in block]
    preds = [max(range(len(row)), key=lambda j: (row[j], -j)) for row in scores]
    return [float(p == y) for p, y in zip(preds, labels)]


PRELUDES = {
    "pytorch": """
import torch
from d2l import torch as d2l
DTYPES = {'int32': torch.int32, 'int64': torch.int64, 'float32': torch.float32}
def make(values, dtype):
    return torch.tensor(values, dtype=DTYPES[dtype])
model = d2l.Classifier()
def accuracy(Y_hat, Y, averaged):
    return model.accuracy(Y_hat, Y, averaged=averaged)
def to_list(r):
    return r.tolist()
def dtype_of(r):
    return str(r.dtype).replace('torch.', '')
""",
    "mxnet": """
from mxnet import np, npx
from d2l import mxnet as d2l
npx.set_np()
def make(values, dtype):
    return np.array(values, dtype=dtype)
model = d2l.Classifier()
def accuracy(Y_hat, Y, averaged):
    return model.accuracy(Y_hat, Y, averaged=averaged)
def to_list(r):
    return r.asnumpy().tolist()
def dtype_of(r):
    return str(r.dtype)
""",
    "jax": """
import numpy
import jax
import optax
from jax import numpy as jnp
from d2l import jax as d2l
class ScoresAsInputs(d2l.Classifier):
    def forward(self, X):
        return X
model = ScoresAsInputs()
state = d2l.TrainState.create(apply_fn=model.apply, params={}, batch_stats={},
                              dropout_rng=jax.random.PRNGKey(0), tx=optax.sgd(0.1))
def make(values, dtype):
    return jnp.asarray(numpy.array(values, dtype=dtype))
def accuracy(Y_hat, Y, averaged):
    return model.accuracy(state.params, [Y_hat], Y, state, averaged)
def to_list(r):
    return numpy.asarray(r).tolist()
def dtype_of(r):
    return str(r.dtype)
""",
    "tensorflow": """
import tensorflow as tf
from d2l import tensorflow as d2l
def make(values, dtype):
    return tf.constant(values, dtype=dtype)
model = d2l.Classifier()
def accuracy(Y_hat, Y, averaged):
    return model.accuracy(Y_hat, Y, averaged=averaged)
def to_list(r):
    return r.numpy().tolist()
def dtype_of(r):
    return r.dtype.name
""",
}

DRIVER = """
import json, sys
cases = json.loads(sys.stdin.read())
results = {}
for name, case in cases.items():
    Y_hat, Y = make(case['Y_hat'], 'float32'), make(case['Y'], case['dtype'])
    for averaged in (True, False):
        r = accuracy(Y_hat, Y, averaged)
        results[f'{name}/{averaged}'] = {'value': to_list(r), 'dtype': dtype_of(r)}
print('RESULTS ' + json.dumps(results))
"""


@section("accuracy")
def accuracy_script(name: str) -> str:
    """The framework's prelude and the driver, the cases given as JSON."""
    return (f"CASES_JSON = {json.dumps(json.dumps(CASES))}\n" + PRELUDES[name]
            + DRIVER.replace("sys.stdin.read()", "CASES_JSON"))


def run_framework(name: str) -> dict:
    """The results of the framework's accuracy section (its probe runs it)."""
    lines = [ln for ln in probe(name).output("accuracy").splitlines() if ln.startswith("RESULTS ")]
    if not lines:
        raise ProbeError(f"{name}: the accuracy section printed no RESULTS line")
    return json.loads(lines[-1][len("RESULTS "):])


@pytest.fixture(scope="module")
def results() -> dict[str, tuple]:
    """Results per framework (from the probes, which run in parallel)."""
    outcomes = {}
    for fw in FRAMEWORKS:
        try:
            outcomes[fw.name] = (run_framework(fw.name), None)
        except ProbeError as exc:
            outcomes[fw.name] = (None, exc)
    return outcomes


def _get(results, name):
    value, exc = results[name]
    if exc is not None:
        pytest.fail(str(exc), pytrace=False)
    return value


@pytest.mark.parametrize("framework", [fw.name for fw in FRAMEWORKS])
@pytest.mark.parametrize("case", sorted(CASES))
def test_accuracy_matches_reference(results, framework, case):
    got = _get(results, framework)
    want = reference(CASES[case])
    per_example = got[f"{case}/False"]
    assert per_example["dtype"] == "float32"
    assert per_example["value"] == want, f"{framework}, {case}: {per_example['value']} != {want}"
    mean = got[f"{case}/True"]
    assert mean["dtype"] == "float32"
    assert isinstance(mean["value"], float), f"{framework}: averaged result is not a scalar"
    assert mean["value"] == pytest.approx(sum(want) / len(want), abs=1e-6)


def test_frameworks_agree(results):
    available = {}
    for fw in FRAMEWORKS:
        value, exc = results[fw.name]
        if value is not None:
            available[fw.name] = value
    if len(available) < 2:
        pytest.skip("fewer than two framework environments are available")
    first_name, first = next(iter(available.items()))
    for name, other in available.items():
        assert other.keys() == first.keys()
        for key in first:
            a, b = first[key]["value"], other[key]["value"]
            if isinstance(a, float):
                assert b == pytest.approx(a, abs=1e-6), f"{key}: {first_name} {a} != {name} {b}"
            else:
                assert a == b, f"{key}: {first_name} {a} != {name} {b}"


def test_reference_resolves_ties_to_the_first_maximum():
    assert reference(CASES["ties"]) == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert reference(CASES["demo_int64"]) == [1.0, 0.0, 1.0]
