"""Outputs in the reader's language: the exercise checks, printed again per edition.

A solution's self-check cell calls a checker of the book's library
(``assert exercises.check_exact_loss(exact_loss)``); the checker prints its verdict in the
language of ``d2l.exercises`` (``D2L_LANGUAGE``). The framework runs
(:mod:`tabbook.stages.execute`) print it in English, once for every edition. A translated
edition shows those cells' outputs as a *language run* printed them instead:

* **What runs.** A page's *language cells*, its code cells that call a checker
  (``exercises.check_<name>(``) and are executed (not ``skip-execution``: the in-page
  runner's cells are the reader's), in page order, in one plain Python process (the
  build's own interpreter, with the book's ``d2l`` package and no framework: importing
  one is refused) with ``D2L_LANGUAGE`` set to the edition's language. Nothing of a
  framework runs a second time; the checkers are plain Python (``d2l/exercises.py``).
* **Why it can stand in.** The same cells run in English too, and what they print there
  must be exactly what each framework's run printed for them; a cell whose output needs
  more than plain Python (a framework's value, a plot) fails the build, naming the cell.
  The translated edition's notebooks and pages then show the language run's outputs in
  those cells, with the framework run's execution counts.
* **Cache.** Each language run is one entry of the execution cache,
  ``exec/<key>.ipynb`` beside the framework runs (docs/cache.md): its key is the hash of
  :data:`VERSION`, the language, the interpreter's Python version, the cells' code, the
  page's folder, the files it declares, the library's plain-Python files (``d2l/*.py``
  but the frameworks' modules) and the catalogs of the language (``d2l/locales/
  <language>/``). A language run needs no framework, so it runs wherever the translated
  edition is built (with ``TABBOOK_NO_EXECUTE=1`` too), in well under a second.

This module does not import Sphinx.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..core import nbfast
from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import FRAMEWORKS
from ..core.outputs import guard_outputs
from ..sources.config import BookConfig
from ..sources.source import Cell, Page
from .cache import Run, cache_path
from .execute import sanitize

VERSION = "1"
"""Raised when what a language run's entry holds changes."""
STAMP = "tabbook_language_entry"
"""Notebook metadata of a language run's cache entry: key, language, digest of its cells."""
CHECK_CALL_RE = re.compile(r"\bexercises\.check_\w+\s*\(")
SKIP = "skip-execution"
SOURCE_LANGUAGE = "en"
FRAMEWORK_MODULES = sorted({name for fw in FRAMEWORKS
                            for name in (fw.module, *re.split(r"[,\s]+", fw.import_name))
                            if name} | {f"d2l.{fw.module}" for fw in FRAMEWORKS}
                           | {"jaxlib", "flax", "optax", "keras"})
"""What a language run may not import: the frameworks and the library's modules for them."""

DRIVER = r'''
import ast, contextlib, io, json, sys, traceback

BLOCKED = set(json.loads(sys.argv[1]))

class NoFramework:
    """Refuse to import a framework: a language run is plain Python."""
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED or name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"{name} is a framework, and this cell's output is "
                                      "printed again in plain Python", name=name)
        return None

sys.meta_path.insert(0, NoFramework())
cells = json.load(sys.stdin)
from d2l import exercises  # (bound as in the page's runner: tabbook's d2l/inpage.py)
namespace = {"__name__": "__main__", "exercises": exercises}
results = []
for number, source in enumerate(cells):
    out, err = io.StringIO(), io.StringIO()
    result = error = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"<cell {number}>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"<cell {number}>", "eval"),
                             namespace)
                result = None if value is None else repr(value)
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
    results.append({"stdout": out.getvalue(), "stderr": err.getvalue(), "result": result,
                    "error": error})
    if error:
        break
sys.__stdout__.write(json.dumps(results))
'''
"""The program of a language run: the cells (JSON on stdin) in one namespace, each one's
stdout, stderr and last expression's value (JSON on stdout)."""


@dataclass
class LanguageRun:
    """A page's language cells run in plain Python in one language."""

    page: Page
    language: str
    key: str
    cells: list[Cell]
    notebook: nbformat.NotebookNode | None = None
    cached: bool = False


def language_cells(page: Page) -> list[Cell]:
    """The page's code cells that call a checker and are executed, in order."""
    return [c for c in page.cells if c.kind == "code" and SKIP not in c.tags
            and CHECK_CALL_RE.search(c.source)]


def _library_files(root: Path, language: str) -> list[Path]:
    lib = Path(root) / "d2l"
    modules = {f"{fw.module}.py" for fw in FRAMEWORKS}
    files = sorted(p for p in lib.glob("*.py") if p.name not in modules)
    if language != SOURCE_LANGUAGE:
        files += sorted(p for p in (lib / "locales" / language).rglob("*")
                        if p.is_file() and p.suffix in (".po", ".mo"))
    return files


def language_key(page: Page, cells: list[Cell], language: str, root: Path) -> str:
    """The cache key of ``page``'s language run in ``language`` (see the module's docstring)."""
    root = Path(root)
    h = hashlib.sha256()
    h.update(json.dumps({
        "kind": "language run", "version": VERSION, "language": language,
        "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
        "cells": [c.source for c in cells], "folder": Path(page.relpath).parent.as_posix(),
    }, sort_keys=True).encode())
    for path in _library_files(root, language):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for rel, path in zip(page.depends, page.dependency_paths()):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).digest()
            h.update(b"depends\0" + rel.encode() + b"\0" + digest)
    return h.hexdigest()


def _digest(nb: nbformat.NotebookNode) -> str:
    return hashlib.sha256(json.dumps(nb.cells, sort_keys=True).encode()).hexdigest()


def _load(run: LanguageRun, root: Path, cfg: BookConfig, log) -> bool:
    """Fill ``run.notebook`` from its cache entry; a damaged or foreign one is a miss."""
    path = cache_path(root, cfg, run.key)
    if not path.is_file():
        return False
    try:
        nb = nbformat.read(path, as_version=4)
        stamp = nb.metadata.pop(STAMP, None)
        sound = (isinstance(stamp, dict) and stamp.get("key") == run.key
                 and stamp.get("language") == run.language
                 and stamp.get("cells_sha256") == _digest(nb)
                 and [c.source for c in nb.cells] == [c.source for c in run.cells])
    except Exception:  # JSON, validation, encoding: whatever a damaged file gives
        sound = False
    if not sound:
        log(f"[tabbook] warning: the cache entry {path} of {run.page.relpath} [language "
            f"{run.language}] is corrupt; deleted it, running it again")
        path.unlink(missing_ok=True)
        return False
    run.notebook, run.cached = nb, True
    return True


def _execute(run: LanguageRun, root: Path, cfg: BookConfig) -> None:
    root = Path(root).resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "D2L_"))}
    env.update(PYTHONPATH=str(root), PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1",
               D2L_LANGUAGE=run.language)
    try:
        res = subprocess.run([sys.executable, "-B", "-s", "-c", DRIVER,
                              json.dumps(FRAMEWORK_MODULES)],
                             input=json.dumps([c.source for c in run.cells]),
                             capture_output=True, text=True, cwd=run.page.path.parent,
                             env=env, timeout=cfg.timeout)
        results = json.loads(res.stdout)
    except subprocess.TimeoutExpired:
        raise BookError(f"the exercise checks did not finish within {cfg.timeout} s when "
                        f"run in plain Python for the {run.language} edition",
                        path=run.page.relpath) from None
    except ValueError:
        raise BookError(f"the exercise checks could not run in plain Python for the "
                        f"{run.language} edition: {res.stderr.strip()[-2000:]}",
                        path=run.page.relpath) from None
    nb = nbfast.notebook()
    for cell, result in zip(run.cells, results):
        if result["error"]:
            raise BookError(
                f"this cell calls an exercise checker, so it runs again in plain Python "
                f"(no framework) to print the {run.language} edition's output, and there it "
                f"raised {sanitize(result['error'], root)}; keep a cell that calls "
                "`exercises.check_...` to plain Python (lists and loops, the `exercises` "
                "module), or check in a cell of its own",
                path=run.page.relpath, cell=cell.index, line=cell.line)
        nbcell = nbfast.code_cell(cell.source)
        nbcell.metadata["tabbook"] = {"cell": cell.index}
        outputs = [nbformat.v4.new_output("stream", name=name, text=sanitize(result[name], root))
                   for name in ("stdout", "stderr") if result[name]]
        if result["result"] is not None:
            outputs.append(nbformat.v4.new_output(
                "execute_result", data={"text/plain": sanitize(result["result"], root)}))
        nbcell.outputs = outputs
        nb.cells.append(nbcell)
    guard_outputs(nb)
    nb.metadata[STAMP] = {"key": run.key, "language": run.language, "cells_sha256": _digest(nb)}
    write_atomic(cache_path(root, cfg, run.key), nbfast.writes(nb))
    nb.metadata.pop(STAMP)
    run.notebook = nb


def language_run(page: Page, language: str, root: Path, cfg: BookConfig,
                 log=print) -> LanguageRun | None:
    """``page``'s language run in ``language``, from the cache or run now (``None``: the
    page has no language cells)."""
    cells = language_cells(page)
    if not cells:
        return None
    run = LanguageRun(page, language, language_key(page, cells, language, root), cells)
    if not _load(run, root, cfg, log):
        _execute(run, root, cfg)
        log(f"[tabbook] ran       {page.relpath} [language {language}] (plain Python: the "
            "exercise checks)")
    return run


def _printed(outputs) -> tuple[str, str, str | None, int]:
    """What a cell printed: stdout, stderr, its value's text, and how many other outputs."""
    text = {"stdout": "", "stderr": ""}
    value, other = None, 0
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") in text:
            text[out["name"]] += out.get("text", "")
        elif kind == "execute_result" and value is None:
            value = out.get("data", {}).get("text/plain")
        else:
            other += 1
    return text["stdout"], text["stderr"], value, other


def localize(pages: list[Page], runs: dict, root: Path, cfg: BookConfig, language: str,
             log=print) -> tuple[dict, list[LanguageRun]]:
    """``runs`` ((docname, framework name) -> :class:`~tabbook.stages.cache.Run`, or an
    executed notebook, or ``None``) with each language cell's outputs as the language run
    in ``language`` printed them (copies: ``runs`` is left as it was); and the language
    runs (English and ``language``) whose cache entries this used."""
    out, used = dict(runs), []
    for page in pages:
        english = language_run(page, SOURCE_LANGUAGE, root, cfg, log)
        if english is None:
            continue
        translated = language_run(page, language, root, cfg, log)
        used += [english, translated]
        said = {c.metadata["tabbook"]["cell"]: c for c in english.notebook.cells}
        new = {c.metadata["tabbook"]["cell"]: c for c in translated.notebook.cells}
        for fw in FRAMEWORKS:
            run = runs.get((page.docname, fw.name))
            nb = getattr(run, "notebook", run)
            if nb is None:
                continue
            nb = copy.deepcopy(nb)
            for cell in nb.cells:
                index = cell.metadata.get("tabbook", {}).get("cell")
                if index not in said:
                    continue
                if _printed(cell.get("outputs", [])) != _printed(said[index].outputs):
                    source = next(c for c in english.cells if c.index == index)
                    raise BookError(
                        "this cell calls an exercise checker, so it runs again in plain "
                        "Python to print each edition's output, and there it prints other "
                        f"output than the {fw.label} run did: keep a cell that calls "
                        "`exercises.check_...` to plain Python whose output does not "
                        "depend on the framework (or check in a cell of its own)",
                        path=page.relpath, cell=index, line=source.line, framework=fw.name)
                cell.outputs = copy.deepcopy(new[index].outputs)
                for output in cell.outputs:
                    if output.get("output_type") == "execute_result":
                        output["execution_count"] = cell.get("execution_count")
            out[(page.docname, fw.name)] = (dataclasses.replace(run, notebook=nb)
                                            if isinstance(run, Run) else nb)
    return out, used
