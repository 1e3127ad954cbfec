"""What the book's web pages run for an exercise cell (``static/tryit-worker.js``, Pyodide).

Not for notebooks: the in-page runner imports it once when Python has started, then calls
:func:`run` for each Run. Each Run starts afresh, and fast:

* a new namespace, with ``exercises`` bound (also for the self-check lines, whatever the
  reader's code deleted or rebound);
* a new ``d2l.exercises`` module, executed from code compiled once;
* every module imported since Python started imported again (their compiled code is kept:
  compiling, not running, is what re-importing costs), the modules imported before
  restored to their state then, and the builtins as they were; so what one exercise's code
  patches reaches no other Run;
* what the page cannot do (NumPy or a framework, ``input()``, ``exit()``) is said, in the
  page's language (the checkers' catalogs, ``d2l.po``), with what to do instead.
"""

from __future__ import annotations

import builtins
import re
import sys
import traceback
import types
import zipimport

_KEEP = ("pyodide", "_pyodide", "js", "pyodide_js")
"""Modules that are the runtime's own: never imported again."""
_HOME = "colab"
"""Where code that needs more than plain Python runs (the page's Colab link)."""

_code_cache: dict = {}


def _cached(get_code):
    """A loader's ``get_code`` that compiles each module once per Python."""
    def get(self, fullname):
        key = (type(self).__name__, getattr(self, "archive", None) or getattr(self, "path", ""),
               fullname)
        code = _code_cache.get(key)
        if code is None:
            code = _code_cache[key] = get_code(self, fullname)
        return code
    return get


zipimport.zipimporter.get_code = _cached(zipimport.zipimporter.get_code)  # (the stdlib)


class NotInThisPage(RuntimeError):
    """Something the page cannot do; its message says what to do instead."""


NotInThisPage.__module__ = "builtins"  # (a traceback names it without this module's name)


def _no_input(prompt=""):
    raise NotInThisPage(_("input() cannot read from the keyboard in this page: give your "
                          "function its values as arguments, or open the notebook in Colab."))


builtins.input = _no_input

_exercises_file = None
_exercises_code = None
_modules = frozenset()
_states: dict = {}
_builtins: dict = {}
_path: list = []
_ = str


def _snapshot() -> None:
    """The state each Run starts from: the modules, their contents, the builtins."""
    global _modules, _states, _builtins, _path
    _modules = frozenset(sys.modules)
    _states = {name: dict(m.__dict__) for name, m in sys.modules.items() if _restorable(m)}
    _builtins = dict(builtins.__dict__)
    _path = list(sys.path)


def _restorable(module) -> bool:
    """A pure-Python module whose contents a Run's code could patch (not this one)."""
    file = getattr(module, "__file__", None) or ""
    return file.endswith(".py") and module.__name__ not in (__name__, "d2l")


def _fresh():
    """Undo what the last Run's code left, and give this Run a new ``exercises``."""
    for name, module in list(sys.modules.items()):
        if name in _modules or name.split(".")[0] in _KEEP:
            continue
        if getattr(module, "__file__", None):  # (not a builtin or frozen module)
            del sys.modules[name]
    for name, state in _states.items():
        module = sys.modules.get(name)
        if module is not None and module.__dict__ != state:
            module.__dict__.clear()
            module.__dict__.update(state)
    for name in [n for n in builtins.__dict__ if n not in _builtins]:
        del builtins.__dict__[name]
    builtins.__dict__.update(_builtins)
    sys.path[:] = _path
    exercises = types.ModuleType("d2l.exercises")
    exercises.__file__ = _exercises_file
    sys.modules["d2l.exercises"] = exercises
    d2l = sys.modules["d2l"]
    d2l.exercises = exercises
    exec(_exercises_code, exercises.__dict__)
    return exercises


def start() -> None:
    """Called once, when Python has started: compile and warm what each Run needs."""
    global _exercises_file, _exercises_code
    import d2l
    from d2l import exercises

    _exercises_file = exercises.__file__
    with open(_exercises_file, encoding="utf-8") as f:
        _exercises_code = compile(f.read(), _exercises_file, "exec")
    for language in (exercises._ENGLISH, *exercises._catalog_languages()):  # (read once)
        exercises.set_language(language)
    del sys.modules["d2l.exercises"], d2l.exercises
    _snapshot()


def run(code: str, checks, language: str):
    """Run the reader's ``code``, then each line of ``checks``; their results (``None``:
    the code raised, and its traceback is printed)."""
    global _
    exercises = _fresh()
    exercises.set_language(language)
    _ = exercises._
    ns = {"__name__": "__main__", "exercises": exercises}
    results = []
    try:
        exec(compile(code, "<your code>", "exec"), ns)
        ns["exercises"] = exercises
        for line in checks:
            results.append(bool(eval(compile(line, "<self-check>", "eval"), ns)))
    except BaseException as exc:  # the reader's code may raise anything, or exit
        _report(exc)
        return None
    return results


_FRAMEWORKS = {"np": "numpy", "numpy": "numpy", "torch": "torch", "tf": "tensorflow",
               "tensorflow": "tensorflow", "jax": "jax", "jnp": "jax", "mxnet": "mxnet",
               "npx": "mxnet", "pd": "pandas", "plt": "matplotlib"}
"""Names a reader may use without importing them, and the package they stand for."""
_PACKAGES = {*_FRAMEWORKS.values(), "scipy", "sklearn", "PIL", "torchvision", "flax", "optax",
             "d2l.torch", "d2l.mxnet", "d2l.jax", "d2l.tensorflow"}
"""What the book's notebooks import and the page has not (a typo's module gets no advice)."""


def _report(exc: BaseException) -> None:
    """The traceback of the reader's code (no frame of this module), then what to do
    instead, if anything."""
    shown = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    shown.stack = traceback.StackSummary.from_list(
        [frame for frame in shown.stack if frame.filename != __file__])
    print("".join(shown.format()), end="", file=sys.stderr)
    advice = _advice(exc)
    if advice:
        print(advice, file=sys.stderr)


def _advice(exc: BaseException) -> str:
    missing = None
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        missing = next((m for m in (exc.name, top) if m in _PACKAGES), None)
    elif isinstance(exc, ImportError) and exc.name == "d2l":  # from d2l import torch
        found = re.match(r"cannot import name '(\w+)'", str(exc))
        if found and "d2l." + found.group(1) in _PACKAGES:
            missing = "d2l." + found.group(1)
    elif isinstance(exc, NameError) and getattr(exc, "name", None) in _FRAMEWORKS:
        missing = _FRAMEWORKS[exc.name]
    if missing:
        return _("{module} is not available in this page, which runs plain Python: write "
                 "your answer with lists and loops (the self-check passes lists), or open the "
                 "notebook in Colab to use {module}.").format(module=missing)
    if isinstance(exc, SystemExit):
        return _("The code called exit(): there is no program to end in this page. Remove "
                 "the call, and Run again.")
    return ""
