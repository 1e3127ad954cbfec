"""The library of *Dive into Deep Learning*, one module per framework.

The modules are generated from the book's ``#@save`` code by ``make lib``; import the
one for your framework::

    from d2l import torch as d2l       # PyTorch
    from d2l import mxnet as d2l       # MXNet
    from d2l import jax as d2l         # JAX
    from d2l import tensorflow as d2l  # TensorFlow

This package file imports no framework, so ``import d2l`` stays cheap.
"""

__version__ = "0.1.0"
