"""What the tabbook stages hand to the Sphinx side: one object, stored on the environment.

:func:`tabbook.sphinxext.sphinx_ext` fills a :class:`BuildState` at ``builder-inited`` (settings,
pages, executed runs, merged notebooks) and keeps it as ``env.tabbook``, as myst-nb
keeps ``env.mystnb_config``; every later handler (source-read, section numbers, Colab
notebooks and buttons) reads it from there with :func:`state_of`. Executed notebooks
are re-read from the cache at every build, so they are not pickled into the saved
environment; only what must outlive a build (:attr:`BuildState.page_digests`) is.
This module does not import Sphinx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

from ..sources.config import BookConfig
from ..sources.source import Page

ENV_ATTR = "tabbook"


@dataclass
class BuildState:
    config: BookConfig = field(default_factory=BookConfig)
    pages: dict[str, Page] = field(default_factory=dict)
    """docname -> page, in book order."""
    runs: dict = field(default_factory=dict)
    """(docname, framework name) -> :class:`tabbook.stages.cache.Run` (in a translated
    edition, with the exercise checks' outputs in its language)."""
    language_runs: list = field(default_factory=list)
    """The :class:`tabbook.stages.language_runs.LanguageRun` whose outputs ``runs`` show."""
    merged: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    """docname -> the tabbed notebook myst-nb renders."""
    colab: dict[str, list[str]] = field(default_factory=dict)
    """docname -> frameworks with a Colab notebook (empty when none are written)."""
    ready: bool = False
    """True once the stages ran in this process (False in a state read back from disk)."""
    page_digests: dict[str, str] = field(default_factory=dict)
    """docname -> the hash of everything the page was last read from (kept from build to
    build; :func:`tabbook.stages.freshness.page_digest`)."""

    def __getstate__(self) -> dict:
        # the rest is rebuilt at every builder-inited: keep the pickled environment small
        return {"page_digests": self.page_digests}

    def __setstate__(self, state: dict) -> None:
        self.__init__(page_digests=dict(state.get("page_digests") or {}))


def state_of(env) -> BuildState:
    """The build's state on a Sphinx environment (an empty one before the stages ran)."""
    state = getattr(env, ENV_ATTR, None)
    if not isinstance(state, BuildState):
        state = BuildState()
        setattr(env, ENV_ATTR, state)
    return state
