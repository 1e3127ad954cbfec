"""A synthetic book of N pages shaped like §4.3, in every framework: the cost-curve's input.

Each page, like 4.3, imports the framework and the book's library
(``from d2l import <fw> as d2l``), defines a model (a linear softmax classifier), trains
it for a short run (50 full-batch SGD steps on synthetic data made with numpy: nothing
is downloaded) and plots the loss. The pages differ in a constant (their data's seed), so
each is its own cache entry and executes on its own. The book takes the repository's
settings, library, environments and static files, so its runs are the real book's.

    python benchmarks/synthbook.py DEST N [imports]   # a book of N pages into DEST

The ``imports`` shape has pages that only import the framework and the library: what a
page costs before its own work (the fixed cost per page and framework).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1] / "tests"
if str(_TESTS) not in sys.path:  # (run as a script: the tests' copying helpers)
    sys.path.insert(0, str(_TESTS))

from bookutil import REPO  # noqa: E402

FROM_REPO = ("_config.yml", "pyproject.toml", "envs", "d2l", "static")
STEPS = 50

DATA = """\
import numpy as np

rng = np.random.default_rng({seed})
X = rng.normal(size=(256, 20)).astype("float32")
y = (X @ rng.normal(size=(20, 3))).argmax(axis=1)
"""

# one cell per framework: the model and the training run (`losses`, `acc` afterwards)
TRAIN = {
    "pytorch": """\
%%tab pytorch
from d2l import torch as d2l
import torch
from torch import nn

net = nn.Linear(20, 3)
opt = torch.optim.SGD(net.parameters(), lr=0.5)
Xt, yt = torch.tensor(X), torch.tensor(y)
losses = []
for step in range({steps}):
    loss = nn.functional.cross_entropy(net(Xt), yt)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
acc = float((net(Xt).argmax(1) == yt).float().mean())
""",
    "mxnet": """\
%%tab mxnet
from d2l import mxnet as d2l
from mxnet import autograd, gluon, np as mnp, npx

npx.set_np()
net = gluon.nn.Dense(3)
net.initialize()
trainer = gluon.Trainer(net.collect_params(), "sgd", {{"learning_rate": 0.5}})
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
Xm, ym = mnp.array(X), mnp.array(y, dtype="float32")
losses = []
for step in range({steps}):
    with autograd.record():
        loss = loss_fn(net(Xm), ym).mean()
    loss.backward()
    trainer.step(1)
    losses.append(float(loss))
acc = float((net(Xm).argmax(axis=1).astype("float32") == ym).mean())
""",
    "jax": """\
%%tab jax
from d2l import jax as d2l
import jax
import optax
from flax import linen as nn

net = nn.Dense(3)
params = net.init(jax.random.PRNGKey(0), X)
opt = optax.sgd(0.5)
state = opt.init(params)

def loss_fn(p):
    return optax.softmax_cross_entropy_with_integer_labels(net.apply(p, X), y).mean()

@jax.jit
def update(p, s):
    loss, grads = jax.value_and_grad(loss_fn)(p)
    updates, s = opt.update(grads, s)
    return optax.apply_updates(p, updates), s, loss

losses = []
for step in range({steps}):
    params, state, loss = update(params, state)
    losses.append(float(loss))
acc = float((net.apply(params, X).argmax(1) == y).mean())
""",
    "tensorflow": """\
%%tab tensorflow
from d2l import tensorflow as d2l
import tensorflow as tf

net = tf.keras.layers.Dense(3)
opt = tf.keras.optimizers.SGD(0.5)
losses = []
for step in range({steps}):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
            y, net(X), from_logits=True))
    grads = tape.gradient(loss, net.trainable_variables)
    opt.apply_gradients(zip(grads, net.trainable_variables))
    losses.append(float(loss))
acc = float(tf.reduce_mean(tf.cast(tf.argmax(net(X), 1) == y, tf.float32)))
""",
}

REPORT = """\
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, training accuracy {acc:.2f}")
"""

PLOT = """\
import matplotlib.pyplot as plt

plt.figure(figsize=(3.5, 2.5))
plt.plot(losses)
plt.xlabel("step")
plt.ylabel("loss")
plt.show()
"""


# the "imports" shape: what every page pays before its own work, and nothing else
IMPORTS = {
    "pytorch": "%%tab pytorch\nfrom d2l import torch as d2l\nimport torch\n",
    "mxnet": "%%tab mxnet\nfrom d2l import mxnet as d2l\nfrom mxnet import np, npx\n",
    "jax": "%%tab jax\nfrom d2l import jax as d2l\nimport jax\nfrom flax import linen as nn\n",
    "tensorflow": "%%tab tensorflow\nfrom d2l import tensorflow as d2l\nimport tensorflow as tf\n",
}
SHAPES = ("4.3", "imports")


def cell(code: str) -> str:
    return "```{code-cell} ipython3\n" + code.rstrip("\n") + "\n```\n"


def page(i: int, shape: str = "4.3") -> str:
    if shape == "imports":
        return "\n".join([f"# Imports Only {i}\n", "The framework and the library, nothing "
                          "else: the fixed cost of a page.\n",
                          *(cell(code) for code in IMPORTS.values()),
                          cell(f"print('page {i}')")])
    parts = [f"# Synthetic Section {i}\n",
             "A page shaped like the base classification model: data, a model, a short "
             "training run, a plot.\n",
             cell(DATA.format(seed=i))]
    parts += [cell(code.format(steps=STEPS)) for code in TRAIN.values()]
    parts += ["The loss falls as the model trains.\n", cell(REPORT), cell(PLOT)]
    return "\n".join(parts)


def make_book(dst: Path, n: int, shape: str = "4.3") -> Path:
    """Write a book of ``n`` synthetic pages of ``shape`` (:data:`SHAPES`: like 4.3, or the
    imports only) into ``dst`` (which must not exist)."""
    dst = Path(dst)
    dst.mkdir(parents=True)
    for name in FROM_REPO:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst / name)
    from bookutil import copy_vendor

    copy_vendor(dst)  # KaTeX staged from npm and the runner's bundle, as the book's build left them
    # the translated editions too (their catalogs empty: their pages show the English text),
    # so that rendering costs what the real book's editions cost
    from tabbook.sources.i18n import LOCALES, TRANSLATIONS

    for edition in TRANSLATIONS:
        (dst / LOCALES / edition.language / "LC_MESSAGES").mkdir(parents=True)
    chapter = dst / "chapter_bench"
    chapter.mkdir()
    for i in range(1, n + 1):
        (chapter / f"page_{i:03d}.md").write_text(page(i, shape), encoding="utf-8")
    (dst / "index.md").write_text("# A Synthetic Book\n\nPages shaped like §4.3, for the "
                                  "cost curve of `make bench`.\n", encoding="utf-8")
    toc = ["format: jb-book", "root: index", "chapters:"]
    toc += [f"- file: chapter_bench/page_{i:03d}" for i in range(1, n + 1)]
    (dst / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return dst


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[3:] not in ([], ["imports"], ["4.3"]):
        sys.exit(__doc__)
    print(make_book(Path(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]))
