"""Warm kernels: a per-framework process imports the framework once and forks a fresh
kernel for every page, so a page no longer pays an interpreter start and the framework's
import (the fixed cost of a run).

Runs inside a framework's environment, by path (stdlib only at import time):

* ``serve SOCKET PRELOAD``: import ipykernel and the modules ``PRELOAD`` names (e.g.
  ``torch``), then wait on the Unix socket ``SOCKET``. Each request (the connection file,
  working directory and environment of a kernel) forks a child that becomes that kernel.
  The server never runs a page's code: every child starts from the same state, that of a
  fresh interpreter that has imported those modules, so a page sees nothing of another.
* ``connect SOCKET CONNECTION_FILE``: what the kernelspec starts (the process
  jupyter_client manages): asks the server for a kernel, forwards SIGINT and SIGTERM to
  it and exits when it does. The kernel exits when this process dies (a watcher thread),
  so killing it (as jupyter_client does) leaves no kernel behind.

:mod:`tabbook.stages.warm` starts the servers and registers their kernelspecs.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time


def _recv_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _become_kernel(request: dict) -> None:
    """In the forked child: become the kernel the request describes (never returns)."""
    try:
        os.chdir(request["cwd"])
        sys.path.insert(0, os.getcwd())  # as `python -m ipykernel_launcher` run there has it
        os.environ.clear()
        os.environ.update(request["env"])
        watched = int(request["pid"])

        def watch():  # the managed process is gone: so is this kernel
            while True:
                time.sleep(0.5)
                try:
                    os.kill(watched, 0)
                except ProcessLookupError:
                    os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        # the managed process's stdout and stderr are the kernel's (e.g. the kernel log)
        for fd in (1, 2):
            try:
                target = os.open(f"/proc/{watched}/fd/{fd}", os.O_WRONLY | os.O_APPEND)
            except OSError:
                continue
            os.dup2(target, fd)
            os.close(target)
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
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

    signal.signal(signal.SIGCHLD, reap)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    print("ready", flush=True)
    while True:
        try:
            conn, _ = server.accept()
        except InterruptedError:
            continue
        with conn:
            request = json.loads(_recv_line(conn))
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _become_kernel(request)
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

    def forward(signum, _frame):
        try:
            os.kill(kernel, signum)
        except ProcessLookupError:
            pass
        if signum == signal.SIGTERM:
            sys.exit(0)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
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
