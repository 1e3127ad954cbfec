"""Warm kernels for a build: one server per framework that imports the framework once and
forks a fresh kernel per page (:mod:`tabbook.core.warm_kernel`), instead of a new interpreter
that imports it again for every page.

Turned on by ``TABBOOK_WARM_KERNELS=1``. A run's notebook, cache key and outputs are the
same either way (a test executes every page both ways and compares); only the fixed cost
of a run changes. The servers live for one :func:`tabbook.stages.execute.execute_all` call.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..sources.envs import env_python, kernel_dir
from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import Framework

WARM_ENV = "TABBOOK_WARM_KERNELS"
SCRIPT = Path(__file__).resolve().parent.parent / "core" / "warm_kernel.py"


def enabled() -> bool:
    return os.environ.get(WARM_ENV, "") not in ("", "0")


class WarmServers:
    """Start a server per framework; ``kernel(fw)`` is the kernelspec name that forks one."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="tbw-")  # short: a Unix socket path is short
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, fw: Framework, root: Path, env: dict, stderr) -> str:
        python = env_python(fw.name, root)
        sock = os.path.join(self.folder, f"{fw.name}.sock")
        proc = subprocess.Popen([str(python), str(SCRIPT), "serve", sock, fw.import_name],
                                env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                cwd=str(root))
        self.procs[fw.name] = proc
        line = proc.stdout.readline().strip()
        if line != "ready":
            self.close()
            raise BookError(f"the warm {fw.label} kernel server did not start (it said "
                            f"{line!r}; its stderr is in {getattr(stderr, 'name', 'the log')})")
        name = f"{fw.kernel}-warm"
        spec = {"argv": [str(python), "-S", str(SCRIPT), "connect", sock, "{connection_file}"],
                "display_name": f"D2L {fw.label} (warm)", "language": "python",
                "interrupt_mode": "signal", "metadata": {"debugger": False}}
        write_atomic(kernel_dir() / name / "kernel.json", json.dumps(spec, indent=1) + "\n")
        return name

    def close(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
