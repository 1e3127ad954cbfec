"""One probe per framework environment: a single Python process imports the framework
and the generated library once, and runs every test's script in it.

Starting a framework's Python and importing it (TensorFlow, JAX, PyTorch, MXNet) takes
seconds; the tests that need a framework environment (the library's imports, the
accuracy cases, training) used to start one process each per framework. Now a test
module registers its script with :func:`section` (at import, so before any test runs)
and reads its outcome from :func:`probe`, which runs once per framework per session:

1. ``import <framework>``, then ``from d2l import <module> as d2l``, recording the
   top-level modules the second import added (:attr:`Probe.added`);
2. every registered section, each in a namespace of its own with its output captured
   (:meth:`Probe.output`; a section that raises is reported with its traceback, and the
   others still run).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bookutil import REPO
from tabbook.core.frameworks import BY_NAME, FRAMEWORKS

TIMEOUT = 900  # seconds for one framework's probe (its sections together)

SECTIONS: dict[str, Callable[[str], str]] = {}
"""Section name -> (framework name -> the section's Python code)."""

DRIVER = r"""
import contextlib, io, json, sys, traceback
spec = json.loads(sys.stdin.read())
report = {}
before = set(sys.modules)
exec("import " + spec["base"], {})
base = set(sys.modules)
exec("from d2l import " + spec["module"] + " as d2l", {})
report["added"] = sorted({m.split('.')[0] for m in set(sys.modules) - base})
report["sections"] = {}
for name, code in spec["sections"].items():
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<" + name + " section>", "exec"), {"__name__": "__main__"})
        error = None
    except BaseException:
        error = traceback.format_exc()
    report["sections"][name] = {"stdout": out.getvalue(), "error": error}
sys.stdout.write("PROBE " + json.dumps(report) + "\n")
"""


class ProbeError(Exception):
    """A framework's probe (or one of its sections) failed; the message says how."""


def section(name: str):
    """Register ``fn(framework name) -> code`` as a section of every framework's probe."""
    def register(fn: Callable[[str], str]) -> Callable[[str], str]:
        SECTIONS[name] = fn
        return fn
    return register


@dataclass
class Probe:
    framework: str
    added: list[str]
    """Top-level modules ``from d2l import <module>`` added after ``import <framework>``."""
    sections: dict[str, dict]
    stderr: str

    def output(self, name: str) -> str:
        """What section ``name`` printed; :class:`ProbeError` if it raised."""
        if name not in self.sections:
            raise ProbeError(f"{self.framework}: the probe ran no section {name!r}")
        result = self.sections[name]
        if result["error"]:
            raise ProbeError(f"{self.framework}: the {name} section failed:\n"
                             f"{result['stdout'][-3000:]}\n{result['error'][-5000:]}\n"
                             f"{self.stderr[-2000:]}")
        return result["stdout"]


def _python(name: str) -> Path:
    from tabbook.sources.envs import env_python

    return Path(env_python(name, REPO))


def run_probe(name: str) -> Probe:
    fw = BY_NAME[name]
    if not (REPO / "d2l" / f"{fw.module}.py").exists():
        raise ProbeError(f"d2l/{fw.module}.py is missing: run `make lib`")
    try:
        python = _python(name)
    except Exception as exc:  # the environment is not built
        raise ProbeError(f"no {name} environment: {exc}") from None
    spec = {"base": fw.import_name, "module": fw.module,
            "sections": {s: code_of(name) for s, code_of in SECTIONS.items()}}
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1",
               TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="",
               MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory(prefix=f"probe-{name}-") as cwd:
        res = subprocess.run([str(python), "-c", DRIVER], input=json.dumps(spec), cwd=cwd,
                             env=env, capture_output=True, text=True, timeout=TIMEOUT)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("PROBE ")]
    if res.returncode != 0 or not lines:
        raise ProbeError(f"{name}: the probe failed (exit {res.returncode}):\n"
                         f"{res.stdout[-3000:]}\n{res.stderr[-5000:]}")
    report = json.loads(lines[-1][len("PROBE "):])
    return Probe(name, report["added"], report["sections"], res.stderr)


@functools.lru_cache(maxsize=1)
def _all() -> dict[str, Probe | ProbeError]:
    names = [fw.name for fw in FRAMEWORKS]

    def one(name):
        try:
            return name, run_probe(name)
        except ProbeError as exc:
            return name, exc

    workers = max(1, min(len(names), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(one, names))


def probe(name: str) -> Probe:
    """Framework ``name``'s probe (all frameworks' run together, once per session)."""
    outcome = _all()[name]
    if isinstance(outcome, ProbeError):
        raise outcome
    return outcome
