"""The generated d2l library really trains a model, in every framework.

For each framework, the framework's probe (:mod:`framework_probe`: one process in that
framework's environment, shared with the other tests that need one) imports
``from d2l import <module> as d2l`` (the generated library at the repository root),
subclasses ``d2l.Classifier`` (section 4.3) into a softmax regression written the
framework's own way, and ``d2l.DataModule`` into a dataset of three well-separated
Gaussian blobs made in the script (no download, fixed seed), and trains it with
``d2l.Trainer(max_epochs=...)`` on the CPU. The test checks the accuracy on the
validation set and the curves the model's ``ProgressBoard`` recorded.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from framework_probe import ProbeError, probe, section
from tabbook.core.frameworks import FRAMEWORKS

MODULES = {fw.name: fw.module for fw in FRAMEWORKS}
MAX_EPOCHS = 5
MIN_ACCURACY = 0.9

# Shared by every framework: the data (NumPy) and the report the test reads.
BLOBS = """
import json
import numpy as onp

def make_blobs(n, seed=0):
    '''Three classes, unit-variance Gaussian blobs whose centers are ~7 apart.'''
    rng = onp.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centers = onp.array([[0.0, 4.0], [4.0, -2.0], [-4.0, -2.0]])
    X = centers[y] + rng.normal(size=(n, 2))
    return X.astype(onp.float32), y.astype(onp.int32)

def blobs_class(base, to_tensor):
    class Blobs(base):
        def __init__(self, batch_size=32, num_train=600, num_val=300):
            super().__init__()
            self.save_hyperparameters()
            X, y = make_blobs(num_train + num_val)
            self.X, self.y = to_tensor(X), to_tensor(y)

        def get_dataloader(self, train):
            i = slice(0, self.num_train) if train else slice(self.num_train, None)
            return self.get_tensorloader((self.X, self.y), train, i)
    return Blobs

def report(model, data, logits_fn):
    X, y = make_blobs(data.num_train + data.num_val)
    logits = onp.asarray(logits_fn(X[data.num_train:]))
    acc = float((logits.argmax(axis=1) == y[data.num_train:]).mean())
    curves = {k: [[float(p.x), float(p.y)] for p in v] for k, v in model.board.data.items()}
    print('RESULT ' + json.dumps({'val_acc': acc, 'curves': curves}))
"""

SCRIPTS = {
    "pytorch": """
import torch
from torch import nn
from torch.nn import functional as F
from d2l import torch as d2l

torch.manual_seed(0)

class SoftmaxRegression(d2l.Classifier):
    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.LazyLinear(num_outputs)

    def loss(self, Y_hat, Y, averaged=True):
        return F.cross_entropy(Y_hat, Y.long(), reduction='mean' if averaged else 'none')

data = blobs_class(d2l.DataModule, torch.tensor)()
model = SoftmaxRegression(num_outputs=3, lr=0.1)
model.board.display = False
trainer = d2l.Trainer(max_epochs=MAX_EPOCHS)
trainer.fit(model, data)
model.eval()
with torch.no_grad():
    report(model, data, lambda X: model(torch.tensor(X)).numpy())
""",
    "mxnet": """
import mxnet as mx
from mxnet import gluon, np, npx
from mxnet.gluon import nn
from d2l import mxnet as d2l

npx.set_np()
mx.random.seed(0)
onp.random.seed(0)  # Gluon's DataLoader shuffles with NumPy's global generator

class SoftmaxRegression(d2l.Classifier):
    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Dense(num_outputs)
        self.net.initialize()

    def loss(self, Y_hat, Y, averaged=True):
        l = gluon.loss.SoftmaxCrossEntropyLoss()(Y_hat, Y)
        return l.mean() if averaged else l

data = blobs_class(d2l.DataModule, np.array)()
model = SoftmaxRegression(num_outputs=3, lr=0.1)
model.board.display = False
trainer = d2l.Trainer(max_epochs=MAX_EPOCHS)
trainer.fit(model, data)
report(model, data, lambda X: model(np.array(X)).asnumpy())
""",
    "jax": """
from functools import partial
import jax
import optax
from flax import linen as nn
from d2l import jax as d2l

class SoftmaxRegression(d2l.Classifier):
    num_outputs: int
    lr: float

    @nn.compact
    def __call__(self, X):
        return nn.Dense(self.num_outputs)(X)

    @partial(jax.jit, static_argnums=(0, 5))
    def loss(self, params, X, Y, state, averaged=True):
        Y_hat = state.apply_fn({'params': params}, *X)
        l = optax.softmax_cross_entropy_with_integer_labels(Y_hat, Y)
        return (l.mean() if averaged else l), {}  # (loss, auxiliary data)

data = blobs_class(d2l.DataModule, lambda a: a)()
model = SoftmaxRegression(num_outputs=3, lr=0.1)
model.board.display = False
trainer = d2l.Trainer(max_epochs=MAX_EPOCHS)
trainer.fit(model, data, jax.random.PRNGKey(0))
report(model, data, lambda X: model.apply({'params': trainer.state.params}, X))
""",
    "tensorflow": """
import tensorflow as tf
from d2l import tensorflow as d2l

tf.keras.utils.set_random_seed(0)

class SoftmaxRegression(d2l.Classifier):
    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = tf.keras.layers.Dense(num_outputs)

    def loss(self, Y_hat, Y, averaged=True):
        l = tf.keras.losses.sparse_categorical_crossentropy(Y, Y_hat, from_logits=True)
        return tf.reduce_mean(l) if averaged else l

data = blobs_class(d2l.DataModule, tf.constant)()
model = SoftmaxRegression(num_outputs=3, lr=0.1)
model.board.display = False
trainer = d2l.Trainer(max_epochs=MAX_EPOCHS)
trainer.fit(model, data)
report(model, data, lambda X: model(tf.constant(X)).numpy())
""",
}


def script(name: str) -> str:
    return (f"MAX_EPOCHS = {MAX_EPOCHS}\n" + textwrap.dedent(BLOBS)
            + textwrap.dedent(SCRIPTS[name]))


@section("training")
def training_script(name: str) -> str:
    return script(name)


def trained(name: str) -> dict:
    """The RESULT record of the framework's training section (its probe runs it)."""
    try:
        out = probe(name).output("training")
    except ProbeError as exc:
        pytest.fail(f"training with d2l.{MODULES[name]} failed: {exc}", pytrace=False)
    results = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
    if not results:
        pytest.fail(f"training with d2l.{MODULES[name]} printed no RESULT:\n{out[-3000:]}")
    return json.loads(results[-1][len("RESULT "):])


@pytest.mark.parametrize("name", list(MODULES))
def test_trainer_trains_softmax_regression(name):
    result = trained(name)
    assert result["val_acc"] >= MIN_ACCURACY, result["val_acc"]
    curves = result["curves"]
    for key in ("train_loss", "val_loss", "val_acc"):
        assert curves.get(key), f"model.board.data has no {key!r} points: {sorted(curves)}"
    # one validation point per epoch, at x = 1, 2, ..., max_epochs
    assert [x for x, _ in curves["val_loss"]] == list(range(1, MAX_EPOCHS + 1))
    assert curves["val_loss"][-1][1] < curves["train_loss"][0][1]
    assert curves["val_acc"][-1][1] >= MIN_ACCURACY
