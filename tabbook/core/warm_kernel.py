"""Warm kernels: a per-framework process imports the framework once and forks a fresh
kernel for every page, so a page no longer pays an interpreter start and the framework's
import (the fixed cost of a run).

Runs inside a framework's environment, by path (stdlib only at import time):

* ``serve SOCKET PRELOAD``: import ipykernel and the modules ``PRELOAD`` names (e.g.
  ``torch``), then wait on the Unix socket ``SOCKET``. Each request (the connection file,
  working directory and environment of a kernel) forks a child that becomes that kernel,
  in a session of its own, as a kernel jupyter_client starts is.
  The server never runs a page's code: every child starts from the same state, that of a
  fresh interpreter that has imported those modules, so a page sees nothing of another.
  A server serves the build that started it only: a request from another environment
  (another checkout's ``PYTHONPATH``, hence its library) is refused. When its build is gone
  (killed, even by SIGKILL: the server polls its parent) or it gets SIGTERM, it kills its
  kernels with their sessions and removes its socket's folder and its kernels' folders.
* ``connect SOCKET CONNECTION_FILE``: what the kernelspec starts (the process
  jupyter_client manages): asks the server for a kernel, writes the kernel's pid beside
  the connection file (:data:`PID_FILE`: the build kills the kernel's session when the
  run ends, as it does a fresh kernel's), forwards SIGINT and SIGTERM to it and exits when
  it does. The kernel exits when this process dies (a watcher thread), and this process
  kills the kernel when the build is gone, so nothing is left behind.

What a page can see of a warm kernel is what it sees of a fresh one (``sys.path``,
``sys.argv``, the environment, a session of its own); the differences that remain, none
of which reaches an output of the book, are listed in README.md ("Warm kernels").

:mod:`tabbook.stages.warm` starts the servers and registers their kernelspecs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sys
import threading
import time

PID_FILE = "warm-kernel.pid"
"""The file, beside a kernel's connection file, that holds the warm kernel's pid."""
PARENT_POLL = 0.5
"""Seconds between two checks that the process that started this one is still there."""
OWN_FOLDERS = ("tbw-", "tabbook-kernel-", "k-")
"""Prefixes of the temporary folders the build makes for servers and kernels: the only
folders a server removes when its build is gone."""


def _recv_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _watch_parent(on_gone) -> None:
    """Call ``on_gone()`` (in a thread) once the process that started this one has exited:
    this process is then adopted by another (init, or a subreaper)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        on_gone()

    threading.Thread(target=watch, daemon=True, name="tabbook-parent-watch").start()


def _kill_session(pid: int) -> None:
    """SIGKILL a kernel's session (it leads its own: its pid is the group's too)."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _remove_own_folder(path: str) -> None:
    if os.path.basename(path).startswith(OWN_FOLDERS):
        shutil.rmtree(path, ignore_errors=True)


def _become_kernel(request: dict, server_path: str) -> None:
    """In the forked child: become the kernel the request describes (never returns)."""
    try:
        os.setsid()  # a session of its own: what the page starts is killed with it
        watched = int(request["pid"])
        # the managed process's stdout and stderr are the kernel's (e.g. the kernel log)
        for fd in (1, 2):
            try:
                target = os.open(f"/proc/{watched}/fd/{fd}", os.O_WRONLY | os.O_APPEND)
            except OSError:
                continue
            os.dup2(target, fd)
            os.close(target)
        if request["env"].get("PYTHONPATH") != server_path:
            raise RuntimeError(
                "this warm kernel server imports another build's library (its PYTHONPATH "
                f"is {server_path!r}, the kernel's {request['env'].get('PYTHONPATH')!r})")
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])

        def watch():  # the managed process is gone: so is this kernel
            while True:
                time.sleep(0.5)
                try:
                    os.kill(watched, 0)
                except ProcessLookupError:
                    os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        import importlib.util

        from ipykernel.kernelapp import IPKernelApp

        # what `python -m ipykernel_launcher -f FILE` has: the launcher's path, and its
        # command line (sys.path is the server's: PYTHONPATH, then the environment's)
        launcher = importlib.util.find_spec("ipykernel_launcher").origin
        sys.argv = [launcher, "-f", request["connection_file"]]
        sys.orig_argv = [sys.executable, "-m", "ipykernel_launcher", "-f",
                         request["connection_file"]]
        # parent_handle: the traitlet's default was read from the server's environment;
        # 1 turns off ipykernel's own parent poller (the child's parent is the server, not
        # the JPY_PARENT_PID it would compare with) and its banner on stdout: the watcher
        # above does the poller's job
        app = IPKernelApp.instance(parent_handle=1)
        app.initialize(sys.argv[1:])
        app.start()
    except BaseException as exc:  # noqa: BLE001 - the child must never return into the server
        print(f"warm kernel failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        os._exit(1)
    os._exit(0)


def serve(path: str, preload: str) -> None:
    # started by path: its folder (tabbook/) must not be importable by the pages
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    kernels: set[int] = set()  # the kernels running
    folders: set[str] = set()  # the folders of every kernel's connection file
    lock = threading.Lock()

    def shut_down():
        """Kill every kernel still running, remove the build's folders, exit."""
        with lock:
            for pid in list(kernels):
                _kill_session(pid)
            for folder in folders:  # (a kernel killed by its connect process is gone)
                _remove_own_folder(folder)
            _remove_own_folder(os.path.dirname(os.path.abspath(path)))
            os._exit(0)

    # (in a thread: the main thread may hold the lock when the signal arrives)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=shut_down).start())
    _watch_parent(shut_down)
    # what ipykernel sets before a page can import matplotlib: imported here first,
    # matplotlib must read the same backend (else figures shown by display() differ)
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import ipykernel.ipkernel  # noqa: F401 - the kernel's own imports, done once
    import ipykernel.kernelapp  # noqa: F401
    import IPython  # noqa: F401
    import matplotlib  # noqa: F401

    for name in filter(None, (n.strip() for n in preload.split(","))):
        __import__(name)

    def reap(*_):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            kernels.discard(pid)

    signal.signal(signal.SIGCHLD, reap)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    print("ready", flush=True)
    pythonpath = os.environ.get("PYTHONPATH")
    while True:
        try:
            conn, _ = server.accept()
        except InterruptedError:
            continue
        with conn:
            request = json.loads(_recv_line(conn))
            with lock:  # (no shutting down between the fork and the kernel's record)
                pid = os.fork()
                if pid == 0:
                    server.close()
                    conn.close()
                    for sig in (signal.SIGCHLD, signal.SIGTERM):
                        signal.signal(sig, signal.SIG_DFL)
                    _become_kernel(request, pythonpath)
                kernels.add(pid)
                folders.add(os.path.dirname(request["connection_file"]))
            conn.sendall(f"{pid}\n".encode())


def connect(path: str, connection_file: str) -> int:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    request = {"connection_file": os.path.abspath(connection_file), "cwd": os.getcwd(),
               "env": dict(os.environ), "pid": os.getpid()}
    client.sendall(json.dumps(request).encode() + b"\n")
    kernel = int(_recv_line(client) or b"0")
    client.close()
    if not kernel:
        print("the warm kernel server did not start a kernel", file=sys.stderr)
        return 1
    pid_file = os.path.join(os.path.dirname(os.path.abspath(connection_file)), PID_FILE)
    with open(pid_file + ".tmp", "w") as fh:
        fh.write(f"{kernel}\n")
    os.replace(pid_file + ".tmp", pid_file)

    def forward(signum, _frame):
        try:
            os.kill(kernel, signum)
        except ProcessLookupError:
            pass
        if signum == signal.SIGTERM:
            os._exit(0)

    def build_gone():
        _kill_session(kernel)
        os._exit(1)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    _watch_parent(build_gone)
    while True:
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            return 0
        time.sleep(0.2)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"] and len(sys.argv) == 4:
        serve(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["connect"] and len(sys.argv) == 4:
        sys.exit(connect(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
