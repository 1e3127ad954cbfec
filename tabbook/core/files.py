"""Writing generated files: atomically, and not at all when the bytes are the same."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> bool:
    """Replace ``path`` with ``data`` through a temporary file; return whether it changed.

    A reader never sees a half-written file, an interrupted write leaves the old one,
    and an unchanged file keeps its mtime (so make and Sphinx see no change).
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def _temp_for(path: Path) -> str:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return tmp


def remove_stray_temps(folder: Path) -> list[Path]:
    """Delete temporary files an interrupted :func:`write_atomic` left in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stray = [p for p in folder.glob(".*.*.tmp") if p.is_file()]  # .<name>.<random>.tmp
    for p in stray:
        p.unlink(missing_ok=True)
    return stray


def write_atomic_set(files: dict[Path, str | bytes]) -> list[Path]:
    """Write several files as one set: all from this call, or all as they were.

    Every file is first written in full beside its target (a failure there changes
    nothing); only then are they renamed into place, with SIGINT and SIGTERM held back
    for the renames, so an interruption cannot leave some files from this run and some
    from an earlier one. Returns the paths that changed.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            if isinstance(data, str):
                data = data.encode("utf-8")
            if path.is_file() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
            tmp = _temp_for(path)
            staged.append((tmp, path))
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for tmp, path in staged:
                os.replace(tmp, path)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    except BaseException:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    return [path for _, path in staged]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
