"""What the builds wrote into the site, so that `make publish` copies that and nothing else.

Each edition's Sphinx run touches a marker when it starts (:func:`mark_start`) and, when it
ends, records the files of its HTML folder that it wrote (:func:`record`): those whose
inode change time is not older than the marker's (writing or copying a file sets it, and
nothing can set it back), with the files that earlier runs recorded and that are still
there (an incremental build rewrites only what changed). A file put into the folder any
other way (a note, a page copied in by hand, something left by another tool) is in no
record: :func:`site_files` leaves it out, and `make publish` names it.

A folder that has no record yet (built by a tool that kept none) is taken as it is by the
first run that records it; ``make clean`` starts afresh.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.layout import Layout


def mark_start(root: Path, language: str) -> None:
    """Touch the marker of an edition's run, before it writes anything."""
    marker = Layout(root).site_start(language)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_bytes(b"")


def _files(folder: Path, skip: set[str]) -> dict[str, int]:
    """Relative path -> inode change time (ns) of every file below ``folder``, without the
    top-level entries ``skip`` (the translated editions' folders: their own records)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if here == folder:
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for name in filenames:
            path = here / name
            try:
                found[path.relative_to(folder).as_posix()] = path.lstat().st_ctime_ns
            except OSError:
                continue
    return found


def record(root: Path, language: str, html: Path, skip: set[str] = frozenset()) -> list[str]:
    """Record what this edition's run wrote into ``html`` (see the module's docstring);
    return the files of the folder it did not write, as it leaves them out."""
    layout = Layout(root)
    try:
        since = layout.site_start(language).stat().st_ctime_ns
    except OSError:
        return []  # (a run that did not start as a build: nothing to record)
    note = layout.site_note(language)
    try:
        earlier = set(json.loads(note.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        earlier = None
    files = _files(Path(html), set(skip))
    if earlier is None:  # the first record of this folder: taken as it is
        wrote = set(files)
    else:
        wrote = {p for p, changed in files.items() if changed >= since or p in earlier}
    write_atomic(note, json.dumps(sorted(wrote), indent=0))
    return sorted(set(files) - wrote)


def site_files(root: Path, editions) -> set[str]:
    """The files of the site (paths relative to the English edition's folder) that the
    builds of ``editions`` wrote; a BookError when an edition has no record."""
    layout = Layout(root)
    wrote = set()
    for edition in editions:
        try:
            paths = json.loads(layout.site_note(edition.language).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise BookError("no record of what `make html` wrote into the site (a build by an "
                            "older tool, or one that failed): run `make html`, then publish",
                            path=str(layout.site_note(edition.language))) from None
        prefix = f"{edition.folder}/" if getattr(edition, "folder", "") else ""
        wrote |= {prefix + p for p in paths}
    return wrote
