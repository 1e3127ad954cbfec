"""Warm kernels for a build: one server per framework that imports the framework once and
forks a fresh kernel per page (:mod:`tabbook.core.warm_kernel`), instead of a new interpreter
that imports it again for every page.

Turned on by ``TABBOOK_WARM_KERNELS=1``. A run's notebook, cache key and outputs are the
same either way (a test executes every page both ways and compares); only the fixed cost
of a run changes. The servers live for one :func:`tabbook.stages.execute.execute_all` call.

Everything a warm kernel is started from belongs to the build that started it: the
servers' sockets and their kernelspecs are in a temporary folder of the build (never in
the build environment's shared kernels folder, which another checkout's build using the
same ``.venv`` would overwrite), and a server refuses a kernel whose library path is not
its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import Framework
from ..core.layout import Layout
from ..core.warm_kernel import PID_FILE
from ..sources.envs import env_python

WARM_ENV = "TABBOOK_WARM_KERNELS"
SCRIPT = Path(__file__).resolve().parent.parent / "core" / "warm_kernel.py"


def enabled() -> bool:
    return os.environ.get(WARM_ENV, "") not in ("", "0")


class WarmServers:
    """Start a server per framework; :meth:`bind` makes a kernel manager start a kernel
    forked by this build's server."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="tbw-")  # short: a Unix socket path is short
        self.kernels = os.path.join(self.folder, "kernels")  # this build's kernelspecs
        self.procs: dict[str, subprocess.Popen] = {}
        self.names: dict[str, str] = {}  # framework name -> its warm kernelspec

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
        write_atomic(Path(self.kernels) / name / "kernel.json", json.dumps(spec, indent=1) + "\n")
        self.names[fw.name] = name
        return name

    def start_all(self, frameworks: list[Framework], root: Path, env_of, log_of) -> None:
        """Start a server for each of ``frameworks`` (``env_of(fw)``: its environment;
        ``log_of(fw)``: the file its stderr goes to); all stopped if one fails."""
        try:
            for fw in frameworks:
                log_file = log_of(fw)
                log_file.parent.mkdir(parents=True, exist_ok=True)
                with open(log_file, "wb") as stderr:
                    self.start(fw, root, env_of(fw), stderr)
        except BaseException:  # (a signal too: no server outlives a failed start)
            self.close()
            raise

    def bind(self, km, fw: Framework) -> None:
        """Make the kernel manager ``km`` start ``fw``'s kernel from this build's server
        (found in this build's kernelspecs only)."""
        from jupyter_client.kernelspec import KernelSpecManager

        km.kernel_name = self.names[fw.name]
        km.kernel_spec_manager = KernelSpecManager(kernel_dirs=[self.kernels],
                                                   ensure_native_kernel=False)

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


def server_log(root: Path, cache_dir: str, fw: Framework) -> Path:
    """Where ``fw``'s warm kernel server writes its stderr (beside the kernels' logs)."""
    return Layout(root, cache_dir).kernel_logs / f"warm.{fw.name}.log"


def kernel_pid(connection_file: str) -> int | None:
    """The pid of the warm kernel started with ``connection_file`` (``None``: not a warm
    kernel, or not started yet): it leads a session of its own, as a fresh kernel does."""
    try:
        with open(os.path.join(os.path.dirname(connection_file), PID_FILE)) as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        return None
