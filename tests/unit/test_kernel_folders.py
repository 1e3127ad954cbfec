"""The kernels' folder of a build (tabbook.core.signals): their ipc sockets must fit in a
Unix socket path, however long ``$TMPDIR`` is."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile

from tabbook.core import signals


def _socket_binds(folder: str) -> None:
    """Bind the longest socket a kernel makes under ``folder`` (kernel_folder + ipc name)."""
    os.environ[signals.KERNEL_DIR_ENV] = folder
    try:
        kernel = signals.kernel_folder()
    finally:
        del os.environ[signals.KERNEL_DIR_ENV]
    path = os.path.join(kernel, "k-12345")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(path)


def test_kernels_folder_is_in_tmpdir_when_the_sockets_fit(tmp_path, monkeypatch):
    short = tempfile.mkdtemp(prefix="tb-", dir="/tmp")
    try:
        monkeypatch.setenv("TMPDIR", short)
        monkeypatch.setattr(tempfile, "tempdir", None)
        folder = signals._kernels_root()
        assert os.path.dirname(folder) == short
        _socket_binds(folder)
    finally:
        shutil.rmtree(short)


def test_a_long_tmpdir_moves_the_kernels_folder_to_tmp(tmp_path, monkeypatch):
    long = tmp_path / ("t" * 90)
    long.mkdir()
    monkeypatch.setenv("TMPDIR", str(long))
    monkeypatch.setattr(tempfile, "tempdir", None)
    folder = signals._kernels_root()
    try:
        assert os.path.dirname(folder) == "/tmp", folder
        assert not list(long.iterdir())  # (the first try is removed)
        _socket_binds(folder)
    finally:
        shutil.rmtree(folder)
