"""tabbook: build a multi-framework D2L-style Jupyter Book.

The tool is layered, one folder per layer; a module imports only modules of its own layer
or of the layers before it (:data:`LAYERS`, checked by ``tests/unit/test_layers.py``), and
nothing before the Sphinx layer imports Sphinx:

1. **base**, ``tabbook/core/``: the framework table (``frameworks``), every path under the
   build folder (``layout``), errors, atomic writes (``files``), notebooks built without
   schema checks (``nbfast``), capped and masked outputs (``outputs``), a kernel's process
   tree (``procs``), whole stops on signals (``signals``), one build at a time (``lock``),
   the hash of the tool and of the environment that reaches the output (``digest``), the
   one MyST reader (``myst_markdown``, myst-parser's markdown-it tokens), the warm kernel's
   script (``warm_kernel``), translated text escaped for where it lands (``escape``), the
   one headless Chromium and the one local HTTP server (``browser``: `make pdf` and the
   browser tests);
2. **sources**, ``tabbook/sources/``: the toc, one MyST notebook (``source``), every page of
   the book (``book``), the settings (``config``, the only reader of ``_config.yml``,
   validated at load by ``config_values``), per-framework environments (``envs``) and the
   Debian packages they load (``system``), the one apt installer (``apt``: those, the
   tests' Chromium and fonts, the workflow runner's debootstrap), every npm
   package the book and its tests take, each from a lock file (``npm``), the translated
   editions' table, their catalogs
   read and MyST translated by message (``i18n``), the catalogs compiled for a build
   (``catalog_build``), what is left to translate and the catalogs tidied after an update
   (``catalog_upkeep``), the catalogs' checks (``catalogs``; interface strings' own:
   ``ui_catalogs``), and the comments and docstrings of code as messages (``code_prose``);
3. **stages and outputs**, ``tabbook/stages/``: the ``#@save`` library (``extract``),
   the execution cache (``cache``: what a run is, its content-hash key, its entries),
   per-framework execution of what it lacks (``execute``; ``warm`` kernels, cache
   ``shards``, what each run read: ``run_notes``; the exercise checks printed again in
   each edition's language: ``language_runs``), tabbed notebooks (``merge``), Colab
   notebooks and launch links (``colab``, their first two cells: ``colab_cells``,
   ``launch``; a translated notebook's code is the
   English one's: ``notebook_code``), what rebuilds a page (``freshness``), the in-page
   exercise runner's assets (``tryit``, its npm sources in ``tryit_src/``), the formulas
   rendered at build time (``mathrender``, KaTeX, its npm sources in ``mathrender_src/``),
   the PDFs (``pdf``; the TrueType copies of fonts Chromium would print as Type 3:
   ``printfonts``), the files each build wrote (``sitefiles``), the published assembly
   (``publish``; the whole-book downloads it offers, PDFs and notebook zips: ``downloads``),
   and the build pipeline that ``make html`` and ``make lib`` run
   (``pipeline``);
4. **sphinx**, ``tabbook/sphinxext/``: the one way Sphinx is run (``sphinx_run``: the book's
   Jupyter Book configuration, every edition's build), the English messages and ``make
   translations`` (``sphinx_gettext``), the Jupyter Book extension (``sphinx_ext``, handed
   the stages' results as one ``sphinx_state.BuildState``), the reader's page (``reader``,
   ``icons``; the theme's English labels translated: ``theme_strings``; Chinese search that
   finds phrases: ``search_zh``), the formulas as HTML (``sphinx_math``), the Colab buttons
   (``sphinx_colab``), each section's "Discussions" link per framework
   (``sphinx_discuss``), the translated editions (``sphinx_i18n``; the language switch:
   ``lang_switch``, ``templates/``; the repository buttons: ``repo_buttons``; the
   solutions' titles: ``solution_titles``; the static files shared: ``shared_static``; the
   code cells' comments and docstrings: ``sphinx_code_prose``),
   the runnable exercise cells (``sphinx_tryit``), and every patch of pinned upstream
   internals (``compat``, the table; ``patches``, the patches that are code of their own;
   the compiled templates' cache: ``template_cache``);
5. **front end**, ``tabbook/`` itself: ``cli`` (``python -m tabbook <command>``, the only
   entry point: what ``make`` calls; it parses the arguments and dispatches, and nothing
   imports it) and ``__main__``.

The UI catalogs, ``tabbook/locales/`` (``sources.i18n.UI_LOCALES``), stay at the top.
"""

__version__ = "0.1.0"

LAYERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("base", "core", ("errors", "files", "frameworks", "layout", "nbfast", "outputs", "procs",
                      "signals", "lock", "digest", "myst_markdown", "warm_kernel", "escape",
                      "browser")),
    ("sources", "sources", ("toc", "source", "book", "i18n", "catalog_build", "catalog_upkeep",
                            "config_values", "config", "apt", "system", "envs", "npm",
                            "ui_catalogs",
                            "code_prose", "catalogs")),
    ("stages and outputs", "stages", ("extract", "warm", "run_notes", "cache", "execute",
                                      "language_runs",
                                      "merge", "launch", "notebook_code", "colab_cells", "colab",
                                      "shards",
                                      "freshness", "tryit", "mathrender", "printfonts", "pdf",
                                      "sitefiles", "downloads", "publish", "pipeline")),
    ("sphinx", "sphinxext", ("compat", "patches", "template_cache", "icons", "shared_static",
                             "sphinx_state", "sphinx_run", "sphinx_gettext", "search_zh",
                             "theme_strings", "reader",
                             "sphinx_math", "sphinx_ext", "sphinx_colab", "lang_switch",
                             "repo_buttons", "solution_titles", "sphinx_i18n", "sphinx_tryit",
                             "sphinx_code_prose", "sphinx_discuss")),
    ("front end", "", ("cli", "__main__")),
)
"""The tool's modules by layer, lowest first: (label, subpackage of ``tabbook`` that holds
the layer's modules, ``""`` for the front end at the top, module names in it)."""
