"""Execute each page once per framework, in that framework's kernel: what the cache lacks.

:func:`execute_all` plans the runs (one per page and framework that has code on the
page: :func:`tabbook.stages.cache.plan`, which computes their content-hash keys), takes
every run the execution cache (:mod:`tabbook.stages.cache`) holds from it, and executes
the others: all notebooks of a build concurrently (one kernel each) in one event loop,
each stored in the cache once it succeeded. A run's outputs are made machine-free
(:func:`sanitize`), capped and masked; a cell that fails is a :class:`BookError` naming
the page, the cell, its line and what it was under (an exercise, a heading).

A build whose cache holds every run needs no framework at all, and one with a gap
creates only the environments the gap needs. With ``TABBOOK_WARM_KERNELS=1`` each page's
kernel is forked from a process per framework that imported it once
(:mod:`tabbook.stages.warm`).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import nbformat

from ..core import nbfast
from ..core.errors import BookError
from ..core.frameworks import FRAMEWORKS, Framework
from ..core.layout import Layout
from ..core.myst_markdown import directive_of
from ..core.myst_markdown import tokens as myst_tokens
from ..core.outputs import guard_outputs, mask_text, secret_values
from ..core.procs import descendants, kill_tree
from ..core.signals import kernel_folder, run_cancellable
from ..sources.config import BookConfig
from ..sources.envs import env_root
from ..sources.source import Page
from . import run_notes, warm
from .cache import SETUP_CODE, Run, framework_notebook, load_cached, plan, store

NO_EXECUTE = "TABBOOK_NO_EXECUTE"  # set (non-empty): a run the cache lacks is an error
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _context(page: Page, cell_index: int) -> str:
    """What a reader would call the place of a cell: the exercise or heading it is under."""
    heading = label = None
    for cell in page.cells:
        if cell.index >= cell_index:
            break
        if cell.kind != "markdown":
            continue
        toks = myst_tokens(cell.source)
        for i, tok in enumerate(toks):
            d = directive_of(tok)
            if d is not None and d.name in ("exercise-start", "solution-start"):
                label = (d.name.split("-")[0], d.arg or d.options.get("label") or None)
            elif d is not None and d.name in ("exercise-end", "solution-end"):
                label = None
            elif tok.type == "heading_open":
                heading = toks[i + 1].content.strip()
    if label:
        kind, name = label
        return f"{kind} {name}" if kind == "exercise" else f"solution of {name}"
    return f"section '{heading}'" if heading else ""


def sanitize(text: str, root: Path) -> str:
    """Replace build-machine paths in an output by stable, machine-free ones."""
    replacements = [
        (str(env_root()), "<envs>"),
        (str(Path(root).resolve()), "<book>"),
        (os.path.expanduser("~"), "~"),
    ]
    for old, new in replacements:
        if old and old != "/":
            text = text.replace(old, new)
    return text


def _merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks: how a kernel splits them is timing."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (prev is not None and out.get("output_type") == "stream"
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def _sanitize_outputs(nb: nbformat.NotebookNode, root: Path) -> None:
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = _merge_streams(cell.outputs)
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = sanitize(out["text"], root)
            if "traceback" in out:
                out["traceback"] = [sanitize(t, root) for t in out["traceback"]]
            if "evalue" in out:
                out["evalue"] = sanitize(out["evalue"], root)
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    out["data"][mime] = sanitize(value, root)
        cell.metadata.pop("execution", None)


def _error_of(nb: nbformat.NotebookNode) -> tuple[int, str] | None:
    """An error output in a cell not tagged ``raises-exception`` (never published)."""
    for i, cell in enumerate(nb.cells):
        if "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, f"{out.get('ename')}: {out.get('evalue')}"
    return None


def _last_frames(traceback: str, root: Path, lines: int = 12) -> str:
    """The end of a cell's traceback: what explains an exception that has no message."""
    text = sanitize(ANSI_RE.sub("", traceback), root).rstrip().splitlines()
    return "\n".join("    " + ln for ln in text[-lines:])


def _fail(run: Run, nbcell, what: str, traceback: str = "", detail: str = "") -> BookError:
    info = nbcell.metadata.get("tabbook", {}) if nbcell is not None else {}
    cell_index, line = info.get("cell"), info.get("line")
    # IPython names the failing line of the cell: "Cell In[3], line 2"
    m = re.findall(r"Cell In\[\d+\], line (\d+)", ANSI_RE.sub("", traceback))
    if m and line:
        line += int(m[-1]) - 1
    where = _context(run.page, cell_index) if cell_index else ""
    return BookError(what + (f" (in {where})" if where else "") + detail, path=run.page.relpath,
                     cell=cell_index, line=line, framework=run.framework.name)


def kernel_env(root: Path, fw: Framework) -> dict:
    """The environment a kernel of ``fw`` runs with (the same for every page)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(root).resolve()),
                                                        env.get("PYTHONPATH")]))
    env["PYTHONHASHSEED"] = "0"
    for name in ("MPLBACKEND", warm.WARM_ENV):  # (a warm kernel looks like a fresh one)
        env.pop(name, None)
    if fw.device == "cpu":
        # a CPU framework ignores a GPU the machine has: the same bytes on every machine
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


async def _execute(run: Run, root: Path, cfg: BookConfig, live: set | None = None,
                   servers: warm.WarmServers | None = None) -> None:
    # (imported here: a build that executes nothing, a no-op one, does without them)
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = framework_notebook(run.page, run.framework)
    setup = nbfast.code_cell(SETUP_CODE + run.framework.seed)
    setup.metadata["tabbook"] = {"setup": True}
    nb.cells.insert(0, setup)
    probe = run.framework.device != "cpu"
    if probe:  # which device the framework computed on, said by the run's last output
        nb.cells.append(nbfast.code_cell(f"print({run.framework.device_probe})"))
        nb.cells[-1].metadata["tabbook"] = {"setup": True}
    run_notes.watch(nb)  # (its cell is last: collected first)
    current: dict = {"cell": None}
    tree: dict = {"session": None, "known": {}}  # the kernel's processes (tabbook.core.procs)

    def on_cell_execute(cell, cell_index):
        current["cell"] = cell
        if tree["session"] is None:
            tree["session"] = _kernel_session(client)

    def on_cell_executed(cell, cell_index, execute_reply):
        # while the kernel lives: what it started (a process in a session of its own is
        # found only as its descendant, and only before the kernel exits)
        if tree["session"]:
            tree["known"].update(descendants(tree["session"]))

    env = kernel_env(root, run.framework)
    client = NotebookClient(
        nb, kernel_name=run.framework.kernel, timeout=cfg.timeout,
        resources={"metadata": {"path": str(run.page.path.parent)}},
        on_cell_execute=on_cell_execute, on_cell_executed=on_cell_executed,
        record_timing=False,
        startup_timeout=max(120, cfg.timeout // 5))
    # IPC sockets instead of TCP: local only, and the kernel does not warn about
    # unencrypted TCP on every start
    client.km = client.create_kernel_manager()
    if servers is not None:  # a kernel forked by this build's warm server
        servers.bind(client.km, run.framework)
    client.km.transport = "ipc"
    if live is not None:
        live.add(client)  # so an interruption can stop its kernel at once
    sockets = kernel_folder()
    client.km.ip = os.path.join(sockets, "k")
    # The kernel's own stderr (TensorFlow's and absl's start-up lines, echoes of what the
    # cells print) goes to a log file, not into the build's output; what a cell prints is
    # in the notebook, and its errors fail the build by name.
    stderr_log = kernel_log(root, cfg, run)
    stderr_log.parent.mkdir(parents=True, exist_ok=True)
    kernel_stderr = open(stderr_log, "wb")
    # the connection file holds the kernel's key: keep it in the folder removed below
    client.km.connection_file = os.path.join(sockets, "kernel.json")
    try:
        await client.async_execute(env=env, stderr=kernel_stderr)
    except CellTimeoutError:
        raise _fail(run, current["cell"], f"cell did not finish within {cfg.timeout} s "
                    "(tabbook.timeout in _config.yml)") from None
    except DeadKernelError as exc:
        raise _fail(run, current["cell"], f"the kernel died: {exc}; its stderr is in "
                    f"{stderr_log}{_tail(stderr_log)}") from None
    except CellExecutionError as exc:
        what, detail = f"{exc.ename}: {sanitize(exc.evalue, root)}", ""
        if not (exc.evalue or "").strip():  # `assert x`: the traceback is all there is
            what += "(no message)"
            detail = "; the end of its traceback:\n" + _last_frames(exc.traceback, root)
        secrets = secret_values()  # build logs are published too (CI)
        what, detail = mask_text(what, secrets)[0], mask_text(detail, secrets)[0]
        raise _fail(run, current["cell"], what, exc.traceback, detail) from None
    except Exception as exc:  # a kernel that cannot start, a missing kernelspec, ...
        cell = current["cell"]
        if cell is not None and cell.metadata.get("tabbook", {}).get("setup"):
            cell = None
        raise _fail(run, cell, f"{type(exc).__name__}: {exc}") from None
    finally:
        if tree["session"]:  # a daemon a cell started does not outlive the build
            kill_tree(tree["session"], tree["known"])
        kernel_stderr.close()
        shutil.rmtree(sockets, ignore_errors=True)
        if live is not None:
            live.discard(client)
    nb.cells.pop(0)
    run.reads = run_notes.collect(nb, run, root)
    if probe:
        said = "".join(o.get("text", "") for o in nb.cells.pop().get("outputs", [])).strip()
        run.device = said or "unknown"
        if nb.cells:
            nb.cells[-1].outputs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"[{run.framework.label} ran on: {run.device}]\n"))
    _sanitize_outputs(nb, root)
    guard_outputs(nb)
    err = _error_of(nb)
    if err:  # e.g. a cell that errored while allow_errors was set by a notebook
        raise _fail(run, nb.cells[err[0]], err[1])
    run.notebook = nb


def _kernel_session(client) -> int | None:
    """The kernel's pid when it leads a session of its own (jupyter_client starts it so),
    else ``None``: killing its session then would kill the build's own."""
    provisioner = getattr(client.km, "provisioner", None)
    pid = warm.kernel_pid(client.km.connection_file) or getattr(
        getattr(provisioner, "process", None), "pid", None)
    try:
        if pid and os.getsid(pid) == pid and pid != os.getsid(0):
            return pid
    except OSError:
        pass
    return None


def kernel_log(root: Path, cfg: BookConfig, run: Run) -> Path:
    """Where the kernel of ``run`` writes its stderr (overwritten by the next run)."""
    logs = Layout(root, cfg.cache_dir).kernel_logs
    return logs / f"{run.page.docname}.{run.framework.name}.log"


def _tail(path: Path, lines: int = 15) -> str:
    """The last lines of a kernel's stderr, for an error message ('' when empty)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    except OSError:
        return ""
    return ("; its last lines:\n" + "\n".join(text.splitlines()[-lines:])) if text else ""


def library_digest(root: Path) -> dict[str, str]:
    """sha256 of each file of the book's ``d2l/`` package (relative path -> digest)."""
    base = Path(root) / "d2l"
    return {p.relative_to(Path(root)).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(base.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts} if base.is_dir() else {}


def library_changes(root: Path, before: dict[str, str]) -> list[str]:
    """The files of ``d2l/`` added, changed or removed since :func:`library_digest` was
    ``before``."""
    after = library_digest(root)
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def execute_all(pages: list[Page], root: Path, cfg: BookConfig, log=print,
                frameworks=FRAMEWORKS, before_execute=None) -> dict[tuple[str, str], Run]:
    """Execute (or load from the cache) every page in every framework, concurrently.

    ``before_execute(frameworks)`` is called once, only when some run must execute (after
    the cache was read, so an unreadable entry counts), with the frameworks (table order)
    that have runs to execute: e.g. to create and register only their environments.
    Returns runs keyed by (docname, framework name). Raises the first BookError
    after all runs have finished, so one failure does not leave kernels behind.
    """
    runs = plan(pages, root, frameworks)
    todo = []
    for run in runs:
        if load_cached(run, root, cfg, log):
            log(f"[tabbook] cached    {run.page.relpath} [{run.framework.name}] 0.0 s")
            run_notes.warn(run, run.notebook, root, log)
        else:
            todo.append(run)

    library = library_digest(root)
    running: set[str] = set()

    async def one(run: Run, sem: asyncio.Semaphore):
        async with sem:
            start = time.perf_counter()
            where = f"{run.page.relpath} [{run.framework.name}]"
            running.add(where)
            try:
                await _execute(run, root, cfg, live, servers)
            finally:
                run.seconds = time.perf_counter() - start
                also = sorted(running - {where})
                running.discard(where)
            changed = library_changes(root, library)
            if changed:  # no cache entry: the run saw a library that is not the book's
                raise BookError(
                    f"{', '.join(changed)} changed while this page ran"
                    + (f" (alongside {', '.join(also)})" if also else "")
                    + ": a cell wrote into the d2l library, which every later page and the "
                    "translated editions import; write elsewhere (a temporary folder), then "
                    "restore the library (`git checkout d2l/` or `make lib`)",
                    path=run.page.relpath, framework=run.framework.name)
            store(run, root, cfg)
            log(f"[tabbook] executed  {run.page.relpath} [{run.framework.name}] "
                f"{run.seconds:.1f} s" + (f" on {run.device}" if run.framework.device != "cpu"
                                          else ""))
            run_notes.warn(run, run.notebook, root, log)

    live: set = set()  # the NotebookClients running
    servers: warm.WarmServers | None = None

    def stop_at_once():
        # an interrupted run's kernel is killed, not asked to finish its cell first
        for client in live:
            client.shutdown_kernel = "immediate"

    async def main():
        sem = asyncio.Semaphore(cfg.jobs)
        return await asyncio.gather(*(one(r, sem) for r in todo), return_exceptions=True)

    if todo and os.environ.get(NO_EXECUTE):
        lacking = ", ".join(f"{r.page.relpath} [{r.framework.name}]" for r in todo[:8])
        raise BookError(f"the execution cache lacks {len(todo)} runs ({lacking}"
                        f"{', ...' if len(todo) > 8 else ''}) and {NO_EXECUTE} is set, so "
                        "this build executes nothing: run `make execute FRAMEWORK=<name>` for "
                        "them (or copy in the cache shards of the jobs that did)")
    if todo:
        needed = [fw for fw in frameworks if any(r.framework.name == fw.name for r in todo)]
        log(f"[tabbook] the cache lacks {len(todo)} of {len(runs)} runs; executing them in "
            + ", ".join(f"{fw.name} ({sum(r.framework.name == fw.name for r in todo)})"
                        for fw in needed)
            + (": only these frameworks' environments and kernels are needed"
               if len(needed) < len(FRAMEWORKS) else ""))
        if before_execute is not None:
            before_execute(needed)
        if warm.enabled():  # one process per framework imports it once, forks each kernel
            servers = warm.WarmServers()
    else:
        log(f"[tabbook] all {len(runs)} runs are in the cache: executing nothing, "
            "no framework environment needed")
    if todo:
        # SIGINT/SIGTERM cancel every run (kernels shut down) and raise signals.Interrupted
        try:
            if servers is not None:
                servers.start_all(needed, root, lambda fw: kernel_env(root, fw),
                                  lambda fw: warm.server_log(root, cfg.cache_dir, fw))
            results = run_cancellable(main, stop_at_once)
        finally:
            if servers is not None:
                servers.close()
        errors = [e for e in results if isinstance(e, BaseException)]
        if errors:
            for e in errors[1:]:
                log(f"[tabbook] also failed: {e}")
            raise errors[0]
    return {(r.page.docname, r.framework.name): r for r in runs}
