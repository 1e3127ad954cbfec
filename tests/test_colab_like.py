"""Colab-like test: every page's Colab notebook runs, top to bottom, on a Colab-like Python.

For each framework, a virtual environment holds what Colab has preinstalled: the
framework (MXNet is *not* preinstalled on Colab, so its environment has none), numpy,
matplotlib and ipykernel, on Colab's Python 3.12 (no setuptools: the MXNet notebook's
install cell brings it). Each page's notebook for that framework is generated as
`make colab` writes it, except that its install cell installs a ``d2l`` wheel built from
this repository (``$TABBOOK_D2L_PACKAGE``). It runs with nbclient in a kernel of a fresh
copy of that environment, in an empty working folder, with nothing of this repository on
``sys.path``. The install cell must install everything else, and must not change a
preinstalled package beyond what the framework table's Colab requirements name (and what
depends on them: ``numpy<2`` for MXNet also downgrades what needs numpy 2).

PyTorch runs on Python 3.11 with torch 2.13.0: on this machine that CPU wheel exists for
Python 3.11 only (``/opt/wheels``), and a Python 3.12 torch would download a multi-GB
CUDA build. TensorFlow is ``tensorflow-cpu``: the same TensorFlow as Colab's, without the
CUDA libraries. JAX is 0.12 (with numpy 2.2), as new as the Flax that the install cell
installs needs: like Colab, whose JAX suits its Flax.

The environments are built once and cached in
``~/.cache/d2l-book/colab-envs/<name>-py<version>-<hash of what is installed>``; a run
uses a hard-linked copy (pip replaces files, never edits them in place), so an install
never changes the cached environment. The four frameworks run at once. Downloads (the
first time: TensorFlow, JAX, MXNet, Flax) go through pip's cache. Marked ``colab_like``;
``-m "not colab_like"`` leaves it out.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from bookutil import REPO
from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME, FRAMEWORKS
from tabbook.sources.config import load_config
from tabbook.stages import colab
from tabbook.stages.cache import plan

pytestmark = pytest.mark.colab_like
BOOK = Path(os.environ.get("TABBOOK_TEST_BOOK") or REPO)
FORMAT = "1"
"""Bump to rebuild every cached Colab-like environment."""
COMMON = ("matplotlib==3.10.0", "ipykernel==6.29.5")
COLAB_LIKE: dict[str, tuple[str, tuple[str, ...]]] = {
    # framework: (Python, what Colab has preinstalled that matters here)
    "pytorch": ("3.11", ("torch==2.13.0", "numpy==2.0.2", *COMMON)),
    "mxnet": ("3.12", ("numpy==2.0.2", *COMMON)),
    "jax": ("3.12", ("jax==0.12.0.1", "jaxlib==0.12.0.1", "numpy==2.2.6", *COMMON)),
    "tensorflow": ("3.12", ("tensorflow-cpu==2.21.0", "numpy==2.0.2", *COMMON)),
}
CELL_TIMEOUT = 1800
"""Seconds a cell may take: a cold install cell downloads MXNet or Flax."""


def cache_root() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "d2l-book" / "colab-envs"


def _run(cmd: list[str], timeout: int = 3600, **kw) -> str:
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n"
                           f"{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    return res.stdout


def colab_env(name: str) -> Path:
    """The cached Colab-like environment of framework ``name`` (built when missing)."""
    from tabbook.sources.envs import find_python

    python, reqs = COLAB_LIKE[name]
    digest = hashlib.sha256(json.dumps([FORMAT, python, sorted(reqs)]).encode()).hexdigest()[:12]
    env = cache_root() / f"{name}-py{python}-{digest}"
    if (env / ".complete").exists():
        return env
    try:
        base = find_python(python)
    except BookError as exc:
        pytest.skip(str(exc))
    if env.exists():
        shutil.rmtree(env)
    env.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    _run([str(base), "-m", "venv", str(env)])
    _run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", *reqs])
    (env / ".complete").write_text("\n".join(reqs) + "\n")
    print(f"created the {name} environment in {time.perf_counter() - start:.0f} s")
    return env


def fresh_copy(env: Path, dst: Path) -> Path:
    """A copy of ``env`` whose files are hard links (pip replaces files, never edits them)."""
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:  # another file system
            shutil.copy2(src, dst)
    shutil.copytree(env, dst, symlinks=True, copy_function=link)
    return dst


INSTALLED = """\
import importlib.metadata as m, json
print(json.dumps([[d.metadata["Name"], d.version] for d in m.distributions()]))
"""


def installed(env: Path) -> dict[str, str]:
    """Project -> version of what ``env`` has installed (what ``pip list`` reads, without
    starting pip: a second of CPU each time)."""
    out = _run([str(env / "bin" / "python"), "-c", INSTALLED])
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in json.loads(out)}


def _project(req: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].strip()).lower()


DEPENDS = """\
import importlib.metadata as m, json
print(json.dumps({d.metadata["Name"]: d.requires or [] for d in m.distributions()}))
"""


def may_change(env: Path, requirements: tuple[str, ...]) -> set[str]:
    """Projects an install of ``requirements`` may change: themselves and what depends on
    them (``numpy<2`` makes pip downgrade what needs numpy 2, e.g. contourpy)."""
    named = {_project(r) for r in requirements}
    if not named:
        return named
    requires = json.loads(_run([str(env / "bin" / "python"), "-c", DEPENDS]))
    return named | {_project(name) for name, reqs in requires.items()
                    if any(_project(r) in named for r in reqs if "extra ==" not in r)}


@pytest.fixture(scope="session")
def d2l_wheel(tmp_path_factory) -> Path:
    """A wheel of the book's ``d2l`` package, built from a copy of this repository's files."""
    missing = [f"d2l/{fw.module}.py" for fw in FRAMEWORKS
               if not (BOOK / "d2l" / f"{fw.module}.py").exists()]
    if missing:
        pytest.skip(f"the d2l library is not generated yet ({', '.join(missing)} missing): "
                    "run `make lib`")
    if not (BOOK / "pyproject.toml").exists():
        pytest.skip("pyproject.toml (the d2l package) is missing")
    src = tmp_path_factory.mktemp("d2l-src")
    shutil.copy2(BOOK / "pyproject.toml", src)
    shutil.copytree(BOOK / "d2l", src / "d2l", ignore=shutil.ignore_patterns("__pycache__"))
    for extra in BOOK.glob("*"):  # README/LICENSE files pyproject.toml may name
        if extra.is_file() and re.match(r"(README|LICENSE|COPYING|NOTICE)", extra.name, re.I):
            shutil.copy2(extra, src)
    out = tmp_path_factory.mktemp("d2l-wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(src)])
    wheels = sorted(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="session")
def pages():
    found = [p for p in colab.book_pages(BOOK) if p.has_code]
    if not found:
        pytest.skip("the book has no page with code yet")
    return found


def notebooks_for(name: str, pages, wheel: Path) -> dict[str, nbformat.NotebookNode]:
    """The framework's notebooks as `make colab` writes them, installing ``wheel``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TABBOOK_D2L_PACKAGE", str(wheel))
        cfg = load_config(BOOK)
        assert cfg.package_spec == str(wheel)
        runs = {(r.page.docname, r.framework.name): None
                for r in plan(pages, BOOK, [BY_NAME[name]])}
        data = colab.page_notebooks(pages, runs, BOOK, cfg)
    return {rel: nbformat.reads(b.decode(), as_version=4) for rel, b in data.items()}


async def execute(nb: nbformat.NotebookNode, env: Path, workdir: Path, kernels: Path) -> None:
    """Run ``nb`` in a kernel of ``env``'s Python, in ``workdir``, with nothing of the book."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    spec = kernels / "colab-like"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(env / "bin" / "python"), "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}))
    km = AsyncKernelManager(kernel_name="colab-like",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    kernel_env = {k: v for k, v in os.environ.items()
                  if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MPLBACKEND",
                               "JUPYTER_PATH", "TABBOOK_D2L_PACKAGE", "PYTHONDONTWRITEBYTECODE"}}
    kernel_env["PATH"] = f"{env / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    kernel_env["PYTHONNOUSERSITE"] = "1"
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, startup_timeout=300,
                            resources={"metadata": {"path": str(workdir)}})
    try:
        await client.async_execute(env=kernel_env)
    finally:  # nbclient leaves a kernel it was handed running
        if km.has_kernel:
            await km.shutdown_kernel(now=True)


CHECK = """\
import json as _json, d2l as _d2l
print(_json.dumps({"d2l": _d2l.__file__}))
"""


async def run_framework(name: str, notebooks: dict, tmp: Path) -> list[str]:
    """Run ``name``'s notebooks in a fresh copy of its Colab-like environment; return timings.

    The first notebook's install cell installs into the fresh copy; the later notebooks
    run, each in a new kernel, in the same copy: their install cells are the same cell
    (asserted), which pip then finds satisfied. That saves an install per page.
    """
    fw = BY_NAME[name]
    installs = {nb.cells[1].source for nb in notebooks.values()}
    assert len(installs) == 1, f"{name}: the pages' install cells differ: {installs}"
    start = time.perf_counter()
    base = await asyncio.to_thread(colab_env, name)
    before = await asyncio.to_thread(installed, base)
    allowed = await asyncio.to_thread(may_change, base, fw.colab_requirements)
    env = await asyncio.to_thread(fresh_copy, base, tmp / "env")
    timings = [f"{name}: environment ready in {time.perf_counter() - start:.0f} s"]
    for rel, nb in notebooks.items():
        start = time.perf_counter()
        workdir = tmp / "content" / rel  # Colab's working folder: none of the book's files
        workdir.mkdir(parents=True)
        check = nbformat.v4.new_code_cell(CHECK)
        nb.cells.append(check)
        try:
            await execute(nb, env, workdir, tmp / "kernels")
        except Exception as exc:  # CellExecutionError names the cell and has its traceback
            pytest.fail(f"{rel} failed on the Colab-like Python:\n{exc}", pytrace=False)
        # a kernel may send one print() as several stream messages (under load, the
        # line and its newline arrive apart): read the whole stdout of the check cell
        stdout = "".join(o.get("text", "") for o in check.outputs
                         if o.get("output_type") == "stream" and o.get("name") == "stdout")
        seen = json.loads(stdout.strip().splitlines()[-1])
        assert seen["d2l"].startswith(str(env)), f"{rel}: d2l not imported from the wheel: {seen}"
        timings.append(f"{name}: {rel} ran in {time.perf_counter() - start:.0f} s")
    after = await asyncio.to_thread(installed, env)
    changed = {p: (v, after.get(p)) for p, v in before.items()
               if after.get(p) != v and p not in allowed}
    assert not changed, f"{name}: the install cell changed preinstalled packages {changed}"
    await asyncio.to_thread(shutil.rmtree, tmp, True)
    return timings


@pytest.fixture(scope="session")
def results(request, pages, d2l_wheel, tmp_path_factory) -> dict:
    """Every selected framework run at once (one kernel each): framework -> timings or error."""
    selected = [item.callspec.params["name"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_notebooks_run_on_a_colab_like_python"]
    names = [n for n in COLAB_LIKE if n in selected]
    notebooks = {name: notebooks_for(name, pages, d2l_wheel) for name in names}

    async def main():
        return await asyncio.gather(
            *(run_framework(n, notebooks[n], tmp_path_factory.mktemp(f"colab-{n}")) for n in names),
            return_exceptions=True)

    return dict(zip(names, asyncio.run(main())))


@pytest.mark.parametrize("name", list(COLAB_LIKE))
def test_notebooks_run_on_a_colab_like_python(name, results):
    result = results[name]
    if isinstance(result, BaseException):
        raise result
    print("\n".join(result))
