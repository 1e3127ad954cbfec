"""tabbook owns SIGINT and SIGTERM: an interrupted build stops, whole, and says so.

Two sides:

* **The command line** runs Jupyter Book in its own process group (so a terminal's
  Ctrl-C or a ``kill`` reaches tabbook first), forwards the signal to that group, waits
  a grace period, then kills what is left, including kernels (found by the build's
  kernel folder in their command line), removes that folder, and exits 130 (SIGINT)
  or 143 (SIGTERM).
* **Execution** (inside Sphinx) runs its notebooks in an event loop where only tabbook
  handles the two signals: nbclient's own handlers shut one kernel down and let the
  build go on (it then blames the book's code for the dead kernel). tabbook's handler
  cancels every run; cancelling shuts every kernel down; :class:`Interrupted` ends
  the build.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OWNED = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 20
"""How long an interrupted build may take to shut its kernels down before it is killed."""
KERNEL_DIR_ENV = "TABBOOK_KERNEL_DIR"
"""The folder a build's kernels keep their sockets and connection files in."""


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal (a KeyboardInterrupt, so Sphinx stops too)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


# -- execution side ---------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def own_signals_loop() -> type:
    """:class:`OwnSignalsLoop`, made on first use (a no-op build does without asyncio)."""
    import asyncio

    class OwnSignalsLoop(asyncio.SelectorEventLoop):
        """An event loop that ignores other code's SIGINT/SIGTERM handlers (nbclient's)."""

        def __init__(self) -> None:
            super().__init__()
            self._owner_installing = False

        def own_signals(self, callback) -> None:
            """Install ``callback(signum)`` as the only handler of SIGINT and SIGTERM."""
            self._owner_installing = True
            try:
                for sig in OWNED:
                    super().add_signal_handler(sig, callback, sig)
            finally:
                self._owner_installing = False

        def release_signals(self) -> None:
            self._owner_installing = True
            try:
                for sig in OWNED:
                    super().remove_signal_handler(sig)
            finally:
                self._owner_installing = False

        def add_signal_handler(self, sig, callback, *args):
            if sig in OWNED and not self._owner_installing:
                return None
            return super().add_signal_handler(sig, callback, *args)

        def remove_signal_handler(self, sig):
            if sig in OWNED and not self._owner_installing:
                return False
            return super().remove_signal_handler(sig)

    return OwnSignalsLoop


def run_cancellable(make_tasks, on_signal=None) -> list:
    """Run ``make_tasks()`` (a coroutine returning task results) until done or signalled.

    On SIGINT/SIGTERM ``on_signal()`` is called, every task still running is cancelled
    (each cancellation runs the task's cleanup: kernels shut down, socket folders
    removed), then :class:`Interrupted` is raised.
    """
    import asyncio

    received: list[int] = []

    async def main():
        loop = asyncio.get_running_loop()
        current = asyncio.current_task()

        def stop(signum: int) -> None:
            if not received:
                received.append(signum)
                if on_signal is not None:
                    on_signal()
                current.cancel()

        loop.own_signals(stop)
        try:
            return await make_tasks()
        except asyncio.CancelledError:
            if received:
                raise Interrupted(received[0]) from None
            raise
        finally:
            loop.release_signals()

    with asyncio.Runner(loop_factory=own_signals_loop()) as runner:
        return runner.run(main())


def kernel_folder() -> str:
    """A new folder for one kernel's sockets and connection file (which holds its key)."""
    base = os.environ.get(KERNEL_DIR_ENV)
    if base and os.path.isdir(base):
        return tempfile.mkdtemp(prefix="k-", dir=base)
    return tempfile.mkdtemp(prefix="tabbook-kernel-")


# -- command-line side -------------------------------------------------------------

SOCKET_PATH_MAX = 107
"""The longest Unix socket path Linux takes (``sun_path`` is 108 bytes, NUL included)."""
SOCKET_TAIL = len("/k-xxxxxxxx/k-12345")
"""What :func:`kernel_folder` and the kernel's ipc sockets add to the kernels' folder."""


def _kernels_root() -> str:
    """The folder of a build's kernel folders: in ``$TMPDIR`` when the kernels' sockets fit
    under it, else in ``/tmp`` (a long ``$TMPDIR`` would make every kernel fail to start
    with "AF_UNIX path too long")."""
    folder = tempfile.mkdtemp(prefix="tabbook-kernel-")
    if len(folder.encode()) + SOCKET_TAIL > SOCKET_PATH_MAX and os.path.isdir("/tmp"):
        os.rmdir(folder)
        folder = tempfile.mkdtemp(prefix="tabbook-kernel-", dir="/tmp")
    return folder


def _processes_mentioning(text: str) -> list[int]:
    """PIDs of processes whose command line contains ``text`` (Linux /proc)."""
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if text.encode() in cmdline and int(entry.name) != os.getpid():
            pids.append(int(entry.name))
    return pids


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_child(cmd: list[str], env: dict[str, str], grace: float = GRACE_SECONDS) -> int:
    """Run ``cmd`` in its own process group; on SIGINT/SIGTERM stop it and raise Interrupted.

    The child and its kernels get a kernel folder (``$TABBOOK_KERNEL_DIR``), removed
    afterwards; a kernel still running then is killed with its process group.
    """
    kernels = _kernels_root()
    env = dict(env, **{KERNEL_DIR_ENV: kernels})
    received: list[int] = []
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)

    def on_signal(signum, frame):
        if received:  # a second signal: no more waiting
            _kill_group(proc.pid, signal.SIGKILL)
        else:
            received.append(signum)
            print(f"\n[tabbook] {signal.Signals(signum).name}: stopping the build and its "
                  "kernels...", file=sys.stderr, flush=True)
            _kill_group(proc.pid, signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in OWNED}
    try:
        while True:
            try:
                rc = proc.wait(timeout=grace if received else None)
                break
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid, signal.SIGKILL)
    finally:
        _kill_group(proc.pid, signal.SIGKILL)  # anything the child left in its group
        for pid in _processes_mentioning(kernels):
            _kill_kernel(pid)
        deadline = time.monotonic() + 5
        while _processes_mentioning(kernels) and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(kernels, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise Interrupted(received[0])
    return rc


def _kill_kernel(pid: int) -> None:
    """Kill a kernel the child left behind, with what it started (its own session)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
