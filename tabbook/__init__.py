"""tabbook: build a multi-framework D2L-style Jupyter Book.

Layers (each imports only the ones above it in this list):

1. ``frameworks``  - the framework table (data, no logic); ``layout`` (every path under
   the build folder), ``errors``, ``files`` (atomic writes) and ``digest`` (the hash of
   the tool itself and of the environment that reaches the output) beside it
2. ``config`` (the settings, validated at load), ``source`` (one MyST notebook),
   ``toc`` and ``book`` (every page of the book: :func:`tabbook.book.read_book`),
   ``envs`` (per-framework virtual environments and kernels), ``i18n`` (translated
   editions: the language table, the catalogs, translating MyST message by message)
3. one package or module per stage: ``extract`` (the ``#@save`` library),
   ``execute`` (per-framework runs with a content-hash cache; ``outputs`` caps and
   masks what they record, ``signals`` stops them whole), ``merge`` (executed
   runs -> one tabbed notebook), ``colab`` (standalone notebooks, with
   ``myst_markdown`` turning MyST into plain Markdown), ``publish`` (the site, the
   notebooks tree and the library's wheel, assembled and checked against each other),
   ``freshness`` (what rebuilds a page: the input stamp, each page's content digest)
4. front ends: ``cli`` (``python -m tabbook <command>``, the only entry point: what
   ``make`` calls; ``lock``: one at a time) and ``sphinx_ext``
   (Jupyter Book), which hands the stages' results to its handlers as one
   ``sphinx_state.BuildState``; ``pdf`` (``make pdf``: the built book printed per
   framework by headless Chromium)

Only the front end imports Sphinx: ``sphinx_ext`` and the ``setup`` functions of its
helpers ``reader`` (offline assets, accessibility, the framework before the first
paint), ``offline`` (MathJax served from the book) and ``sphinx_colab`` (the Colab
button) and ``sphinx_i18n`` (every edition's Sphinx run, language switch and
untranslated-message report); ``sphinx_state`` does not, nor ``icons`` (the theme's icons as CSS, called by
``reader`` on the built pages).
"""

__version__ = "0.1.0"
