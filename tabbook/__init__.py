"""tabbook: build a multi-framework D2L-style Jupyter Book.

Layers (each imports only the ones above it in this list):

1. ``frameworks``  - the framework table (data, no logic)
2. ``config``, ``source``, ``envs`` - configuration, reading MyST notebooks,
   per-framework virtual environments and kernels
3. ``extract`` (the ``#@save`` library), ``execute`` (per-framework runs with a
   content-hash cache), ``merge`` (executed runs -> one tabbed notebook),
   ``colab`` (standalone notebooks)
4. front ends: ``cli`` (what ``make`` calls) and ``sphinx_ext`` (Jupyter Book)

Only the front end imports Sphinx: ``sphinx_ext`` and the ``setup`` functions of its
helpers ``reader`` (offline assets, accessibility), ``offline`` (MathJax served from
the book) and ``sphinx_colab`` (the Colab button).
"""

__version__ = "0.1.0"
