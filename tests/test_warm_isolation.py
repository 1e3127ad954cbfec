"""Warm kernels (TABBOOK_WARM_KERNELS=1) belong to the build that started them (issue 28
items 3 and 5): a kernel computes with its own build's library even when another checkout
sharing the ``.venv`` starts its own warm servers; a page cannot tell a warm kernel from a
fresh one by what it prints about its process; what a cell starts dies with its run; and a
build killed by SIGTERM or SIGKILL leaves no server, kernel, process or temporary folder.

Each test executes small PyTorch pages (the fastest framework to import) of a book made
here; the warm servers make their sockets in a ``$TMPDIR`` of the test's own (own_tmp).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from bookutil import (
    alive_with,
    daemons_code,
    execute_pytorch,
    tool_command,
    tool_env,
    warm_servers_left,
)
from bookutil import one_cell_book as _book

pytestmark = pytest.mark.book_build

PROBE = """\
import json, os, sys
conn = sys.argv[-1]
print(json.dumps({
    "argv": [a.replace(conn, "CONN") for a in sys.argv],
    "orig_argv": [a.replace(conn, "CONN") for a in sys.orig_argv],
    "path": sys.path, "cwd": os.getcwd(),
    "environment": sorted(k for k in os.environ if "TABBOOK" in k or k.startswith("JPY")),
    "leads_its_session": os.getsid(0) == os.getpid(),
    "leads_its_group": os.getpgid(0) == os.getpid()}, indent=1))
"""


@pytest.fixture
def in_own_tmp(own_tmp, monkeypatch):
    """This process's temporary folders (warm servers' sockets, kernels' folders) in own_tmp."""
    monkeypatch.setenv("TMPDIR", own_tmp)
    monkeypatch.setattr(tempfile, "tempdir", None)
    return own_tmp


def _execute(root: Path, warm: bool, monkeypatch) -> dict:
    """Execute every page of ``root`` in PyTorch, in this process, as the build does."""
    if warm:
        monkeypatch.setenv("TABBOOK_WARM_KERNELS", "1")
    else:
        monkeypatch.delenv("TABBOOK_WARM_KERNELS", raising=False)
    return execute_pytorch(root)


def _printed(runs: dict, docname: str) -> str:
    nb = runs[(docname, "pytorch")].notebook
    return "".join(o.get("text", "") for o in nb.cells[0].outputs)


def test_a_warm_kernel_computes_with_its_own_builds_library(tmp_path, in_own_tmp, monkeypatch):
    """Item 3: checkout B starts its warm servers (sharing this .venv) after checkout A
    started its own and before A's kernels start; A's page still imports A's library."""
    from tabbook.core.frameworks import BY_NAME
    from tabbook.stages import warm
    from tabbook.stages.execute import kernel_env

    a = _book(tmp_path / "a", {"p": "from d2l import torch as d2l\nprint(d2l.__file__)"})
    b = _book(tmp_path / "b", {})
    other = warm.WarmServers()
    real_start = warm.WarmServers.start

    def start_then_other_build(self, fw, root, env, stderr):
        name = real_start(self, fw, root, env, stderr)
        if self is not other:  # B's build, five seconds later on a real machine
            with open(tmp_path / "b.log", "wb") as log:
                real_start(other, BY_NAME["pytorch"], b, kernel_env(b, fw), log)
        return name

    monkeypatch.setattr(warm.WarmServers, "start", start_then_other_build)
    try:
        runs = _execute(a, warm=True, monkeypatch=monkeypatch)
    finally:
        other.close()
    assert _printed(runs, "p/page") == "<book>/d2l/torch.py\n"  # A's, not B's ({b}/d2l/...)
    assert not warm_servers_left(in_own_tmp, within=5)


def test_a_warm_kernel_looks_like_a_fresh_one(tmp_path, in_own_tmp, monkeypatch):
    """Item 5: sys.path, sys.argv, the environment and the session a page sees are the same
    in a warm kernel as in a fresh one."""
    fresh = _printed(_execute(_book(tmp_path / "fresh", {"p": PROBE}), False, monkeypatch),
                     "p/page")
    warm = _printed(_execute(_book(tmp_path / "warm", {"p": PROBE}), True, monkeypatch),
                    "p/page")
    assert json.loads(fresh)["leads_its_session"] is True
    assert json.loads(warm) == json.loads(fresh)


def test_what_a_warm_kernels_cell_starts_dies_with_its_run(tmp_path, in_own_tmp, monkeypatch):
    """Item 5: a process a cell starts (in the kernel's session, or in one of its own) is
    killed when the run ends, as a fresh kernel's are (tests/test_faults.py)."""
    token = f"{600 + os.getpid() % 1000}.4712"  # a sleep no other process runs
    code = daemons_code(token)
    try:
        runs = _execute(_book(tmp_path / "book", {"p": code}), True, monkeypatch)
        assert _printed(runs, "p/page") == "started\n"
        assert _alive_after(f"sleep {token}", 5) == []
    finally:
        for pid in alive_with(f"sleep {token}"):  # (what a failing run leaves)
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_stopped_warm_build_leaves_nothing(tmp_path, own_tmp, signum):
    """Item 5: `make execute` stopped while a warm kernel runs a cell: SIGTERM stops it
    cleanly (exit 143, no traceback, no "Exception ignored"), and even after SIGKILL (no
    clean-up of its own) the servers notice their build is gone: no server, kernel or
    process of a cell is left, and no tbw-*/tabbook-kernel-* folder."""
    token = f"{600 + os.getpid() % 1000}.4713"
    code = (f"import subprocess, time\nsubprocess.Popen(['sleep', '{token}'])\n"
            "time.sleep(300)")
    root = _book(tmp_path / "book", {"p": code})
    env = tool_env(TMPDIR=own_tmp, TABBOOK_WARM_KERNELS="1")
    build = subprocess.Popen(tool_command(root, "execute", "--framework", "pytorch"), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not alive_with(f"sleep {token}"):
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()
            time.sleep(0.1)
        build.send_signal(signum)
        out, err = build.communicate(timeout=60)
        assert build.returncode == (-signum if signum == signal.SIGKILL else 143), out + err
        assert "Traceback" not in err and "Exception ignored" not in err, err
        assert _alive_after(own_tmp, 10) == [] and _alive_after(f"sleep {token}", 5) == []
        assert not warm_servers_left(own_tmp)
        assert sorted(p.name for p in Path(own_tmp).iterdir()) == []
    finally:
        build.kill()
        for pid in alive_with(own_tmp) + alive_with(f"sleep {token}"):
            os.kill(pid, signal.SIGKILL)


def _alive_after(token: str, seconds: float) -> list[int]:
    """:func:`bookutil.alive_with` once none is left, or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while alive_with(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive_with(token)


def test_a_warm_server_refuses_a_kernel_of_another_build(tmp_path, in_own_tmp):
    """Item 3: a kernel asked of another build's server (whose library path is not the
    kernel's) is refused, and its log says why, instead of computing with that library."""
    from tabbook.core.frameworks import BY_NAME
    from tabbook.sources.envs import env_python
    from tabbook.stages import warm
    from tabbook.stages.execute import kernel_env

    a, b = _book(tmp_path / "a", {}), _book(tmp_path / "b", {})
    pytorch = BY_NAME["pytorch"]
    servers = warm.WarmServers()
    try:
        with open(tmp_path / "b.log", "wb") as log:
            servers.start(pytorch, b, kernel_env(b, pytorch), log)
        sock = os.path.join(servers.folder, "pytorch.sock")
        res = subprocess.run([str(env_python("pytorch", a)), "-S", str(warm.SCRIPT), "connect",
                              sock, str(tmp_path / "kernel.json")], cwd=a,
                             env=kernel_env(a, pytorch), capture_output=True, text=True,
                             timeout=60)
    finally:
        servers.close()
    assert "this warm kernel server imports another build's library" in res.stderr, res
    assert f"{b}" in res.stderr and f"{a}" in res.stderr
