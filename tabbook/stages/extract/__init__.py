"""The ``#@save`` extractor: build ``d2l/<module>.py`` for each framework.

For every framework of :data:`tabbook.core.frameworks.FRAMEWORKS`, the sources are read in
``_toc.yml`` order and each code cell of that framework is scanned for ``#@save``:

* ``#@save`` at the end of the first line of a top-level statement (a decorator line
  counts as the first line) saves that whole statement.
* ``@d2l.add_to_class(X)  #@save`` (or ``@add_to_class(X)``) folds the function into
  the body of library class ``X``; a later method of the same name replaces the
  earlier one in place, so the generated class reads as one class.
* A later top-level ``def``/``class`` with the same name replaces the earlier one (in
  place, or at its own position where its base classes or decorators are defined only
  after the earlier one). Replacing a class drops the methods folded into the old one,
  as re-running the cell does in a notebook.
* Every saved definition carries a ``# Defined in Section ...`` provenance comment.
* Imports: the top-level imports of every cell that saves something (and saved
  imports), sorted and deduplicated; ``from d2l import ...`` is never copied.

Mistakes are :class:`BookError` naming file, cell and line: syntax errors, ``#@save``
on an indented line, ``add_to_class`` of a class the library does not define, names
the library does not define (bare names and ``d2l.X``), names used at import time
before the library defines them, and ``_toc.yml`` problems (see :mod:`tabbook.sources.toc`).

One module per step, each importing only the ones before it (as nbdev splits
``process`` / ``export`` / ``maker``):

1. :mod:`~tabbook.stages.extract.names`: which names a statement takes from the module;
2. :mod:`~tabbook.stages.extract.cells`: a code cell's ``#@save`` statements;
3. :mod:`~tabbook.stages.extract.imports`: the imports the library gathers;
4. :mod:`~tabbook.stages.extract.assemble`: one framework's library, folded and in order;
5. :mod:`~tabbook.stages.extract.checks`: what the saved code uses exists, in time;
6. :mod:`~tabbook.stages.extract.write`: extract, format, write or compare.

The command line is ``python -m tabbook lib`` (:mod:`tabbook.cli`).
"""

from .write import LIB_DIR, LINE_LENGTH, check_library, extract_library, shown_path, write_library

__all__ = ["LIB_DIR", "LINE_LENGTH", "check_library", "extract_library", "shown_path",
           "write_library"]
