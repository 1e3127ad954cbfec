"""The framework table: the one place that says which frameworks the book has.

Everything else (tabs, kernels, environments, the generated library, Colab
notebooks) is driven by this table; there are no ``if fw == "mxnet"`` chains.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    name: str
    """Name used in ``%%tab`` lines, sync ids, kernel names and URLs."""
    label: str
    """Tab label shown to readers."""
    module: str
    """Library module: ``d2l/<module>.py``, imported as ``from d2l import <module> as d2l``."""
    import_name: str
    """What the book's code imports of the framework itself (``import <import_name>``):
    the baseline of the import-time benchmark. For JAX that is JAX with Flax and Optax,
    which D2L's JAX code is written with."""
    requirements: str
    """Requirements file (relative to the book root) of this framework's build environment."""
    colab_requirements: tuple[str, ...]
    """What a Colab notebook installs beside ``d2l`` (Colab already has the rest)."""
    seed: str = ""
    """Code run (hidden) before a page executes, to make its outputs deterministic."""
    library_preamble: str = ""
    """Code the generated library runs before its imports (compatibility shims)."""
    python: str = "3.11"
    debian: tuple[str, ...] = ()
    """Debian packages of the shared libraries this framework's wheels load but do not ship
    (MXNet's ``libmxnet.so`` links the system's OpenMP and quadmath). Creating or using its
    environment installs them with apt-get when missing, as root (a ``debian:bookworm``
    container has neither); :mod:`tabbook.sources.system`."""
    device: str = "cpu"
    """Where this framework's pages run: ``"cpu"`` (the default: the kernel sees no GPU, so a
    build on a GPU machine gives the CPU build's bytes) or ``"gpu"`` (the kernel sees the
    machine's GPUs and the framework uses one when present; point ``requirements`` at a
    CUDA build). A GPU run is its own cache entry, and its output names the device."""
    device_probe: str = "'cpu'"
    """An expression, evaluated in the kernel after a ``"gpu"`` run, naming the device the
    framework computed on ("cpu" when it found no GPU)."""

    @property
    def kernel(self) -> str:
        return f"d2l-{self.name}"


# MXNet 1.9.1 uses numpy aliases that numpy 1.24 removed (np.bool, np.int, ...).
# Restoring them before mxnet is imported lets the library run on a current numpy,
# e.g. Colab's Python 3.12, where numpy 1.23 has no wheel.
MXNET_NUMPY_SHIM = """\
import numpy as _np

for _name, _alias in (("bool", bool), ("int", int), ("float", float),
                      ("complex", complex), ("object", object), ("str", str)):
    if _name not in _np.__dict__:
        setattr(_np, _name, _alias)
del _np, _name, _alias

import sys as _sys

if _sys.version_info >= (3, 12):
    # Python 3.12 removed distutils, which mxnet imports; importing setuptools makes
    # its copy importable (even right after `%pip install setuptools` in a kernel)
    import setuptools as _setuptools

    del _setuptools
del _sys
"""

FRAMEWORKS: tuple[Framework, ...] = (
    Framework("pytorch", "PyTorch", "torch", "torch", "envs/pytorch.txt", (),
              "import torch\ntorch.manual_seed(0)",
              device_probe="__import__('torch').cuda.get_device_name(0) "
                           "if __import__('torch').cuda.is_available() else 'cpu'"),
    # Colab's Python 3.12: mxnet 1.9.1 needs numpy < 2 (1.26 has 3.12 wheels, 1.23 has
    # none) and setuptools (MXNet imports distutils, which Python 3.12 no longer has).
    Framework("mxnet", "MXNet", "mxnet", "mxnet", "envs/mxnet.txt",
              ("mxnet==1.9.1", "numpy<2", "setuptools"),
              "import mxnet\nmxnet.random.seed(0)", MXNET_NUMPY_SHIM,
              debian=("libgomp1", "libquadmath0"),
              device_probe="f\"gpu ({__import__('mxnet').context.num_gpus()})\" "
                           "if __import__('mxnet').context.num_gpus() else 'cpu'"),
    Framework("jax", "JAX", "jax", "jax, flax.linen, optax", "envs/jax.txt", ("flax", "optax"), "",
              device_probe="__import__('jax').devices()[0].device_kind "
                           "if __import__('jax').default_backend() != 'cpu' else 'cpu'"),
    Framework("tensorflow", "TensorFlow", "tensorflow", "tensorflow", "envs/tensorflow.txt", (),
              "import tensorflow\ntensorflow.keras.utils.set_random_seed(0)",
              device_probe="(__import__('tensorflow').config.list_physical_devices('GPU') "
                           "or [None])[0] and __import__('tensorflow').config.experimental"
                           ".get_device_details(__import__('tensorflow').config"
                           ".list_physical_devices('GPU')[0]).get('device_name', 'gpu') or 'cpu'"),
)

DEVICES = ("cpu", "gpu")
if any(fw.device not in DEVICES for fw in FRAMEWORKS):
    raise ValueError(f"tabbook/core/frameworks.py: a framework's device must be one of {DEVICES}")

BY_NAME: dict[str, Framework] = {fw.name: fw for fw in FRAMEWORKS}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def parse_tab_spec(spec: str) -> tuple[str, ...]:
    """Parse ``"pytorch, mxnet"`` or ``"all"`` into framework names in table order.

    Raises ``ValueError`` naming the unknown framework; callers add file/cell/line.
    """
    names = [s.strip() for s in spec.replace(",", " ").split() if s.strip()]
    if not names:
        raise ValueError("`%%tab` needs at least one framework (or `all`)")
    if names == ["all"]:
        return NAMES
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ValueError(
            f"unknown framework {unknown[0]!r} in `%%tab {spec.strip()}`; "
            f"expected `all` or a comma-separated list of: {', '.join(NAMES)}")
    return tuple(n for n in NAMES if n in names)
